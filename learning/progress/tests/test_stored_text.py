"""Positions stored before the parser refused invalid text (issue 10, row 4): a lone
surrogate or NUL in a stored position made `/resume/` a 500 for good; the data migration
0003 repairs such rows."""

import importlib

import pytest
from django.apps import apps
from django.db import DataError, connection, transaction
from rest_framework.test import APIClient

from learning.progress.models import LessonProgress, ProgressEvent

from .conftest import event

pytestmark = pytest.mark.django_db
FFFD = "\ufffd"
BAD = {"block": "a\ud800b", "note\x00": ["\udc00"]}


def _repair():
    migration = importlib.import_module("learning.progress.migrations.0003_safe_stored_positions")
    # the migration asks the editor only which database it is on
    migration.make_stored_positions_safe(apps, connection.schema_editor())


def test_stored_positions_with_invalid_text_are_repaired(learner, student, course, lessons):
    response = learner.post(
        "/api/v1/progress/events/",
        [event(lessons[0].pk, "lesson_started", position={"block": 1})],
        format="json",
    )
    assert response.json()["accepted"] == 1
    if connection.vendor == "postgresql":
        # jsonb never took such text: there is nothing to repair there
        with pytest.raises(DataError), transaction.atomic():
            LessonProgress.objects.filter(user=student).update(position=BAD)
        return
    LessonProgress.objects.filter(user=student).update(position=BAD)
    ProgressEvent.objects.filter(user=student).update(position=BAD)
    url = f"/api/v1/courses/{course.pk}/resume/"
    broken = APIClient(raise_request_exception=False)
    broken.force_authenticate(student)
    assert broken.get(url).status_code == 500  # what such a row did before the repair

    _repair()

    response = learner.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["position"] == {"block": f"a{FFFD}b", f"note{FFFD}": [FFFD]}
    assert ProgressEvent.objects.get(user=student).position == {"block": f"a{FFFD}b", f"note{FFFD}": [FFFD]}
