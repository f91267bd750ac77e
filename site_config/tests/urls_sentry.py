"""The project's URLs plus one API view that fails, for the Sentry tests: an error in a
real view behind the real middleware and JWT authentication."""

from django.urls import path
from rest_framework.views import APIView

from site_config.urls import urlpatterns as project_urlpatterns


class FailingView(APIView):
    def get(self, request):
        raise RuntimeError(f"failed while serving {request.user.email}")


urlpatterns = [path("failing/", FailingView.as_view()), *project_urlpatterns]
