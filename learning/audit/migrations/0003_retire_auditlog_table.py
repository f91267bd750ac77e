"""django-auditlog's own table (`auditlog_logentry`) is retired: its rows were copied by
0002, and with AUDITLOG_LOGENTRY_MODEL pointing here Django treats its model as swapped
out (no migrations, not in `flush`). Its foreign keys to the content type and user tables
would still block a TRUNCATE of those (Django's flush on PostgreSQL): they are dropped.
The table itself stays (django-auditlog's migration history refers to it)."""

from django.db import migrations

DROP_FKS = """
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', r.conname);
    END LOOP;
END $$;
"""


def drop_fks(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FKS, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(drop_fks, migrations.RunPython.noop)]
