from django.urls import path

from . import views

urlpatterns = [
    path("quizzes/<id:quiz_id>/", views.QuizDetailView.as_view(), name="quiz"),
    path("quizzes/<id:quiz_id>/attempts/", views.QuizAttemptsView.as_view(), name="quiz-attempts"),
    path("attempts/", views.MyAttemptsView.as_view(), name="my-attempts"),
    path("attempts/<id:attempt_id>/", views.AttemptDetailView.as_view(), name="attempt"),
    path("attempts/<id:attempt_id>/answers/", views.AttemptAnswersView.as_view(), name="attempt-answers"),
    path("attempts/<id:attempt_id>/submit/", views.AttemptSubmitView.as_view(), name="attempt-submit"),
    path("teacher/attempts/", views.TeacherAttemptsView.as_view(), name="teacher-attempts"),
    path(
        "teacher/attempts/<id:attempt_id>/", views.TeacherAttemptDetailView.as_view(), name="teacher-attempt"
    ),
]
