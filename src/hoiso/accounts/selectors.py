"""Reads of users and roles, scoped to the acting user."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Prefetch, Q

from hoiso.accounts.models import Role, User
from hoiso.accounts.roles import roles_granting, sees_personal_data
from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q, scope_paths
from hoiso.core.text import fold
from hoiso.org.models import ancestor_paths


def mfa_required_for(*, user) -> bool:
    """Whether this user must sign in with two factors: any active role that sees personal
    data (or a superuser), when the setting is on."""
    if not settings.HOISO_MFA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or any(sees_personal_data(r) for r in user.role_kinds())


def has_totp(*, user) -> bool:
    if not hasattr(user, "_has_totp"):
        user._has_totp = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    return user._has_totp


def users_visible(*, user, query: str = "", action: str = Action.MANAGE_USERS):
    """Users holding at least one role inside the actor's scope. Users without any role are
    seen only by superusers."""
    paths = scope_paths(user, action)
    if paths is None:
        qs = User.objects.all()
    else:
        in_scope = Role.objects.filter(path_q("unit_path", paths)).values("user_id")
        qs = User.objects.filter(pk__in=in_scope)
    if folded := fold(query):
        qs = qs.filter(name_folded__contains=folded)
    roles = Role.objects.filter(is_active=True).select_related("unit").order_by("unit__depth")
    return qs.prefetch_related(Prefetch("roles", queryset=roles, to_attr="active_roles")).order_by(
        "username"
    )


def user_get(*, user, pk) -> User:
    from django.http import Http404

    try:
        return users_visible(user=user).get(pk=pk)
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def roles_in_scope(*, user, target):
    """The target's roles that the actor may see and change."""
    return (
        Role.objects.visible_to(user, Action.MANAGE_USERS)
        .filter(user=target)
        .select_related("unit", "granted_by")
        .order_by("-is_active", "unit__depth")
    )


def role_get(*, user, pk) -> Role:
    from hoiso.core.scoping import get_object_for_user

    return get_object_for_user(
        Role.objects.select_related("user", "unit"), user, Action.MANAGE_USERS, pk=pk
    )


def users_outside_scope_q(paths: list[str]) -> Q:
    return ~path_q("unit_path", paths)


def nearest_holders(*, unit, action: str) -> list[User]:
    """The people who act for `unit` on `action`: the active holders of a role granting it
    at the unit itself or, when it has none, at the nearest unit above it that has some (a
    branch without its own official is served by its commune's). Used to tell the right
    officials, not the whole chain up to the province."""
    roles = (Role.objects.filter(is_active=True, user__is_active=True,
                                 unit_path__in=ancestor_paths(unit.path),
                                 role__in=roles_granting(action))
             .select_related("user"))  # fmt: skip
    by_depth: dict[int, dict[int, User]] = {}
    for role in roles:
        by_depth.setdefault(len(role.unit_path), {})[role.user_id] = role.user
    if not by_depth:
        return []
    return sorted(by_depth[max(by_depth)].values(), key=lambda u: u.pk)
