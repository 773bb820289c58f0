"""Appointing officials to positions and ending their terms."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.org.models import Official, Position, Unit
from hoiso.org.services.units import OrgError, require


def _check_term(term_start: int, term_end: int) -> None:
    if not 1930 <= term_start <= term_end <= term_start + 10:
        raise OrgError(
            _("A term runs from one year to a later one, at most ten years (e.g. 2025–2030).")
        )


@transaction.atomic
def official_appoint(
    *,
    actor,
    unit: Unit,
    full_name: str,
    position: Position,
    term_start: int,
    term_end: int,
    started_on: datetime.date,
    phone: str = "",
    email: str = "",
    user=None,
    check_scope: bool = True,
) -> Official:
    """Record that a person holds `position` at `unit` for a term."""
    if check_scope:
        require(actor, Action.MANAGE_UNITS, unit.path)
    if not unit.is_active:
        raise OrgError(
            _("%(unit)s has been retired; officials cannot be appointed to it.")
            % {"unit": unit.name}
        )
    if not position.fits(unit):
        raise OrgError(
            _("The position %(position)s does not exist at a %(kind)s.")
            % {"position": position.name, "kind": unit.get_kind_display()}
        )
    if not " ".join(full_name.split()):
        raise OrgError(_("Enter the official's full name."))
    _check_term(term_start, term_end)
    official = Official.objects.create(
        unit=unit,
        full_name=full_name,
        position=position,
        term_start=term_start,
        term_end=term_end,
        started_on=started_on,
        phone=phone,
        email=email,
        user=user,
    )
    audit.record(actor=actor, action="official.appoint", obj=official)
    return official


@transaction.atomic
def official_update(*, actor, official: Official, **changes) -> Official:
    require(actor, Action.MANAGE_UNITS, official.unit_path)
    allowed = {"full_name", "position", "term_start", "term_end", "started_on", "phone", "email"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(official, name, value)
    _check_term(official.term_start, official.term_end)
    if not official.position.fits(official.unit):
        raise OrgError(_("This position does not exist at this kind of unit."))
    official.save()
    audit.record(
        actor=actor, action="official.update", obj=official, details={"fields": sorted(changes)}
    )
    return official


@transaction.atomic
def official_end(*, actor, official: Official, ended_on: datetime.date) -> Official:
    """End an official's term early (or on time). The record stays."""
    require(actor, Action.MANAGE_UNITS, official.unit_path)
    if official.ended_on is not None:
        raise OrgError(_("This term has already ended."))
    if ended_on < official.started_on:
        raise OrgError(_("A term cannot end before it started."))
    official.ended_on = ended_on
    official.save()
    audit.record(actor=actor, action="official.end", obj=official)
    return official
