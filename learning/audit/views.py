"""The Wagtail admin view of the audit log: search, filter, page through, export CSV.
Read-only by construction: these views answer GET only."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .export import csv_response
from .selectors import AuditFilter, UnknownObjectType, audit_entries

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor_email = forms.CharField(required=False, max_length=254, label="Actor email")
    event = forms.CharField(required=False, max_length=64, help_text="e.g. auth.login, or auth. for all")
    object_type = forms.RegexField(
        r"^[a-z0-9_]+\.[a-z0-9_]+$", required=False, max_length=100, label="Object type"
    )
    object_id = forms.CharField(required=False, max_length=255, label="Object id")
    since = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def _allowed(request):
    if not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied


def _filters(form) -> AuditFilter:
    data = form.cleaned_data
    return AuditFilter(
        actor_email=data.get("actor_email") or "",
        event=data.get("event") or "",
        object_type=data.get("object_type") or "",
        object_id=data.get("object_id") or "",
        since=data.get("since"),
        until=data.get("until"),
    )


@require_GET
def audit_log(request):
    _allowed(request)
    form = AuditFilterForm(request.GET or None)
    entries, status = [], 200
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        if not form.is_bound:
            form.is_valid()
        try:
            qs = audit_entries(filters=_filters(form) if form.is_bound else AuditFilter())
            page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("p"))
            entries = page.object_list
        except UnknownObjectType:
            form.add_error("object_type", "No such object type.")
            status = 400
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "audit/audit_log.html",
        {"form": form, "entries": entries, "page": page, "query": query.urlencode()},
        status=status,
    )


@require_GET
def audit_log_csv(request):
    _allowed(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/audit_log.html", {"form": form, "entries": []}, status=400)
    filters = _filters(form)
    try:
        audit_entries(filters=filters)
    except UnknownObjectType:
        form.add_error("object_type", "No such object type.")
        return render(request, "audit/audit_log.html", {"form": form, "entries": []}, status=400)
    return csv_response(filters=filters, actor=request.user, via="editor")
