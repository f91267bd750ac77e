"""The lesson's challenges in the editor's preview (/api/v1/preview/ and the built-in
/preview/ page): exactly what a learner gets from /api/v1/lessons/{id}/challenges/, so
the reference solution and the hidden tests' bodies never reach a preview. Registered
with the content app in CodingConfig.ready()."""

from __future__ import annotations


def lesson_preview_challenges(*, lesson) -> list[dict]:
    from .api.serializers import LearnerChallengeSerializer
    from .selectors import challenges_of_lesson_for_preview

    challenges = challenges_of_lesson_for_preview(lesson_id=lesson.pk)
    return [dict(item) for item in LearnerChallengeSerializer(challenges, many=True).data]
