"""Reading django-simple-history: each version of a record with what changed from the one
before it, for the history pages of units, members and later records."""

from __future__ import annotations

from collections.abc import Iterable


def history_rows(
    versions: Iterable, model, *, excluded: Iterable[str] = (), hidden: Iterable[str] = ()
) -> list[dict]:
    """Newest first: {"record": version, "changes": [{"field", "old", "new"}]}. Saves that changed
    nothing shown (only `excluded` fields, e.g. a rewritten path) are left out; `hidden`
    fields (sensitive data the reader may not see) are never listed."""
    records = list(versions)
    excluded, hidden = list(excluded), set(hidden)
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            for change in newer.diff_against(older, excluded_fields=excluded).changes:
                if change.field in hidden:
                    continue
                field = model._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        if changes or older is None or newer.history_type != "~":
            rows.append({"record": newer, "changes": changes})
    return rows
