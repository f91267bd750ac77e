"""Exports end to end through the HTTP API: a learner exports their badge award and
their certificate as signed Open Badges 3.0 credentials; the JSON validates against the
schema; anyone verifies them at the public endpoint; a tampered copy fails; an admin's
revocation (through the admin API) makes the certificate's credential answer `revoked`;
after a key rotation the old exports still verify. Nobody exports another's."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from django.utils import timezone

from ..schema import schema_errors
from .helpers import ed25519_pem, flip_signature, public_pem, tamper_payload

pytestmark = pytest.mark.django_db
VERIFY = "/api/v1/openbadges/verify/"


@pytest.fixture
def award(student):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from learning.rewards.models import Badge, BadgeAward, BadgeCriteria

    student.display_name = "Ada L."
    student.save(update_fields=["display_name"])
    badge = Badge.objects.create(
        slug="course-finisher",
        name="Course finisher",
        description="Finished a whole course.",
        criteria=BadgeCriteria.COURSE_COMPLETED,
        image=Image.objects.create(title="finisher", file=get_test_image_file()),
    )
    return BadgeAward.objects.create(
        user=student, badge=badge, awarded_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC), source="test"
    )


def make_certificate(user, course, *, issued=True, code="vcode-1", serial="MRICT-2026-AAAA-BBBB"):
    from learning.rewards.certificates.models import Certificate, IssueStatus

    return Certificate.objects.create(
        user=user,
        course=course,
        serial=serial,
        verification_code=code,
        holder_name="Ada Lovelace",
        course_title=course.title,
        issued_at=timezone.now() if issued else None,
        issue_status=IssueStatus.ISSUED if issued else IssueStatus.PENDING,
    )


def verify(client, token):
    response = client.post(VERIFY, {"credential": token}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_badge_award_export_validates_verifies_and_resists_tampering(award, student, auth_client, api_client):
    response = auth_client(student).get(f"/api/v1/me/badges/{award.public_id}/credential/")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    credential = body["credential"]
    assert schema_errors(credential) == []
    assert (
        credential["id"]
        == f"http://localhost:8000/api/v1/openbadges/credentials/badge-awards/{award.public_id}/"
    )
    achievement = credential["credentialSubject"]["achievement"]
    assert (achievement["name"], achievement["achievementType"]) == ("Course finisher", "Badge")
    assert achievement["id"] == "http://localhost:8000/api/v1/badges/course-finisher/"
    assert achievement["image"]["id"].startswith("http://localhost:8000/media/")
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Ada L."
    assert credential["validFrom"] == "2026-11-20T09:30:00Z"
    assert body["key_id"] == jwt.get_unverified_header(body["credential_jwt"])["kid"]
    # The JWT carries exactly the JSON shown, plus the registered claims.
    claims = jwt.decode(body["credential_jwt"], options={"verify_signature": False})
    assert {k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf"}} == credential

    result = verify(api_client, body["credential_jwt"])  # anonymous
    assert (result["valid"], result["status"], result["reason"]) == (True, "valid", "valid")
    assert result["credential"] == claims

    def rename(payload):
        payload["credentialSubject"]["achievement"]["name"] = "Grand master"

    for forged in (tamper_payload(body["credential_jwt"], rename), flip_signature(body["credential_jwt"])):
        result = verify(api_client, forged)
        assert (result["valid"], result["reason"], result["credential"]) == (False, "bad_signature", None)

    # Exporting again signs the same credential: one award, one credential.
    again = auth_client(student).get(f"/api/v1/me/badges/{award.public_id}/credential/").json()
    assert again["credential_jwt"] == body["credential_jwt"]

    # The award gone (the learner's account deleted): the issuer no longer stands by it.
    award.delete()
    assert verify(api_client, body["credential_jwt"])["reason"] == "unknown_credential"


def test_certificate_export_then_admin_revocation_answers_revoked(
    build_course, student, admin_user, auth_client, api_client
):
    course = build_course(title="HTML basics")
    certificate = make_certificate(student, course)
    response = auth_client(student).get(f"/api/v1/me/certificates/{certificate.pk}/credential/")
    assert response.status_code == 200, response.content
    body = response.json()
    credential = body["credential"]
    assert schema_errors(credential) == []
    assert credential["name"] == "Certificate of completion: HTML basics"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Ada Lovelace"
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert (
        credential["credentialSubject"]["achievement"]["id"]
        == f"http://localhost:8000/api/v1/courses/{course.pk}/"
    )
    assert certificate.serial in credential["credentialSubject"]["achievement"]["description"]
    assert verify(api_client, body["credential_jwt"])["status"] == "valid"

    revoked = auth_client(admin_user).post(
        f"/api/v1/certificates/{certificate.pk}/revoke/", {"reason": "Issued by mistake"}, format="json"
    )
    assert revoked.status_code == 200, revoked.content
    result = verify(api_client, body["credential_jwt"])
    assert (result["valid"], result["status"], result["reason"]) == (False, "revoked", "revoked")
    assert result["credential"]["id"] == credential["id"]
    # ... and the owner cannot export it any more.
    again = auth_client(student).get(f"/api/v1/me/certificates/{certificate.pk}/credential/")
    assert (again.status_code, again.json()["errors"][0]["code"]) == (409, "certificate_revoked")


def test_a_pending_certificate_is_not_exported(build_course, student, auth_client):
    certificate = make_certificate(student, build_course(), issued=False)
    response = auth_client(student).get(f"/api/v1/me/certificates/{certificate.pk}/credential/")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (409, "certificate_not_issued")


def test_exports_signed_before_a_key_rotation_keep_verifying(
    award, student, auth_client, api_client, settings
):
    old_key = ed25519_pem()
    settings.OPENBADGES_SIGNING_KEY = old_key
    old = auth_client(student).get(f"/api/v1/me/badges/{award.public_id}/credential/").json()

    settings.OPENBADGES_SIGNING_KEY = ed25519_pem()
    settings.OPENBADGES_RETIRED_KEYS = public_pem(old_key)
    new = auth_client(student).get(f"/api/v1/me/badges/{award.public_id}/credential/").json()
    assert new["key_id"] != old["key_id"]
    for export in (old, new):
        assert verify(api_client, export["credential_jwt"])["status"] == "valid"


def test_nobody_exports_someone_elses_credentials(award, build_course, student, other_teacher, auth_client):
    certificate = make_certificate(student, build_course())
    other = auth_client(other_teacher)
    for url in (
        f"/api/v1/me/badges/{award.public_id}/credential/",
        f"/api/v1/me/certificates/{certificate.pk}/credential/",
        "/api/v1/me/badges/" + "0" * 32 + "/credential/",
    ):
        response = other.get(url)
        assert (response.status_code, response.json()["errors"][0]["code"]) == (404, "not_found"), url
    assert auth_client(None).get(f"/api/v1/me/badges/{award.public_id}/credential/").status_code == 401


def test_without_a_signing_key_exports_answer_503(award, student, auth_client, settings):
    settings.OPENBADGES_SIGNING_KEY = ""
    response = auth_client(student).get(f"/api/v1/me/badges/{award.public_id}/credential/")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "openbadges_disabled"
