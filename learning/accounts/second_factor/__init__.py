"""The editor's and Django admin's second factor: TOTP (django-otp's TOTP device) with
single-use recovery codes (django-otp's static device). docs/admin-security.md."""
