"""Writes of users and roles. An official manages users only inside her subtree and
grants only roles that do not exceed her own."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoiso.accounts.models import Role, User
from hoiso.accounts.roles import RoleKind, grantable_roles
from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import scope_paths, user_can
from hoiso.org.models import Unit
from hoiso.org.services import OrgError


class AccountError(OrgError):
    """A request about accounts that cannot be carried out; the message is for the official."""


def _may_grant(actor, unit: Unit, role: str) -> bool:
    """Whether the actor's roles that reach `unit` allow handing out `role` (roles.grantable_roles:
    no rights she lacks, no rank above hers)."""
    if actor.is_superuser:
        return True
    reaching = {r.role for r in actor._active_roles() if unit.path.startswith(r.unit_path)}
    return role in grantable_roles(reaching)


def _check_can_grant(actor, unit: Unit, role: str) -> None:
    if not user_can(actor, Action.MANAGE_USERS, unit.path):
        raise AccountError(_("You may manage users only in your own unit and those below it."))
    if role not in RoleKind.values:
        raise AccountError(_("Unknown role."))
    if not _may_grant(actor, unit, role):
        raise AccountError(_("You cannot grant a role with more rights than your own."))
    if not unit.is_active:
        raise AccountError(_("%(unit)s has been retired.") % {"unit": unit.name})


def _check_manages(actor, target: User) -> None:
    """The actor may change a user only if every active role of that user is in her scope
    (so no one can take over an account of a higher or a sibling unit)."""
    if actor.is_superuser:
        return
    if target.is_superuser:
        raise AccountError(_("You may not change this account."))
    paths = scope_paths(actor, Action.MANAGE_USERS) or []
    roles = Role.objects.filter(user=target, is_active=True).values_list("unit_path", flat=True)
    if not roles or any(not any(p.startswith(root) for root in paths) for p in roles):
        raise AccountError(
            _("This account also works for units outside your scope; ask the level above.")
        )


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    unit: Unit,
    role: str,
) -> User:
    """Create an account with its first role at `unit`."""
    _check_can_grant(actor, unit, role)
    username = username.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The user name %(u)s is already taken.") % {"u": username})
    if email and User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("The e-mail address %(e)s is already used.") % {"e": email})
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    Role.objects.create(user=user, unit=unit, role=role, granted_by=actor)
    audit.record(
        actor=actor,
        action="user.create",
        obj=user,
        unit_path=unit.path,
        details={"role": role, "unit": unit.pk},
    )
    return user


@transaction.atomic
def user_update(*, actor, target: User, full_name: str, email: str, phone: str) -> User:
    _check_manages(actor, target)
    if email and User.objects.filter(email__iexact=email).exclude(pk=target.pk).exists():
        raise AccountError(_("The e-mail address %(e)s is already used.") % {"e": email})
    target.full_name, target.email, target.phone = full_name, email, phone
    target.save()
    audit.record(actor=actor, action="user.update", obj=target, unit_path=_home_path(target))
    return target


@transaction.atomic
def user_set_active(*, actor, target: User, active: bool) -> User:
    """Lock or unlock an account (accounts are never deleted)."""
    _check_manages(actor, target)
    if target.pk == actor.pk:
        raise AccountError(_("You cannot lock your own account."))
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="user.unlock" if active else "user.lock",
        obj=target,
        unit_path=_home_path(target),
    )
    return target


@transaction.atomic
def user_set_password(*, actor, target: User, password: str) -> User:
    _check_manages(actor, target)
    try:
        validate_password(password, target)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc
    target.set_password(password)
    target.save(update_fields=["password"])
    audit.record(actor=actor, action="user.set_password", obj=target, unit_path=_home_path(target))
    return target


@transaction.atomic
def role_grant(*, actor, target: User, unit: Unit, role: str) -> Role:
    _check_can_grant(actor, unit, role)
    if Role.objects.filter(user=target, unit=unit, role=role, is_active=True).exists():
        raise AccountError(_("This user already has this role at this unit."))
    granted = Role.objects.create(user=target, unit=unit, role=role, granted_by=actor)
    audit.record(actor=actor, action="role.grant", obj=granted)
    return granted


@transaction.atomic
def role_revoke(*, actor, role: Role) -> Role:
    if not user_can(actor, Action.MANAGE_USERS, role.unit_path):
        raise AccountError(_("You may manage users only in your own unit and those below it."))
    if role.user_id == actor.pk and not actor.is_superuser:
        raise AccountError(_("You cannot remove your own role."))
    role.is_active = False
    role.save(update_fields=["is_active"])
    audit.record(actor=actor, action="role.revoke", obj=role)
    return role


def _home_path(user: User) -> str:
    role = Role.objects.filter(user=user, is_active=True).order_by("unit__depth").first()
    return role.unit_path if role else ""
