"""The project's URLs plus two probe views that exist only in tests: one that
accepts a JSON body (to feed it bad input) and one that crashes (to see the 500)."""

from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from site_config.urls import handler404, handler500  # noqa: F401
from site_config.urls import urlpatterns as project_urlpatterns


class _EchoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20)


class EchoView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request):
        serializer = _EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class CrashView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        raise RuntimeError("boom")


def django_crash(request):
    raise RuntimeError("plain django boom")


urlpatterns = [
    path("api/v1/_probe/echo/", EchoView.as_view()),
    path("api/v1/_probe/crash/", CrashView.as_view()),
    path("api/v1/_probe/django-crash/", django_crash),
    *project_urlpatterns,
]
