"""The inbox through the HTTP API: list (cursor pages, unread filter, constant
queries), unread count, mark one / all read, delete; nobody reaches another user's
notifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Notification
from learning.notifications.services import Link, notify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
COUNT = "/api/v1/notifications/unread-count/"
READ_ALL = "/api/v1/notifications/read-all/"


def _notify(user, n: int, *, prefix="Note"):
    for i in range(n):
        notify(
            recipients=[user],
            type="admin_message",
            title=f"{prefix} {i}",
            body="b",
            link=Link("course", 7) if i % 2 else Link("url", url="https://example.test/x"),
            channels=["in_app"],
        )
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_list_pages_filter_read_and_count(student, client_for):
    mine = _notify(student, 5)
    other = _notify(UserFactory(), 2, prefix="Other")
    api = client_for(student)

    page = api.get(LIST, {"page_size": 2})
    assert page.status_code == 200
    body = page.json()
    assert [n["title"] for n in body["results"]] == ["Note 4", "Note 3"]
    assert body["results"][1]["link"] == {"kind": "course", "id": 7, "url": ""}
    assert body["results"][0]["link"] == {"kind": "url", "id": None, "url": "https://example.test/x"}
    assert body["results"][0]["read_at"] is None
    titles = [n["title"] for n in body["results"]]
    while body["next"]:
        body = api.get(body["next"]).json()
        titles += [n["title"] for n in body["results"]]
    assert titles == ["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]

    assert api.get(COUNT).json() == {"unread": 5}
    read = api.post(f"{LIST}{mine[1].pk}/read/")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    first_read_at = read.json()["read_at"]
    assert api.post(f"{LIST}{mine[1].pk}/read/").json()["read_at"] == first_read_at  # idempotent
    assert api.get(COUNT).json() == {"unread": 4}
    unread = [n["title"] for n in api.get(LIST, {"unread": "true"}).json()["results"]]
    assert unread == ["Note 4", "Note 3", "Note 2", "Note 0"]
    assert_error(api.get(LIST, {"unread": "maybe"}), 400, "invalid", "unread")
    assert_error(api.get(LIST, {"cursor": "not-a-cursor"}), 404)

    with CaptureQueriesContext(connection) as queries:
        marked = api.post(READ_ALL)
    assert marked.json() == {"marked": 4}
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "notifications_notification" in updates[0]
    assert api.get(COUNT).json() == {"unread": 0}
    assert api.get(LIST, {"unread": "true"}).json()["results"] == []

    assert api.delete(f"{LIST}{mine[0].pk}/").status_code == 204
    assert [n["title"] for n in api.get(LIST).json()["results"]][-1] == "Note 1"
    assert_error(api.get(f"{LIST}{mine[0].pk}/"), 404)
    # the other user's rows are untouched by "read all"
    assert Notification.objects.filter(pk__in=[n.pk for n in other], read_at__isnull=True).count() == 2


def test_another_users_notification_is_a_404_everywhere(student, client_for):
    theirs = _notify(UserFactory(), 1)[0]
    api = client_for(student)
    assert_error(api.get(f"{LIST}{theirs.pk}/"), 404)
    assert_error(api.post(f"{LIST}{theirs.pk}/read/"), 404)
    assert_error(api.delete(f"{LIST}{theirs.pk}/"), 404)
    assert api.get(LIST).json()["results"] == []
    assert api.get(COUNT).json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert_error(client_for(None).get(LIST), 401)


def test_list_runs_a_constant_number_of_queries(student, client_for, uncached_users):
    api = client_for(student)
    _notify(student, 2)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(LIST).json()["results"]) == 2
    _notify(student, 25)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(LIST, {"page_size": 25}).json()["results"]) == 25
    assert len(many) == len(few) <= 4
    with CaptureQueriesContext(connection) as count:
        api.get(COUNT)
    assert len(count) == len(few)


def test_a_notification_with_email_only_is_not_in_the_inbox_and_delete_keeps_deliveries(
    student, client_for, django_capture_on_commit_callbacks
):
    api = client_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[student], type="admin_message", title="Mail only", channels=["email"])
        notify(recipients=[student], type="admin_message", title="Both")
    assert [n["title"] for n in api.get(LIST).json()["results"]] == ["Both"]
    both = Notification.objects.get(title="Both")
    assert both.deliveries.get().status == "sent"
    assert api.delete(f"{LIST}{both.pk}/").status_code == 204
    assert api.get(LIST).json()["results"] == []
    # the delivery record survives (the row only left the inbox)
    assert Notification.objects.get(pk=both.pk).deliveries.count() == 1
