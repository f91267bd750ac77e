"""The payload checks compiled from the registry's schemas answer exactly as jsonschema
does, on generated data around every schema's edges (no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.analytics import registry
from learning.analytics.ingest import FAST_CHECKS, VALIDATORS, compile_fast_check

KEYS = st.sampled_from(["position", "from", "to", "file", "focused_seconds", "referrer", "other", ""])
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=100_000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.sampled_from([0, 0.0, -0.0, 86_400, 86_400.0, 86_400.5, -1e-9]),
    st.text(max_size=140),
    st.sampled_from(["course", "resume", "search", "link", "other", "COURSE", "x" * 128, "x" * 129]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
DATA = st.one_of(st.dictionaries(KEYS, VALUES, max_size=4), VALUES)


def test_every_client_schema_gets_a_compiled_check():
    assert {t.name for t in registry.client_types()} == set(FAST_CHECKS)
    assert all(check is not None for check in FAST_CHECKS.values())


def test_a_schema_outside_the_simple_shape_gets_no_compiled_check():
    assert compile_fast_check({"type": "object", "properties": {"a": {"type": "integer"}}}) is None
    assert compile_fast_check({"type": "array"}) is None


@pytest.mark.parametrize("name", sorted(FAST_CHECKS))
@settings(max_examples=400, deadline=None)
@given(data=DATA)
def test_the_compiled_check_agrees_with_jsonschema(name, data):
    assert FAST_CHECKS[name](data) == VALIDATORS[name].is_valid(data), data
