from django.urls import path

from . import views

urlpatterns = [
    # learner
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/<id:course_id>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("lessons/<id:lesson_id>/", views.LessonDetailView.as_view(), name="lesson-detail"),
    # headless preview
    path("preview/", views.PreviewView.as_view(), name="preview"),
    # moderation (admins)
    path("moderation/", views.ModerationListView.as_view(), name="moderation-list"),
    path(
        "moderation/<id:task_state_id>/approve/",
        views.ModerationApproveView.as_view(),
        name="moderation-approve",
    ),
    path(
        "moderation/<id:task_state_id>/reject/",
        views.ModerationRejectView.as_view(),
        name="moderation-reject",
    ),
    # authoring (teachers and admins)
    path("authoring/courses/", views.AuthoringCourseListView.as_view(), name="authoring-course-list"),
    path(
        "authoring/courses/<id:page_id>/", views.AuthoringCourseDetailView.as_view(), name="authoring-course"
    ),
    path(
        "authoring/courses/<id:page_id>/owners/",
        views.AuthoringOwnersView.as_view(),
        name="authoring-owners",
    ),
    path("authoring/modules/", views.AuthoringModuleCreateView.as_view(), name="authoring-module-create"),
    path(
        "authoring/modules/<id:page_id>/", views.AuthoringModuleDetailView.as_view(), name="authoring-module"
    ),
    path("authoring/lessons/", views.AuthoringLessonCreateView.as_view(), name="authoring-lesson-create"),
    path(
        "authoring/lessons/<id:page_id>/", views.AuthoringLessonDetailView.as_view(), name="authoring-lesson"
    ),
    path(
        "authoring/pages/<id:page_id>/submit/", views.AuthoringSubmitView.as_view(), name="authoring-submit"
    ),
    path(
        "authoring/pages/<id:page_id>/publish/",
        views.AuthoringPublishView.as_view(),
        name="authoring-publish",
    ),
    path(
        "authoring/pages/<id:page_id>/unpublish/",
        views.AuthoringUnpublishView.as_view(),
        name="authoring-unpublish",
    ),
    path("authoring/import/", views.AuthoringImportView.as_view(), name="authoring-import"),
    path("authoring/images/", views.AuthoringImageUploadView.as_view(), name="authoring-image-upload"),
    path(
        "authoring/documents/", views.AuthoringDocumentUploadView.as_view(), name="authoring-document-upload"
    ),
]
