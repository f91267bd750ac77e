from django.urls import path

from . import views

urlpatterns = [
    path("code/run/", views.CodeRunView.as_view(), name="code-run"),
]
