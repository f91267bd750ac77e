"""The audit table is append-only in the database itself, and takes over the entries of
django-auditlog's own table (written before AUDITLOG_LOGENTRY_MODEL pointed here).

PostgreSQL: a trigger refuses every UPDATE, every TRUNCATE of a non-empty table, and every
DELETE except the retention purge's: that one declares, for its own transaction only, a
cut-off (`set_config('audit.purge_before', …, true)`, learning/audit/services.audit_purge)
and may delete only rows older than it.
SQLite has no session variables: the purge writes the cut-off to `audit_purge_gate`
inside its transaction and removes it before committing; triggers check it the same way.
Neither stops a database owner who drops the trigger: it stops the application, its
admin screens and any code path in it (ORM, raw SQL) from changing the record.

The admin role gets audit.view_auditentry (it had auditlog.view_logentry).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
DECLARE
    purge_before text := current_setting('audit.purge_before', true);
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- truncating an empty table removes nothing (Django's flush truncates every table)
        IF NOT EXISTS (SELECT 1 FROM audit_entry) THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'DELETE' AND purge_before IS NOT NULL AND purge_before <> ''
          AND OLD."timestamp" < purge_before::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = '42501';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry;
DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""

SQLITE_CREATE = [
    "CREATE TABLE audit_purge_gate (purge_before text NOT NULL)",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge_gate WHERE OLD."timestamp" < purge_before)
       BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TABLE IF EXISTS audit_purge_gate",
]


def create_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def drop_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


COPIED = [
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
]
EVENTS = {0: "model.create", 1: "model.update", 2: "model.delete", 3: "model.access"}


def copy_old_entries(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    batch = []
    for old in LogEntry.objects.order_by("pk").values(*COPIED).iterator(chunk_size=2000):
        batch.append(AuditEntry(event=EVENTS.get(old["action"], "model.change"), **old))
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEntry.objects.bulk_create(batch)


def grant_admin(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="audit", model="auditentry")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_auditentry", defaults={"name": "Can view audit entry"}
    )
    admin = Group.objects.filter(name="admin").first()
    if admin is not None:
        admin.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(copy_old_entries, migrations.RunPython.noop),
        migrations.RunPython(create_guard, drop_guard),
        migrations.RunPython(grant_admin, migrations.RunPython.noop),
    ]
