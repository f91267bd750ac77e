from django.urls import path

from . import views

urlpatterns = [
    path(
        "teacher/question-bank/import/",
        views.QuestionImportView.as_view(),
        name="teacher-question-bank-import",
    ),
]
