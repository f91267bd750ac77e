"""A learner completes a course through the real progress API; the CourseCompleted job
issues the certificate; the learner polls, lists, downloads the PDF (a real PDF whose
extracted text holds their name and the serial); anyone verifies it by code."""

import pytest
from django.db import IntegrityError

from learning.events import CertificateIssued
from learning.rewards.certificates.models import Certificate

from .conftest import complete_course, pdf_text

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '<b>Ada</b> & "Lovelace" <img src=x>'


def test_completion_issues_a_certificate_the_owner_downloads_and_anyone_verifies(
    course,
    student,
    auth_client,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    events_seen,
):
    from learning.accounts.tests.factories import UserFactory

    student.display_name = HOSTILE_NAME
    student.save()
    learner = auth_client(student)
    status_url = f"/api/v1/courses/{course.pk}/certificate/"
    assert learner.get(status_url).json() == {"state": "none", "certificate": None, "final_quizzes": []}

    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, course)

    state = learner.get(status_url).json()
    assert state["state"] == "issued", state
    cert = state["certificate"]
    assert cert["holder_name"] == HOSTILE_NAME
    assert cert["course_title"] == "Web basics"
    assert cert["status"] == "valid" and cert["issue_status"] == "issued"
    assert cert["serial"].startswith("MRICT-") and len(cert["verification_code"]) >= 32
    [issued] = [e for e in events_seen if isinstance(e, CertificateIssued)]
    assert (issued.certificate_id, issued.user_id, issued.course_id, issued.serial) == (
        cert["id"],
        student.pk,
        course.pk,
        cert["serial"],
    )

    # The list: a constant number of queries.
    with django_assert_max_num_queries(6):
        listing = learner.get("/api/v1/me/certificates/").json()
    assert [c["id"] for c in listing["results"]] == [cert["id"]]
    assert learner.get(f"/api/v1/me/certificates/{cert['id']}/").json()["serial"] == cert["serial"]

    # The PDF: streamed to the owner, a real PDF whose text holds the name (as text,
    # not markup) and the serial.
    response = learner.get(cert["pdf_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.streaming
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert HOSTILE_NAME in text
    assert cert["serial"] in text
    assert "Web basics" in text
    assert cert["verification_code"] in text.replace("\n", "").replace("\r", "")

    # Someone else: the same 404 for the detail and the PDF.
    stranger = auth_client(UserFactory(email="stranger@example.test"))
    assert stranger.get(f"/api/v1/me/certificates/{cert['id']}/").status_code == 404
    assert stranger.get(cert["pdf_url"]).status_code == 404
    assert stranger.get("/api/v1/me/certificates/").json()["count"] == 0

    # The public verification: valid, holder, course, date, and nothing else; a stale
    # token changes nothing.
    verify = f"/api/v1/certificates/verify/{cert['verification_code']}/"
    anonymous = auth_client(None)
    body = anonymous.get(verify).json()
    assert body == {
        "status": "valid",
        "holder_name": HOSTILE_NAME,
        "course_title": "Web basics",
        "issued_on": cert["issued_at"][:10],
    }
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert anonymous.get(verify).json() == body

    # Unknown and malformed codes: a 404 in the one error shape (a malformed one does not
    # match the route's documented pattern, so it never reaches the view).
    unknown = auth_client(None).get("/api/v1/certificates/verify/" + "A" * 32 + "/")
    malformed = auth_client(None).get("/api/v1/certificates/verify/%3Cscript%3E/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json()["errors"][0]["code"] == malformed.json()["errors"][0]["code"] == "not_found"
    assert unknown.json()["errors"][0]["detail"] == "Not found."

    # Replaying the completion issues nothing more.
    from learning.events.dispatch import run_job_handler

    with django_capture_on_commit_callbacks(execute=True):
        run_job_handler(
            "learning.rewards.certificates.handlers.on_course_completed",
            "course_completed",
            {"user_id": student.pk, "course_id": course.pk, "completion_id": 1, "completed_at": None},
        )
    assert Certificate.objects.filter(user=student).count() == 1
    assert len([e for e in events_seen if isinstance(e, CertificateIssued)]) == 1


def test_the_database_refuses_a_second_valid_certificate(course, student):
    from learning.rewards.certificates.services import certificate_request

    first = certificate_request(user=student, course=course)
    assert certificate_request(user=student, course=course).pk == first.pk
    with pytest.raises(IntegrityError):
        Certificate.objects.create(
            user=student,
            course=course,
            serial="X-1",
            verification_code="c" * 32,
            holder_name="x",
            course_title="x",
        )


def test_no_completion_no_certificate(course, student):
    from learning.rewards.certificates.services import certificate_issue_for_completion

    assert certificate_issue_for_completion(user_id=student.pk, course_id=course.pk) is None
    assert not Certificate.objects.exists()


def test_status_is_pending_between_completion_and_the_job(course, student, auth_client):
    """Without running on-commit callbacks, the completion is stored but the job has
    not run: the poll says pending."""
    learner = auth_client(student)
    complete_course(learner, course)
    assert learner.get(f"/api/v1/courses/{course.pk}/certificate/").json() == {
        "state": "pending",
        "certificate": None,
        "final_quizzes": [],
    }


def test_lists_run_a_constant_number_of_queries(course, student, admin_user, auth_client, build_course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learning.rewards.certificates.services import certificate_request

    learner, admin = auth_client(student), auth_client(admin_user)

    def counts():
        with CaptureQueriesContext(connection) as mine:
            assert learner.get("/api/v1/me/certificates/").status_code == 200
        with CaptureQueriesContext(connection) as every:
            assert admin.get("/api/v1/certificates/").status_code == 200
        return len(mine), len(every)

    certificate_request(user=student, course=course)
    counts()  # warm: the first request of each caller also loads the user into its cache
    one = counts()
    for n in range(4):
        certificate_request(user=student, course=build_course(title=f"More {n}"))
    Certificate.objects.filter(user=student).update(status="revoked", revoked_by=admin_user)
    assert learner.get("/api/v1/me/certificates/").json()["count"] == 5
    counts()  # warm again (the user cache may have been dropped by the writes above)
    five = counts()
    # No growth with the rows (one SQL statement may be the user load or the connection's
    # health check, which do not depend on the page): count + page, joins for the admin's.
    assert five[0] <= one[0] <= 3 and five[1] <= one[1] <= 4, (one, five)


def test_public_verification_is_throttled_per_client(settings, auth_client):
    settings.CERTIFICATE_VERIFY_RATE = "3/min"
    anonymous = auth_client(None)
    statuses = [anonymous.get(f"/api/v1/certificates/verify/{'x' * 32}{n}/").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    refused = anonymous.get("/api/v1/certificates/verify/anything/")
    assert refused.json()["errors"][0]["code"] == "throttled" and "Retry-After" in refused
