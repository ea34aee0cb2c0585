"""`lms` in the Wagtail admin and in `home`'s extension points."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Competence


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "pick"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "icon"]
    search_fields = ["name"]
    list_export = ["name", "description"]
    export_filename = "competences"


register_snippet(CompetenceViewSet)


# The demo data registers itself through home.hooks.DEMO_DATA when imported.
from . import demo  # noqa: E402, F401
