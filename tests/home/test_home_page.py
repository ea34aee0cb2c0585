"""The HomePage page type: tree rules, creation through the admin, rendering, editing,
previewing; and the demo that builds it."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.demo import DEMO_PASSWORD
from home.models import AmbassadorProfile, HomePage, MembershipStatus, User
from home.services import site_tree_ensure

BODY = [
    {
        "type": "hero",
        "value": {
            "title": "Portez la Sarthe",
            "text": "Formez-vous et partez en mission.",
            "image": None,
            "action": {
                "label": "Voir les parcours",
                "page": None,
                "url": "https://sarthe.example/parcours/",
            },
        },
    },
    {"type": "text", "value": "<p>Un réseau de passionnés.</p>"},
    {
        "type": "key_figures",
        "value": {
            "title": "En chiffres",
            "figures": [
                {"value": "566 000", "label": "habitants", "source": "INSEE", "date": "2024-01-01"}
            ],
        },
    },
    {
        "type": "call_to_action",
        "value": {
            "title": "Rejoignez-nous",
            "text": "",
            "action": {
                "label": "Mon espace",
                "page": None,
                "url": "https://sarthe.example/mon-espace/",
            },
        },
    },
]


class HomePageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = site_tree_ensure(title="Les Ambassadeurs")
        cls.home.body = BODY
        cls.home.save_revision().publish()
        cls.admin = User.objects.create_superuser("admin@exemple.fr", "secret")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_only_one_home_page(self):
        root = Page.objects.get(depth=1)
        self.assertFalse(HomePage.can_create_at(root))  # max_count = 1, and one exists

    def test_renders_every_block_with_one_h1(self):
        self.assertPageIsRenderable(self.home)
        html = self.client.get("/").content.decode()
        self.assertEqual(html.count("<h1"), 1)
        self.assertIn('<h1 class="hero__title">Portez la Sarthe</h1>', html)
        self.assertIn('href="https://sarthe.example/parcours/"', html)
        self.assertIn("Un réseau de passionnés.", html)
        self.assertIn('<p class="key-figure__value">566 000</p>', html)
        self.assertIn("INSEE", html)
        self.assertIn("Rejoignez-nous", html)

    def test_title_is_the_h1_without_a_hero(self):
        self.home.body = BODY[1:]
        self.home.save_revision().publish()
        html = self.client.get("/").content.decode()
        self.assertEqual(html.count("<h1"), 1)
        self.assertIn("<h1>Les Ambassadeurs</h1>", html)

    def test_is_editable_and_previewable(self):
        data = nested_form_data(
            {
                "title": "Les Ambassadeurs",
                "slug": self.home.slug,
                "body": streamfield([("text", rich_text("<p>Modifié.</p>"))]),
            }
        )
        self.assertPageIsEditable(self.home, post_data=data)
        self.assertPageIsPreviewable(self.home, post_data=data)

    def test_blocks_show_their_preview_in_the_block_picker(self):
        for name in ["hero", "text", "call_to_action", "key_figures"]:
            block = HomePage.body.field.stream_block.child_blocks[name]
            self.assertTrue(block.meta.description, name)
            self.assertTrue(block.meta.preview_value, name)
            self.assertTrue(block.meta.template, name)


class HomePageCreationTests(WagtailPageTestCase):
    """With no home page yet, staff create one in the admin with real block names."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("admin@exemple.fr", "secret")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_created_through_the_admin_with_its_blocks(self):
        HomePage.objects.all().delete()
        root = Page.objects.get(depth=1)
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanCreate(
            root,
            HomePage,
            nested_form_data(
                {
                    "title": "Accueil du club",
                    "slug": "accueil-du-club",
                    "body": streamfield(
                        [
                            ("text", rich_text("<p>Bienvenue au club.</p>")),
                            (
                                "call_to_action",
                                {
                                    "title": "Rejoignez-nous",
                                    "text": "",
                                    "action": {
                                        "label": "Nous écrire",
                                        "url": "https://sarthe.example/",
                                    },
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
        page = HomePage.objects.get(slug="accueil-du-club")
        self.assertEqual([block.block_type for block in page.body], ["text", "call_to_action"])
        self.assertIn("Bienvenue au club.", str(page.body[0].value))
        self.assertEqual(page.body[1].value["action"]["label"], "Nous écrire")

    def test_a_link_needs_a_page_or_an_address(self):
        HomePage.objects.all().delete()
        root = Page.objects.get(depth=1)
        data = nested_form_data(
            {
                "title": "Accueil",
                "slug": "accueil",
                "body": streamfield(
                    [
                        (
                            "call_to_action",
                            {"title": "Sans lien", "text": "", "action": {"label": "Où ?"}},
                        )
                    ]
                ),
                "action-publish": "publish",
            }
        )
        response = self.client.post(f"/admin/pages/add/home/homepage/{root.pk}/", data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(HomePage.objects.exists())


# --- seed_demo ----------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(email__endswith="@ambassadeurs.example").exists()


@pytest.mark.django_db
def test_seed_demo_builds_the_french_demo_and_is_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", "--scale", "5", stdout=StringIO())
    counts = (User.objects.count(), AmbassadorProfile.objects.count(), HomePage.objects.count())
    call_command("seed_demo", "--scale", "5", stdout=StringIO())

    assert (
        User.objects.count(),
        AmbassadorProfile.objects.count(),
        HomePage.objects.count(),
    ) == counts
    # 3 staff + 3 active ambassadors + a request, an invitation, a suspension + 5 generated
    # + the six ambassadors of the missions' salon team (briefings/demo.py)
    assert counts == (20, 17, 1)
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert [block.block_type for block in home.body][0] == "hero"
    assert "Les Ambassadeurs de la Sarthe" in client.get("/").content.decode()

    admin = User.objects.get(email="admin@ambassadeurs.example")
    assert admin.is_superuser
    assert (
        User.objects.get(email="responsable@ambassadeurs.example").groups.get().name
        == "Responsables"
    )
    assert User.objects.get(email="equipe@ambassadeurs.example").groups.get().name == "Équipe"
    for email in ["nouvelle", "camille", "certifie"]:
        profile = AmbassadorProfile.objects.get(user__email=f"{email}@ambassadeurs.example")
        assert profile.status == MembershipStatus.ACTIVE
        assert check_password(DEMO_PASSWORD, profile.user.password)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "landing"),
    [
        ("admin@ambassadeurs.example", "/admin/"),
        ("responsable@ambassadeurs.example", "/admin/"),
        ("equipe@ambassadeurs.example", "/admin/"),
        ("nouvelle@ambassadeurs.example", "/mon-espace/"),
        ("camille@ambassadeurs.example", "/mon-espace/"),
        ("certifie@ambassadeurs.example", "/mon-espace/"),
    ],
)
def test_each_demo_account_signs_in_and_lands_where_it_should(settings, client, email, landing):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    response = client.post("/connexion/", {"username": email, "password": DEMO_PASSWORD})

    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


@pytest.mark.django_db
def test_seed_demo_force_runs_with_debug_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="camille@ambassadeurs.example").exists()
