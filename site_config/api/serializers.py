"""The base serializers of the API: unknown input fields are an error, not ignored.

DRF drops any key of a request body that is not a writable field of the serializer,
so a typo (`{"titel": "..."}`) or a field this endpoint does not take answers 200 and
changes nothing, or less than the caller meant. Every serializer of the API derives
from `Serializer` or `ModelSerializer` here instead, so such a key is a 400 in the one
error shape, one entry per key, with code `unknown_field` (or `read_only_field` for a
field the endpoint returns but does not accept), and nothing is written. The entry's
`attr` is the object's non-field key (`non_field_errors`, or e.g.
`files.0.non_field_errors` inside a list) and its `detail` names the key: an `attr` per
unknown key could not be documented, since the schema lists the `attr` values each
operation can answer. Nested
serializers and lists of them check their own keys the same way. The OpenAPI schema
says so with `additionalProperties: false` on every request body
(site_config.api.schema.AutoSchema). A test (tests/test_api_plumbing.py) fails when a
serializer of an `api` package does not derive from these.
"""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

UNKNOWN = "Unknown field `{key}`: this endpoint does not take it (see /api/schema/)."
READ_ONLY = "Read-only field `{key}`: leave it out of the request."
CODES = ("unknown_field", "read_only_field")


class StrictInput:
    """Mixin for DRF serializers: keys outside the writable fields are refused."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = self.unknown_field_errors(data)
            if errors:
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: errors})
        return super().to_internal_value(data)

    def unknown_field_errors(self, data: Mapping) -> list[ErrorDetail]:
        writable = {field.field_name for field in self._writable_fields}
        errors = []
        for key in data:
            if key in writable:
                continue
            shown = str(key)[:64]  # the key is the caller's text: bounded in the answer
            field = self.fields.get(key)
            if field is not None and field.read_only:
                errors.append(ErrorDetail(READ_ONLY.format(key=shown), code="read_only_field"))
            else:
                errors.append(ErrorDetail(UNKNOWN.format(key=shown), code="unknown_field"))
        return errors


class Serializer(StrictInput, serializers.Serializer):
    pass


class ModelSerializer(StrictInput, serializers.ModelSerializer):
    pass
