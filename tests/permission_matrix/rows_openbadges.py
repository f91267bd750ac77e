"""Permission-matrix rows of Open Badges 3.0 (learning/rewards/openbadges): the public
issuer, keys and verification, and the owner's credential exports. Setups:
learning/rewards/openbadges/tests/matrix.py."""

from learning.rewards.openbadges.tests import matrix as openbadges_matrix
from tests.permission_matrix.core import Row, everyone, signed_in

ROWS: list[Row] = [
    # --- Open Badges 3.0 (learning/rewards/openbadges/tests/matrix.py): public issuer,
    # keys and verification (an Authorization header changes nothing); exports are the
    # owner's alone ({my_*} is the caller's own; anonymous gets "other"'s) ---
    Row("GET", "/api/v1/openbadges/issuer/", everyone(200)),
    Row("GET", "/api/v1/openbadges/keys/", everyone(200)),
    Row("GET", "/api/v1/openbadges/keys/{key}/", everyone(200), setup=openbadges_matrix.credentials),
    Row("GET", "/api/v1/openbadges/keys/unknown/", everyone(404)),
    Row(
        "POST",
        "/api/v1/openbadges/verify/",
        everyone(200),
        {"credential": "{others_credential}"},
        setup=openbadges_matrix.credentials,
    ),
    Row("POST", "/api/v1/openbadges/verify/", everyone(400), {}, note="no credential"),
    Row("GET", "/api/v1/openbadges/verify/", everyone(405)),
    Row(
        "GET", "/api/v1/me/badges/{my_award}/credential/", signed_in(200), setup=openbadges_matrix.credentials
    ),
    Row(
        "GET",
        "/api/v1/me/badges/{others_award}/credential/",
        signed_in(404),
        setup=openbadges_matrix.credentials,
        note="other's award",
    ),
    Row(
        "POST",
        "/api/v1/me/badges/{my_award}/credential/",
        signed_in(405),
        setup=openbadges_matrix.credentials,
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{my_certificate}/credential/",
        signed_in(200),
        setup=openbadges_matrix.credentials,
    ),
    Row(
        "GET",
        "/api/v1/me/certificates/{others_certificate}/credential/",
        signed_in(404),
        setup=openbadges_matrix.credentials,
        note="other's certificate",
    ),
]
