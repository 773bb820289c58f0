"""The standard programmes, and on PostgreSQL the database's own refusal to change or delete
ledger rows: postings are never updated or deleted; journal entries are never deleted and
only their stored unit path may change (restructuring rewrites it, org.services.paths).
TRUNCATE (test teardown) is not affected."""

from django.db import migrations

TRIGGERS = """
CREATE OR REPLACE FUNCTION credit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% is append-only: rows are never deleted', TG_TABLE_NAME;
  END IF;
  IF (to_jsonb(NEW) - 'unit_path') IS DISTINCT FROM (to_jsonb(OLD) - 'unit_path') THEN
    RAISE EXCEPTION '% is append-only: rows are never changed', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_posting_append_only BEFORE UPDATE OR DELETE ON credit_posting
  FOR EACH ROW EXECUTE FUNCTION credit_append_only();
CREATE TRIGGER credit_entry_append_only BEFORE UPDATE OR DELETE ON credit_journalentry
  FOR EACH ROW EXECUTE FUNCTION credit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS credit_posting_append_only ON credit_posting;
DROP TRIGGER IF EXISTS credit_entry_append_only ON credit_journalentry;
DROP FUNCTION IF EXISTS credit_append_only();
"""


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def seed(apps, schema_editor):
    from hoiso.credit.programmes import seed_programmes

    seed_programmes(apps.get_model("credit", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop_triggers),
    ]
