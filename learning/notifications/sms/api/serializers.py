from rest_framework import serializers

from site_config.api.serializers import Serializer


class PhoneSerializer(Serializer):
    number = serializers.CharField(allow_null=True, help_text="E.164, or null when none is set.")
    verified = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    code_sent = serializers.BooleanField(
        required=False, help_text="On a change: whether a verification code was queued."
    )


class PhoneSetSerializer(Serializer):
    number = serializers.CharField(
        max_length=40, help_text="The number in international form, e.g. +447911123456 (spaces allowed)."
    )


class PhoneVerifySerializer(Serializer):
    code = serializers.RegexField(r"^\d{6}$", help_text="The 6-digit code texted to the number.")
