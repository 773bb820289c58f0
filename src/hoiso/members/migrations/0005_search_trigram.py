"""Member search on PostgreSQL: the pg_trgm extension and the indexes search uses.

Only on PostgreSQL (SQLite has no trigram indexes and searches by plain substring), so the
operations are RunPython on the connection's vendor and the models' state is unchanged:
`makemigrations --check` stays clean on both backends.

- members_name_trgm_idx: `name_folded LIKE '%word%'` for every typed word, and the typo
  tolerant `name_folded %> query` (word similarity) when no member has every word.
- members_code_trgm_idx, members_phone_trgm_idx: part of a number typed in the search box
  (`code LIKE '%841130'`, `phone LIKE '%752230%'`), which no B-tree serves. (A CCCD prefix
  is served by the varchar_pattern_ops index Django makes for the unique column.)
- members_name_walk_idx: a search finding many members (a family name) walks name_sort in
  order and stops at the page's end; with the path and the folded name in the index the
  walk reads no table rows (an index-only scan).
"""

from django.db import migrations

INDEXES = [
    ("members_name_trgm_idx", "USING gin (name_folded gin_trgm_ops)"),
    ("members_code_trgm_idx", "USING gin (code gin_trgm_ops)"),
    ("members_phone_trgm_idx", "USING gin (phone gin_trgm_ops)"),
    ("members_name_walk_idx", "(name_sort, id) INCLUDE (unit_path, name_folded)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_member {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other objects may use it, and it costs nothing unused.


class Migration(migrations.Migration):
    dependencies = [("members", "0004_member_tally")]

    operations = [migrations.RunPython(create, drop)]
