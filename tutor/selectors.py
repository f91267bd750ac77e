"""Reads of the tutor's conversations. Learners read their own; teachers the ones of
courses they may edit (admins every course's); a conversation asked outside any course
is its learner's alone. Getters raise Http404 for anything the caller may not see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cms.selectors import courses_editable_by

from .models import Conversation, TutorMessage


def _with_messages(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.prefetch_related(
        Prefetch("messages", queryset=TutorMessage.objects.order_by("created_at", "pk"))
    )


def conversations_for_learner(*, user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user).order_by("-updated_at", "-pk")


def conversation_get_for_learner(*, user, conversation_id: int) -> Conversation:
    conversation = _with_messages(conversations_for_learner(user=user).filter(pk=conversation_id)).first()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def conversation_of_learner(*, user, conversation_id: int) -> Conversation | None:
    """For a request body's `conversation_id`: the caller's conversation or None."""
    return Conversation.objects.filter(user=user, pk=conversation_id).first()


def conversations_for_teacher(
    *, user, course_id: int | None = None, learner_id: int | None = None
) -> QuerySet[Conversation]:
    queryset = Conversation.objects.filter(course__in=courses_editable_by(user=user))
    if course_id:
        queryset = queryset.filter(course_id=course_id)
    if learner_id:
        queryset = queryset.filter(user_id=learner_id)
    return queryset.select_related("user").order_by("-updated_at", "-pk")


def conversation_get_for_teacher(*, user, conversation_id: int) -> Conversation:
    conversation = _with_messages(conversations_for_teacher(user=user).filter(pk=conversation_id)).first()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation
