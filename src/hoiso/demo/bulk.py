"""Bulk inserts for the demo: thousands of units and officials in a few statements.

The services (org.services.unit_create, official_appoint) write one row, one history row
and one audit row at a time, which is right for an official at a form and too slow for
3,500 units. These helpers do what `Unit.save()` / `Official.save()` would do (normalised
name, folded name, sort key, materialised path, stored unit path) and then insert in
bulk, with one history row per record so that the history pages start at "created".
They write no audit rows: the demo command writes one audit entry for the whole build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models

from hoiso.core.text import collation_key, fold, normalize, person_name_fields
from hoiso.org.models import Official, Unit, path_segment

BATCH = 500


class UnitTree:
    """Collects new units (each under an existing unit or one added before it) and
    inserts them level by level, so that every parent has its id and path before its
    children's paths are computed.

        tree = UnitTree()
        province = tree.add(None, name=..., kind=Unit.Kind.PROVINCE, code="HPN-92")
        commune = tree.add(province, name=..., kind=Unit.Kind.COMMUNE, code=...)
        tree.save()      # province.pk, commune.path ... are set
    """

    def __init__(self) -> None:
        self.pending: list[Unit] = []

    def add(self, parent: Unit | None, **fields) -> Unit:
        name = normalize(fields.pop("name"))
        unit = Unit(parent=parent, name=name, name_folded=fold(name), name_sort=collation_key(name),
                    depth=(parent.depth + 1) if parent else 0, **fields)  # fmt: skip
        self.pending.append(unit)
        return unit

    def save(self) -> list[Unit]:
        levels: dict[int, list[Unit]] = defaultdict(list)
        for unit in self.pending:
            levels[unit.depth].append(unit)
        for depth in sorted(levels):
            self._save_level(levels[depth])
        saved, self.pending = self.pending, []
        Unit.history.bulk_history_create(saved, batch_size=BATCH)
        return saved

    @staticmethod
    def _save_level(units: list[Unit]) -> None:
        for unit in units:
            unit.path = f"~{unit.code}"  # unique until the id is known
        Unit.objects.bulk_create(units, batch_size=BATCH)
        for unit in units:
            unit.path = (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
        Unit.objects.bulk_update(units, ["path"], batch_size=BATCH)


def insert_officials(officials: Iterable[Official]) -> list[Official]:
    """Insert officials whose units are saved (their paths final)."""
    rows = []
    for official in officials:
        official.full_name, official.name_folded, official.name_sort = person_name_fields(
            official.full_name
        )
        official.unit_path = official.unit.path
        rows.append(official)
    Official.objects.bulk_create(rows, batch_size=BATCH)
    Official.history.bulk_history_create(rows, batch_size=BATCH)
    return rows


def insert_unit_owned(model: type[models.Model], rows: Iterable[models.Model]) -> list:
    """Insert records of a UnitOwnedModel subclass, storing each one's unit path (and a
    history row when the model keeps history)."""
    rows = list(rows)
    for row in rows:
        row.unit_path = row.unit.path
    model._default_manager.bulk_create(rows, batch_size=BATCH)
    history = getattr(model, "history", None)
    if history is not None:
        history.bulk_history_create(rows, batch_size=BATCH)
    return rows
