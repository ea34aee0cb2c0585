"""Staff permissions on competences: Équipe add and edit them, Responsables also delete."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

_EDIT = [("lms", "add_competence"), ("lms", "change_competence"), ("lms", "view_competence")]
SPEC = {
    EQUIPE: (_EDIT, [], []),
    RESPONSABLES: ([*_EDIT, ("lms", "delete_competence")], [], []),
}


def forwards(apps, schema_editor):
    create_permissions(global_apps.get_app_config("lms"), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(SPEC)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="lms"))


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_courses_lessons_progress"),
        ("home", "0005_ambassador_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
