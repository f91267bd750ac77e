"""The review queue in the Wagtail editor (Settings > Moderation queue, admins only): the
reported content grouped by case, one case with its content and reports, and the three
decisions as plain POST forms that call the same services as the API."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from learning.accounts.roles import Role, user_has_role

from . import selectors, services
from .models import Reason
from .registry import get_kind

PAGE_SIZE = 50
STATUSES = selectors.QUEUE_STATUSES


def _allowed(request):
    if not user_has_role(request.user, Role.ADMIN):
        raise PermissionDenied


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("dismiss", "Dismiss"), ("take_down", "Take down"), ("restore", "Restore")]
    )
    reason = forms.ChoiceField(choices=[("", "—"), *Reason.choices], required=False)
    comment = forms.CharField(
        required=False,
        max_length=settings.MODERATION_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "take_down" and not data.get("reason"):
            self.add_error("reason", "A takedown needs a reason.")
        return data


@require_GET
def queue(request):
    _allowed(request)
    status = request.GET.get("status", "open")
    if status not in STATUSES:
        status = "open"
    page = Paginator(selectors.cases_for_queue(status=status), PAGE_SIZE).get_page(request.GET.get("p"))
    return render(request, "moderation/queue.html", {"page": page, "status": status, "statuses": STATUSES})


def _case_page(request, case_id: int, form: DecisionForm, status: int = 200):
    case = selectors.case_get(case_id=case_id)
    kind = get_kind(case.kind)
    context = {
        "case": case,
        "content": kind.describe(object_id=case.object_id) if kind else None,
        "reports": selectors.reports_of_case(case=case),
        "form": form,
    }
    return render(request, "moderation/case.html", context, status=status)


@require_GET
def case_detail(request, case_id: int):
    _allowed(request)
    return _case_page(request, case_id, DecisionForm())


@require_POST
def case_decide(request, case_id: int):
    _allowed(request)
    case = selectors.case_get(case_id=case_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case_id, form, status=400)
    data = form.cleaned_data
    try:
        if data["action"] == "dismiss":
            services.case_dismiss(case=case, admin=request.user, comment=data["comment"])
        elif data["action"] == "take_down":
            services.case_take_down(
                case=case, admin=request.user, reason=data["reason"], comment=data["comment"]
            )
        else:
            services.case_restore(case=case, admin=request.user, comment=data["comment"])
    except services.ModerationProblem as exc:
        form.add_error(None, exc.detail)
        return _case_page(request, case_id, form, status=409)
    messages.success(request, "Decision recorded.")
    return redirect("moderation_case", case_id=case_id)
