"""The demo accounts: one per persona the tests and the user guides speak of.

Every account has the shared demo password (hoiso.demo.context.DEMO_PASSWORD); those
whose role sees personal data (and the system administrator) have an authenticator app
with a fixed secret, printed by `manage.py demo --print-sign-ins`; `make totp u=NAME`
prints the current code. An official's account is tied to her Official record.

Needs from org.demo: ctx.refs province, home_commune, sibling_commune, home_branch,
home_group. Adds ctx.refs["users"]: {username: User}.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from hoiso.accounts.models import Role, User
from hoiso.accounts.roles import RoleKind, sees_personal_data
from hoiso.demo import totp
from hoiso.demo.context import DEMO_PASSWORD, DemoContext
from hoiso.demo.names import woman_name
from hoiso.org.models import Official


@dataclass(frozen=True)
class Persona:
    username: str
    role: str | None = None
    unit: str | None = None  # key in ctx.refs
    position: str | None = None  # the official at that unit this account belongs to
    superuser: bool = False
    full_name: str = ""


PERSONAS = [
    Persona("quantri", superuser=True, full_name="Quản trị hệ thống"),
    Persona("tinh_admin", RoleKind.PROVINCE_ADMIN, "province", "can-bo-chuyen-trach"),
    Persona("viewer", RoleKind.VIEWER, "province", "uy-vien-btv"),
    Persona("xa_officer", RoleKind.COMMUNE_OFFICER, "home_commune", "chu-tich"),
    Persona("xa_officer_other", RoleKind.COMMUNE_OFFICER, "sibling_commune", "chu-tich"),
    Persona("chi_hoi_leader", RoleKind.BRANCH_LEADER, "home_branch", "chi-hoi-truong"),
    Persona("to_truong", RoleKind.GROUP_LEADER, "home_group", "to-truong"),
    Persona("member"),
]


def build(ctx: DemoContext) -> None:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 costs ~0.5 s a time
    users = {}
    for persona in PERSONAS:
        users[persona.username] = _account(ctx, persona, password_hash)
    ctx.refs["users"] = users
    with_totp = sum(1 for p in PERSONAS if _needs_totp(p))
    ctx.log(f"accounts: {len(users)} demo sign-ins, {with_totp} with an authenticator app")


def _needs_totp(persona: Persona) -> bool:
    return persona.superuser or (persona.role is not None and sees_personal_data(persona.role))


def _account(ctx: DemoContext, persona: Persona, password_hash: str) -> User:
    unit = ctx.refs[persona.unit] if persona.unit else None
    official = None
    if unit is not None and persona.position:
        official = (Official.objects.filter(unit=unit, position__code=persona.position, user=None)
                    .current().order_by("pk").first())  # fmt: skip
    full_name = persona.full_name or (official.full_name if official else woman_name(ctx.rng))
    user = User(username=persona.username, full_name=full_name, email=ctx.email(persona.username),
                is_superuser=persona.superuser, is_staff=persona.superuser, password=password_hash)  # fmt: skip
    try:
        validate_password(DEMO_PASSWORD, user)
    except ValidationError as exc:
        raise CommandError(f"The demo password fails for {user.username}: {exc.messages}") from exc
    user.save()
    if unit is not None:
        Role.objects.create(user=user, unit=unit, role=persona.role)
    if official is not None:
        official.user, official.email = user, user.email
        official.save(update_fields=["user", "email"])
    if _needs_totp(persona):
        totp.activate(user, totp.demo_secret(user.username))
    return user
