"""Shared fixtures: a small organisation built through the services, and the fixed personas.

The tree (every unit created by `unit_create`, as the demo and the commands do):

    Hội LHPN thành phố Cần Thơ                (province "p", area 92)
    ├── Hội LHPN phường Ninh Kiều             commune "a" (area 31135)
    │   ├── Chi hội Khu vực 1                 branch "a1"
    │   │   ├── Tổ 1                          group "a1a"
    │   │   └── Tổ 2                          group "a1b"
    │   └── Chi hội Khu vực 2                 branch "a2"
    │       └── Tổ 3                          group "a2a"
    └── Hội LHPN phường Cái Khế               commune "b" (area 31120)
        ├── Chi hội Khu vực 3                 branch "b1"
        │   └── Tổ 4                          group "b1a"
        └── Chi hội Khu vực 4                 branch "b2"
    Hội LHPN Thành phố Hồ Chí Minh            province "q" (area 79)
    └── Hội LHPN phường Sài Gòn               commune "c" (area 26740)
        └── Chi hội Bến Nghé                  branch "c1"

Personas (STYLE.md): tinh_admin (province_admin at p), xa_officer (commune_officer at a),
xa_officer_other (commune_officer at b), chi_hoi_leader (branch_leader at a1), member
(an account with no role), anonymous. Every official has a TOTP authenticator.
"""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.helpers import PASSWORD, TOTP_SECRET, build_tree, create_areas, make_user


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing, and uploads into a throw-away folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def positions(db):
    """The standard positions. Their migration seeds them, but a transactional test empties
    every table when it ends, so put them back when they are missing."""
    from hoiso.org.models import Position

    seed = importlib.import_module("hoiso.org.migrations.0002_positions")
    for code, name, order, kinds in seed.POSITIONS:
        Position.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "unit_kinds": kinds}
        )
    return {p.code: p for p in Position.objects.all()}


@pytest.fixture
def areas(db):
    return create_areas()


@pytest.fixture
def tree(db, areas, positions):
    return build_tree(areas)


@pytest.fixture
def tinh_admin(tree):
    return make_user("tinh_admin", full_name="Trần Thị Hồng", role="province_admin", unit=tree.p)


@pytest.fixture
def xa_officer(tree):
    return make_user("xa_officer", full_name="Nguyễn Thị Lan", role="commune_officer", unit=tree.a)


@pytest.fixture
def xa_officer_other(tree):
    return make_user(
        "xa_officer_other", full_name="Lê Thị Mai", role="commune_officer", unit=tree.b
    )


@pytest.fixture
def chi_hoi_leader(tree):
    return make_user("chi_hoi_leader", full_name="Phạm Thị Cúc", role="branch_leader", unit=tree.a1)


@pytest.fixture
def member(tree):
    return make_user("member", full_name="Võ Thị Sen", totp=False)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def superuser(db):
    from allauth.mfa.totp.internal.auth import TOTP

    from hoiso.accounts.models import User

    user = User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@hoiso.test"
    )
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def personas(tinh_admin, xa_officer, xa_officer_other, chi_hoi_leader, member, anonymous):
    return {
        "tinh_admin": tinh_admin,
        "xa_officer": xa_officer,
        "xa_officer_other": xa_officer_other,
        "chi_hoi_leader": chi_hoi_leader,
        "member": member,
        "anonymous": anonymous,
    }


@pytest.fixture
def english():
    """Messages in English, so that assertions on their wording do not depend on the
    Vietnamese catalogue (which is compiled on `make`, not committed)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def pytest_configure(config):
    # WhiteNoise warns when `collectstatic` has not run; tests serve no static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
