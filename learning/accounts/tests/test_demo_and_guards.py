"""Demo users, login throttling, email verification gate, object-level grants."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts import services
from learning.accounts.demo import load
from learning.accounts.permissions import HasObjectPermission, IsVerified
from learning.accounts.roles import user_roles
from learning.accounts.selectors import objects_with_permission

from .factories import DEFAULT_PASSWORD, UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"


# --- demo users ---


def test_demo_users_one_per_role_with_passwords_printed_in_dev(settings, api):
    settings.DEBUG = True
    lines = load()
    User = get_user_model()
    for email, role in [
        ("student@mrict.local", "student"),
        ("teacher@mrict.local", "teacher"),
        ("admin@mrict.local", "admin"),
    ]:
        user = User.objects.get(email=email)
        assert role in user_roles(user) and user.email_verified
        assert any(email in line and settings.DEMO_PASSWORD in line for line in lines)
        assert api.post(LOGIN, {"email": email, "password": settings.DEMO_PASSWORD}).status_code == 200
    assert User.objects.get(email="admin@mrict.local").is_superuser


def test_demo_passwords_are_not_printed_outside_dev(settings):
    settings.DEBUG = False
    assert not any(settings.DEMO_PASSWORD in line for line in load())


def test_demo_loader_is_idempotent_through_load_demo(settings):
    settings.DEMO_LOADERS = ["learning.accounts.demo.load"]
    for _ in range(2):
        call_command("load_demo", stdout=io.StringIO())
    User = get_user_model()
    assert User.objects.filter(email__endswith="@mrict.local").count() == 3
    assert Group.objects.get(name="teacher").user_set.filter(email="teacher@mrict.local").count() == 1


# --- brute force on login ---


def test_login_is_throttled_per_ip_with_retry_after(make_api, student, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "login": "3/min"}
    attacker = make_api(REMOTE_ADDR="10.9.0.1")
    for _ in range(3):
        assert attacker.post(LOGIN, {"email": student.email, "password": "guess-123456"}).status_code == 401
    response = attacker.post(LOGIN, {"email": student.email, "password": DEFAULT_PASSWORD})
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    # another address is not locked out
    assert (
        make_api(REMOTE_ADDR="10.9.0.2")
        .post(LOGIN, {"email": student.email, "password": DEFAULT_PASSWORD})
        .status_code
        == 200
    )


def test_login_is_throttled_per_account_across_ips(make_api, student, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "login_email": "2/hour"}
    for n in range(2):
        make_api(REMOTE_ADDR=f"10.8.0.{n}").post(LOGIN, {"email": student.email, "password": "guess-123456"})
    response = make_api(REMOTE_ADDR="10.8.0.99").post(
        LOGIN, {"email": student.email.upper(), "password": "x-123456789"}
    )
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 60


def test_signup_is_throttled_per_ip(make_api, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "signup": "1/hour"}
    client = make_api(REMOTE_ADDR="10.7.0.1")
    assert (
        client.post(
            "/api/v1/auth/signup/", {"email": "a@example.test", "password": "plum-Tractor-galaxy-81"}
        ).status_code
        == 201
    )
    response = client.post(
        "/api/v1/auth/signup/", {"email": "b@example.test", "password": "plum-Tractor-galaxy-81"}
    )
    assert_error(response, 429, "throttled")
    assert not get_user_model().objects.filter(email="b@example.test").exists()


def test_otp_verify_is_throttled(make_api, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "otp_verify": "2/min"}
    client = make_api(REMOTE_ADDR="10.6.0.1")
    for n in range(2):
        client.post("/api/v1/auth/verify-email/", {"email": f"v{n}@example.test", "code": "123456"})
    assert_error(
        client.post("/api/v1/auth/verify-email/", {"email": "z@example.test", "code": "123456"}),
        429,
        "throttled",
    )


# --- IsVerified and guardian grants, on a probe view as another app would use them ---


class _LearningProbe(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    def get(self, request):
        return Response({"ok": True})


class _UserCardProbe(APIView):
    """A view that edits one object and needs an object-level grant on it."""

    permission_classes = [IsAuthenticated, HasObjectPermission.of("accounts.change_user")]

    def get(self, request, pk):
        obj = get_user_model().objects.get(pk=pk)
        self.check_object_permissions(request, obj)
        return Response({"id": obj.pk})


urlpatterns = [
    path("api/v1/_probe/learning/", _LearningProbe.as_view()),
    path("api/v1/_probe/card/<int:pk>/", _UserCardProbe.as_view()),
    path("", include("site_config.urls")),
]


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_unverified_users_can_log_in_but_not_learn(api, probe_urls):
    unverified = UserFactory(role="student", email_verified=False)
    login = api.post(LOGIN, {"email": unverified.email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200 and login.json()["user"]["email_verified"] is False
    api.bearer(login.json()["access"])
    assert_error(api.get("/api/v1/_probe/learning/"), 403, "email_not_verified")
    unverified.email_verified = True
    unverified.save()
    assert api.get("/api/v1/_probe/learning/").status_code == 200


def test_object_grant_gives_rights_on_one_object_only(api, teacher, probe_urls):
    mine, other = UserFactory(), UserFactory()
    services.object_permission_grant(user=teacher, permission="accounts.change_user", obj=mine)
    api.login_as(teacher)
    assert api.get(f"/api/v1/_probe/card/{mine.pk}/").status_code == 200
    assert_error(api.get(f"/api/v1/_probe/card/{other.pk}/"), 403)
    visible = objects_with_permission(
        user=teacher, permission="accounts.change_user", queryset=get_user_model().objects.all()
    )
    assert list(visible) == [mine]
    services.object_permission_revoke(user=teacher, permission="accounts.change_user", obj=mine)
    assert_error(
        api.login_as(get_user_model().objects.get(pk=teacher.pk)).get(f"/api/v1/_probe/card/{mine.pk}/"), 403
    )
