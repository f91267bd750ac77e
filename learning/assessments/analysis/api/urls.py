from django.urls import path

from . import views

urlpatterns = [
    path(
        "teacher/quizzes/<id:quiz_id>/item-analysis/",
        views.ItemAnalysisView.as_view(),
        name="teacher-quiz-item-analysis",
    ),
    path(
        "teacher/quizzes/<id:quiz_id>/item-analysis/csv/",
        views.ItemAnalysisCsvView.as_view(),
        name="teacher-quiz-item-analysis-csv",
    ),
]
