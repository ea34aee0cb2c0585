"""The staff's groups, *Équipe* and *Responsables*, and the Wagtail permissions they hold.

`ensure_groups` is written against an app registry so the data migrations (historical
models) and the tests (after a flush) build the very same groups. Each data migration
passes the part of the spec it adds (frozen in the migration), the tests pass `GROUPS`,
the whole current spec. A later app that needs staff permissions adds a data migration
calling `ensure_groups(apps, {EQUIPE: ([...], [], []), ...})` and extends `GROUPS`.
"""

EQUIPE = "Équipe"
RESPONSABLES = "Responsables"

# Model permissions, as (app_label, codename).
_EQUIPE_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
_EQUIPE_MODEL_PERMISSIONS += [
    ("home", "view_ambassadorprofile"),
    ("home", "invite_ambassador"),
    ("home", "view_dashboard"),
    ("lms", "add_competence"),
    ("lms", "change_competence"),
    ("lms", "view_competence"),
    ("lms", "add_badge"),
    ("lms", "change_badge"),
    ("lms", "view_badge"),
    ("briefings", "manage_roster"),
    ("briefings", "manage_reports"),
]
_RESPONSABLES_EXTRA_MODEL_PERMISSIONS = [
    ("home", "suspend_ambassador"),
    ("briefings", "read_restricted_reports"),
    ("lms", "delete_competence"),
    ("lms", "delete_badge"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
    ("home", "change_sitesettings"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
]
# Permissions on the whole page tree (granted on the root page) and on every collection
# (granted on the root collection).
_EQUIPE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
_RESPONSABLES_EXTRA_PAGE_PERMISSIONS = ["lock_page", "unlock_page", "bulk_delete_page"]
_EQUIPE_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
_RESPONSABLES_EXTRA_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
]

GROUPS = {
    EQUIPE: (
        _EQUIPE_MODEL_PERMISSIONS,
        _EQUIPE_PAGE_PERMISSIONS,
        _EQUIPE_COLLECTION_PERMISSIONS,
    ),
    RESPONSABLES: (
        _EQUIPE_MODEL_PERMISSIONS + _RESPONSABLES_EXTRA_MODEL_PERMISSIONS,
        _EQUIPE_PAGE_PERMISSIONS + _RESPONSABLES_EXTRA_PAGE_PERMISSIONS,
        _EQUIPE_COLLECTION_PERMISSIONS + _RESPONSABLES_EXTRA_COLLECTION_PERMISSIONS,
    ),
}


def ensure_groups(apps, spec=None) -> None:
    """Create (or complete) the groups of `spec` (default: `GROUPS`) with their
    permissions: ``{name: (model perms, page perms, collection perms)}``. Idempotent."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for name, (model_perms, page_perms, collection_perms) in (spec or GROUPS).items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*[permission(app, code) for app, code in model_perms])
        if root_page is not None:
            for codename in page_perms:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission("wagtailcore", codename)
                )
        if root_collection is not None:
            for app, codename in collection_perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission(app, codename)
                )
