"""Writing the audit log. Services call `record(...)` inside their transaction, so an
action and its audit row are committed together or not at all."""

from typing import Any

from django.db import models

from hoiso.core.context import client_ip
from hoiso.core.models import AuditEntry

_LABELS: dict[str, str] = {}
_GROUPS: dict[str, str] = {}


def register_labels(*, groups: dict[str, str], actions: dict[str, str]) -> None:
    """Apps name their audit actions for the log viewer (in AppConfig.ready). `groups` names
    the part before the dot ("unit"), `actions` the whole code ("unit.create")."""
    _GROUPS.update(groups)
    _LABELS.update(actions)


def action_label(action: str) -> str:
    return str(_LABELS.get(action, action))


def group_label(group: str) -> str:
    return str(_GROUPS.get(group, group))


def _entry(actor: Any, action: str, obj: models.Model | None, unit_path: str,
           details: dict | None) -> AuditEntry:  # fmt: skip
    if not unit_path and obj is not None:
        unit_path = getattr(obj, "path", "") or getattr(obj, "unit_path", "") or ""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "system")[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        unit_path=unit_path,
        ip=client_ip.get(),
        details=details or {},
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    unit_path: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one audit row. `unit_path` scopes who may read it; it defaults to the
    object's own path when the object belongs to a unit."""
    entry = _entry(actor, action, obj, unit_path, details)
    entry.save(force_insert=True)
    return entry


def record_many(*, actor: Any, rows: list[tuple[str, models.Model, dict]]) -> list[AuditEntry]:
    """The rows `record(actor=actor, action=…, obj=…, details=…)` would append one by one,
    in one INSERT (a bulk write: a meeting's collections, dozens of entries at once)."""
    return AuditEntry.objects.bulk_create(
        [_entry(actor, action, obj, "", details) for action, obj, details in rows]
    )
