"""Staff permission on mission rosters: Équipe and Responsables select participants,
promote from the waiting list and mark attendance."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

_ROSTER = [("briefings", "manage_roster")]
SPEC = {EQUIPE: (_ROSTER, [], []), RESPONSABLES: (_ROSTER, [], [])}


def forwards(apps, schema_editor):
    create_permissions(global_apps.get_app_config("briefings"), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(SPEC)):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="briefings", codename="manage_roster")
        )


class Migration(migrations.Migration):
    dependencies = [("briefings", "0001_initial"), ("home", "0007_ambassadorprofile_notify_signups")]

    operations = [migrations.RunPython(forwards, backwards)]
