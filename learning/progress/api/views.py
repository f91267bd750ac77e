"""Learner progress API. Views parse, authorise (learner endpoints need a verified
email) and call one service or selector."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin, IsVerified
from site_config.api.pagination import WindowPageNumberPagination

from .. import read_cache, selectors, services
from ..models import Enrollment
from . import serializers as s


class LearnerView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]


def _course_ref(course) -> dict:
    return {"id": course.pk, "title": course.title, "slug": course.slug}


@extend_schema(tags=["progress"])
class ProgressEventsView(LearnerView):
    @extend_schema(
        summary="Record progress events (one or a batch)",
        description=(
            "Send one event object, a JSON array of up to PROGRESS_MAX_BATCH events, or "
            '`{"events": [...]}`. Idempotent by `event_id`: a retried batch changes nothing and '
            "reports each event as `duplicate`. Each event is accepted or rejected on its own "
            "(`results[i].code`: invalid, in_future, lesson_not_found, not_enrolled); a bad "
            "event never fails the rest of the batch."
        ),
        request=PolymorphicProxySerializer(
            component_name="ProgressEventsInput",
            serializers=[s.ProgressEventSerializer, s.ProgressEventSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={200: s.IngestResponseSerializer},
    )
    def post(self, request):
        data = request.data
        items = data.get("events", [data]) if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise ValidationError(
                {"events": ["Send an event object, or a non-empty array of events."]}, code="empty"
            )
        if len(items) > settings.PROGRESS_MAX_BATCH:
            raise ValidationError(
                {"events": [f"At most {settings.PROGRESS_MAX_BATCH} events per request; split the batch."]},
                code="batch_too_large",
            )
        result = services.IngestResult()
        events = []
        validator = s.ProgressEventSerializer()  # one instance: fields are built once per batch
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                result.add(index, None, "rejected", "invalid", "Each event must be a JSON object.")
                continue
            try:
                data = s.event_parse(item, validator)
            except ValidationError as exc:
                event_id = item.get("event_id")
                result.add(
                    index, event_id if isinstance(event_id, str) else None, "rejected", "invalid", exc.detail
                )
                continue
            events.append(services.EventInput(index=index, **data))
        result = services.progress_events_ingest(user=request.user, events=events, result=result)
        return Response(
            {
                "accepted": result.count("accepted"),
                "duplicates": result.count("duplicate"),
                "rejected": result.count("rejected"),
                "results": result.results,
            }
        )


@extend_schema(tags=["progress"])
class EnrollmentView(LearnerView):
    @extend_schema(
        summary="Enroll in a published course",
        description="Enrolling twice is a no-op (200 with `created: false`); re-enrolling keeps history.",
        request=None,
        responses={201: s.EnrollResponseSerializer, 200: s.EnrollResponseSerializer},
    )
    def post(self, request, course_id: int):
        course = selectors.course_visible_get(user=request.user, course_id=course_id)
        enrollment, created = services.enrollment_create(user=request.user, course=course)
        body = {
            "course_id": course.pk,
            "active": enrollment.active,
            "enrolled_at": enrollment.enrolled_at,
            "created": created,
        }
        return Response(s.EnrollResponseSerializer(body).data, status=201 if created else 200)

    @extend_schema(
        summary="Unenroll (progress is kept)",
        responses={204: OpenApiResponse(description="Unenrolled, or was not enrolled.")},
    )
    def delete(self, request, course_id: int):
        course = selectors.course_visible_get(user=request.user, course_id=course_id)
        services.enrollment_delete(user=request.user, course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)


# A learner's own data is rendered once (the dicts already have the documented shapes:
# the serializers are the schema, and a test holds the two in step) and answered by
# read_cache with a strong ETag and `Cache-Control: private, no-cache`; a repeat comes
# from the cache until the learner's data or the course changes (read_cache.py).
_RENDERER = JSONRenderer()
_PRIVATE = "`Cache-Control: private, no-cache`, strong `ETag` (304 on `If-None-Match`)."


@extend_schema(tags=["progress"])
class MyCoursesView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    serializer_class = s.EnrollmentSerializer
    queryset = Enrollment.objects.none()  # the schema's model; get() reads through the selectors
    pagination_class = WindowPageNumberPagination

    @extend_schema(
        summary="My courses with progress and the lesson to resume",
        description=_PRIVATE,
        responses=s.EnrollmentSerializer(many=True),
    )
    def get(self, request):
        # A repeat is served from the cache until the learner's data or any course changes.
        return read_cache.my_courses_response(request, lambda: self._render(request))

    def _render(self, request) -> bytes:
        # The page and the count in one query, compiled once (selectors.enrollment_page_for_user).
        def fetch(offset, limit):
            return selectors.enrollment_page_for_user(user=request.user, offset=offset, limit=limit)

        page = self.paginator.paginate_window(fetch, request)
        progress = selectors.progress_for_courses(user=request.user, courses=[e.course for e in page])
        rows = []
        for enrollment in page:
            p = progress[enrollment.course_id]
            rows.append(
                {
                    "course": _course_ref(enrollment.course),
                    "enrolled_at": enrollment.enrolled_at,
                    "last_activity_at": enrollment.last_activity_at,
                    "required_completed_count": p.done,
                    "required_lesson_count": p.total,
                    "percent": p.percent,
                    "completed_at": p.completion.completed_at if p.completion else None,
                    "resume": p.resume(),
                }
            )
        return _RENDERER.render(self.get_paginated_response(rows).data)


@extend_schema(tags=["progress"])
class ResumeView(LearnerView):
    @extend_schema(
        summary="The lesson to continue in a course",
        description=(
            "The last started and not completed lesson (with its position); else the next "
            "uncompleted lesson in course order; else `state: completed`. " + _PRIVATE
        ),
        responses={200: s.ResumeSerializer},
    )
    def get(self, request, course_id: int):
        def render() -> bytes:
            course = selectors.course_ref_visible_get(course_id=course_id)
            progress = selectors.progress_for_courses(user=request.user, courses=[course])[course.pk]
            return _RENDERER.render(progress.resume())

        return read_cache.course_read_response(request, kind="resume", course_id=course_id, render=render)


@extend_schema(tags=["progress"])
class CourseProgressView(LearnerView):
    @extend_schema(
        summary="My progress in a course, per module",
        description=_PRIVATE,
        responses={200: s.CourseProgressSerializer},
    )
    def get(self, request, course_id: int):
        return read_cache.course_read_response(
            request, kind="progress", course_id=course_id, render=lambda: self._render(request, course_id)
        )

    def _render(self, request, course_id: int) -> bytes:
        course = selectors.course_ref_visible_get(course_id=course_id)
        progress = selectors.course_progress_get(user=request.user, course=course)
        body = {
            "course_id": course.pk,
            "enrolled": selectors.enrolled(user=request.user, course_id=course.pk),
            "required_completed_count": progress.done,
            "required_lesson_count": progress.total,
            "percent": progress.percent,
            "completed_at": progress.completion.completed_at if progress.completion else None,
            "completion_stats": (
                s.CompletionStatsSerializer(progress.completion.stats).data if progress.completion else None
            ),
            "modules": progress.modules,
            "completed_lesson_ids": [lesson.id for lesson in progress.lessons if progress.is_done(lesson)],
        }
        return _RENDERER.render(body)


@extend_schema(tags=["progress"])
class TeacherCourseProgressView(GenericAPIView):
    """Progress of every learner of a course, for its owner teachers and admins."""

    permission_classes = [IsAuthenticated, IsTeacherOrAdmin]
    serializer_class = s.LearnerProgressSerializer
    queryset = Enrollment.objects.none()  # the schema's model; get() reads through the selectors
    pagination_class = WindowPageNumberPagination

    @extend_schema(
        summary="Progress of the learners in a course I teach",
        responses=s.LearnerProgressSerializer(many=True),
    )
    def get(self, request, course_id: int):
        course = selectors.teachable_course_get(user=request.user, course_id=course_id)
        page = self.paginate_queryset(selectors.learner_progress_list_for_course(course=course))
        rows = selectors.learner_progress_rows(course=course, enrollments=page)
        return self.get_paginated_response(s.LearnerProgressSerializer(rows, many=True).data)
