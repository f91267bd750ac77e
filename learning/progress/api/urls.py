from django.urls import path

from . import views

urlpatterns = [
    path("progress/events/", views.ProgressEventsView.as_view(), name="progress-events"),
    path("me/courses/", views.MyCoursesView.as_view(), name="my-courses"),
    path("courses/<id:course_id>/enrollment/", views.EnrollmentView.as_view(), name="course-enrollment"),
    path("courses/<id:course_id>/resume/", views.ResumeView.as_view(), name="course-resume"),
    path("courses/<id:course_id>/progress/", views.CourseProgressView.as_view(), name="course-progress"),
    path(
        "teacher/courses/<id:course_id>/progress/",
        views.TeacherCourseProgressView.as_view(),
        name="teacher-course-progress",
    ),
]
