"""XP rules and badges in the Wagtail editor: one "Rewards" menu, shown to whoever holds
the snippets' model permissions (the admin group, rewards/0002; superusers). They are
platform-wide, so there is no per-object scope as for challenges. A badge that learners
hold cannot be deleted (their awards point at it): deactivate it instead.
https://docs.wagtail.org/en/stable/topics/snippets/customising.html"""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Badge, BadgeAward, XpRule


class XpRuleViewSet(SnippetViewSet):
    model = XpRule
    icon = "pick"
    menu_label = "XP rules"
    list_display = ["event", "points", "per_item_cap", "daily_cap", "active"]
    list_filter = ["active"]


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "success"
    menu_label = "Badges"
    list_display = ["name", "slug", "criteria", "active", "updated_at"]
    list_filter = ["criteria", "active"]
    search_fields = ["name", "description"]


class RewardsViewSetGroup(SnippetViewSetGroup):
    items = (XpRuleViewSet, BadgeViewSet)
    menu_icon = "success"
    menu_label = "Rewards"
    menu_name = "rewards"
    menu_order = 270


register_snippet(RewardsViewSetGroup)


@hooks.register("before_delete_snippet")
def badge_delete_guard(request, instances):
    badges = [i for i in instances if isinstance(i, Badge)]
    if badges and BadgeAward.objects.filter(badge__in=badges).exists():
        messages.error(
            request,
            "Learners hold this badge: it stays, so their awards keep what they earned. "
            "Untick Active to stop awarding it.",
        )
        return redirect("wagtailsnippets_rewards_badge:list")
    return None
