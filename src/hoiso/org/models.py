"""The Union's organisation: administrative areas, the unit tree, its restructurings,
officials and the female population that participation rates are computed from."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoiso.core.scoping import ScopedQuerySet, path_q
from hoiso.core.text import collation_key, fold, normalize, person_name_fields

PATH_SEGMENT_WIDTH = 8


def path_segment(pk: int) -> str:
    """A unit's own piece of the materialised path: its id, zero-padded, then a dot."""
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


def ancestor_paths(path: str) -> list[str]:
    """The paths of every unit above (and including) the one at `path`, top first."""
    step = PATH_SEGMENT_WIDTH + 1
    return [path[:end] for end in range(step, len(path) + 1, step)]


def common_path(paths: list[str]) -> str:
    """The path of the deepest unit at or above all of `paths` ("" if they share none)."""
    if not paths:
        return ""
    common = ancestor_paths(paths[0])
    for path in paths[1:]:
        common = [p for p in common if path.startswith(p)]
    return common[-1] if common else ""


class AdministrativeArea(models.Model):
    """A province or a commune/ward/special zone of Vietnam since 1 July 2025, loaded from
    `vietnam-provinces` by `manage.py load_areas`; never typed by hand."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    division_type = models.CharField(_("division type"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communes",
    )

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class UnitQuerySet(ScopedQuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(active_from__lte=on).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gt=on)
        )

    def retired(self):
        return self.filter(active_to__isnull=False, active_to__lte=timezone.localdate())

    def subtree(self, unit: "Unit"):
        return self.filter(path_q("path", [unit.path]))

    def vn_ordered(self):
        return self.order_by("name_sort", "pk")


class Unit(models.Model):
    """A unit of the Women's Union, from the central level down to a group (tổ).

    `path` is the materialised path ("00000007.00000042."), one segment per ancestor, so
    a subtree is one prefix filter; `depth` counts the segments from 0. Units are never
    deleted: a retired unit has `active_to` set, keeps its place, records and path, and
    points to its successors through lineage links (UnitLink).
    """

    SCOPE_PATH_FIELD = "path"

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central union")
        PROVINCE = "province", _("Provincial union")
        COMMUNE = "commune", _("Commune/ward union")
        AFFILIATED = "affiliated", _("Affiliated grassroots union")
        BRANCH = "branch", _("Branch")
        GROUP = "group", _("Group")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    name_sort = models.CharField(max_length=600, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    area = models.ForeignKey(
        AdministrativeArea,
        verbose_name=_("administrative area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_to = models.DateField(_("active until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["name_folded", "name_sort"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name_sort", "pk"]
        indexes = [
            models.Index(
                fields=["path"], name="org_unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name_sort"], name="org_unit_children_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize(self.name)
        self.name_folded = fold(self.name)
        self.name_sort = collation_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.active_from <= today and (self.active_to is None or self.active_to > today)

    def ancestor_paths(self) -> list[str]:
        return ancestor_paths(self.path)[:-1]

    def is_descendant_of(self, other: "Unit") -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


# Which kinds of unit may stand directly under which.
ALLOWED_CHILD_KINDS: dict[str | None, set[str]] = {
    None: {Unit.Kind.CENTRAL, Unit.Kind.PROVINCE},
    Unit.Kind.CENTRAL: {Unit.Kind.PROVINCE},
    Unit.Kind.PROVINCE: {Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED},
    Unit.Kind.COMMUNE: {Unit.Kind.BRANCH},
    Unit.Kind.AFFILIATED: {Unit.Kind.BRANCH},
    Unit.Kind.BRANCH: {Unit.Kind.GROUP},
    Unit.Kind.GROUP: set(),
}


class UnitOwnedModel(models.Model):
    """Base for every record that belongs to a unit. It stores the unit's path beside the
    foreign key so that scoped queries need no join; restructuring rewrites `unit_path`
    of every subclass (org.services.paths)."""

    SCOPE_PATH_FIELD = "unit_path"

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="%(app_label)s_%(class)s_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def save(self, *args, **kwargs):
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)


class Restructuring(models.Model):
    """One restructuring decision: a merge, split, rename or move (or the revert of one).

    `operations` lists the elementary steps it applied, in order, so that a later
    restructuring can invert it exactly (org.services.restructuring_revert).
    """

    SCOPE_PATH_FIELD = "unit_path"

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Rename")
        MOVE = "move", _("Move")
        REVERT = "revert", _("Revert")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    decision = models.CharField(_("decision number"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    # The lowest unit above everything it touched: who may read it.
    unit_path = models.CharField(max_length=255, blank=True)
    units = models.ManyToManyField(Unit, related_name="restructurings", blank=True)
    operations = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reverts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reverted_by"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["unit_path"], name="org_restr_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class UnitLink(models.Model):
    """Lineage: `successor` took over from `predecessor` in `restructuring` (merge, split)."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    restructuring = models.ForeignKey(Restructuring, on_delete=models.PROTECT, related_name="links")

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "restructuring"], name="org_unitlink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Position(models.Model):
    """A position an official holds: Chủ tịch, Phó Chủ tịch, Chi hội trưởng, Tổ trưởng…
    Seeded by a migration; administrators add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=50)
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def fits(self, unit: Unit) -> bool:
        return not self.unit_kinds or unit.kind in self.unit_kinds


class OfficialQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class Official(UnitOwnedModel):
    """A person holding a position at a unit for a term (e.g. 2025–2030). The person may
    or may not have a user account; when the term or the unit ends, `ended_on` is set and
    the record stays."""

    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    name_sort = models.CharField(max_length=400, editable=False)
    position = models.ForeignKey(Position, verbose_name=_("position"), on_delete=models.PROTECT)
    term_start = models.PositiveSmallIntegerField(_("term from (year)"))
    term_end = models.PositiveSmallIntegerField(_("term to (year)"))
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offices",
    )

    history = HistoricalRecords(excluded_fields=["name_folded", "name_sort", "unit_path"])
    objects = OfficialQuerySet.as_manager()

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["position__order", "name_sort"]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.position}"

    def save(self, *args, **kwargs):
        self.full_name, self.name_folded, self.name_sort = person_name_fields(self.full_name)
        super().save(*args, **kwargs)

    @property
    def term(self) -> str:
        return f"{self.term_start}–{self.term_end}"


class Population(UnitOwnedModel):
    """Women aged 18 and over living in a unit's administrative area in a year: the
    denominator of the participation rate. Entered one by one or imported from Excel."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")

    area = models.ForeignKey(
        AdministrativeArea,
        verbose_name=_("administrative area"),
        on_delete=models.PROTECT,
        related_name="populations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    women_18_plus = models.PositiveIntegerField(_("women aged 18+"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["unit_path"])

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("population")
        verbose_name_plural = _("population")
        ordering = ["-year", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="org_population_area_year"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.women_18_plus}"
