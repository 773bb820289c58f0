"""Every read of the studies app, scoped to the acting user.

A material is seen by those who see its issuing unit and, once published, by those who see
one of its assigned units or work inside one (a branch leader of an assigned commune). A
learner's own page is hers alone (404 for anyone else). Progress is counted from the
learners' rows with one GROUP BY on the path's child segment, whatever the number of units."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths, user_can
from hoiso.org.models import Unit, ancestor_paths, path_segment
from hoiso.studies.models import Assignment, Learner, Material

SEGMENT = len(path_segment(1))
LIVE = (Material.Status.PUBLISHED, Material.Status.CLOSED)


def materials_visible(user) -> QuerySet:
    paths = scope_paths(user, Action.VIEW)
    if paths is None:
        return Material.objects.all()
    above = {p for root in paths for p in ancestor_paths(root)}
    assigned = Assignment.objects.filter(path_q("unit_path", paths) | Q(unit_path__in=above))
    return Material.objects.filter(
        path_q("unit_path", paths) | (Q(pk__in=assigned.values("material")) & Q(status__in=LIVE))
    )


def material_list(*, user, status: str = "") -> QuerySet:
    rows = materials_visible(user).select_related("unit").order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    return rows


def material_get(*, user, pk, action: str = Action.VIEW) -> Material:
    """The material if the user may see it (VIEW) or act on it (another action: only in
    her scope of the issuing unit); else 404."""
    if action != Action.VIEW:
        return get_object_for_user(Material.objects.select_related("unit"), user, action, pk=pk)
    try:
        return materials_visible(user).select_related("unit").get(pk=pk)
    except (Material.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class Progress:
    """The figures of one unit's subtree (or of the unit's own people: `own`)."""

    unit: Unit | None = None
    total: int = 0
    studied: int = 0
    passed: int = 0
    late: int = 0
    own: bool = False

    @staticmethod
    def _percent(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def completion(self) -> Decimal | None:
        return self._percent(self.studied, self.total)

    @property
    def pass_rate(self) -> Decimal | None:
        return self._percent(self.passed, self.total)

    @property
    def completion_width(self) -> int:
        return int(self.completion or 0)

    @property
    def pass_width(self) -> int:
        return int(self.pass_rate or 0)

    def add(self, other: Progress) -> None:
        self.total += other.total
        self.studied += other.studied
        self.passed += other.passed
        self.late += other.late


@dataclass
class Board:
    """The progress table under `parent`: the parent's own people, one row per child unit
    holding learners, and the whole subtree's total."""

    parent: Unit
    rows: list[Progress] = field(default_factory=list)
    own: Progress | None = None
    total: Progress = field(default_factory=Progress)


def progress_board(*, material: Material, parent: Unit) -> Board:
    """Two queries: the GROUP BY of the learners under `parent` by their child segment, and
    the units named by it."""
    length = len(parent.path) + SEGMENT
    grouped = (
        Learner.objects.filter(path_q("unit_path", [parent.path]), material=material)
        .annotate(prefix=Substr("unit_path", 1, length))
        .values("prefix")
        .annotate(total=Count("pk"), studied=Count("pk", filter=Q(studied_at__isnull=False)),
                  passed=Count("pk", filter=Q(passed=True)), late=Count("pk", filter=Q(late=True)))
        .order_by()
    )  # fmt: skip
    figures = {row["prefix"]: row for row in grouped}
    units = {u.path: u for u in Unit.objects.filter(path__in=list(figures))}
    board = Board(parent=parent)
    for prefix, row in figures.items():
        progress = Progress(unit=units.get(prefix), total=row["total"], studied=row["studied"],
                            passed=row["passed"], late=row["late"], own=prefix == parent.path)  # fmt: skip
        board.total.add(progress)
        if progress.own:
            board.own = progress
        else:
            board.rows.append(progress)
    board.rows.sort(key=lambda p: (p.unit.name_sort if p.unit else "", p.unit.pk if p.unit else 0))
    return board


def default_parent(*, user, material: Material, current: Unit | None) -> Unit:
    """Where the progress table starts: the issuing unit for those who see it; else the
    reader's current unit when it lies in the material's subtree."""
    if user_can(user, Action.VIEW, material.unit_path):
        return material.unit
    if current is not None and current.path.startswith(material.unit_path):
        return current
    raise Http404


def drill_unit(*, user, material: Material, pk) -> Unit:
    """A unit of the material's subtree that the reader sees (404 otherwise)."""
    unit = get_object_for_user(Unit.objects.all(), user, Action.VIEW, pk=pk)
    if not unit.path.startswith(material.unit_path):
        raise Http404
    return unit


def trail(*, user, material: Material, unit: Unit) -> list[Unit]:
    """The units from the issuer (or the highest one the reader sees) down to `unit`."""
    paths = [p for p in ancestor_paths(unit.path) if p.startswith(material.unit_path)]
    return list(Unit.objects.visible_to(user).filter(path__in=paths).order_by("depth"))


def people_at(*, material: Material, unit: Unit) -> QuerySet:
    """The learners counted at `unit` itself (not below), in Vietnamese name order."""
    return (Learner.objects.filter(material=material, unit_path=unit.path)
            .order_by("name_sort", "pk"))  # fmt: skip


def scope_completion(*, user, materials: list[Material]) -> dict[int, Progress]:
    """{material id: the figures of the learners the reader sees} for a page of the list:
    one GROUP BY over the materials."""
    rows = (
        Learner.objects.visible_to(user).filter(material__in=materials).values("material_id")
        .annotate(total=Count("pk"), studied=Count("pk", filter=Q(studied_at__isnull=False)),
                  passed=Count("pk", filter=Q(passed=True)))
        .order_by()
    )  # fmt: skip
    return {
        r["material_id"]: Progress(total=r["total"], studied=r["studied"], passed=r["passed"])
        for r in rows
    }


def my_studies(*, user) -> QuerySet:
    """What she must study (published or closed materials), the nearest deadline first."""
    if not getattr(user, "is_authenticated", False):
        return Learner.objects.none()
    return (Learner.objects.filter(user=user, material__status__in=LIVE)
            .select_related("material", "material__unit")
            .order_by("-material__status", "material__deadline", "-pk"))  # fmt: skip


def learner_for(*, user, material_pk) -> Learner:
    """Her own learner row for the material; 404 when it was not assigned to her."""
    try:
        return Learner.objects.select_related("material", "material__unit").get(
            material_id=material_pk, user=user, material__status__in=LIVE
        )
    except (Learner.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def record_unit(*, user, material: Material, pk, current: Unit | None) -> Unit:
    """The unit whose members she records: `pk` or her current unit, where she keeps
    members' records (MANAGE_MEMBERS) and inside the material's subtree; else 404."""
    unit = (get_object_for_user(Unit.objects.all(), user, Action.MANAGE_MEMBERS, pk=pk)
            if pk else current)  # fmt: skip
    if unit is None or not user_can(user, Action.MANAGE_MEMBERS, unit.path):
        raise Http404
    if not unit.path.startswith(material.unit_path) or material.status not in LIVE:
        raise Http404
    return unit


def members_to_record(*, user, material: Material, unit: Unit, todo: bool = False) -> QuerySet:
    """The member learners under `unit` she may record, in name order, with their unit."""
    rows = (
        Learner.objects.visible_to(user, Action.MANAGE_MEMBERS)
        .filter(path_q("unit_path", [unit.path]), material=material, kind=Learner.Kind.MEMBER)
        .select_related("unit").order_by("name_sort", "pk")
    )  # fmt: skip
    if todo:
        rows = rows.filter(studied_at__isnull=True)
    return rows


def study_units(user) -> QuerySet:
    """Units where the user may draft materials."""
    return Unit.objects.visible_to(user, Action.MANAGE_STUDIES).active().order_by("path")


def level_choices(unit: Unit) -> list[tuple[str, str]]:
    """The kinds of active unit below `unit` (for "all units of a level below me")."""
    kinds = set(
        Unit.objects.active().filter(path_q("path", [unit.path])).exclude(pk=unit.pk)
        .values_list("kind", flat=True).distinct()
    )  # fmt: skip
    return [(value, label) for value, label in Unit.Kind.choices if value in kinds]


def units_below(unit: Unit) -> QuerySet:
    return (Unit.objects.active().filter(path_q("path", [unit.path])).exclude(pk=unit.pk)
            .order_by("path"))  # fmt: skip
