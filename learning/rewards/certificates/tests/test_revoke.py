"""Admins revoke (with a reason, audited) and re-issue; the public verification follows."""

import pytest
from auditlog import get_logentry_model

from learning.events import CertificateIssued, CertificateRevoked
from learning.rewards.certificates.models import Certificate

from .conftest import complete_course, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(course, student, auth_client, django_capture_on_commit_callbacks):
    student.display_name = "Grace Hopper"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(auth_client(student), course)
    return Certificate.objects.get(user=student)


def test_revoked_certificate_verifies_as_revoked_and_is_audited(
    issued, student, admin_user, auth_client, django_capture_on_commit_callbacks, events_seen
):
    admin = auth_client(admin_user)
    verify = f"/api/v1/certificates/verify/{issued.verification_code}/"
    assert auth_client(None).get(verify).json()["status"] == "valid"

    # Learners may not revoke, not even their own; a reason is required.
    url = f"/api/v1/certificates/{issued.pk}/revoke/"
    assert auth_client(student).post(url, {"reason": "mine"}, format="json").status_code == 403
    assert auth_client(None).post(url, {"reason": "x"}, format="json").status_code == 401
    blank = admin.post(url, {"reason": "   "}, format="json")
    assert blank.status_code == 400 and blank.json()["errors"][0]["attr"] == "reason"
    assert admin.post(url, {}, format="json").status_code == 400
    assert (
        admin.post("/api/v1/certificates/999999/revoke/", {"reason": "x"}, format="json").status_code == 404
    )
    issued.refresh_from_db()
    assert issued.status == "valid"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "Plagiarised final project"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "revoked" and body["revoke_reason"] == "Plagiarised final project"
    assert body["revoked_by"]["id"] == admin_user.pk

    assert auth_client(None).get(verify).json() == {
        "status": "revoked",
        "holder_name": "Grace Hopper",
        "course_title": "Web basics",
        "issued_on": issued.issued_at.date().isoformat(),
    }
    [revoked] = [e for e in events_seen if isinstance(e, CertificateRevoked)]
    assert (revoked.certificate_id, revoked.user_id) == (issued.pk, student.pk)

    # The audit log: who revoked, and why: the row's diff, and the explicit event that
    # learning/audit records from CertificateRevoked (searchable by its name).
    LogEntry = get_logentry_model()
    entry = LogEntry.objects.get_for_object(issued).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor_id == admin_user.pk
    assert entry.changes_dict["status"] == ["valid", "revoked"]
    assert entry.changes_dict["revoke_reason"][1] == "Plagiarised final project"
    [explicit] = LogEntry.objects.filter(event="certificate.revoked", object_pk=str(issued.pk))
    assert explicit.actor_id == admin_user.pk
    assert explicit.additional_data == {
        "learner_id": student.pk,
        "course_id": issued.course_id,
        "reason": "Plagiarised final project",
    }
    found = admin.get("/api/v1/admin/audit/entries/?event=certificate.revoked").json()["results"]
    assert [row["id"] for row in found] == [explicit.pk]

    again = admin.post(url, {"reason": "twice"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_revoked"

    # The learner's poll says revoked; the PDF of a revoked certificate stays theirs.
    state = auth_client(student).get(f"/api/v1/courses/{issued.course_id}/certificate/").json()
    assert state["state"] == "revoked"


def test_reissue_takes_the_current_name_and_links_the_old_one(
    issued, student, admin_user, auth_client, django_capture_on_commit_callbacks, events_seen
):
    student.display_name = "Grace B. Hopper"
    student.save()
    admin = auth_client(admin_user)
    assert (
        auth_client(student).post(f"/api/v1/certificates/{issued.pk}/reissue/", {"reason": "x"}).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/api/v1/certificates/{issued.pk}/reissue/", {"reason": "Name changed"}, format="json"
        )
    assert response.status_code == 202, response.content
    new = response.json()
    # The answer is taken before the job's on-commit render: poll the new one.
    new_cert = Certificate.objects.get(pk=new["id"])
    assert new_cert.issue_status == "issued" and new_cert.holder_name == "Grace B. Hopper"
    assert new_cert.serial != issued.serial and new_cert.verification_code != issued.verification_code

    issued.refresh_from_db()
    assert issued.status == "revoked" and issued.superseded_by_id == new_cert.pk
    assert issued.revoke_reason == "Re-issued: Name changed"
    assert auth_client(None).get(f"/api/v1/certificates/verify/{issued.verification_code}/").json()[
        "status"
    ] == ("revoked")
    verified = auth_client(None).get(f"/api/v1/certificates/verify/{new_cert.verification_code}/").json()
    assert verified["status"] == "valid" and verified["holder_name"] == "Grace B. Hopper"

    learner = auth_client(student)
    state = learner.get(f"/api/v1/courses/{issued.course_id}/certificate/").json()
    assert state["state"] == "issued" and state["certificate"]["id"] == new_cert.pk
    pdf = b"".join(learner.get(f"/api/v1/me/certificates/{new_cert.pk}/pdf/").streaming_content)
    assert "Grace B. Hopper" in pdf_text(pdf)
    assert [type(e) for e in events_seen[-2:]] == [CertificateRevoked, CertificateIssued]

    again = admin.post(f"/api/v1/certificates/{issued.pk}/reissue/", {"reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_reissued"

    listing = admin.get(f"/api/v1/certificates/?user={student.pk}").json()
    assert {c["id"] for c in listing["results"]} == {issued.pk, new_cert.pk}
    assert admin.get("/api/v1/certificates/?user=abc").status_code == 400
