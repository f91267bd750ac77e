"""Make text stored before sandbox output was made safe (issue 10, row 4) safe too.

A program could print a lone surrogate (`console.log('\\ud800')`) or NUL; on SQLite the
JSON columns stored it (as a `\\ud800` escape), and from then on the learner's and the
teacher's submission lists answered 500 (a UTF-8 response cannot encode it). Draft files
could hold the same. Each such character becomes U+FFFD, as the sandbox protocol does now
for new output (learning/coding/sandbox/protocol.py).

PostgreSQL is skipped: its jsonb never accepted either (the write failed), so no row
there can hold one, and a large table is not scanned for nothing.
"""

import re

from django.db import migrations

UNSAFE = re.compile("[\ud800-\udfff\x00]")
COLUMNS = {"Submission": ("files", "results"), "Draft": ("files",), "DraftVersion": ("files",)}


def _safe(value):
    if isinstance(value, str):
        return UNSAFE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_safe(item) for item in value]
    if isinstance(value, dict):
        return {_safe(key): _safe(item) for key, item in value.items()}
    return value


def make_stored_text_safe(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for model_name, fields in COLUMNS.items():
        model = apps.get_model("coding", model_name)
        for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
            changed = {}
            for field in fields:
                value = getattr(row, field)
                clean = _safe(value)
                if clean != value:
                    changed[field] = clean
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("coding", "0001_initial")]

    operations = [migrations.RunPython(make_stored_text_safe, migrations.RunPython.noop, elidable=True)]
