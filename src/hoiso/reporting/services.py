"""Every write of reporting: the indicator library, the cut-off days and stored periods.

Each service checks the actor's scope again (a forged form fails), validates the whole record
before writing (nothing half-written) and appends its audit row in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.org.models import Unit
from hoiso.reporting import periods
from hoiso.reporting.models import Indicator, Period, PeriodCutOff
from hoiso.reporting.selectors import manages_nationally

FIELDS = ("code", "name", "description", "group", "order", "measure", "rollup", "source",
          "computed_key", "decimal_places", "active")  # fmt: skip


class ReportingError(ServiceError):
    """A reporting change that cannot be made; the message is for the official."""


def _require(actor, unit: Unit | None) -> None:
    if unit is None:
        if not manages_nationally(actor):
            raise ReportingError(_("Only the national administrators change the national library."))
    elif not user_can(actor, Action.MANAGE_REPORTING, unit.path):
        raise ReportingError(
            _("You may not define indicators outside your own unit and those below it.")
        )


def _save(indicator: Indicator) -> None:
    try:
        indicator.full_clean()
    except ValidationError as exc:
        raise ReportingError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:  # a code taken between the check and the write
        raise ReportingError(_("Another indicator already has this code.")) from exc


@transaction.atomic
def indicator_create(*, actor, unit: Unit | None, data: dict) -> Indicator:
    """Define an indicator for `unit`'s subtree (None: the national library)."""
    _require(actor, unit)
    if unit is not None and not unit.is_active:
        raise ReportingError(
            _("%(unit)s has been retired; choose an active unit.") % {"unit": unit.name}
        )
    indicator = Indicator(unit=unit, created_by=actor if actor and actor.is_authenticated else None,
                          **{k: data[k] for k in FIELDS if k in data})  # fmt: skip
    _save(indicator)
    audit.record(actor=actor, action="indicator.create", obj=indicator, unit_path=indicator.unit_path,
                 details={"code": indicator.code})  # fmt: skip
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, data: dict) -> Indicator:
    """Change an indicator's definition (deactivating it included)."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _require(actor, indicator.unit)
    before = {k: getattr(indicator, k) for k in FIELDS}
    for key in FIELDS:
        if key in data:
            setattr(indicator, key, data[key])
    _save(indicator)
    changed = sorted(k for k in FIELDS if getattr(indicator, k) != before[k])
    audit.record(actor=actor, action="indicator.update", obj=indicator, unit_path=indicator.unit_path,
                 details={"code": indicator.code, "changed": changed})  # fmt: skip
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Delete an indicator nothing uses yet; one that reports, campaigns or figures point at
    is refused (deactivate it instead)."""
    _require(actor, indicator.unit)
    code, path = indicator.code, indicator.unit_path
    try:
        with transaction.atomic():
            indicator.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ReportingError(
            _("%(code)s is already used; deactivate it instead of deleting it.") % {"code": code}
        ) from exc
    audit.record(actor=actor, action="indicator.delete", unit_path=path, details={"code": code})


@transaction.atomic
def cut_off_set(*, actor, kind: str, day: int) -> PeriodCutOff:
    """Set the cut-off day of a kind of period for the whole country. Periods already over
    keep the dates they were closed with; current and future stored periods take the new one."""
    if not manages_nationally(actor):
        raise ReportingError(_("Only the national administrators change the cut-off days."))
    if kind not in Period.Kind.values:
        raise ReportingError(_("Unknown kind of period."))
    if not isinstance(day, int) or not 1 <= day <= 31:
        raise ReportingError(_("The cut-off day must be between 1 and 31."))
    row, _created = PeriodCutOff.objects.update_or_create(
        kind=kind, defaults={"day": day, "updated_by": actor}
    )
    today = timezone.localdate()
    for period in Period.objects.select_for_update().filter(kind=kind, end__gte=today):
        d = periods.dates(kind, period.year, period.number, day)
        period.counts_from, period.cut_off = d.counts_from, d.cut_off
        period.save(update_fields=["counts_from", "cut_off"])
    audit.record(
        actor=actor, action="reporting.cut_off", obj=row, details={"kind": kind, "day": day}
    )
    return row


@transaction.atomic
def cut_offs_set(*, actor, days: dict[str, int]) -> None:
    """Set several cut-off days at once: all of them or, on any refusal, none."""
    for kind, day in days.items():
        cut_off_set(actor=actor, kind=kind, day=day)


def period_ensure(*, kind: str, year: int, number: int) -> Period:
    """The stored period, created with the current cut-off day when first needed (by a
    report request, later). Safe under concurrent calls."""
    try:
        found = periods.resolve(kind, year, number)
    except periods.PeriodError as exc:
        raise ReportingError(str(exc)) from exc
    if found.pk:
        return found
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError:
        found = Period.objects.get(kind=kind, year=year, number=number)
    return found
