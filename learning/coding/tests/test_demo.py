"""The demo challenges: loaded on the demo course, idempotent, and every test passes
against its reference solution in the real sandbox."""

import pytest
from django.contrib.auth import get_user_model

from learning.coding import services
from learning.coding.models import Challenge

pytestmark = pytest.mark.django_db


def test_demo_challenges_load_and_their_references_pass(course_index):
    from django.utils.module_loading import import_string

    for loader in ("learning.accounts.demo.load", "cms.demo.load", "learning.coding.demo.load"):
        import_string(loader)()
    assert "already" in import_string("learning.coding.demo.load")()[0]
    challenges = list(Challenge.objects.all())
    assert len(challenges) >= 6
    # two web challenges on the HTML / CSS lessons: one graded on structure, one on styles
    web = [c for c in challenges if c.language == "web"]
    assert len(web) == 2 and all(c.lesson.title.startswith(("Headings", "The cascade")) for c in web)
    admin = get_user_model().objects.get(email="admin@mrict.local")
    for challenge in challenges:
        tests = list(challenge.tests.all())
        assert any(t.hidden for t in tests) and any(not t.hidden for t in tests)
        report = services.challenge_check(user=admin, challenge=challenge)
        assert report["passed"] and all(t["passed"] for t in report["results"]), (challenge.title, report)
