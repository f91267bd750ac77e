"""Validation of a credential's JSON against the Open Badges 3.0 schema we ship
(`ob_v3p0_credential.schema.json`, JSON Schema 2020-12, see its `$comment` and
docs/open-badges.md), with format checks (`date-time`, `email`) on."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("ob_v3p0_credential.schema.json")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(credential: object) -> list[str]:
    """Every way `credential` breaks the schema, as `path: message` lines (empty: valid)."""
    errors = sorted(_validator().iter_errors(credential), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors]
