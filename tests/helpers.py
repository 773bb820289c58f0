"""Helpers shared by the tests: the fixture tree, personas, TOTP codes, database snapshots."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "Mat-khau-rat-dai-2025"

# A few real areas (codes from vietnam-provinces, 2025). `load_areas` loads all of them;
# tests/org/test_load_areas.py runs it once.
AREAS = [
    # code, name, division type, level, province code
    ("92", "Thành phố Cần Thơ", "thành phố trung ương", "province", None),
    ("31135", "Phường Ninh Kiều", "phường", "commune", "92"),
    ("31120", "Phường Cái Khế", "phường", "commune", "92"),
    ("31147", "Phường Tân An", "phường", "commune", "92"),
    ("31150", "Phường An Bình", "phường", "commune", "92"),
    ("79", "Thành phố Hồ Chí Minh", "thành phố trung ương", "province", None),
    ("26740", "Phường Sài Gòn", "phường", "commune", "79"),
]


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The code an authenticator app shows now for `secret`."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def create_areas() -> dict:
    from hoiso.org.models import AdministrativeArea

    by_code: dict[str, AdministrativeArea] = {}
    for code, name, division_type, level, province in AREAS:
        by_code[code] = AdministrativeArea.objects.create(
            code=code, name=name, division_type=division_type, level=level,
            province=by_code[province] if province else None,
        )  # fmt: skip
    return by_code


@dataclass
class Tree:
    """The units of the fixture tree by short name, re-read from the database on access
    (restructuring rewrites paths under the tests' feet)."""

    pks: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name):
        from hoiso.org.models import Unit

        pks = self.__dict__.get("pks", {})
        if name in pks:
            return Unit.objects.get(pk=pks[name])
        raise AttributeError(name)

    def __getitem__(self, name):
        return getattr(self, name)


def build_tree(area_by_code: dict) -> Tree:
    """The fixture tree, through the service, as a command would (no actor, no scope)."""
    from hoiso.org.models import Unit
    from hoiso.org.services import unit_create

    tree = Tree()

    def make(key, parent, name, kind, area=None):
        unit = unit_create(actor=None, parent=parent, name=name, kind=kind, code=key.upper(),
                           area=area_by_code.get(area) if area else None, check_scope=False,
                           active_from=datetime.date(2020, 1, 1))  # fmt: skip
        tree.pks[key] = unit.pk
        return unit

    k = Unit.Kind
    province = make("p", None, "Hội LHPN thành phố Cần Thơ", k.PROVINCE, "92")
    a = make("a", province, "Hội LHPN phường Ninh Kiều", k.COMMUNE, "31135")
    a1 = make("a1", a, "Chi hội Khu vực 1", k.BRANCH)
    make("a1a", a1, "Tổ 1", k.GROUP)
    make("a1b", a1, "Tổ 2", k.GROUP)
    a2 = make("a2", a, "Chi hội Khu vực 2", k.BRANCH)
    make("a2a", a2, "Tổ 3", k.GROUP)
    b = make("b", province, "Hội LHPN phường Cái Khế", k.COMMUNE, "31120")
    b1 = make("b1", b, "Chi hội Khu vực 3", k.BRANCH)
    make("b1a", b1, "Tổ 4", k.GROUP)
    make("b2", b, "Chi hội Khu vực 4", k.BRANCH)
    other = make("q", None, "Hội LHPN Thành phố Hồ Chí Minh", k.PROVINCE, "79")
    c = make("c", other, "Hội LHPN phường Sài Gòn", k.COMMUNE, "26740")
    make("c1", c, "Chi hội Bến Nghé", k.BRANCH)
    return tree


def make_user(username: str, *, full_name: str = "", role: str | None = None, unit=None,
              totp: bool = True, **extra):  # fmt: skip
    """A user with (optionally) one role and a TOTP authenticator, as officials have."""
    from allauth.mfa.totp.internal.auth import TOTP

    from hoiso.accounts.models import Role, User

    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name,
                                    email=f"{username}@hoiso.test", **extra)  # fmt: skip
    if role:
        Role.objects.create(user=user, unit=unit, role=role)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


def fresh(user):
    """Re-read a user, so that roles cached on the instance do not leak between steps."""
    return type(user).objects.get(pk=user.pk)


def unit_rows() -> list[tuple]:
    """Every unit as (pk, path, depth, parent, active_to, name): equal before and after
    means the tree did not change."""
    from hoiso.org.models import Unit

    return list(
        Unit.objects.order_by("pk").values_list(
            "pk", "path", "depth", "parent_id", "active_to", "name"
        )
    )


def db_snapshot() -> dict[str, list]:
    """Everything a view or service of the organisation and accounts could write."""
    from hoiso.accounts.models import Role, User
    from hoiso.core.models import AuditEntry
    from hoiso.org.models import Official, Population, Restructuring, Unit, UnitLink

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "units": rows(
            Unit, "path", "depth", "parent_id", "active_to", "name", "code", "address", "area_id"
        ),
        "roles": rows(Role, "user_id", "unit_id", "unit_path", "role", "is_active"),
        "officials": rows(Official, "unit_id", "unit_path", "full_name", "ended_on", "position_id"),
        "population": rows(Population, "unit_id", "unit_path", "area_id", "year", "women_18_plus"),
        "restructurings": rows(Restructuring, "kind", "unit_path"),
        "links": rows(UnitLink, "predecessor_id", "successor_id"),
        "audit": rows(AuditEntry, "action", "unit_path"),
        "users": rows(User, "username", "full_name", "email", "is_active", "password"),
    }


def xlsx_bytes(rows: list[list], *, sheet: str = "Dân số") -> bytes:
    """A real workbook, written by XlsxWriter as officials' files are (None leaves a cell empty)."""
    import io

    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    worksheet = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                worksheet.write_string(r, c, value)  # never read as a formula or a number
            elif value is not None:
                worksheet.write(r, c, value)
    book.close()
    return output.getvalue()


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: â ê ô ă ơ ư đ precomposed, tones as combining marks."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


class nothing_changes:  # noqa: N801 - used as a context manager, reads as a sentence
    """`with nothing_changes(): ...` asserts the block left every row as it was."""

    def __enter__(self):
        self.before = db_snapshot()
        return self

    def __exit__(self, *exc):
        after = db_snapshot()
        changed = {k: (self.before[k], after[k]) for k in after if after[k] != self.before[k]}
        assert not changed, f"rows changed: {changed}"
        return False


def assert_tree_consistent() -> None:
    """The invariants of the materialised path, for every unit and every stored path:
    path = parent's path + own segment, depth = segments - 1, no cycle, and every record of
    a unit stores its unit's current path."""
    from hoiso.org.models import Unit, UnitOwnedModel, path_segment
    from hoiso.org.services.paths import path_holders

    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "") + path_segment(unit.pk), unit
        assert unit.depth == unit.path.count(".") - 1, unit
        seen, node = set(), unit
        while node is not None:
            assert node.pk not in seen, f"cycle through {unit}"
            seen.add(node.pk)
            node = units.get(node.parent_id)
    for model, field_name in path_holders():
        if issubclass(model, UnitOwnedModel):
            for pk, unit_id, stored in model._default_manager.values_list(
                "pk", "unit_id", field_name
            ):
                assert stored == units[unit_id].path, (model.__name__, pk)
