from django.urls import path

from . import views

urlpatterns = [
    path("tutor/ask/", views.AskView.as_view(), name="tutor-ask"),
    path("tutor/code-update/", views.CodeUpdateView.as_view(), name="tutor-code-update"),
    path("tutor/conversations/", views.ConversationListView.as_view(), name="tutor-conversations"),
    path(
        "tutor/conversations/<id:conversation_id>/",
        views.ConversationDetailView.as_view(),
        name="tutor-conversation",
    ),
    path(
        "teacher/tutor/conversations/",
        views.TeacherConversationListView.as_view(),
        name="teacher-tutor-conversations",
    ),
    path(
        "teacher/tutor/conversations/<id:conversation_id>/",
        views.TeacherConversationDetailView.as_view(),
        name="teacher-tutor-conversation",
    ),
]
