"""Create the staff groups *Équipe* and *Responsables* with their Wagtail permissions."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from home.groups import EQUIPE, RESPONSABLES, ensure_groups

# Permissions are normally created after all migrations (post_migrate); create the ones
# the groups need now, for the apps they belong to.
_APPS_WITH_PERMISSIONS = ["wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects", "home"]


_MEDIA = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
_MEDIA_DELETE = [("wagtailimages", "delete_image"), ("wagtaildocs", "delete_document")]
_PAGES = ["add_page", "change_page", "publish_page"]
SPEC = {
    EQUIPE: ([("wagtailadmin", "access_admin"), *_MEDIA], _PAGES, _MEDIA),
    RESPONSABLES: (
        [
            ("wagtailadmin", "access_admin"),
            *_MEDIA,
            *_MEDIA_DELETE,
            ("home", "change_sitesettings"),
            ("wagtailredirects", "add_redirect"),
            ("wagtailredirects", "change_redirect"),
            ("wagtailredirects", "delete_redirect"),
        ],
        [*_PAGES, "lock_page", "unlock_page", "bulk_delete_page"],
        [*_MEDIA, *_MEDIA_DELETE],
    ),
}


def forwards(apps, schema_editor):
    for label in _APPS_WITH_PERMISSIONS:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    ensure_groups(apps, SPEC)
    # Wagtail's default groups would only confuse: ours replace them while they are empty.
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(SPEC)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_home_page_and_site_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
