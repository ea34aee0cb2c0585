"""Staff permissions on badges: Équipe add and edit them, Responsables also delete."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

_EDIT = [("lms", "add_badge"), ("lms", "change_badge"), ("lms", "view_badge")]
SPEC = {
    EQUIPE: (_EDIT, [], []),
    RESPONSABLES: ([*_EDIT, ("lms", "delete_badge")], [], []),
}


def forwards(apps, schema_editor):
    create_permissions(global_apps.get_app_config("lms"), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [codename for _app, codename in SPEC[RESPONSABLES][0]]
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(SPEC)):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="lms", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("lms", "0003_badges")]

    operations = [migrations.RunPython(forwards, backwards)]
