"""The public verification URL of a certificate (printed, in the QR code, in the API)."""

from django.conf import settings


def verification_url(code: str) -> str:
    return f"{settings.CERTIFICATE_PUBLIC_BASE_URL.rstrip('/')}/api/v1/certificates/verify/{code}/"
