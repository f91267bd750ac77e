"""The editor's and Django admin's login forms.

Both authenticate like any login (and so obey the lockout, learning/accounts/lockout.py),
then refuse an account that may not use that site with exactly the answer a wrong
password gets, counted as a failed login like one. A student's right password and a
wrong one therefore look the same on /admin/login/ and /django-admin/login/ (Django's
own forms would log the student in to Wagtail, or count only the wrong one).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class _SiteLoginMixin:
    def may_sign_in(self, user) -> bool:
        raise NotImplementedError

    def confirm_login_allowed(self, user):
        if not user.is_active or not self.may_sign_in(user):
            user_login_failed.send(
                sender=type(self),
                credentials={"username": self.cleaned_data.get("username"), "password": "********"},
                request=self.request,
            )
            raise self.get_invalid_login_error()


class EditorLoginForm(_SiteLoginMixin, WagtailLoginForm):
    """WAGTAILADMIN_USER_LOGIN_FORM: only accounts that may open the editor."""

    def may_sign_in(self, user) -> bool:
        return user.has_perm("wagtailadmin.access_admin")


class AdminLoginForm(_SiteLoginMixin, AdminAuthenticationForm):
    """Django admin's login form (admin.site.login_form): staff accounts only."""

    def may_sign_in(self, user) -> bool:
        return user.is_staff
