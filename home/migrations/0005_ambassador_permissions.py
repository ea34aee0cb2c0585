"""Staff permissions on ambassadors: Équipe view, invite and answer requests;
Responsables also suspend and reactivate."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

_EQUIPE = [("home", "view_ambassadorprofile"), ("home", "invite_ambassador")]
SPEC = {
    EQUIPE: (_EQUIPE, [], []),
    RESPONSABLES: ([*_EQUIPE, ("home", "suspend_ambassador")], [], []),
}


def forwards(apps, schema_editor):
    create_permissions(global_apps.get_app_config("home"), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    codenames = {codename for _app, codename in SPEC[RESPONSABLES][0]}
    for group in Group.objects.filter(name__in=list(SPEC)):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="home", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("home", "0004_profile_preferences_and_membership")]

    operations = [migrations.RunPython(forwards, backwards)]
