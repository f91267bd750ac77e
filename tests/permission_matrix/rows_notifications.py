"""Permission-matrix rows of notifications (learning/notifications): the inbox, preferences,
the admins' send, the unsubscribe link and the phone number for SMS
(learning/notifications/sms). Setups: learning/notifications/tests/matrix.py."""

from learning.notifications.tests import matrix as notifications_matrix
from tests.permission_matrix.core import Row, admins_only, everyone, signed_in

_INBOX = notifications_matrix.inbox
PHONE = "/api/v1/notifications/phone/"

ROWS: list[Row] = [
    # --- notifications (learning/notifications/tests/matrix.py): a notification of every caller
    # ({my_notification}) and one of "other"; the unsubscribe link needs no login, its token is
    # the authority (a JWT changes nothing), a forged one is a 404 for everyone
    Row("GET", "/api/v1/notifications/", signed_in(200), setup=_INBOX),
    Row("GET", "/api/v1/notifications/?unread=true", signed_in(200), setup=_INBOX),
    Row("POST", "/api/v1/notifications/", signed_in(405), {}),
    Row("GET", "/api/v1/notifications/unread-count/", signed_in(200)),
    Row("POST", "/api/v1/notifications/read-all/", signed_in(200), {}),
    Row("GET", "/api/v1/notifications/read-all/", signed_in(405)),
    Row("GET", "/api/v1/notifications/{my_notification}/", signed_in(200), setup=_INBOX),
    Row("GET", "/api/v1/notifications/{others_notification}/", signed_in(404), setup=_INBOX, note="other's"),
    Row("POST", "/api/v1/notifications/{my_notification}/read/", signed_in(200), {}, setup=_INBOX),
    Row(
        "POST",
        "/api/v1/notifications/{others_notification}/read/",
        signed_in(404),
        {},
        setup=_INBOX,
        note="other's",
    ),
    Row("DELETE", "/api/v1/notifications/{my_notification}/", signed_in(204), setup=_INBOX),
    Row(
        "DELETE",
        "/api/v1/notifications/{others_notification}/",
        signed_in(404),
        setup=_INBOX,
        note="other's",
    ),
    Row("PATCH", "/api/v1/notifications/{my_notification}/", signed_in(405), {}, setup=_INBOX),
    Row("GET", "/api/v1/notifications/preferences/", signed_in(200)),
    Row(
        "PATCH",
        "/api/v1/notifications/preferences/",
        signed_in(200),
        {"preferences": [{"type": "badge_awarded", "channel": "email", "enabled": False}]},
    ),
    Row("PUT", "/api/v1/notifications/preferences/", signed_in(405), {}),
    Row(
        "POST",
        "/api/v1/notifications/send/",
        admins_only(400),
        {"recipients": [], "title": "Hi"},
        note="no recipients (the 201 is in learning/notifications/tests/test_admin_send.py)",
    ),
    Row("GET", "/api/v1/notifications/send/", admins_only(405)),
    Row("GET", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(200), setup=_INBOX),
    Row("POST", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(200), setup=_INBOX),
    Row(
        "POST",
        "/api/v1/notifications/unsubscribe/{forged_token}/",
        everyone(404),
        setup=_INBOX,
        note="forged",
    ),
    Row("DELETE", "/api/v1/notifications/unsubscribe/{unsubscribe_token}/", everyone(405), setup=_INBOX),
    # --- notifications: the phone number for SMS (learning/notifications/sms; the caller's own) ---
    Row("GET", PHONE, signed_in(200)),
    Row("PUT", PHONE, signed_in(202), {"number": "+447911123456"}),
    Row("PUT", PHONE, signed_in(400), {"number": "not a number"}, note="bad input"),
    Row("DELETE", PHONE, signed_in(204)),
    Row("POST", PHONE, signed_in(405), {}),
    Row("POST", PHONE + "verify/", signed_in(400), {"code": "123456"}, note="no code sent"),
    Row("GET", PHONE + "verify/", signed_in(405)),
]
