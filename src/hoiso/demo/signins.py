"""The demo sign-ins as officials read them (Vietnamese), from what is in the database.

Any account whose e-mail address is at DEMO_EMAIL_DOMAIN is listed, so the accounts later
builders add appear without changes here.
"""

from __future__ import annotations

from django.db.models import Prefetch

from hoiso.accounts.models import Role, User
from hoiso.demo import totp
from hoiso.demo.context import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from hoiso.org.models import Unit, ancestor_paths

ROLE_WORDS = {
    "province_admin": "quản trị cấp tỉnh",
    "commune_officer": "cán bộ cấp xã",
    "branch_leader": "chi hội trưởng",
    "group_leader": "tổ trưởng",
    "viewer": "chỉ xem",
    "judge": "giám khảo",
    "credit_officer": "cán bộ tín dụng",
}


def demo_users():
    roles = Role.objects.filter(is_active=True).select_related("unit").order_by("unit__depth")
    return (User.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")
            .prefetch_related(Prefetch("roles", queryset=roles, to_attr="demo_roles"))
            .order_by("pk"))  # fmt: skip


def _what(user: User) -> str:
    if user.is_superuser:
        return "siêu quản trị, toàn quyền trên mọi đơn vị"
    if not user.demo_roles:
        return "hội viên, không có vai trò quản lý"
    return "; ".join(f"{ROLE_WORDS.get(r.role, r.get_role_display())} — {_unit_label(r.unit)}"
                     for r in user.demo_roles)  # fmt: skip


def _unit_label(unit: Unit) -> str:
    """A unit with the units above it up to the commune: "Tổ 1, Chi hội ấp Cái Sơn, Hội LHPN xã
    Kế Sách" (a group's name alone says little)."""
    chain = Unit.objects.filter(path__in=ancestor_paths(unit.path), depth__gte=1).order_by("-depth")
    return ", ".join(u.name for u in chain) if unit.depth >= 1 else unit.name


def sign_in_text() -> str:
    users = list(demo_users())
    if not users:
        return "Chưa có tài khoản dùng thử (chạy `manage.py demo`)."
    width = max(len(u.username) for u in users) + 2
    lines = [
        "",
        "TÀI KHOẢN DÙNG THỬ",
        f"Mật khẩu chung cho mọi tài khoản: {DEMO_PASSWORD}",
        "Tài khoản có khóa TOTP đăng nhập hai lớp: thêm khóa vào ứng dụng xác thực trên điện",
        "thoại, hoặc chạy lệnh ghi bên cạnh để lấy mã 6 số hiện tại.",
        "",
    ]
    for user in users:
        lines.append(f"  {user.username:<{width}}{user.full_name} — {_what(user)}")
        secret = totp.stored_secret(user)
        if secret:
            lines.append(f"  {'':<{width}}khóa TOTP {totp.grouped(secret)}"
                         f"  (mã: make totp u={user.username})")  # fmt: skip
    lines.append("")
    return "\n".join(lines)
