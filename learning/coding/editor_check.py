"""The "Check" action of the challenge editor (docs/authoring.md, "Checking a challenge").

On the challenge's add and edit screens a Check panel posts the edit form, as it is in
the browser (unsaved changes included), to ChallengeCheckView. The view validates it with
the very form class the save uses (same rules: lesson of a course the user may edit, at
least one test, an assertion test needs code, field lengths...), builds the challenge and
its tests in memory (`form.save(commit=False)`: modelcluster keeps the test cases on the
unsaved instance) and runs the same services as the teacher check API
(`services.challenge_check`, plus the starter code), so the sandbox's limits (the author's
run slots, the global slots, crash backoff) apply as for every run. Nothing is written.

Who may check: whoever may edit the challenge (ChallengePermissionPolicy: the teacher who
owns its course, admins) — another teacher's challenge is a 404, as in the editor's other
views; adding needs the add permission. Wagtail's admin wrapper answers users without
editor access (students, anonymous) first. The answer is an HTML fragment the panel's
script (static coding/challenge-check.js, no CDN) puts under the button: 200 with the
verdict, 400 with the form's errors, 429/503 when the sandbox is busy or down, each saying
what to do next.
"""

from __future__ import annotations

import math

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from wagtail.admin.panels import Panel

from . import services
from .editor import challenge_policy
from .models import Challenge
from .sandbox.backends import retry_after_s

RESULT_TEMPLATE = "coding/editor/check_result.html"
# The panel's script shows only answers that carry this header; anything else (a login
# redirect, Wagtail's 403 page) becomes a generic "could not check" message.
RESULT_HEADER = "X-Challenge-Check"


def check_url(instance) -> str:
    if instance is not None and instance.pk:
        return reverse("wagtailsnippets_coding_challenge:check", args=[instance.pk])
    return reverse("wagtailsnippets_coding_challenge:check_new")


class ChallengeCheckPanel(Panel):
    """A button under the test cases and the place its answer appears."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Check")
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "check"

    class BoundPanel(Panel.BoundPanel):
        template_name = "coding/editor/check_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["check_url"] = check_url(self.instance)
            return context

        @property
        def media(self):
            return forms.Media(js=["coding/challenge-check.js"])


def _form_errors(form) -> list[tuple[str, list[str]]]:
    """(where, messages) for every error of the form and its test-case formset."""
    rows = []
    for name, errors in form.errors.items():
        label = "Form" if name == "__all__" else form.fields[name].label if name in form.fields else name
        rows.append((str(label), [str(e) for e in errors]))
    for formset in getattr(form, "formsets", {}).values():
        rows.extend(("Test cases", [str(e)]) for e in formset.non_form_errors())
        for position, child in enumerate(formset.forms, start=1):
            for name, errors in child.errors.items():
                field = child.fields.get(name)
                where = f"Test case {position}" + (f", {field.label}" if field is not None else "")
                rows.append((where, [str(e) for e in errors]))
    return rows


class ChallengeCheckView(View):
    """POST the edit form; answer the check of what it holds (see the module docstring)."""

    http_method_names = ["post"]
    form_class = None  # the viewset's edit form (ChallengeViewSet.get_urlpatterns)

    def challenge(self, pk):
        user = self.request.user
        if pk is None:
            if not challenge_policy.user_has_permission(user, "add"):
                raise PermissionDenied
            return Challenge(created_by=user)
        challenge = (
            challenge_policy.instances_user_has_any_permission_for(user, ["change"]).filter(pk=pk).first()
        )
        if challenge is None:
            raise Http404("No such challenge.")
        return challenge

    def answer(self, context: dict, status: int = 200, headers: dict | None = None):
        response = render(self.request, RESULT_TEMPLATE, context, status=status)
        response[RESULT_HEADER] = "1"
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def sandbox_problem(self, problem: str, status: int, wait: int):
        """The sandbox did not run the check (as the API's 429/503): say what to do."""
        context = {"sandbox_problem": problem, "retry_after": wait}
        return self.answer(context, status=status, headers={"Retry-After": str(wait)})

    def post(self, request, pk=None):
        instance = self.challenge(pk)
        form = self.form_class(request.POST, request.FILES, instance=instance, for_user=request.user)
        if not form.is_valid():
            return self.answer({"form_errors": _form_errors(form)}, status=400)
        challenge = form.save(commit=False)  # in memory only, its tests included
        tests = services.challenge_tests_for_check(challenge)
        try:
            check = services.challenge_check_both(user=request.user, challenge=challenge, tests=tests)
        except services.SandboxBusyError:
            return self.sandbox_problem("busy", 429, retry_after_s())
        except services.SandboxCrashLimitError as exc:
            return self.sandbox_problem("crash_limit", 429, max(1, math.ceil(exc.retry_after)))
        except services.SandboxDownError:
            return self.sandbox_problem("down", 503, retry_after_s())
        return self.answer(
            {
                "check": check,
                "total": len(tests),
                "starter_failing": len(tests) - check.starter["passed_count"],
                "timed_out": any(
                    r["outcome"] == "timeout" for r in check.solution["results"] + check.starter["results"]
                ),
            }
        )
