from django.urls import path

from . import views

urlpatterns = [
    path("code/run/", views.CodeRunView.as_view(), name="code-run"),
    path("lessons/<id:lesson_id>/draft/", views.DraftView.as_view(), name="draft"),
    path("lessons/<id:lesson_id>/draft/reset/", views.DraftResetView.as_view(), name="draft-reset"),
    path(
        "lessons/<id:lesson_id>/draft/versions/", views.DraftVersionListView.as_view(), name="draft-versions"
    ),
    path("lessons/<id:lesson_id>/draft/restore/", views.DraftRestoreView.as_view(), name="draft-restore"),
    path(
        "lessons/<id:lesson_id>/challenges/",
        views.LessonChallengeListView.as_view(),
        name="lesson-challenges",
    ),
    path("challenges/<id:challenge_id>/", views.ChallengeDetailView.as_view(), name="challenge"),
    path(
        "challenges/<id:challenge_id>/submit/", views.ChallengeSubmitView.as_view(), name="challenge-submit"
    ),
    path(
        "challenges/<id:challenge_id>/submissions/",
        views.MySubmissionListView.as_view(),
        name="challenge-submissions",
    ),
    path("teacher/challenges/", views.TeacherChallengeListView.as_view(), name="teacher-challenges"),
    path(
        "teacher/challenges/import/",
        views.TeacherChallengeImportView.as_view(),
        name="teacher-challenge-import",
    ),
    path(
        "teacher/challenges/<id:challenge_id>/",
        views.TeacherChallengeDetailView.as_view(),
        name="teacher-challenge",
    ),
    path(
        "teacher/challenges/<id:challenge_id>/check/",
        views.TeacherChallengeCheckView.as_view(),
        name="teacher-challenge-check",
    ),
    path("teacher/submissions/", views.TeacherSubmissionListView.as_view(), name="teacher-submissions"),
    path(
        "teacher/challenges/<id:challenge_id>/similarity/",
        views.ChallengeSimilarityListView.as_view(),
        name="teacher-challenge-similarity",
    ),
    path(
        "teacher/challenges/<id:challenge_id>/similarity/scan/",
        views.ChallengeSimilarityScanView.as_view(),
        name="teacher-challenge-similarity-scan",
    ),
    path(
        "teacher/courses/<id:course_id>/similarity/",
        views.CourseSimilarityListView.as_view(),
        name="teacher-course-similarity",
    ),
    path(
        "teacher/courses/<id:course_id>/similarity/projects-scan/",
        views.CourseProjectsSimilarityScanView.as_view(),
        name="teacher-course-projects-similarity-scan",
    ),
]
