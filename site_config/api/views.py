from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    """The cheapest DRF endpoint there is: the ceiling for `make bench`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Liveness of the API layer",
        responses=inline_serializer("Ping", {"pong": serializers.BooleanField()}),
    )
    def get(self, request):
        return Response({"pong": True})
