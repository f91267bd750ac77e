"""Browser test: checking a challenge where it is written (docs/authoring.md).

A teacher opens their challenge, whose saved reference solution is broken, in the Wagtail
editor and clicks Check: the answer appears under the button without a page reload, with
the failing test's message and the verdict. Then they fix the solution in the form,
without saving, and Check again: ready. The saved challenge is untouched. The sandbox is
the real one (the in-process worker pool); the server is pytest-django's live_server.
"""

import pytest

from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

BROKEN = "function sum(n) { return n.length ? n.reduce((a, b) => a + b) : undefined }"
FIXED = "function sum(n) { return n.reduce((a, b) => a + b, 0) }"


def test_check_shows_the_failing_test_of_a_broken_reference_solution(
    live_server, browser, build_course, teacher
):
    from learning.coding.models import Challenge, ChallengeTest
    from learning.coding.tests.helpers import challenge_on_first_lesson

    challenge = challenge_on_first_lesson(build_course(title="Checked", owner=teacher), "Sum of an array")
    challenge.tests.all().delete()
    Challenge.objects.filter(pk=challenge.pk).update(
        reference_solution=BROKEN, starter_source="function sum(numbers) {\n}\n"
    )
    ChallengeTest.objects.create(
        challenge=challenge, sort_order=0, description="sums", code="assert.strictEqual(sum([1, 2]), 3);"
    )
    ChallengeTest.objects.create(
        challenge=challenge,
        sort_order=1,
        description="empty is zero",
        code="assert.strictEqual(sum([]), 0, 'sum([]) should be 0');",
    )
    base = live_server.url

    context, page = login(browser, base, teacher, viewport={"width": 1280, "height": 1100})
    page.goto(f"{base}/admin/snippets/coding/challenge/edit/{challenge.pk}/")
    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_role("button", name="Check", exact=True).click()

    answer = page.locator("[data-challenge-check-answer]")
    answer.wait_for(timeout=60000)
    assert answer.get_attribute("data-verdict") == "problems"
    solution = answer.locator("[data-check-report='solution']")
    failing = solution.locator("tr[data-outcome='failed']")
    assert failing.count() == 1
    assert "empty is zero" in failing.inner_text()
    assert "sum([]) should be 0" in failing.inner_text()
    assert "The reference solution fails 1 of 2 tests" in answer.inner_text()
    assert page.evaluate("() => window.notReloaded") is True  # no page reload
    page.locator("[data-challenge-check]").scroll_into_view_if_needed()
    screenshot(page, "challenge-check")

    # Fix the solution in the form (not saved) and check again: the form is what is checked.
    # Through the textarea's value, the field's submitted value: what a code editor widget
    # over it writes back on every edit (and shows, when a script sets it).
    page.evaluate(
        """text => {
            const field = document.querySelector("textarea[name='reference_solution']");
            field.value = text;
            field.dispatchEvent(new Event("input", { bubbles: true }));
        }""",
        FIXED,
    )
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("[data-challenge-check-answer][data-verdict='ready']").wait_for(timeout=60000)
    assert "Ready." in page.locator("[data-challenge-check-answer]").inner_text()
    context.close()

    challenge.refresh_from_db()
    assert challenge.reference_solution == BROKEN  # checking saved nothing
