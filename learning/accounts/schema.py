"""drf-spectacular: document our JWT authentication class as the bearer scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "learning.accounts.authentication.JWTAuthentication"
