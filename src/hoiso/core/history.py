"""Reading django-simple-history: each version of a record with what changed from the one
before it, for the history pages of units, members and later records."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst


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
                changes.append({"field": field.verbose_name, "old": shown(field, change.old),
                                "new": shown(field, change.new)})  # fmt: skip
        if changes or older is None or newer.history_type != "~":
            rows.append({"record": newer, "changes": changes})
    return rows


def shown(field: models.Field, value) -> str:
    """A stored value as a person reads it: a choice's label, Yes or No, a Vietnamese date,
    the name of what a key points to, "—" for nothing."""
    choices = dict(field.flatchoices) if field.choices else {}
    if value in choices:
        return str(choices[value])
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return capfirst(yesno(value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if (
        field.is_relation
        and field.related_model is not None
        and not isinstance(value, models.Model)
    ):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)
