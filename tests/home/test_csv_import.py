"""Importing ambassadors from a CSV file: reading and checking rows (pure functions),
then the admin's upload → preview → confirm, the same file twice, and the sample file."""

import csv
import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from home import imports, services
from home.admin_forms import ERROR_PREVIEW_EXPIRED
from home.admin_views import MESSAGE_IMPORT_DONE, import_summary
from home.imports import Outcome, Person
from home.models import AmbassadorProfile, MembershipStatus, User
from tests.factories import AmbassadorProfileFactory, UserFactory

S = MembershipStatus
UPLOAD_URL = "/admin/ambassadeurs/importer/"
CONFIRM_URL = "/admin/ambassadeurs/importer/confirmer/"
SAMPLE_URL = "/admin/ambassadeurs/importer/exemple.csv"


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def fr(text) -> str:
    with translation.override("fr"):
        return str(text)


def fr_column(key) -> str:
    with translation.override("fr"):
        return imports.column_label(key)


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def csv_bytes(rows, *, delimiter=";", bom=True) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(client, content: bytes, name="club.csv"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


def confirm(client, preview):
    """Send the preview's confirmation form as a browser would: its hidden token."""
    html = preview.content.decode()
    assert f'action="{CONFIRM_URL}"' in html
    token = re.search(r'<input type="hidden" name="token" value="([^"]+)"', html).group(1)
    return client.post(CONFIRM_URL, {"token": token})


def outcomes(plan_or_result) -> list[tuple[int, str, str, tuple[str, ...]]]:
    return [(row.line, row.email, row.outcome, row.reasons) for row in plan_or_result.rows]


HEADER = [
    "email",
    "first_name",
    "last_name",
    "organisation",
    "role",
    "sector",
    "city",
    "country",
    "languages",
    "phone",
    "territory_link",
]


# --- Reading the file -----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("bom", [True, False])
def test_csv_read_finds_the_delimiter_and_the_columns(delimiter, bom):
    content = csv_bytes(
        [["Email", "Prénom", "NOM", "Ville"], ["a@exemple.fr", "Anne", "Durand", "Le Mans, 72"]],
        delimiter=delimiter,
        bom=bom,
    )

    data = imports.csv_read(imports.csv_decode(content))

    assert data.delimiter == delimiter
    assert data.rows == [
        (
            2,
            {
                "email": "a@exemple.fr",
                "first_name": "Anne",
                "last_name": "Durand",
                "city": "Le Mans, 72",
            },
        )
    ]
    assert data.ignored_columns == []


def test_csv_read_numbers_lines_as_a_spreadsheet_shows_them_and_skips_blank_ones():
    text = (
        "email;organisation;couleur préférée\r\n"
        "a@exemple.fr;Atelier A;bleu\r\n"
        ";;\r\n"
        "\r\n"
        'b@exemple.fr;"Atelier\nsur deux lignes";vert\r\n'
        "c@exemple.fr\r\n"
    )

    data = imports.csv_read(text)

    assert [(line, row["email"]) for line, row in data.rows] == [
        (2, "a@exemple.fr"),
        (5, "b@exemple.fr"),
        (7, "c@exemple.fr"),
    ]
    assert data.rows[1][1]["organisation"] == "Atelier\nsur deux lignes"
    assert data.ignored_columns == ["couleur préférée"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", imports.ERROR_FILE_EMPTY),
        (b"\xef\xbb\xbf\r\n", imports.ERROR_FILE_EMPTY),
        ("email;ville\nb@exemple.fr;Besançon\n".encode("latin-1"), imports.ERROR_FILE_ENCODING),
        (b"x" * (imports.MAX_BYTES + 1), imports.ERROR_FILE_TOO_BIG % {"max": 2}),
    ],
)
def test_csv_decode_refuses_empty_non_utf8_and_oversized_files(content, error):
    with pytest.raises(imports.ImportFileError) as refused:
        imports.csv_decode(content)

    assert str(refused.value) == str(error)


@pytest.mark.parametrize("header", ["nom;prénom\n", "PK\x03\x04\x14\x00\x06\x00\n"])
def test_csv_read_refuses_a_file_without_an_email_column(header):
    with pytest.raises(imports.ImportFileError, match=str(imports.ERROR_FILE_NO_EMAIL_COLUMN)):
        imports.csv_read(header + "Durand;Anne\n")


# --- Normalising a row ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "given", "stored"),
    [
        ("sector", "industry", "industry"),
        ("sector", " Industrie ", "industry"),  # its French name
        ("sector", "Industry and manufacturing", "industry"),
        ("sector", "batiment et immobilier", "construction"),  # without accents
        ("country", "fr", "FR"),
        ("country", "DEU", "DE"),
        ("country", "Allemagne", "DE"),
        ("country", "germany", "DE"),
        ("country", "Etats-Unis", "US"),
        ("country", "Côte d'Ivoire", "CI"),
        ("languages", "fr en", ["fr", "en"]),
        ("languages", "FR|EN|fr", ["fr", "en"]),
        ("languages", "de, it", ["de", "it"]),
        ("languages", "zh vi", ["zh", "vi"]),
        ("territory_link", "heart", "heart"),
        ("territory_link", "Attaché de cœur", "heart"),
        ("territory_link", "Lives or works here", "resident"),
        ("phone", " +33 2 43 00 00 00 ", "+33 2 43 00 00 00"),
    ],
)
def test_row_normalise_accepts_codes_and_names_in_french_or_english(column, given, stored):
    row = imports.row_normalise(2, {"email": " Anne@Exemple.FR ", column: given})

    assert row.errors == ()
    assert row.email == "anne@exemple.fr"
    assert row.values == {column: stored}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({"email": ""}, imports.ERROR_MISSING_EMAIL),
        ({"email": "anne@"}, imports.ERROR_INVALID_EMAIL % {"value": "anne@"}),
        ({"sector": "aéronautique"}, imports.ERROR_UNKNOWN_SECTOR % {"value": "aéronautique"}),
        ({"country": "Groland"}, imports.ERROR_UNKNOWN_COUNTRY % {"value": "Groland"}),
        ({"languages": "fr xx"}, imports.ERROR_UNKNOWN_LANGUAGE % {"value": "xx"}),
        ({"languages": "français"}, imports.ERROR_UNKNOWN_LANGUAGE % {"value": "français"}),
        (
            {"territory_link": "voisin"},
            imports.ERROR_UNKNOWN_TERRITORY_LINK % {"value": "voisin"},
        ),
        (
            {"phone": "0" * 33},
            imports.ERROR_TOO_LONG % {"column": imports.column_label("phone"), "max": 32},
        ),
    ],
)
def test_row_normalise_explains_what_is_wrong(raw, error):
    row = imports.row_normalise(4, {"email": "anne@exemple.fr", **raw})

    assert row.errors == (str(error),)


# --- Planning -------------------------------------------------------------------------


def person(email, status="", is_staff=False, **current):
    return Person(email=email, is_staff=is_staff, status=status, current=current)


def test_rows_plan_decides_each_rows_outcome():
    # Reasons are written in the language active when a row is read: read in English.
    with translation.override("en"):
        rows = [
            imports.row_normalise(2, {"email": "new@exemple.fr", "city": "Laval"}),
            imports.row_normalise(3, {"email": "same@exemple.fr", "city": "Laval", "role": ""}),
            imports.row_normalise(4, {"email": "moved@exemple.fr", "city": "Laval", "sector": ""}),
            imports.row_normalise(5, {"email": "New@exemple.fr", "city": "Tours"}),
            imports.row_normalise(6, {"email": "chef@exemple.fr"}),
            imports.row_normalise(7, {"email": "parti@exemple.fr"}),
            imports.row_normalise(8, {"email": "non@exemple.fr"}),
            imports.row_normalise(9, {"email": "bad", "city": "Laval"}),
        ]
        people = {
            "same@exemple.fr": person("same@exemple.fr", S.ACTIVE, city="Laval", role="Chef"),
            "moved@exemple.fr": person("moved@exemple.fr", S.SUSPENDED, city="Tours", sector="x"),
            "chef@exemple.fr": person("chef@exemple.fr", is_staff=True),
            "parti@exemple.fr": person("parti@exemple.fr", S.LEFT),
            "non@exemple.fr": person("non@exemple.fr", S.DECLINED),
        }

        plan = imports.rows_plan(rows, people)

        assert outcomes(plan_of(plan)) == [
            (2, "new@exemple.fr", Outcome.CREATE, ()),
            (3, "same@exemple.fr", Outcome.UNCHANGED, ()),
            (4, "moved@exemple.fr", Outcome.UPDATE, ()),
            (5, "new@exemple.fr", Outcome.REFUSE, (imports.ERROR_DUPLICATE % {"line": 2},)),
            (6, "chef@exemple.fr", Outcome.REFUSE, (str(imports.ERROR_STAFF_ACCOUNT),)),
            (
                7,
                "parti@exemple.fr",
                Outcome.REFUSE,
                (imports.ERROR_MEMBERSHIP_CLOSED % {"status": S.LEFT.label},),
            ),
            (
                8,
                "non@exemple.fr",
                Outcome.REFUSE,
                (imports.ERROR_MEMBERSHIP_CLOSED % {"status": S.DECLINED.label},),
            ),
            (9, "bad", Outcome.REFUSE, (imports.ERROR_INVALID_EMAIL % {"value": "bad"},)),
        ]
    assert plan[0].changes == {"city": "Laval"}
    assert plan[2].changes == {"city": "Laval"}  # an empty cell changes nothing


def test_rows_plan_sees_the_same_languages_in_another_order_as_unchanged():
    rows = [imports.row_normalise(2, {"email": "a@exemple.fr", "languages": "en fr"})]
    people = {"a@exemple.fr": person("a@exemple.fr", S.ACTIVE, languages=["fr", "en"])}

    (row,) = imports.rows_plan(rows, people)

    assert (row.outcome, row.changes) == (Outcome.UNCHANGED, {})


def plan_of(rows):
    return imports.ImportPlan(rows=rows)


def test_rows_plan_refuses_rows_beyond_the_limit():
    rows = [imports.row_normalise(n, {"email": f"p{n}@exemple.fr"}) for n in (2, 3, 4)]

    plan = imports.rows_plan(rows, {}, max_rows=2)

    assert [row.outcome for row in plan] == [Outcome.CREATE, Outcome.CREATE, Outcome.REFUSE]
    assert plan[2].reasons == (imports.ERROR_TOO_MANY_ROWS % {"max": 2},)


def test_a_file_of_more_than_2000_people_imports_the_first_2000_only(db):
    rows = [HEADER[:1]] + [[f"p{n}@exemple.fr"] for n in range(imports.MAX_ROWS + 3)]

    plan = imports.import_plan(csv_bytes(rows).decode("utf-8"))

    assert plan.counts == {"create": 2000, "update": 0, "unchanged": 0, "refuse": 3}
    assert plan.rows[-1].reasons == (imports.ERROR_TOO_MANY_ROWS % {"max": 2000},)


# --- Through the admin ----------------------------------------------------------------


@pytest.fixture
def known(db):
    """People the club already knows: an active ambassador, one who left, a staff member."""
    return {
        "active": AmbassadorProfileFactory(
            user__email="marie.leroy@exemple.fr",
            user__first_name="Marie",
            user__last_name="Leroy",
            organisation="Leroy SA",
            city="Le Mans",
            role="Gérante",
            languages=["fr"],
        ),
        "left": AmbassadorProfileFactory(user__email="jean.depart@exemple.fr", status=S.LEFT),
        "staff": UserFactory(email="chargee@agence.fr", is_staff=True),
    }


MIXED_ROWS = [
    HEADER,
    [
        "paul.henry@exemple.fr",
        "Paul",
        "Henry",
        "Henry Agro",
        "PDG",
        "agrifood",
        "Sablé",
        "FR",
        "fr en",
        "",
        "native",
    ],
    ["marie.leroy@exemple.fr", "", "", "Leroy Group", "", "", "", "", "fr en", "", ""],
    [
        "anna.k@exemple.pl",
        "Anna",
        "Kowalska",
        "",
        "",
        "tourisme",
        "Cracovie",
        "Pologne",
        "pl",
        "",
        "",
    ],
    ["PAUL.HENRY@exemple.fr", "Paul", "Henri", "", "", "", "", "", "", "", ""],
    ["chargee@agence.fr", "Chargée", "Agence", "", "", "", "", "", "", "", ""],
    ["jean.depart@exemple.fr", "Jean", "Départ", "", "", "", "", "", "", "", ""],
    ["", "Sans", "Adresse", "", "", "", "", "", "", "", ""],
    [
        "sofia.ricci@exemple.it",
        "Sofia",
        "Ricci",
        "",
        "",
        "culture",
        "Milan",
        "Italie",
        "it fr",
        "",
        "heart",
    ],
]


def test_preview_lists_every_row_with_its_outcome_and_changes_nothing(
    client, staff, known, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert client.get(UPLOAD_URL).status_code == 200
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(MIXED_ROWS))

    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("fr"):
        expected = [
            (2, "paul.henry@exemple.fr", Outcome.CREATE, ()),
            (3, "marie.leroy@exemple.fr", Outcome.UPDATE, ()),
            (
                4,
                "anna.k@exemple.pl",
                Outcome.REFUSE,
                (imports.ERROR_UNKNOWN_SECTOR % {"value": "tourisme"},),
            ),
            (5, "paul.henry@exemple.fr", Outcome.REFUSE, (imports.ERROR_DUPLICATE % {"line": 2},)),
            (6, "chargee@agence.fr", Outcome.REFUSE, (str(imports.ERROR_STAFF_ACCOUNT),)),
            (
                7,
                "jean.depart@exemple.fr",
                Outcome.REFUSE,
                (imports.ERROR_MEMBERSHIP_CLOSED % {"status": S.LEFT.label},),
            ),
            (8, "", Outcome.REFUSE, (str(imports.ERROR_MISSING_EMAIL),)),
            (9, "sofia.ricci@exemple.it", Outcome.CREATE, ()),
        ]
    assert outcomes(response.context["plan"]) == expected
    for _line, _email, _outcome, reasons in expected:
        for reason in reasons:
            assert escape(reason) in html
    assert response.context["summary"] == fr_summary(
        {"create": 2, "update": 1, "unchanged": 0, "refuse": 5}, done=False
    )
    with translation.override("fr"):
        changes = response.context["plan"].rows[1].changed_labels
    assert changes == fr_column("organisation") + ", " + fr_column("languages")
    assert escape(changes) in html
    assert User.objects.count() == users_before
    assert mail.outbox == []


def fr_summary(counts, *, done):
    with translation.override("fr"):
        return import_summary(counts, done=done)


def test_confirming_invites_the_new_updates_the_known_and_leaves_the_refused(
    client, staff, known, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    preview = upload(client, csv_bytes(MIXED_ROWS))

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)

    assert response.status_code == 200
    summary = fr_summary({"create": 2, "update": 1, "unchanged": 0, "refuse": 5}, done=True)
    with translation.override("fr"):
        assert messages_of(response) == [MESSAGE_IMPORT_DONE % {"summary": summary}]
    # New people: invited, with what the file said, and emailed a link.
    paul = AmbassadorProfile.objects.select_related("user").get(user__email="paul.henry@exemple.fr")
    assert (paul.status, paul.user.first_name, paul.user.last_name) == (S.INVITED, "Paul", "Henry")
    assert (paul.organisation, paul.role, paul.sector, paul.city) == (
        "Henry Agro",
        "PDG",
        "agrifood",
        "Sablé",
    )
    assert (paul.country.code, paul.languages, paul.territory_link) == (
        "FR",
        ["fr", "en"],
        "native",
    )
    sofia = AmbassadorProfile.objects.get(user__email="sofia.ricci@exemple.it")
    assert (sofia.country.code, sofia.languages, sofia.sector) == ("IT", ["it", "fr"], "culture")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "paul.henry@exemple.fr",
        "sofia.ricci@exemple.it",
    ]
    assert all("http://testserver/bienvenue/" in message.body for message in mail.outbox)
    invite = ModelLogEntry.objects.for_instance(paul).get()
    assert (invite.action, invite.user) == ("home.invite", staff)
    # The known ambassador: only the non-empty cells changed, and the change is recorded.
    marie = AmbassadorProfile.objects.select_related("user").get(pk=known["active"].pk)
    assert (marie.organisation, marie.languages) == ("Leroy Group", ["fr", "en"])
    assert (marie.city, marie.role, marie.user.first_name) == ("Le Mans", "Gérante", "Marie")
    assert marie.status == S.ACTIVE
    update = ModelLogEntry.objects.for_instance(marie).get()
    assert (update.action, update.user, update.data) == (
        imports.LOG_ACTION_IMPORT_UPDATE,
        staff,
        {"fields": ["languages", "organisation"]},
    )
    fiche = client.get(reverse("ambassadors:inspect", args=[marie.pk])).content.decode()
    assert escape(fr(imports.LOG_ACTIONS[imports.LOG_ACTION_IMPORT_UPDATE])) in fiche
    assert fr_column("languages") + ", " + fr_column("organisation") in fiche
    # Refused rows: untouched.
    assert not User.objects.filter(email="anna.k@exemple.pl").exists()
    assert not AmbassadorProfile.objects.filter(user=known["staff"]).exists()
    known["left"].refresh_from_db()
    assert known["left"].status == S.LEFT
    assert User.objects.get(email="paul.henry@exemple.fr").last_name == "Henry"  # not line 5
    # The result page lists what was done.
    assert [row.outcome for row in response.context["result"].rows].count(Outcome.CREATE) == 2


def test_importing_the_same_file_twice_creates_and_sends_nothing_the_second_time(
    client, staff, known, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    content = csv_bytes(MIXED_ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, upload(client, content))
    mail.outbox.clear()
    profiles, logs = AmbassadorProfile.objects.count(), ModelLogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        preview = upload(client, content)
        response = client.post(
            CONFIRM_URL, {"token": preview.context["confirm_form"].initial["token"]}
        )

    assert [row.outcome for row in preview.context["plan"].rows] == [
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
        *[Outcome.REFUSE] * 5,
        Outcome.UNCHANGED,
    ]
    assert f'action="{CONFIRM_URL}"' not in preview.content.decode()  # nothing to confirm
    assert response.context["result"].counts == {
        "create": 0,
        "update": 0,
        "unchanged": 3,
        "refuse": 5,
    }
    assert (AmbassadorProfile.objects.count(), ModelLogEntry.objects.count()) == (profiles, logs)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(";", True), (";", False), (",", True), (",", False)]
)
def test_semicolon_and_comma_files_with_or_without_bom_import_alike(
    client, staff, django_capture_on_commit_callbacks, delimiter, bom
):
    rows = [
        ["email", "first_name", "last_name", "city", "languages"],
        ["lea.faure@exemple.fr", "Léa", "Faure", "Saint-Étienne, Loire", "fr en"],
    ]
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, upload(client, csv_bytes(rows, delimiter=delimiter, bom=bom)))

    profile = AmbassadorProfile.objects.select_related("user").get()
    assert profile.user.email == "lea.faure@exemple.fr"  # no BOM glued to the first column
    assert (profile.user.first_name, profile.city, profile.languages) == (
        "Léa",
        "Saint-Étienne, Loire",
        ["fr", "en"],
    )
    assert [message.to for message in mail.outbox] == [["lea.faure@exemple.fr"]]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("email;ville\nb@exemple.fr;Besançon\n".encode("cp1252"), imports.ERROR_FILE_ENCODING),
        (b"nom;prenom\nDurand;Anne\n", imports.ERROR_FILE_NO_EMAIL_COLUMN),
        (b"email\n" + b"a" * imports.MAX_BYTES, imports.ERROR_FILE_TOO_BIG % {"max": 2}),
    ],
)
def test_an_unusable_file_is_refused_on_the_upload_form_with_the_reason(
    client, staff, content, error
):
    client.force_login(staff)

    response = upload(client, content)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [fr(error)]}
    assert "plan" not in response.context


def test_a_tampered_or_foreign_preview_is_refused_and_nothing_is_imported(
    client, staff, manager, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    preview = upload(client, csv_bytes([["email"], ["x@exemple.fr"]]))
    token = preview.context["confirm_form"].initial["token"]

    tampered = client.post(CONFIRM_URL, {"token": token[:-2] + "xx"})
    assert tampered["Location"] == UPLOAD_URL
    assert messages_of(tampered) == [fr(ERROR_PREVIEW_EXPIRED)]
    client.get(UPLOAD_URL)  # where the message is shown

    client.force_login(manager)
    foreign = client.post(CONFIRM_URL, {"token": token})
    assert foreign["Location"] == UPLOAD_URL
    assert messages_of(foreign) == [fr(ERROR_PREVIEW_EXPIRED)]

    assert not User.objects.filter(email="x@exemple.fr").exists()
    assert mail.outbox == []


def test_confirming_plans_again_so_what_changed_since_the_preview_counts(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    preview = upload(client, csv_bytes([["email", "city"], ["x@exemple.fr", "Laval"]]))
    with django_capture_on_commit_callbacks(execute=True):
        services.ambassador_invite(
            email="x@exemple.fr", actor=staff, profile_fields={"city": "Laval"}
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)

    assert outcomes(response.context["result"]) == [(2, "x@exemple.fr", Outcome.UNCHANGED, ())]
    assert mail.outbox == []


def test_a_row_that_fails_when_applied_does_not_block_the_others(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    real_invite = services.ambassador_invite

    def invite(**kwargs):
        if kwargs["email"] == "b@exemple.fr":
            raise services.MembershipError("Refusé au dernier moment.")
        return real_invite(**kwargs)

    monkeypatch.setattr(services, "ambassador_invite", invite)
    client.force_login(staff)
    preview = upload(
        client, csv_bytes([["email"], ["a@exemple.fr"], ["b@exemple.fr"], ["c@exemple.fr"]])
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)

    assert outcomes(response.context["result"]) == [
        (2, "a@exemple.fr", Outcome.CREATE, ()),
        (3, "b@exemple.fr", Outcome.REFUSE, ("Refusé au dernier moment.",)),
        (4, "c@exemple.fr", Outcome.CREATE, ()),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["a@exemple.fr", "c@exemple.fr"]


# Session (1), user (1), permissions (2), admin profile (1), the people the file names
# (1 query per 500 addresses), the admin's furniture (5) and the session saved (3).
PREVIEW_QUERIES = 14


@pytest.mark.parametrize("people", [3, 300])
def test_preview_query_count_does_not_grow_with_the_rows(
    client, staff, django_assert_num_queries, people
):
    AmbassadorProfileFactory(user__email="p1@exemple.fr")
    rows = [["email", "city"], *([f"p{n}@exemple.fr", "Laval"] for n in range(people))]
    client.force_login(staff)
    client.get(UPLOAD_URL)  # warm the per-process caches

    with django_assert_num_queries(PREVIEW_QUERIES):
        response = upload(client, csv_bytes(rows))

    assert response.context["plan"].counts["create"] == people - 1


# --- The sample file and the "Done when" scenario --------------------------------------


def test_upload_page_documents_every_column_and_links_the_sample(client, staff):
    client.force_login(staff)

    html = client.get(UPLOAD_URL).content.decode()

    for column in imports.COLUMNS:
        assert f"<code>{column.key}</code>" in html
        assert fr(column.label) in html
    assert f'href="{SAMPLE_URL}"' in html


def test_sample_file_is_a_french_excel_csv_that_imports_cleanly(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    sample = client.get(SAMPLE_URL)

    assert sample.status_code == 200
    assert sample["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ambassadeurs-exemple.csv"' in sample["Content-Disposition"]
    content = sample.content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(HEADER)
    assert len(lines) == 6

    preview = upload(client, content, name="ambassadeurs-exemple.csv")
    assert preview.context["plan"].counts == {"create": 5, "update": 0, "unchanged": 0, "refuse": 0}
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview)

    assert AmbassadorProfile.objects.filter(status=S.INVITED).count() == 5
    assert len(mail.outbox) == 5
    sophie = AmbassadorProfile.objects.get(user__email="sophie.bauer@exemple.de")
    assert (sophie.country.code, sophie.languages, sophie.territory_link) == (
        "DE",
        ["de", "fr", "en"],
        "heart",
    )
    karim = AmbassadorProfile.objects.get(user__email="karim.benali@exemple.fr")
    assert karim.sector == "construction"


def test_done_when_equipe_imports_five_people_with_one_bad_row(
    client, staff, django_capture_on_commit_callbacks
):
    """As equipe@…, import a CSV of five people with one bad row: four receive an
    invitation; one sets a password and signs in; the bad row's reason is clear."""
    rows = [
        ["email", "prénom", "nom", "organisation", "secteur", "ville", "pays", "langues"],
        [
            "claire.lemaire@exemple.fr",
            "Claire",
            "Lemaire",
            "Lemaire Robotique",
            "industry",
            "Le Mans",
            "FR",
            "fr en",
        ],
        [
            "thomas.nguyen@exemple.fr",
            "Thomas",
            "Nguyen",
            "Université du Mans",
            "research",
            "Le Mans",
            "France",
            "fr vi",
        ],
        [
            "sophie.bauer.exemple.de",
            "Sophie",
            "Bauer",
            "Bauer Logistik",
            "logistics",
            "Hambourg",
            "Allemagne",
            "de",
        ],
        [
            "karim.benali@exemple.fr",
            "Karim",
            "Benali",
            "Studio Benali",
            "Bâtiment et immobilier",
            "Paris",
            "FR",
            "fr ar",
        ],
        [
            "lucie.moreau@exemple.ca",
            "Lucie",
            "Moreau",
            "Érable Conseil",
            "finance",
            "Montréal",
            "Canada",
            "fr en",
        ],
    ]
    client.force_login(staff)
    page = client.get("/admin/ambassadeurs/").content.decode()
    assert f'href="{UPLOAD_URL}"' in page

    preview = upload(client, csv_bytes(rows))

    reason = fr(imports.ERROR_INVALID_EMAIL % {"value": "sophie.bauer.exemple.de"})
    html = preview.content.decode()
    assert escape(reason) in html
    assert re.search(r"<td>4</td>\s*<td>sophie\.bauer\.exemple\.de</td>", html)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview)

    invited = {message.to[0]: message for message in mail.outbox}
    assert sorted(invited) == [
        "claire.lemaire@exemple.fr",
        "karim.benali@exemple.fr",
        "lucie.moreau@exemple.ca",
        "thomas.nguyen@exemple.fr",
    ]
    link = re.search(
        r"http://testserver(/bienvenue/\S+/)", invited["claire.lemaire@exemple.fr"].body
    )
    client.logout()
    response = client.post(
        link.group(1),
        {"new_password1": "robots-du-mans-2027", "new_password2": "robots-du-mans-2027"},
    )
    claire = User.objects.get(email="claire.lemaire@exemple.fr")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(claire.pk)
    assert claire.ambassador_profile.status == S.ACTIVE
    client.logout()
    signed_in = client.post(
        "/connexion/", {"username": claire.email, "password": "robots-du-mans-2027"}
    )
    assert signed_in["Location"] == "/mon-espace/"
    assert client.session[SESSION_KEY] == str(claire.pk)
