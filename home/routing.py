"""Page routing in fewer, lighter queries, for page types with few child types."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class SpecificChildRouteMixin:
    """Route to a child page by slug, fetched as its specific type at once.

    Wagtail's default routing fetches the child as a base `Page` (every column), then
    again as its specific type. Here, when only one type may be a child (a catalogue's
    courses), the specific child is fetched in one query; when several may (a course's
    lessons and quizzes), the first query reads only the child's id and type — unless
    `child_route_hint` knows them (a course's cached outline). The
    children are found by their tree path (an indexed range) rather than Wagtail's
    `child_of`, which costs more to build. The parent is cached on the child, so
    `child.get_parent()` costs nothing.
    """

    def child_route_hint(self, slug: str):
        """A child page known without a query (from a cache) whose slug is `slug`, or
        None; its type and id then spare the query that finds them. Only live children
        may be given: routing serves live pages only."""
        return None

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child_slug, remaining = path_components[0], path_components[1:]
        children = {"path__startswith": self.path, "depth": self.depth + 1, "slug": child_slug}
        models = self.specific_class.allowed_subpage_models()
        model = models[0] if len(models) == 1 else None
        if model is None:
            known = self.child_route_hint(child_slug)
            if known is not None:
                model, children = type(known), {"pk": known.pk}
        if model is None:
            found = Page.objects.filter(**children).values_list("pk", "content_type").first()
            if found is None:
                raise Http404
            children = {"pk": found[0]}
            model = ContentType.objects.get_for_id(found[1]).model_class() or Page
        try:
            child = model.objects.get(**children)
        except model.DoesNotExist as error:
            raise Http404 from error
        child._cached_parent_obj = self
        return child.route(request, remaining)


class FixedSlugMixin:
    """A page that lives at a fixed address (the catalogue at `/parcours/`, the missions
    at `/missions/`): links and menus are built from `fixed_slug` without a query, so
    the admin refuses any other slug, with `fixed_slug_error`."""

    fixed_slug = ""
    fixed_slug_error = _("This page's address must be “%(slug)s”.")

    def clean(self):
        super().clean()
        if self.slug != self.fixed_slug:
            raise ValidationError({"slug": self.fixed_slug_error % {"slug": self.fixed_slug}})
