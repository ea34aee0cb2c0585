"""Bringing an existing club into the product from a spreadsheet (CSV import).

An import runs in three steps, each a function here; the admin views only call them:

1. `csv_decode(content)` checks the uploaded bytes (size, UTF-8 with or without a BOM)
   and `csv_read(text)` parses them (`,`, `;` or tab, sniffed from the header line) into
   raw rows with their line numbers. Both raise `ImportFileError` with a message for
   staff when the file as a whole cannot be used.
2. `import_plan(text)` normalises every row (`row_normalise`, pure), reads what the
   platform knows of the people the file names (`people_for`, one query per 500
   addresses) and decides each row's outcome (`rows_plan`, pure): create, update,
   unchanged or refuse, with reasons staff can read.
3. `import_apply(plan=…, actor=…)` carries a plan out: invitations through
   `services.ambassador_invite`, updates of the non-empty columns of existing profiles.
   Each row runs in its own savepoint, so a bad row never blocks the good ones.

The confirmation step plans again from the same content rather than trusting anything
the browser sends back, so what is applied is what the rules decide at that moment.
Importing the same file twice creates nothing the second time: its rows are unchanged.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.log_actions import log

from . import languages, services
from .models import AmbassadorProfile, MembershipStatus, Sector, TerritoryLink, User

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000

# --- Messages -------------------------------------------------------------------------

ERROR_FILE_TOO_BIG = _("The file is larger than %(max)s MB: split it into smaller files.")
ERROR_FILE_EMPTY = _("The file is empty.")
ERROR_FILE_ENCODING = _(
    "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”; in LibreOffice, "
    "choose the “Unicode (UTF-8)” character set."
)
ERROR_FILE_UNREADABLE = _(
    "The file could not be read as CSV. Save the spreadsheet as CSV (not XLSX) and try again."
)
ERROR_FILE_NO_EMAIL_COLUMN = _(
    "The first line must name the columns, and one of them must be “email”."
)
ERROR_MISSING_EMAIL = _("The email address is missing.")
ERROR_INVALID_EMAIL = _("“%(value)s” is not a valid email address.")
ERROR_UNKNOWN_SECTOR = _("Unknown sector “%(value)s”: use a code such as “industry” or its name.")
ERROR_UNKNOWN_COUNTRY = _(
    "Unknown country “%(value)s”: use an ISO code such as “FR” or the country's name."
)
ERROR_UNKNOWN_LANGUAGE = _(
    "Unknown language code “%(value)s”: use ISO 639-1 codes such as “fr” or “en”."
)
ERROR_UNKNOWN_TERRITORY_LINK = _(
    "Unknown link to the territory “%(value)s”: use “native”, “resident” or “heart”."
)
ERROR_TOO_LONG = _("The column “%(column)s” is longer than %(max)s characters.")
ERROR_DUPLICATE = _("Duplicate of line %(line)s: the address appears twice in the file.")
ERROR_STAFF_ACCOUNT = services.ERROR_STAFF_ACCOUNT
ERROR_TOO_MANY_ROWS = _(
    "Too many rows: a file may hold at most %(max)s people. Import the rest in another file."
)
ERROR_MEMBERSHIP_CLOSED = _(
    "This person's membership is “%(status)s”: invite them one by one if they should come back."
)

# The log action recorded on a profile that an import updated (shown in its history).
LOG_ACTION_IMPORT_UPDATE = "home.import_update"
LOG_ACTIONS = {LOG_ACTION_IMPORT_UPDATE: _("Profile updated from a CSV import")}


# --- Languages ------------------------------------------------------------------------

# --- Columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the import file, as documented on the upload page."""

    key: str
    label: Any
    description: Any
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "email",
        _("Email address"),
        _("Required. The person's address: it becomes their sign-in."),
        "claire.lemaire@exemple.fr",
        required=True,
        aliases=("e-mail", "mail", "courriel", "adresse email", "adresse e-mail"),
    ),
    Column("first_name", _("First name"), "", "Claire", aliases=("prénom",)),
    Column("last_name", _("Last name"), "", "Lemaire", aliases=("nom", "nom de famille")),
    Column(
        "organisation",
        _("Organisation"),
        _("Company, laboratory or association."),
        "Lemaire Robotique",
        aliases=("organization", "entreprise", "société", "structure"),
    ),
    Column("role", _("Role"), _("Their position in it."), "Directrice", aliases=("fonction",)),
    Column(
        "sector",
        _("Sector"),
        _("A code such as “industry” or “digital”, or the sector's name in French or English."),
        "industry",
        aliases=("secteur",),
    ),
    Column("city", _("City"), "", "Le Mans", aliases=("ville",)),
    Column(
        "country",
        _("Country of residence"),
        _("An ISO code such as “FR”, or the country's name in French or English."),
        "FR",
        aliases=("pays",),
    ),
    Column(
        "languages",
        _("Languages spoken"),
        _("ISO 639-1 codes separated by spaces or “|”."),
        "fr en",
        aliases=("langues", "langue", "language"),
    ),
    Column("phone", _("Phone"), "", "+33 2 43 12 34 56", aliases=("téléphone", "tel")),
    Column(
        "territory_link",
        _("Link to the territory"),
        _("“native”, “resident” or “heart”, or the link's name."),
        "resident",
        aliases=("lien", "lien au territoire"),
    ),
)


def column_label(key: str) -> str:
    """A column's name for people (“Country of residence”), in the active language."""
    return next((str(column.label) for column in COLUMNS if column.key == key), key)


USER_FIELDS = ("first_name", "last_name")
PROFILE_FIELDS = (
    "organisation",
    "role",
    "sector",
    "city",
    "country",
    "languages",
    "phone",
    "territory_link",
)

SAMPLE_ROWS = (
    (
        "claire.lemaire@exemple.fr",
        "Claire",
        "Lemaire",
        "Lemaire Robotique",
        "Directrice générale",
        "industry",
        "Le Mans",
        "FR",
        "fr en",
        "+33 2 43 12 34 56",
        "native",
    ),
    (
        "thomas.nguyen@exemple.fr",
        "Thomas",
        "Nguyen",
        "Laboratoire d'acoustique de l'université du Mans",
        "Chercheur",
        "research",
        "Le Mans",
        "France",
        "fr en vi",
        "",
        "resident",
    ),
    (
        "sophie.bauer@exemple.de",
        "Sophie",
        "Bauer",
        "Bauer Logistik GmbH",
        "Responsable export",
        "logistics",
        "Hambourg",
        "Allemagne",
        "de|fr|en",
        "+49 40 1234 5678",
        "heart",
    ),
    (
        "karim.benali@exemple.fr",
        "Karim",
        "Benali",
        "Atelier Benali Architectes",
        "Architecte associé",
        "Bâtiment et immobilier",
        "Paris",
        "FR",
        "fr ar",
        "+33 6 12 34 56 78",
        "native",
    ),
    (
        "lucie.moreau@exemple.ca",
        "Lucie",
        "Moreau",
        "Érable Conseil",
        "Consultante en implantation",
        "finance",
        "Montréal",
        "Canada",
        "fr en",
        "",
        "heart",
    ),
)


def sample_csv() -> bytes:
    """A sample file as Excel in France writes it: `;`-delimited UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.key for column in COLUMNS])
    writer.writerows(SAMPLE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Reading the file -----------------------------------------------------------------


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message is for the person importing."""


@dataclass(frozen=True)
class CsvData:
    """A parsed file: its rows as ``(line number, {column key: text})``, the delimiter
    found, and the header cells that name no known column (ignored)."""

    rows: list[tuple[int, dict[str, str]]]
    delimiter: str
    ignored_columns: list[str]


def csv_decode(content: bytes) -> str:
    """The uploaded bytes as text: at most `MAX_BYTES`, UTF-8 with or without a BOM."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(ERROR_FILE_TOO_BIG % {"max": MAX_BYTES // (1024 * 1024)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(ERROR_FILE_ENCODING) from None
    if not text.strip():
        raise ImportFileError(ERROR_FILE_EMPTY)
    return text


def _key(text: str) -> str:
    """A name reduced for lookups: no accents, no case, words joined by `_`."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]+", "_", plain.casefold()).strip("_")


@functools.cache
def _header_index() -> dict[str, str]:
    index = {}
    for column in COLUMNS:
        for name in (column.key, *column.aliases):
            index[_key(name)] = column.key
    return index


def _sniff_delimiter(header_line: str) -> str:
    """Excel in France writes `;`, elsewhere `,`; a tab-separated export also happens.
    Column names hold none of them, so the header line tells which one is used."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def csv_read(text: str) -> CsvData:
    """Parse the text of a CSV file whose first line names the columns. Blank lines are
    skipped; line numbers are those a spreadsheet shows (the header is line 1)."""
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        columns = [_header_index().get(_key(cell)) for cell in header]
        if "email" not in columns:
            raise ImportFileError(ERROR_FILE_NO_EMAIL_COLUMN)
        ignored = [
            cell.strip()
            for cell, key in zip(header, columns, strict=True)
            if not key and cell.strip()
        ]
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                values = {
                    key: cell.strip()
                    for key, cell in zip(columns, cells, strict=False)
                    if key is not None
                }
                rows.append((line, values))
            line = reader.line_num + 1
    except csv.Error:
        raise ImportFileError(ERROR_FILE_UNREADABLE) from None
    return CsvData(rows=rows, delimiter=delimiter, ignored_columns=ignored)


# --- Normalising a row ----------------------------------------------------------------


@functools.cache
def _choice_index(choices_class: type) -> dict[str, str]:
    """Codes of a `TextChoices` by code and by label in English and French."""
    index = {}
    for code, label in choices_class.choices:
        index[_key(code)] = code
        for language in ("en", "fr"):
            with translation.override(language):
                index[_key(str(label))] = code
    return index


# Names people write that are not the ISO names of their country.
_COUNTRY_ALIASES = {
    "usa": "US",
    "etats_unis": "US",
    "united_states": "US",
    "uk": "GB",
    "angleterre": "GB",
    "england": "GB",
    "grande_bretagne": "GB",
    "russie": "RU",
    "russia": "RU",
    "coree_du_sud": "KR",
    "south_korea": "KR",
}


@functools.cache
def _country_index() -> dict[str, str]:
    index = dict(_COUNTRY_ALIASES)
    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                index[_key(str(name))] = code
    return index


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by code (FR, FRA) or by name in
    French or English (“Allemagne”, “Germany”); "" when unknown."""
    if len(value) in (2, 3) and value.isalpha() and (code := countries.alpha2(value)):
        return code
    return _country_index().get(_key(value), "")


@dataclass(frozen=True)
class ImportRow:
    """One row of the file, normalised: its values ready to store (only the non-empty
    ones), and what is wrong with it."""

    line: int
    email: str
    values: dict[str, Any]
    errors: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return " ".join(filter(None, (self.values.get("first_name"), self.values.get("last_name"))))


def _max_length(name: str) -> int | None:
    model = User if name in (*USER_FIELDS, "email") else AmbassadorProfile
    return model._meta.get_field(name).max_length


def row_normalise(line: int, raw: Mapping[str, str]) -> ImportRow:
    """Check and convert one raw row; never raises. Empty cells are left out of
    `values`: they change nothing."""
    errors: list[str] = []
    email = (raw.get("email") or "").strip().lower()
    if not email:
        errors.append(str(ERROR_MISSING_EMAIL))
    else:
        try:
            validate_email(email)
            if len(email) > _max_length("email"):
                raise ValidationError("too long")
        except ValidationError:
            errors.append(ERROR_INVALID_EMAIL % {"value": raw["email"].strip()})

    values: dict[str, Any] = {}
    for name in USER_FIELDS + PROFILE_FIELDS:
        text = (raw.get(name) or "").strip()
        if not text:
            continue
        if name == "sector":
            value = _choice_index(Sector).get(_key(text))
            if value is None:
                errors.append(ERROR_UNKNOWN_SECTOR % {"value": text})
        elif name == "territory_link":
            value = _choice_index(TerritoryLink).get(_key(text))
            if value is None:
                errors.append(ERROR_UNKNOWN_TERRITORY_LINK % {"value": text})
        elif name == "country":
            value = country_code(text)
            if not value:
                errors.append(ERROR_UNKNOWN_COUNTRY % {"value": text})
        elif name == "languages":
            value = []
            for code in re.split(r"[\s|,;/]+", text.lower()):
                if code not in languages.ALL_LANGUAGE_CODES:
                    errors.append(ERROR_UNKNOWN_LANGUAGE % {"value": code})
                elif code not in value:
                    value.append(code)
        else:
            value = text
            max_length = _max_length(name)
            if max_length and len(text) > max_length:
                errors.append(ERROR_TOO_LONG % {"column": column_label(name), "max": max_length})
        if value:
            values[name] = value
    return ImportRow(line=line, email=email, values=values, errors=tuple(errors))


# --- Planning -------------------------------------------------------------------------


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"


OUTCOME_LABELS = {
    Outcome.CREATE: _("Invitation"),
    Outcome.UPDATE: _("Profile update"),
    Outcome.UNCHANGED: _("Unchanged"),
    Outcome.REFUSE: _("Refused"),
}


@dataclass(frozen=True)
class Person:
    """What the platform knows of an address the file names, as plain values."""

    email: str
    is_staff: bool
    status: str  # "" without an ambassador profile
    current: dict[str, Any]  # first and last name, and the profile's importable fields


def _person(user: User) -> Person:
    current: dict[str, Any] = {name: getattr(user, name) for name in USER_FIELDS}
    profile = getattr(user, "ambassador_profile", None)
    if profile is not None:
        for name in PROFILE_FIELDS:
            value = getattr(profile, name)
            current[name] = value.code if name == "country" else value
    return Person(
        email=user.email.lower(),
        is_staff=bool(user.is_staff or user.is_superuser or user.has_groups),
        status=profile.status if profile is not None else "",
        current=current,
    )


def people_for(emails: Iterable[str], *, batch_size: int = 500) -> dict[str, Person]:
    """The accounts of these addresses, keyed by address: one query per `batch_size`."""
    emails = sorted(set(emails))
    groups = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    people = {}
    for start in range(0, len(emails), batch_size):
        users = (
            User.objects.filter(email__in=emails[start : start + batch_size])
            .select_related("ambassador_profile")
            .annotate(has_groups=Exists(groups))
        )
        for user in users:
            person = _person(user)
            people[person.email] = person
    return people


@dataclass(frozen=True)
class PlannedRow:
    """A row and what importing it does (or did): its outcome, why it is refused, and
    which fields it changes (for updates; every value given, for creations)."""

    line: int
    email: str
    name: str
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def changed_labels(self) -> str:
        """For an update, the columns it changes ("Organisation, City")."""
        if self.outcome != Outcome.UPDATE:
            return ""
        return ", ".join(column_label(name) for name in self.changes)


def _same(name: str, new: Any, current: Any) -> bool:
    if name == "languages":  # "en fr" says nothing new to someone who speaks fr and en
        return set(new) == set(current or [])
    return new == current


def rows_plan(
    rows: Sequence[ImportRow], people: Mapping[str, Person], *, max_rows: int = MAX_ROWS
) -> list[PlannedRow]:
    """Decide each row's outcome. The first row naming an address claims it; rows
    beyond `max_rows` are refused. Existing ambassadors get the file's non-empty values
    that differ from theirs; people who declined or left are never re-invited in bulk."""
    planned = []
    first_line: dict[str, int] = {}
    for index, row in enumerate(rows):
        common = {"line": row.line, "email": row.email, "name": row.name}
        if index >= max_rows:
            reason = ERROR_TOO_MANY_ROWS % {"max": max_rows}
            planned.append(PlannedRow(**common, outcome=Outcome.REFUSE, reasons=(reason,)))
            continue
        reasons = list(row.errors)
        if row.email and not row.errors:
            if row.email in first_line:
                reasons.append(ERROR_DUPLICATE % {"line": first_line[row.email]})
            else:
                first_line[row.email] = row.line
        person = people.get(row.email)
        if not reasons and person is not None:
            if not person.status and person.is_staff:
                reasons.append(str(ERROR_STAFF_ACCOUNT))
            elif person.status in (MembershipStatus.DECLINED, MembershipStatus.LEFT):
                status = MembershipStatus(person.status).label
                reasons.append(ERROR_MEMBERSHIP_CLOSED % {"status": status})
        if reasons:
            planned.append(PlannedRow(**common, outcome=Outcome.REFUSE, reasons=tuple(reasons)))
        elif person is None or not person.status:
            planned.append(PlannedRow(**common, outcome=Outcome.CREATE, changes=row.values))
        else:
            changes = {
                name: value
                for name, value in row.values.items()
                if not _same(name, value, person.current.get(name))
            }
            outcome = Outcome.UPDATE if changes else Outcome.UNCHANGED
            planned.append(PlannedRow(**common, outcome=outcome, changes=changes))
    return planned


@dataclass(frozen=True)
class ImportPlan:
    rows: list[PlannedRow]
    delimiter: str = ","
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.outcome for row in self.rows)
        return {outcome.value: found[outcome] for outcome in Outcome}

    @property
    def has_work(self) -> bool:
        return any(row.outcome in (Outcome.CREATE, Outcome.UPDATE) for row in self.rows)


def import_plan(text: str) -> ImportPlan:
    """Read a file's text and decide what importing it would do, changing nothing.
    Raises `ImportFileError` when the file as a whole is unusable."""
    data = csv_read(text)
    rows = [row_normalise(line, raw) for line, raw in data.rows]
    people = people_for(row.email for row in rows[:MAX_ROWS] if row.email and not row.errors)
    return ImportPlan(
        rows=rows_plan(rows, people),
        delimiter=data.delimiter,
        ignored_columns=data.ignored_columns,
    )


# --- Applying -------------------------------------------------------------------------


def _profile_update(*, email: str, changes: Mapping[str, Any], actor: User | None) -> None:
    profile = (
        AmbassadorProfile.objects.select_for_update()
        .select_related("user")
        .get(user__email__iexact=email)
    )
    user = profile.user
    user_fields = [name for name in changes if name in USER_FIELDS]
    profile_fields = [name for name in changes if name in PROFILE_FIELDS]
    for name, value in changes.items():
        setattr(user if name in USER_FIELDS else profile, name, value)
    if user_fields:
        user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in user_fields])
        user.save(update_fields=user_fields)
    if profile_fields:
        profile.full_clean(exclude=["user"])
        profile.save(update_fields=profile_fields)
    log(
        instance=profile,
        action=LOG_ACTION_IMPORT_UPDATE,
        user=actor,
        data={"fields": sorted(changes)},
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _row_apply(row: PlannedRow, actor: User | None) -> PlannedRow:
    try:
        with transaction.atomic():
            if row.outcome == Outcome.CREATE:
                profile_fields = {k: v for k, v in row.changes.items() if k in PROFILE_FIELDS}
                _profile, sent = services.ambassador_invite(
                    email=row.email,
                    actor=actor,
                    first_name=row.changes.get("first_name", ""),
                    last_name=row.changes.get("last_name", ""),
                    profile_fields=profile_fields,
                )
                if not sent:  # someone invited them between the plan and now
                    return PlannedRow(row.line, row.email, row.name, Outcome.UNCHANGED)
            elif row.outcome == Outcome.UPDATE:
                _profile_update(email=row.email, changes=row.changes, actor=actor)
    except (ValidationError, services.MembershipError, IntegrityError) as error:
        return PlannedRow(
            row.line, row.email, row.name, Outcome.REFUSE, reasons=(_error_text(error),)
        )
    return row


@dataclass(frozen=True)
class ImportResult:
    """What an import did, row by row, and how many rows had each outcome."""

    rows: list[PlannedRow]

    @property
    def counts(self) -> dict[str, int]:
        return ImportPlan(rows=self.rows).counts


def import_apply(*, plan: ImportPlan, actor: User | None) -> ImportResult:
    """Carry out a plan: invite the new people (each gets the invitation email), update
    the existing ambassadors' non-empty columns (recorded in their history), leave
    refused and unchanged rows alone. Each row is its own transaction: one that fails
    now (a concurrent change) is reported as refused and the others go through."""
    return ImportResult(rows=[_row_apply(row, actor) for row in plan.rows])
