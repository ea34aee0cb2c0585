"""The demo territory: "Les Ambassadeurs de la Sarthe", its accounts and, with
`--scale N`, N generated ambassadors. Called by `manage.py seed_demo`; every step is
idempotent. Other apps add theirs through `home.hooks.DEMO_DATA`."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from . import hooks, services
from .groups import EQUIPE, RESPONSABLES
from .models import AmbassadorProfile, MembershipStatus, Sector, SiteSettings, TerritoryLink, User

DEMO_PASSWORD = "ambassadeurs-demo"
DEMO_DOMAIN = "ambassadeurs.example"
GENERATED_PREFIX = "ambassadeur-"

STAFF_ACCOUNTS = [
    # (email, first name, last name, group or None for the superuser)
    ("admin@ambassadeurs.example", "Alice", "Administratrice", None),
    ("responsable@ambassadeurs.example", "Hélène", "Responsable", RESPONSABLES),
    ("equipe@ambassadeurs.example", "Thomas", "Équipe", EQUIPE),
]
AMBASSADOR_ACCOUNTS = [
    # (email, first name, last name, profile fields)
    (
        "nouvelle@ambassadeurs.example",
        "Nina",
        "Nouvelle",
        {"city": "Le Mans", "country": "FR", "sector": Sector.DIGITAL},
    ),
    (
        "camille@ambassadeurs.example",
        "Camille",
        "Durand",
        {
            "territory_link": TerritoryLink.NATIVE,
            "organisation": "Durand Mécanique",
            "role": "Directrice générale",
            "sector": Sector.INDUSTRY,
            "city": "Le Mans",
            "country": "FR",
            "languages": ["fr", "en"],
            "phone": "+33 2 43 00 00 00",
        },
    ),
    (
        "certifie@ambassadeurs.example",
        "Karim",
        "Benali",
        {
            "territory_link": TerritoryLink.HEART,
            "organisation": "Benali Conseil GmbH",
            "role": "Associé",
            "sector": Sector.AUTOMOTIVE,
            "city": "Stuttgart",
            "country": "DE",
            "languages": ["fr", "de", "en"],
            "phone": "+49 711 000000",
            "consent_contact": True,
        },
    ),
]

HOME_BODY = [
    {
        "type": "hero",
        "value": {
            "title": "Les Ambassadeurs de la Sarthe",
            "text": (
                "Entrepreneurs, chercheurs, artistes : vous portez la Sarthe partout où vous "
                "allez. Formez-vous, partez en mission et signalez les projets que vous "
                "détectez."
            ),
            "image": None,
            "action": {"label": "Découvrir les parcours", "page": None, "url": "/parcours/"},
        },
    },
    {
        "type": "text",
        "value": (
            "<h2>Pourquoi devenir ambassadeur ?</h2>"
            "<p>Une entreprise qui s'implante, un laboratoire qui cherche un site, un congrès "
            "qui hésite entre deux villes : souvent, c'est un ambassadeur qui l'apprend le "
            "premier. Le réseau vous forme à repérer ces signaux, à présenter le territoire "
            "et à transmettre les projets à l'agence, qui les accompagne.</p>"
        ),
    },
    {
        "type": "key_figures",
        "value": {
            "title": "La Sarthe en chiffres",
            "figures": [
                {"value": "566 000", "label": "habitants", "source": "INSEE", "date": "2024-01-01"},
                {"value": "54 min", "label": "de Paris en TGV", "source": "SNCF", "date": None},
                {
                    "value": "1 800",
                    "label": "entreprises industrielles",
                    "source": "CCI Le Mans Sarthe",
                    "date": "2024-01-01",
                },
            ],
        },
    },
    {
        "type": "call_to_action",
        "value": {
            "title": "Vous êtes déjà ambassadeur ?",
            "text": "Retrouvez vos parcours, vos badges et vos missions dans votre espace.",
            "action": {"label": "Accéder à mon espace", "page": None, "url": "/mon-espace/"},
        },
    },
]

FIRST_NAMES = [
    "Camille",
    "Louise",
    "Jade",
    "Emma",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Sarah",
    "Julie",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Paul",
    "Nathan",
    "Adam",
    "Léo",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
]
CITIES = [
    ("Le Mans", "FR"),
    ("La Flèche", "FR"),
    ("Sablé-sur-Sarthe", "FR"),
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Nantes", "FR"),
    ("Montréal", "CA"),
    ("Stuttgart", "DE"),
    ("Londres", "GB"),
    ("Barcelone", "ES"),
    ("Milan", "IT"),
    ("Bruxelles", "BE"),
]
LANGUAGE_SETS = [["fr"], ["fr", "en"], ["fr", "en", "de"], ["fr", "es"], ["fr", "en", "it"]]


def _set_site_identity() -> None:
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "club_name": "Les Ambassadeurs de la Sarthe",
            "territory_name": "la Sarthe",
            "organisation_name": "Sarthe Développement",
            "contact_email": "ambassadeurs@sarthe-developpement.example",
            "certificate_signatory_name": "Claire Lemoine",
            "certificate_signatory_title": "Directrice de Sarthe Développement",
        },
    )


def _home_page() -> None:
    home = services.site_tree_ensure(title="Les Ambassadeurs de la Sarthe")
    if not home.body:
        home.body = HOME_BODY
        home.seo_title = "Les Ambassadeurs de la Sarthe"
        home.save_revision().publish()


def _account(
    email: str, first_name: str, last_name: str, password_hash: str, **flags
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "password": password_hash,
            **flags,
        },
    )
    return user, created


def _named_accounts(password_hash: str) -> dict[str, User]:
    named = {}
    for email, first, last, group_name in STAFF_ACCOUNTS:
        flags = {"is_staff": True, "is_superuser": group_name is None}
        user, _created = _account(email, first, last, password_hash, **flags)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        named[email.split("@")[0]] = user
    for email, first, last, profile_fields in AMBASSADOR_ACCOUNTS:
        user, _created = _account(email, first, last, password_hash)
        AmbassadorProfile.objects.get_or_create(
            user=user, defaults={"status": MembershipStatus.ACTIVE, **profile_fields}
        )
        named[email.split("@")[0]] = user
    return named


def _membership_stages(named: dict[str, User]) -> None:
    """A pending membership request, an invitation not yet accepted, and a suspended
    ambassador — each made through the services, so their history is recorded as staff
    would see it. Created once: later runs find them and change nothing."""
    staff = named["equipe"]
    manager = named["responsable"]
    if not User.objects.filter(email="demande@ambassadeurs.example").exists():
        services.membership_request_create(
            email="demande@ambassadeurs.example",
            first_name="Sofia",
            last_name="Martins",
            profile_fields={
                "territory_link": TerritoryLink.HEART,
                "organisation": "Martins Export Lda",
                "role": "Directrice commerciale",
                "sector": Sector.AGRIFOOD,
                "city": "Porto",
                "country": "PT",
                "languages": ["pt", "fr", "en"],
            },
            message=(
                "J'ai fait mes études au Mans et je travaille avec des distributeurs "
                "agroalimentaires au Portugal : j'aimerais faire connaître la Sarthe."
            ),
        )
    if not User.objects.filter(email="invitee@ambassadeurs.example").exists():
        services.ambassador_invite(
            email="invitee@ambassadeurs.example",
            first_name="Inès",
            last_name="Invitée",
            actor=staff,
            profile_fields={"city": "Nantes", "country": "FR", "sector": Sector.HEALTH},
        )
    suspended = User.objects.filter(email="suspendu@ambassadeurs.example").first()
    if suspended is None:
        suspended, _created = _account(
            "suspendu@ambassadeurs.example", "Marc", "Suspendu", named["camille"].password
        )
        profile = AmbassadorProfile.objects.create(
            user=suspended,
            status=MembershipStatus.ACTIVE,
            organisation="Marc Conseil",
            sector=Sector.FINANCE,
            city="Paris",
            country="FR",
        )
        services.membership_suspend(
            profile=profile,
            actor=manager,
            reason="Coordonnées professionnelles à vérifier avant la prochaine mission.",
        )


def _joined(n: int, now) -> datetime.datetime:
    """When the `n`th generated ambassador joined: one to three years ago, before the
    year of history the apps give them (their courses, missions and reports)."""
    return now - datetime.timedelta(days=random.Random(f"joined/{n}").uniform(366, 3 * 365))


def _generated_ambassadors(scale: int, password_hash: str) -> list[int]:
    """Create the missing ones of `scale` generated ambassadors with bulk inserts (one
    password hash for all: hashing each would take hours at 50,000); return all their ids."""
    emails = [f"{GENERATED_PREFIX}{n:06d}@{DEMO_DOMAIN}" for n in range(1, scale + 1)]
    existing = set(
        User.objects.filter(
            email__startswith=GENERATED_PREFIX, email__endswith=DEMO_DOMAIN
        ).values_list("email", flat=True)
    )
    rng = random.Random(2026)
    now = timezone.now()
    new_users = []
    for n, email in enumerate(emails, start=1):
        if email in existing:
            continue
        new_users.append(
            User(
                email=email,
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(n * 7) % len(LAST_NAMES)],
                password=password_hash,
                date_joined=_joined(n, now),
            )
        )
    User.objects.bulk_create(new_users, batch_size=2000)
    # Prefix queries rather than `__in` lists: 50,000 parameters exceed SQLite's limit.
    generated = User.objects.filter(email__startswith=GENERATED_PREFIX, email__endswith=DEMO_DOMAIN)
    ids = dict(generated.values_list("email", "id"))
    with_profile = set(
        AmbassadorProfile.objects.filter(user__in=generated).values_list("user_id", flat=True)
    )
    sectors = [choice.value for choice in Sector]
    links = [choice.value for choice in TerritoryLink]
    statuses = [MembershipStatus.ACTIVE] * 17 + [
        MembershipStatus.INVITED,
        MembershipStatus.SUSPENDED,
        MembershipStatus.LEFT,
    ]
    profiles = []
    for n, email in enumerate(emails, start=1):
        user_id = ids[email]
        if user_id in with_profile:
            continue
        city, country = rng.choice(CITIES)
        status = rng.choice(statuses)
        profiles.append(
            AmbassadorProfile(
                user_id=user_id,
                status=status,
                # Active since they joined; the others' status changed lately.
                status_changed_at=(
                    _joined(n, now)
                    if status == MembershipStatus.ACTIVE
                    else now - datetime.timedelta(days=random.Random(f"status/{n}").uniform(1, 180))
                ),
                territory_link=rng.choice(links),
                organisation=f"{rng.choice(LAST_NAMES)} {rng.choice(['SAS', 'SARL', 'Conseil', 'Industrie', 'Labs'])}",
                role=rng.choice(
                    [
                        "Dirigeant·e",
                        "Chercheur·se",
                        "Responsable commercial·e",
                        "Artiste",
                        "Consultant·e",
                    ]
                ),
                sector=rng.choice(sectors),
                city=city,
                country=country,
                languages=rng.choice(LANGUAGE_SETS),
                phone="" if rng.random() < 0.3 else "+33 6 00 00 00 00",
                consent_contact=rng.random() < 0.8,
            )
        )
    AmbassadorProfile.objects.bulk_create(profiles, batch_size=2000)
    return [ids[email] for email in emails]


def seed(*, stdout, scale: int = 0) -> hooks.DemoContext:
    """Build (or complete) the demo; return what was handed to the apps' demo data."""
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        _home_page()
        _set_site_identity()
        named = _named_accounts(password_hash)
        _membership_stages(named)
        generated = _generated_ambassadors(scale, password_hash) if scale else []
    demo = hooks.DemoContext(stdout=stdout, scale=scale, generated_ids=generated, named=named)
    hooks.demo_data_parts(demo)
    return demo
