"""Creating and editing units."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.org.models import ALLOWED_CHILD_KINDS, AdministrativeArea, Unit, path_segment


class OrgError(ServiceError):
    """A request the organisation cannot carry out; the message is for the official."""


def require(user, action: str, path: str) -> None:
    """Services check scope again, so a forged form cannot reach outside it."""
    if not user_can(user, action, path):
        raise OrgError(_("You may not change units outside your own unit and those below it."))


def check_child_kind(parent: Unit | None, kind: str) -> None:
    if kind not in ALLOWED_CHILD_KINDS[parent.kind if parent else None]:
        raise OrgError(
            _("A %(kind)s cannot stand directly under %(parent)s.")
            % {
                "kind": Unit.Kind(kind).label,
                "parent": parent.name if parent else _("the top"),
            }
        )


def check_parent_active(parent: Unit | None) -> None:
    if parent is not None and not parent.is_active:
        raise OrgError(
            _("%(unit)s has been retired; choose an active unit.") % {"unit": parent.name}
        )


@transaction.atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    name: str,
    kind: str,
    code: str,
    area: AdministrativeArea | None = None,
    active_from: datetime.date | None = None,
    check_scope: bool = True,
) -> Unit:
    """Create a unit under `parent` with its path. `check_scope=False` only for commands."""
    if check_scope:
        require(actor, Action.MANAGE_UNITS, parent.path if parent else "")
    check_child_kind(parent, kind)
    check_parent_active(parent)
    if Unit.objects.filter(code=code).exists():
        raise OrgError(_("The code %(code)s is already used by another unit.") % {"code": code})
    unit = Unit(
        parent=parent,
        name=name,
        kind=kind,
        code=code,
        area=area,
        active_from=active_from or timezone.localdate(),
        path=f"tmp-{code}",
        depth=(parent.depth + 1) if parent else 0,
    )
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    audit.record(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def unit_update(
    *, actor, unit: Unit, code: str, area: AdministrativeArea | None, address: str
) -> Unit:
    """Edit a unit's details. Its name changes only by renaming, which keeps the lineage."""
    require(actor, Action.MANAGE_UNITS, unit.path)
    if Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise OrgError(_("The code %(code)s is already used by another unit.") % {"code": code})
    before = {"code": unit.code, "area": unit.area_id, "address": unit.address}
    unit.code, unit.area, unit.address = code, area, address
    unit.save()
    audit.record(actor=actor, action="unit.update", obj=unit, details={"before": before})
    return unit
