"""Setups for the tutor rows of tests/permission_matrix/rows_tutor.py. "teacher" owns the
tutor course; "other" (another teacher) has a conversation of their own in it."""

from .answering import tutor_course_build


def _conversation(user, course=None):
    from tutor.models import Conversation, TutorMessage

    conversation = Conversation.objects.create(
        user=user, course=course, title="What is a loop?", turn_count=1
    )
    TutorMessage.objects.create(conversation=conversation, role="learner", text="What is a loop?")
    TutorMessage.objects.create(
        conversation=conversation, role="tutor", text="A loop repeats.", mode="built_in"
    )
    return conversation


def course_with_index(callers) -> dict:
    tc = tutor_course_build(teacher=callers["teacher"], admin=callers["admin"])
    return {"tutor_lesson": tc.loops.pk, "tutor_challenge": tc.challenge.pk}


def conversations(callers) -> dict:
    """A conversation of "other" (a teacher asking as a learner) in the teacher's course,
    and one outside any course."""
    tc = tutor_course_build(teacher=callers["teacher"], admin=callers["admin"], index=False)
    return {
        "course_conversation": _conversation(callers["other"], tc.course).pk,
        "private_conversation": _conversation(callers["other"]).pk,
    }
