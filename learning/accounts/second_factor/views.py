"""The second-factor pages after the editor's / Django admin's password login:
/admin/2fa/setup/ (enrolment: QR code, first code, recovery codes shown once) and
/admin/2fa/verify/ (a TOTP or recovery code). Views parse and authorise; services
decide."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import services


class TokenForm(forms.Form):
    token = forms.CharField(
        max_length=16,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _may_use_admin(user) -> bool:
    return user.is_active and (user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def _guard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/admin/login/")
    if not _may_use_admin(request.user):
        return HttpResponseForbidden("This account does not use the editor.")
    return None


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/admin/"
    return target


@never_cache
@csrf_protect
def setup(request):
    refused = _guard(request)
    if refused:
        return refused
    user = request.user
    if services.confirmed_totp(user) is not None and not user.is_verified():
        # A password alone never adds a device: verify with the existing one first.
        return HttpResponseRedirect(f"/admin/2fa/verify/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrol(request=request, user=user, token=form.cleaned_data["token"])
        if codes is not None:
            return render(
                request,
                "accounts/second_factor/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "token", "That code is not right. Check the clock of your device and try the newest code."
        )
    device = services.totp_pending_get_or_create(user=user)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff"),
        "secret": _base32(device.bin_key),
        "already": services.confirmed_totp(user) is not None,
    }
    return render(request, "accounts/second_factor/setup.html", context, status=400 if form.errors else 200)


@never_cache
@csrf_protect
def verify(request):
    refused = _guard(request)
    if refused:
        return refused
    user = request.user
    if services.confirmed_totp(user) is None and not user.is_verified():
        return HttpResponseRedirect(f"/admin/2fa/setup/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(request=request, user=user, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next(request))
        form.add_error("token", "That code is not right (or was already used).")
    return render(
        request,
        "accounts/second_factor/verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
