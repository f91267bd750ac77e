"""Make `position` values stored before the parser refused invalid text (issue 10, row 4)
safe: a lone surrogate or NUL in a position made `/resume/` answer 500 for good (a UTF-8
response cannot encode it). Each such character becomes U+FFFD, as the sandbox protocol
does for program output.

Only SQLite could store one (as a JSON escape); PostgreSQL's jsonb refused the write, so
it is skipped, and a large event log is not scanned for nothing. On SQLite only rows whose
JSON text holds an escape at all are read.
"""

import re

from django.db import migrations

UNSAFE = re.compile("[\ud800-\udfff\x00]")


def _safe(value):
    if isinstance(value, str):
        return UNSAFE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_safe(item) for item in value]
    if isinstance(value, dict):
        return {_safe(key): _safe(item) for key, item in value.items()}
    return value


def make_stored_positions_safe(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for model_name in ("LessonProgress", "ProgressEvent"):
        model = apps.get_model("progress", model_name)
        table = schema_editor.connection.ops.quote_name(model._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            # Django stores JSON ASCII-escaped: both characters appear as `\u` escapes.
            cursor.execute(f"SELECT id FROM {table} WHERE position LIKE '%\\u%'")  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
        for row in model.objects.filter(pk__in=ids).only("pk", "position").iterator(chunk_size=500):
            clean = _safe(row.position)
            if clean != row.position:
                model.objects.filter(pk=row.pk).update(position=clean)


class Migration(migrations.Migration):
    dependencies = [("progress", "0002_event_log_indexes")]

    operations = [migrations.RunPython(make_stored_positions_safe, migrations.RunPython.noop, elidable=True)]
