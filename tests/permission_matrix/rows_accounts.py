"""Permission-matrix rows of accounts: /api/v1/auth/ (learning/accounts). No setups: the
rows act on the caller's own account, on {other}'s profile or on nobody's (the public
endpoints)."""

from tests.permission_matrix.core import Row, everyone, signed_in

ROWS: list[Row] = [
    # --- accounts: /api/v1/auth/ ---
    Row("GET", "/api/v1/auth/me/", signed_in(200)),
    Row("PATCH", "/api/v1/auth/me/", signed_in(200), {"bio": "hello"}),
    Row("PUT", "/api/v1/auth/me/", signed_in(405)),
    Row("DELETE", "/api/v1/auth/me/avatar/", signed_in(204)),
    Row("PUT", "/api/v1/auth/me/avatar/", signed_in(400), {}, format="multipart", note="no file"),
    Row("GET", "/api/v1/auth/profiles/{other}/", signed_in(200)),
    Row(
        "PATCH", "/api/v1/auth/profiles/{other}/", signed_in(403), {"bio": "not mine"}, note="other's object"
    ),
    Row("PATCH", "/api/v1/auth/profiles/{me}/", signed_in(200), {"bio": "mine"}),
    Row("DELETE", "/api/v1/auth/profiles/{other}/", signed_in(405)),
    Row(
        "POST",
        "/api/v1/auth/password/change/",
        signed_in(400),
        {"current_password": "not-the-password", "new_password": "quartz-Lantern-meadow-64"},
    ),
    # public endpoints: the same for everyone; an Authorization header changes nothing
    Row("POST", "/api/v1/auth/signup/", everyone(400), {"email": "not-an-email"}),
    Row("POST", "/api/v1/auth/login/", everyone(401), {"email": "nobody@example.test", "password": "x"}),
    Row("POST", "/api/v1/auth/refresh/", everyone(401), {"refresh": "not-a-token"}),
    Row("POST", "/api/v1/auth/logout/", everyone(401), {"refresh": "not-a-token"}),
    Row("POST", "/api/v1/auth/verify-email/", everyone(400), {"email": "a@example.test", "code": "123456"}),
    Row("POST", "/api/v1/auth/verify-email/resend/", everyone(202), {"email": "a@example.test"}),
    Row("POST", "/api/v1/auth/password/reset/", everyone(202), {"email": "a@example.test"}),
    Row(
        "POST",
        "/api/v1/auth/password/reset/confirm/",
        everyone(400),
        {"email": "a@example.test", "code": "123456", "new_password": "quartz-Lantern-meadow-64"},
    ),
    Row("GET", "/api/v1/auth/login/", everyone(405)),
]
