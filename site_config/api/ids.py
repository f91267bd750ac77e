"""Ids at the edge: one path converter and one serializer field.

Every primary key here is a signed 64-bit integer (BigAutoField; Wagtail's pages are
32-bit). A number outside 1..2^63-1 names nothing, but handed to the database it is
not "no such row": SQLite's driver raises OverflowError (a 500). So the edge refuses
it: in a path the `<id:...>` converter does not match (404, like any unknown
address); in a body or query string IdField / `id_param` answer 400; in an editor form
IdChoiceField / IdsChoiceField call it "not one of the available choices".
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import register_converter
from rest_framework import serializers

MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:name>`: 1..2^63-1 in plain decimal; anything else is not this route."""

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # Django: the pattern does not match
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


class _TextConverter:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


def register_text_converter(name: str, regex: str) -> None:
    """`<name:...>`: a string path part that must match `regex` whole; anything else is
    not this route (404) and never reaches a view. drf-spectacular documents the regex
    as the parameter's pattern. One converter per alphabet: tokens, slugs, public ids."""
    register_converter(
        type(f"{name.title().replace('_', '')}Converter", (_TextConverter,), {"regex": regex}), name
    )


class IdField(serializers.IntegerField):
    """An object id in a request body: an integer in 1..2^63-1 (400 otherwise)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def id_param(value: str | None) -> int | None:
    """An optional id filter from a query string: the id, or None when absent or not
    an id (filters ignore what they cannot read, as before)."""
    if value and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


class IdChoiceField(forms.ModelChoiceField):
    """ModelChoiceField of an editor form: a posted value that is not an id in range is
    not one of the choices (a 400-style form error), never a query."""

    def to_python(self, value):
        if value not in self.empty_values and id_param(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField of an editor form, with IdChoiceField's rule per value."""

    def _check_values(self, value):
        for pk in value:
            if id_param(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
