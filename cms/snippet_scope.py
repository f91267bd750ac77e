"""Snippets that each user sees only part of (challenges, the question bank): every
view that opens one object, or lists them in the chooser, asks the snippet's
permission policy, and an object the user may not touch does not exist (404), whatever
the view would otherwise do. One piece for every such snippet, so that a new view of
Wagtail's (or a new scoped snippet) cannot be left out of the scope in one place only.
https://docs.wagtail.org/en/stable/extending/custom_permissions.html"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

ACTIONS = ("change", "delete", "view")


def policy_scope(policy, noun: str) -> type:
    """A view mixin: objects outside what `policy` grants the user are a 404 ("No such
    <noun>."), in the views that open one object and in the chooser's lists."""

    class PolicyScope:
        def get_object(self, *args, **kwargs):
            try:
                obj = super().get_object(*args, **kwargs)
            except PermissionDenied:  # the copy view asks the policy itself: same answer, 404
                raise Http404(f"No such {noun}.") from None
            if not policy.user_has_any_permission_for_instance(self.request.user, ACTIONS, obj):
                raise Http404(f"No such {noun}.")
            return obj

        def get_object_list(self):
            return policy.instances_user_has_any_permission_for(self.request.user, ACTIONS)

        def get_objects(self, pks):  # the chooser's "chosen multiple" view
            return self.get_object_list().filter(pk__in=pks)

    PolicyScope.ACTIONS = ACTIONS
    PolicyScope.__qualname__ = PolicyScope.__name__ = f"Own{noun.title().replace(' ', '')}Scope"
    return PolicyScope


_OBJECT_VIEWS = {
    "edit_view_class": snippet_views.EditView,
    "delete_view_class": snippet_views.DeleteView,
    "copy_view_class": snippet_views.CopyView,
    "usage_view_class": snippet_views.UsageView,
    "history_view_class": snippet_views.HistoryView,
    "inspect_view_class": snippet_views.InspectView,
}
_CHOOSER_VIEWS = {
    "choose_view_class": chooser_views.ChooseView,
    "choose_results_view_class": chooser_views.ChooseResultsView,
    "chosen_view_class": chooser_views.SnippetChosenView,
    "chosen_multiple_view_class": chooser_views.SnippetChosenMultipleView,
}


class ScopedSnippetViewSet(SnippetViewSet):
    """A SnippetViewSet whose subclasses name a `scope` (from `policy_scope`): every
    view that opens one object, and the chooser, go through it; the list shows what
    the policy grants."""

    scope: type | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.scope is None:
            return
        for attr, view in _OBJECT_VIEWS.items():
            setattr(cls, attr, type(view.__name__, (cls.scope, view), {"__module__": cls.__module__}))
        chooser = {
            attr: type(view.__name__, (cls.scope, view), {"__module__": cls.__module__})
            for attr, view in _CHOOSER_VIEWS.items()
        }
        cls.chooser_viewset_class = type(
            f"{cls.__name__}Chooser",
            (chooser_views.SnippetChooserViewSet,),
            {**chooser, "__module__": cls.__module__},
        )
