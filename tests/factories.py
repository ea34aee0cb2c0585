"""factory_boy factories for the tests. Personas in `conftest.py` are built from these."""

import factory
from django.contrib.auth.models import Group

from home.models import AmbassadorProfile, MembershipStatus, Sector, TerritoryLink, User

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


class AmbassadorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmbassadorProfile

    user = factory.SubFactory(UserFactory)
    status = MembershipStatus.ACTIVE
    territory_link = TerritoryLink.NATIVE
    organisation = "Atelier Dupont"
    role = "Gérante"
    sector = Sector.INDUSTRY
    city = "Le Mans"
    country = "FR"
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    phone = "+33 2 43 00 00 00"
