"""Staff permissions on project reports: Équipe and Responsables qualify them; only
Responsables read every restricted report (others: the ones assigned to them)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

_MANAGE = [("briefings", "manage_reports")]
SPEC = {
    EQUIPE: (_MANAGE, [], []),
    RESPONSABLES: ([*_MANAGE, ("briefings", "read_restricted_reports")], [], []),
}


def forwards(apps, schema_editor):
    create_permissions(global_apps.get_app_config("briefings"), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = ["manage_reports", "read_restricted_reports"]
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(SPEC)):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="briefings", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("briefings", "0003_project_reports")]

    operations = [migrations.RunPython(forwards, backwards)]
