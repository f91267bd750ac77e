"""Browser test: an admin changes the certificate template in the Wagtail editor (real
headless Chromium), then a learner completes a course over the real HTTP API; the
certificate the job issues carries the change in its PDF text (issue 17, item 4)."""

import uuid

import pytest
import requests
from django.utils import timezone

from learning.accounts.tokens import tokens_for_user
from learning.rewards.certificates.tests.conftest import pdf_text
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_edits_the_template_and_the_next_certificate_shows_it(
    live_server, browser, build_course, admin_user, student
):
    from cms.selectors import published_lessons_of_course
    from learning.rewards.certificates import demo
    from learning.rewards.certificates.models import Certificate, CertificateTemplate

    demo.load()  # the default template, as load_demo makes it
    template = CertificateTemplate.objects.get(is_default=True)
    course = build_course(title="Browser certificates", modules=1, lessons_per_module=1)
    base = live_server.url

    context, page = login(browser, base, admin_user)
    page.locator("#wagtail-sidebar a", has_text="Certificate templates").click()
    page.wait_for_url(f"{base}/admin/snippets/certificates/certificatetemplate/")
    page.get_by_role("link", name=template.name).click()
    page.wait_for_url(f"{base}/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/")
    page.fill("#id_heading", "Certificate of distinction")
    body = page.locator("#id_body").input_value()
    page.fill("#id_body", body.replace("has completed the course", "has mastered the course"))
    screenshot(page, "certificate-template-editor")
    with page.expect_navigation(timeout=30000):
        page.click("button[type=submit]:has-text('Save')")
    assert "/edit/" not in page.url or not page.locator(".w-field__errors").count(), page.url
    context.close()
    template.refresh_from_db()
    assert template.heading == "Certificate of distinction" and template.version == 2

    # The learner completes the course over HTTP; the job issues the certificate.
    headers = {"Authorization": f"Bearer {tokens_for_user(student)['access']}"}
    assert requests.post(f"{base}/api/v1/courses/{course.pk}/enrollment/", headers=headers, timeout=30).ok
    events = [
        {"event_id": str(uuid.uuid4()), "type": "lesson_completed", "lesson_id": lesson.pk,
         "occurred_at": timezone.now().isoformat()}
        for lesson in published_lessons_of_course(course)
    ]  # fmt: skip
    assert requests.post(f"{base}/api/v1/progress/events/", json=events, headers=headers, timeout=60).ok
    state = requests.get(
        f"{base}/api/v1/courses/{course.pk}/certificate/", headers=headers, timeout=30
    ).json()
    assert state["state"] == "issued", state
    pdf = requests.get(f"{base}{state['certificate']['pdf_url']}", headers=headers, timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Certificate of distinction" in text
    assert "has mastered the course" in text and "has completed the course" not in text
    assert state["certificate"]["serial"] in text
    certificate = Certificate.objects.get(pk=state["certificate"]["id"])
    assert (certificate.template_id, certificate.template_version) == (template.pk, 2)
