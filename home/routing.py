"""Page routing in fewer queries, for page types whose children are all of one type."""

from django.http import Http404


class SingleTypeChildRouteMixin:
    """Route to a child page in one query when the page allows a single child type.

    Wagtail's default routing fetches the child as a base `Page`, then again as its
    specific type: two queries per level of the URL. When only one type may be a child
    (a catalogue's courses, say), the specific child is fetched at once. The parent is
    cached on the child, so `child.get_parent()` costs nothing.
    """

    def route(self, request, path_components):
        models = self.specific_class.allowed_subpage_models()
        if not path_components or len(models) != 1:
            return super().route(request, path_components)
        child_slug, remaining = path_components[0], path_components[1:]
        try:
            child = models[0].objects.child_of(self).get(slug=child_slug)
        except models[0].DoesNotExist as error:
            raise Http404 from error
        child._cached_parent_obj = self
        return child.route(request, remaining)
