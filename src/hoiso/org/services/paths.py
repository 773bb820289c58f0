"""Rewriting materialised paths when a subtree moves.

Every model that stores a unit path (it declares SCOPE_PATH_FIELD) is rewritten in the
same transaction, with one UPDATE per model whatever the size of the subtree.
"""

from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from hoiso.core.scoping import path_q
from hoiso.org.models import Unit, path_segment


def path_holders() -> list[tuple[type, str]]:
    """(model, field) for every concrete model other than Unit that stores a unit path."""
    found = []
    for model in apps.get_models():
        field = getattr(model, "SCOPE_PATH_FIELD", None)
        if field and model is not Unit and not model._meta.abstract:
            found.append((model, field))
    return found


def _rewrite(model, field: str, old: str, new: str) -> int:
    rest = Substr(F(field), len(old) + 1, Length(F(field)))
    return model._default_manager.filter(path_q(field, [old])).update(
        **{field: Concat(Value(new), rest)}
    )


def move_subtree(unit: Unit, new_parent: Unit | None) -> int:
    """Put `unit` under `new_parent`, rewriting the path and depth of the unit, of every
    unit below it and of every record that stores one of their paths. Returns the number
    of units moved."""
    old = unit.path
    new = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    delta = new.count(".") - old.count(".")
    moved = Unit.objects.filter(path_q("path", [old])).update(
        path=Concat(Value(new), Substr(F("path"), len(old) + 1, Length(F("path")))),
        depth=F("depth") + delta,
    )
    for model, field in path_holders():
        _rewrite(model, field, old, new)
    unit.refresh_from_db(fields=["path", "depth"])
    unit.parent = new_parent
    unit.save(update_fields=["parent"])  # through save(), so the unit's history shows it
    return moved
