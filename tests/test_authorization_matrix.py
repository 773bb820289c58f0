"""THE authorisation matrix: every view of the project × every persona.

Each row (`Spec`) says how to reach one view for a target in commune A (Hội LHPN phường
Ninh Kiều) — its URL, its method and, for a write, a payload that succeeds for an authorised
persona — and what each persona must get:

    anonymous        → 302 to the sign-in page
    member (no role) → 404
    xa_officer       → 200 (302 after a valid write): the unit's own official
    xa_officer_other → 404 — the official of the sibling commune, for the very same URL and
                       payload — and NOTHING changed in the database
    tinh_admin       → 200 (302 after a write): the province above both
    chi_hoi_leader   → 404 unless the row says otherwise (her scope is one branch of A)

A list page has no target object: a persona without scope gets 200 with nothing of
commune A on it (`hidden`). Because the authorised personas' writes must succeed (and change
the database), a 404 for the sibling proves scoping, not validation.

`test_every_url_is_covered` walks every URL pattern of the project and fails for any view
that is neither a row here nor excluded below with a reason. A new app adds its rows to
SPECS (or to a list of its own appended to SPECS).
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hoiso.accounts.models import Role
from hoiso.core import progress
from hoiso.core.spreadsheets import read_table
from hoiso.members.cards import card_token
from hoiso.members.services import member_admit, member_leave, member_transfer
from hoiso.org.models import Official, Position
from hoiso.org.selectors import CURRENT_UNIT_SESSION_KEY
from hoiso.org.services import official_appoint, population_set, unit_rename
from tests.helpers import make_user, xlsx_bytes
from tests.members.helpers import db_snapshot  # the shared snapshot and the member tables

LOGIN = "login"  # expected outcome: a redirect to the sign-in page
PERSONAS = ["anonymous", "member", "xa_officer", "xa_officer_other", "tinh_admin", "chi_hoi_leader"]
DENIED_BY_DEFAULT = {
    "anonymous": LOGIN,
    "member": 404,
    "xa_officer_other": 404,
    "chi_hoi_leader": 404,
}

# Views of other projects, and why the matrix does not cover them. A view of HộiSố itself
# (its callback lives in `hoiso.`) is never excluded, whatever its name.
EXCLUDED = {
    "admin:*": "Django admin: staff only (is_staff), Django's own permission checks",
    "account_*": "django-allauth sign-in pages: for everyone by design; tests/accounts/test_signin.py",
    "mfa_*": "django-allauth two-factor pages: the user's own authenticator only; tests/accounts/test_signin.py",
    "set_language": "Django i18n: sets the interface language, reads and writes no record",
}


@dataclass
class World:
    """The targets in commune A that the rows point at."""

    tree: object
    users: dict
    official: Official
    restructuring: object
    job: object
    role: Role
    members: dict = field(default_factory=dict)  # members of branch a2 (not chi_hoi_leader's)
    transfer: object = None  # from province Q to branch a2, waiting for commune A


@dataclass(frozen=True)
class Spec:
    name: str
    url: Callable[[World], str]
    method: str = "get"
    data: Callable[[World], dict] | None = None
    # persona → expected status (or LOGIN); personas not named get the default
    expect: dict[str, object] = field(default_factory=dict)
    writes: bool = False  # an authorised persona's request changes the database
    hidden: Callable[[World], list[str]] | None = (
        None  # about A: never shown to personas without scope
    )
    check: Callable[[object, str, World], None] | None = None  # more assertions on the response
    label: str = ""
    refused: tuple[str, ...] = ()  # personas whose 200 is a refusal: nothing may change

    def expected(self, persona: str):
        ok = 302 if self.writes else 200
        default = {"xa_officer": ok, "tinh_admin": ok, **DENIED_BY_DEFAULT}
        return {**default, **self.expect}.get(persona)

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.label + ']' if self.label else ''}:{self.method}"


def _date(days: int = 0) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).strftime("%d/%m/%Y")


def _unit_url(name):
    return lambda w: reverse(name, args=[w.tree.pks["a"]])


A_NAMES = lambda w: ["Hội LHPN phường Ninh Kiều", "Chi hội Khu vực 1"]  # noqa: E731
LIST_OPEN = {
    "member": 200,
    "xa_officer_other": 200,
}  # lists answer everyone, with nothing out of scope


def _home_check(response, persona, w):
    if persona == "xa_officer":
        assert response["Location"] == reverse("org:unit_detail", args=[w.tree.pks["a"]])
    if persona == "xa_officer_other":
        assert response["Location"] == reverse("org:unit_detail", args=[w.tree.pks["b"]])


def _switch_check(response, persona, w):
    if persona in ("xa_officer", "tinh_admin"):
        assert response.wsgi_request.session[CURRENT_UNIT_SESSION_KEY] == w.tree.pks["a"]
    elif persona != "anonymous":
        assert CURRENT_UNIT_SESSION_KEY not in response.wsgi_request.session


def _template_check(response, persona, w):
    """The ready-to-fill workbook lists only the communes the persona manages."""
    if response.status_code != 200:
        return
    codes = {str(row[0]) for row in read_table(response.content, "mau.xlsx").rows}
    expected = {
        "xa_officer": {"31135"},
        "tinh_admin": {"92", "31135", "31120"},
        "xa_officer_other": {"31120"},
        "member": set(),
        "chi_hoi_leader": set(),  # her branch has no administrative area
    }[persona]
    assert codes == expected


def _population_file(w):
    data = xlsx_bytes([["Mã xã", "Năm", "Số phụ nữ từ 18 tuổi"], ["31135", 2025, 43210]])
    return {"file": SimpleUploadedFile("dan-so.xlsx", data)}


MEMBER_NAMES = lambda w: ["Trương Thị Hạnh"]  # noqa: E731 - member of branch a2 (commune A)


def _member_url(name, key="a2"):
    return lambda w: reverse(name, args=[w.members[key].pk])


def _first_version_url(w):
    member = w.members["a2"]
    version = member.history.order_by("history_date", "history_id").first()
    return reverse("members:member_restore", args=[member.pk, version.history_id])


def _record(**fields):
    """The member form's fields for Trương Thị Hạnh, the member of branch a2."""
    data = {"full_name": "Trương Thị Hạnh", "date_of_birth": "12/05/1990", "gender": "F", "cccd": "",
            "phone": "", "address_area": "", "hamlet": "", "home_town": "", "education": "",
            "qualification": "", "political_theory": "", "occupation": "", "member_type": "ordinary",
            "household": "", "vneid_level": "0"}  # fmt: skip
    return {**data, **fields}


def _import_batch(w, status="mapping"):
    """A member import of commune A (default unit: branch a2), taken as far as `status`."""
    from hoiso.members.importing import services as imports

    actor = w.users["xa_officer"]
    data = xlsx_bytes(
        [["Họ và tên", "Ngày sinh"], ["Trương Thị Nhập", "12/05/1990"]], sheet="Hội viên"
    )
    batch = imports.batch_create(
        actor=actor, unit=w.tree.a2, file_name="hoi-vien-a2.xlsx", data=data
    )
    if status != "mapping":
        imports.batch_map(actor=actor, batch=batch, mapping=batch.mapping)
        imports.batch_check(actor=actor, batch=batch)
    if status == "done":
        imports.batch_import(actor=actor, batch=batch, mode="all")
    return batch


def _import_url(name, status="mapping"):
    return lambda w: reverse(name, args=[_import_batch(w, status).pk])


def _members_file(w):
    data = xlsx_bytes(
        [["Họ và tên", "Ngày sinh"], ["Trương Thị Nhập", "12/05/1990"]], sheet="Hội viên"
    )
    return {"file": SimpleUploadedFile("hoi-vien.xlsx", data), "unit": w.tree.pks["a2"]}


IMPORT_FILES = lambda w: ["hoi-vien-a2.xlsx"]  # noqa: E731


def _duplicate(w):
    """A second record of Trương Thị Hạnh (same name and date of birth) in group a2a."""
    if "dup" not in w.members:
        w.members["dup"] = member_admit(actor=w.users["xa_officer"], unit=w.tree.a2a,
                                        data={"full_name": "TRƯƠNG THỊ HẠNH", "phone": "0912345678",
                                              "date_of_birth": datetime.date(1990, 5, 12)})  # fmt: skip
    return w.members["dup"]


SPECS: list[Spec] = [
    # ---------------------------------------------------------------- core
    Spec("core:home", lambda w: reverse("core:home"),
         expect={"member": 200, "xa_officer": 302, "xa_officer_other": 302, "tinh_admin": 302,
                 "chi_hoi_leader": 302},
         check=_home_check),
    Spec("core:audit_list", lambda w: reverse("core:audit_list"),
         expect={"xa_officer_other": 200}, hidden=A_NAMES),
    Spec("core:task_progress", lambda w: reverse("core:task_progress", args=[w.job.pk])),
    # ---------------------------------------------------------------- org: tree and unit pages
    Spec("org:tree", lambda w: reverse("org:tree"), expect={**LIST_OPEN, "chi_hoi_leader": 200},
         hidden=lambda w: ["Hội LHPN phường Ninh Kiều"]),
    Spec("org:tree", lambda w: reverse("org:tree") + "?q=khu+vuc", label="search",
         expect={**LIST_OPEN, "chi_hoi_leader": 200}, hidden=lambda w: ["Chi hội Khu vực Hai"]),
    Spec("org:switch_unit", lambda w: reverse("org:switch_unit"), method="post",
         data=lambda w: {"unit": w.tree.pks["a"]},
         expect={"xa_officer": 302, "tinh_admin": 302}, check=_switch_check),
    Spec("org:unit_detail", _unit_url("org:unit_detail")),
    Spec("org:unit_detail", lambda w: reverse("org:unit_detail", args=[w.tree.pks["a1"]]), label="branch",
         expect={"chi_hoi_leader": 200}),
    Spec("org:tree_children", _unit_url("org:tree_children")),
    Spec("org:unit_lineage", _unit_url("org:unit_lineage")),
    Spec("org:unit_officials", _unit_url("org:unit_officials")),
    # ---------------------------------------------------------------- org: writes on a unit
    Spec("org:unit_create", _unit_url("org:unit_create")),
    Spec("org:unit_create", _unit_url("org:unit_create"), method="post", writes=True,
         data=lambda w: {"name": "Chi hội Khu vực 9", "code": "A9", "kind": "branch", "area": "",
                         "active_from": _date()}),
    Spec("org:unit_edit", _unit_url("org:unit_edit")),
    Spec("org:unit_edit", _unit_url("org:unit_edit"), method="post", writes=True,
         data=lambda w: {"code": "A", "area": w.tree.a.area_id, "address": "12 Đại lộ Hòa Bình"}),
    Spec("org:official_create", _unit_url("org:official_create")),
    Spec("org:official_create", _unit_url("org:official_create"), method="post", writes=True,
         data=lambda w: {"full_name": "Trần Thị Thu", "position": Position.objects.get(code="pho-chu-tich").pk,
                         "term_start": 2025, "term_end": 2030, "started_on": _date(), "phone": "",
                         "email": ""}),
    Spec("org:official_end", lambda w: reverse("org:official_end", args=[w.official.pk])),
    Spec("org:official_end", lambda w: reverse("org:official_end", args=[w.official.pk]), method="post",
         writes=True, data=lambda w: {"ended_on": _date()}),
    # ---------------------------------------------------------------- org: population
    Spec("org:population_edit", _unit_url("org:population_edit")),
    Spec("org:population_edit", _unit_url("org:population_edit"), method="post", writes=True,
         data=lambda w: {"year": 2025, "women_18_plus": 15000}),
    Spec("org:population_list", lambda w: reverse("org:population_list"),
         expect={**LIST_OPEN, "chi_hoi_leader": 200},
         hidden=lambda w: ["Hội LHPN phường Ninh Kiều", "43.210", "43,210"]),
    # The import page is open to anyone who manages some unit: the rows of the file decide
    # (rows outside her scope are refused by the task; tests/org/test_tasks.py).
    Spec("org:population_import", lambda w: reverse("org:population_import"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("org:population_import", lambda w: reverse("org:population_import"), method="post",
         data=_population_file,
         expect={"xa_officer": 200, "tinh_admin": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("org:population_template", lambda w: reverse("org:population_template"),
         expect={**LIST_OPEN, "chi_hoi_leader": 200}, check=_template_check),
    # ---------------------------------------------------------------- org: restructuring
    Spec("org:restructuring_list", lambda w: reverse("org:restructuring_list"),
         expect={**LIST_OPEN, "chi_hoi_leader": 200}, hidden=lambda w: ["Chi hội Khu vực Hai"]),
    Spec("org:restructuring_start", lambda w: reverse("org:restructuring_start") + f"?parent={w.tree.pks['a']}"),
    Spec("org:restructuring_wizard",
         lambda w: reverse("org:restructuring_wizard", args=["rename"]) + f"?parent={w.tree.pks['a']}"),
    Spec("org:restructuring_wizard",
         lambda w: reverse("org:restructuring_wizard", args=["rename"]) + f"?parent={w.tree.pks['a']}",
         method="post", writes=True, label="rename",
         data=lambda w: {"unit": w.tree.pks["a1"], "new_name": "Chi hội Khu vực Một", "effective_on": _date(),
                         "decision": "12/QĐ-HPN", "note": "", "confirm": "1"}),
    Spec("org:restructuring_wizard",
         lambda w: reverse("org:restructuring_wizard", args=["merge"]) + f"?parent={w.tree.pks['a']}",
         method="post", label="merge-preview",
         data=lambda w: {"target": w.tree.pks["a1"], "sources": [w.tree.pks["a2"]], "effective_on": _date(),
                         "decision": "", "note": ""}),
    Spec("org:restructuring_detail", lambda w: reverse("org:restructuring_detail", args=[w.restructuring.pk])),
    Spec("org:restructuring_revert", lambda w: reverse("org:restructuring_revert", args=[w.restructuring.pk]),
         method="post", writes=True, data=lambda w: {"note": "Nhầm"}),
    # ---------------------------------------------------------------- accounts
    Spec("accounts:user_list", lambda w: reverse("accounts:user_list"), expect={"xa_officer_other": 200},
         hidden=lambda w: ["Phạm Thị Cúc", "chi_hoi_leader"]),
    Spec("accounts:user_create", lambda w: reverse("accounts:user_create") + f"?unit={w.tree.pks['a']}"),
    Spec("accounts:user_create", lambda w: reverse("accounts:user_create") + f"?unit={w.tree.pks['a']}",
         method="post", writes=True,
         data=lambda w: {"username": "hoa.pt", "full_name": "Phan Thị Hoa", "email": "hoa@hoiso.test",
                         "phone": "", "password": "Chi-hoi-Khu-vuc-1-2025", "unit": w.tree.pks["a1"],
                         "role": "branch_leader"}),
    Spec("accounts:user_detail", lambda w: reverse("accounts:user_detail", args=[w.users["chi_hoi_leader"].pk])),
    Spec("accounts:user_detail", lambda w: reverse("accounts:user_detail", args=[w.users["chi_hoi_leader"].pk]),
         method="post", writes=True,
         data=lambda w: {"form": "edit", "full_name": "Phạm Thị Cúc", "email": "cuc@hoiso.test", "phone": "0912"}),
    Spec("accounts:user_set_active",
         lambda w: reverse("accounts:user_set_active", args=[w.users["chi_hoi_leader"].pk]),
         method="post", writes=True, data=lambda w: {"active": "0"}),
    Spec("accounts:role_revoke", lambda w: reverse("accounts:role_revoke", args=[w.role.pk]),
         method="post", writes=True, data=lambda w: {}),
    Spec("accounts:security", lambda w: reverse("accounts:security"),
         expect={"member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}),
    # ---------------------------------------------------------------- members (targets in branch a2)
    Spec("members:member_list", lambda w: reverse("members:member_list"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=MEMBER_NAMES),
    Spec("members:member_list", lambda w: reverse("members:member_list") + "?q=hanh", label="search",
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=MEMBER_NAMES),
    Spec("members:member_detail", _member_url("members:member_detail")),
    Spec("members:member_detail", lambda w: reverse("members:member_detail", args=[w.members["a1"].pk]),
         label="branch", expect={"chi_hoi_leader": 200}),
    Spec("members:member_history", _member_url("members:member_history")),
    Spec("members:member_restore", _first_version_url),
    Spec("members:member_restore", _first_version_url, method="post", writes=True),
    Spec("members:member_export", lambda w: reverse("members:member_export") + "?format=csv",
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=MEMBER_NAMES),
    Spec("members:member_export", lambda w: reverse("members:member_export") + "?format=xlsx", label="xlsx",
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("members:dashboard", lambda w: reverse("members:dashboard"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=lambda w: ["Chi hội Khu vực Hai"]),
    Spec("members:dashboard", lambda w: reverse("members:dashboard") + f"?unit={w.tree.pks['a']}", label="unit"),
    Spec("members:dashboard", lambda w: reverse("members:dashboard") + "?format=xlsx", label="xlsx",
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("members:member_data_export", _member_url("members:member_data_export")),
    Spec("members:member_data_pdf", _member_url("members:member_data_pdf")),
    Spec("members:member_anonymise", _member_url("members:member_anonymise")),
    Spec("members:member_anonymise", _member_url("members:member_anonymise"), method="post", writes=True,
         data=lambda w: {"request": "Đơn ngày 20/11/2026"}),
    Spec("members:member_card", _member_url("members:member_card")),
    Spec("members:member_cards", lambda w: reverse("members:member_cards"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    # Public: anyone holding the card's signed token sees only name, unit and status.
    Spec("members:member_verify",
         lambda w: reverse("members:member_verify", args=[card_token(w.members["a2"])]),
         expect={"anonymous": 200, "member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("members:member_create", lambda w: reverse("members:member_create"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    # No target in the URL: the sibling and the branch leader get the form back (the branch is
    # not among their choices) and nothing is written.
    Spec("members:member_create", lambda w: reverse("members:member_create"), method="post", writes=True,
         data=lambda w: {**_record(full_name="Hồ Thị Mới"), "unit": w.tree.pks["a2"], "joined_on": _date(),
                         "decision": "", "consents": ["membership"]},
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, refused=("xa_officer_other", "chi_hoi_leader")),
    Spec("members:member_edit", _member_url("members:member_edit")),
    Spec("members:member_edit", _member_url("members:member_edit"), method="post", writes=True,
         data=lambda w: _record(full_name="Trương Thị Hạnh", hamlet="Khu vực 2")),
    Spec("members:member_transfer", _member_url("members:member_transfer")),
    Spec("members:member_transfer", _member_url("members:member_transfer"), method="post", writes=True,
         data=lambda w: {"to_unit": w.tree.pks["a2a"], "to_code": "", "on": _date(), "reason": ""}),
    Spec("members:member_leave", _member_url("members:member_leave")),
    Spec("members:member_leave", _member_url("members:member_leave"), method="post", writes=True,
         data=lambda w: {"on": _date(), "reason": "moved", "note": ""}),
    Spec("members:member_death", _member_url("members:member_death")),
    Spec("members:member_death", _member_url("members:member_death"), method="post", writes=True,
         data=lambda w: {"on": _date()}),
    Spec("members:member_reinstate", _member_url("members:member_reinstate", "left")),
    Spec("members:member_reinstate", _member_url("members:member_reinstate", "left"), method="post",
         writes=True, data=lambda w: {"on": _date(), "unit": w.tree.pks["a2"], "reason": ""}),
    Spec("members:transfer_list", lambda w: reverse("members:transfer_list"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=lambda w: ["Võ Thị Cúc"]),
    Spec("members:transfer_decide", lambda w: reverse("members:transfer_decide", args=[w.transfer.pk])),
    Spec("members:transfer_decide", lambda w: reverse("members:transfer_decide", args=[w.transfer.pk]),
         method="post", writes=True, data=lambda w: {"accept": "1", "to_unit": w.tree.pks["a2"], "reason": ""}),
    # members: import (the batch belongs to branch a2; see _import_batch)
    Spec("members:import_list", lambda w: _import_batch(w) and reverse("members:import_list"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=IMPORT_FILES),
    Spec("members:import_template", lambda w: reverse("members:import_template"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("members:import_start", lambda w: reverse("members:import_start"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    # No target in the URL: the sibling and the branch leader get the form back (branch a2 is
    # not among their choices) and nothing is written.
    Spec("members:import_start", lambda w: reverse("members:import_start"), method="post", writes=True,
         data=_members_file, expect={"xa_officer_other": 200, "chi_hoi_leader": 200},
         refused=("xa_officer_other", "chi_hoi_leader")),
    Spec("members:import_detail", _import_url("members:import_detail")),
    Spec("members:import_detail", _import_url("members:import_detail"), method="post", writes=True,
         data=lambda w: {"col_0": "full_name", "col_1": "date_of_birth"}),
    Spec("members:import_status", _import_url("members:import_status", "checked")),
    Spec("members:import_apply", _import_url("members:import_apply", "checked"), method="post",
         writes=True, data=lambda w: {"mode": "all"}),
    Spec("members:import_report", _import_url("members:import_report", "checked")),
    Spec("members:import_undo", _import_url("members:import_undo", "done"), method="post",
         writes=True, data=lambda w: {}),
    # members: likely duplicates (a second record of Trương Thị Hạnh in group a2a; see _duplicate)
    Spec("members:duplicate_list", lambda w: _duplicate(w) and reverse("members:duplicate_list"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}, hidden=MEMBER_NAMES),
    Spec("members:duplicate_review", lambda w: _duplicate(w) and _member_url("members:duplicate_review")(w)),
    Spec("members:duplicate_merge", lambda w: _duplicate(w) and _member_url("members:duplicate_merge")(w),
         method="post", writes=True, data=lambda w: {"keep": w.members["a2"].pk, "close": [w.members["dup"].pk]}),
    # Third-party pages HộiSố switches off (no public sign-up, no self-service reset).
    Spec("account_disabled", lambda w: "/accounts/signup/",
         expect={"anonymous": 404, "xa_officer": 404, "tinh_admin": 404}),
    Spec("account_disabled", lambda w: "/accounts/password/reset/", label="reset", method="post",
         data=lambda w: {"email": "xa_officer@hoiso.test"},
         expect={"anonymous": 404, "xa_officer": 404, "tinh_admin": 404}),
]  # fmt: skip


# ---------------------------------------------------------------------------------- notifications
# A notification is its recipient's alone, never her unit's: the target is xa_officer's own,
# so the province admin above her gets 404 like everyone else, and the pages without a
# target (inbox, mark all, preferences) answer every signed-in persona about her own rows.
# The notification tables are not in db_snapshot: `_notification_check` asserts them.
NOTIFICATION_TITLE = "Báo cáo quý IV của phường Ninh Kiều cần nộp"
SIGNED_IN = {p: 200 for p in PERSONAS if p != "anonymous"}
SIGNED_IN_POST = {persona: 302 for persona in SIGNED_IN}


def _notification(w):
    from hoiso.notifications.models import Notification
    from hoiso.notifications.services import notify

    her = w.users["xa_officer"]
    mine = Notification.objects.filter(recipient=her, title=NOTIFICATION_TITLE).first()
    return mine or notify(recipients=[her], kind="report.requested", title=NOTIFICATION_TITLE,
                          url=reverse("members:member_list"), email=False)[0]  # fmt: skip


def _notification_url(name):
    return lambda w: reverse(name, args=[_notification(w).pk])


def _notification_check(marks_read: bool):
    """Only xa_officer's own request marks her notification read (on a page that marks);
    nobody else's preference or read state moves."""
    return lambda response, persona, w: _check_notification(response, persona, w, marks_read)


def _check_notification(response, persona, w, marks_read):
    from hoiso.notifications.models import DeliveryPreference, Notification

    note = _notification(w)
    note.refresh_from_db()
    assert (note.read_at is not None) == (marks_read and persona == "xa_officer"), persona
    path = response.request["PATH_INFO"]
    if persona == "xa_officer" and path == reverse("notifications:open", args=[note.pk]):
        assert response["Location"] == reverse("members:member_list")
    user = w.users[persona]
    others = Notification.objects.exclude(pk=note.pk)
    others = others.exclude(recipient=user) if user.is_authenticated else others
    assert not others.filter(read_at__isnull=False).exists()
    saved = dict(DeliveryPreference.objects.values_list("user__username", "email_mode"))
    posted = response.request["REQUEST_METHOD"] == "POST"
    if posted and persona != "anonymous" and path == reverse("notifications:preferences"):
        assert saved == {persona: "digest"}
    else:
        assert saved == {}


SPECS += [
    Spec("notifications:inbox", lambda w: _notification(w) and reverse("notifications:inbox"),
         expect=SIGNED_IN, hidden=lambda w: [NOTIFICATION_TITLE], check=_notification_check(False)),
    Spec("notifications:open", _notification_url("notifications:open"),
         expect={"xa_officer": 302, "tinh_admin": 404}, check=_notification_check(True)),
    Spec("notifications:mark_read", _notification_url("notifications:mark_read"), method="post",
         data=lambda w: {}, expect={"xa_officer": 302, "tinh_admin": 404}, check=_notification_check(True)),
    Spec("notifications:mark_all_read", lambda w: _notification(w) and reverse("notifications:mark_all_read"),
         method="post", data=lambda w: {}, expect=SIGNED_IN_POST, check=_notification_check(True)),
    Spec("notifications:preferences", lambda w: reverse("notifications:preferences"), expect=SIGNED_IN),
    Spec("notifications:preferences", lambda w: _notification(w) and reverse("notifications:preferences"),
         method="post", data=lambda w: {"email_mode": "digest"}, expect=SIGNED_IN_POST,
         check=_notification_check(False)),
]  # fmt: skip


# ---------------------------------------------------------------------------------- reporting
# The target is an indicator commune A defined for itself. The library pages need
# MANAGE_REPORTING (province admins and commune officers; not branch leaders). Only the national administrators
# (every top unit in scope: no persona here) change the cut-off days: tests/reporting/test_views.py.
# The reporting tables join the snapshot, so a denied request provably changed none of them.
INDICATOR_OF_A = "Số tổ phụ nữ tự quản của phường Ninh Kiều"


REPORTING_OPEN = {"xa_officer_other": 200}  # a list or a form: her own commune's
REPORTING_TARGET: dict = {}


def _indicator(w):
    from hoiso.reporting.models import Indicator
    from hoiso.reporting.services import indicator_create

    return Indicator.objects.filter(code="NK_TO_TU_QUAN").first() or indicator_create(
        actor=w.users["tinh_admin"], unit=w.tree.a,
        data={"code": "NK_TO_TU_QUAN", "name": INDICATOR_OF_A, "measure": "count", "rollup": "sum",
              "source": "entered", "group": "Tổ chức cơ sở Hội"})  # fmt: skip


def _indicator_url(name):
    return lambda w: reverse(name, args=[_indicator(w).pk])


def _indicator_form(w, **fields):
    return {"owner": w.tree.pks["a"], "code": "NK_BUOI", "name": "Số buổi sinh hoạt Khu vực",
            "description": "", "group": "", "order": 100, "measure": "sessions", "rollup": "sum",
            "source": "entered", "computed_key": "", "decimal_places": 1, "active": "on", **fields}  # fmt: skip


def _with_reporting(snapshot):
    from tests.reporting.helpers import with_reporting

    return with_reporting(snapshot)


db_snapshot = _with_reporting(db_snapshot)  # test_matrix reads this name: reporting rows too

SPECS += [
    Spec("reporting:indicator_list", lambda w: _indicator(w) and reverse("reporting:indicator_list"),
         expect=REPORTING_OPEN, hidden=lambda w: [INDICATOR_OF_A]),
    Spec("reporting:indicator_create", lambda w: reverse("reporting:indicator_create"), expect=REPORTING_OPEN),
    # No target in the URL: the sibling gets the form back (commune A is not among her choices).
    Spec("reporting:indicator_create", lambda w: reverse("reporting:indicator_create"), method="post",
         writes=True, data=_indicator_form, expect=REPORTING_OPEN,
         refused=("xa_officer_other",)),
    Spec("reporting:indicator_edit", _indicator_url("reporting:indicator_edit"), expect=REPORTING_TARGET),
    Spec("reporting:indicator_edit", _indicator_url("reporting:indicator_edit"), method="post", writes=True,
         data=lambda w: _indicator_form(w, code="NK_TO_TU_QUAN", name="Số tổ tự quản", active=""),
         expect=REPORTING_TARGET),
    Spec("reporting:indicator_delete", _indicator_url("reporting:indicator_delete"), method="post",
         writes=True, data=lambda w: {}, expect=REPORTING_TARGET),
    Spec("reporting:cut_off_list", lambda w: reverse("reporting:cut_off_list"), expect=REPORTING_OPEN),
    Spec("reporting:cut_off_list", lambda w: reverse("reporting:cut_off_list"), method="post",
         data=lambda w: {"month": 20, "quarter": 20, "half": 20, "nine_months": 20, "year": 20},
         expect={"xa_officer": 404, "tinh_admin": 404}),
    # Figures of the current unit (each persona's own); with ?unit= those of commune A.
    Spec("reporting:preview", lambda w: reverse("reporting:preview"),
         expect={"xa_officer_other": 200, "chi_hoi_leader": 200}),
    Spec("reporting:preview", lambda w: reverse("reporting:preview") + f"?unit={w.tree.pks['a']}&kind=year",
         label="unit"),
]  # fmt: skip


# ---------------------------------------------------------------------- report requests, submissions
# The target is a quarterly report request commune A issued to its branches, and the report of
# branch a2 (branch leaders hold no MANAGE_REPORTING: 404). The issuing side (A's officials and
# the province above) decides; the sibling commune sees none of it.


def _report_templates():
    """The national templates (shipped by migration; put back after a flush)."""
    import importlib

    from django.apps import apps

    from hoiso.reporting.models import ReportTemplate

    for name in ("0002_standard_indicators", "0004_standard_templates"):
        importlib.import_module(f"hoiso.reporting.migrations.{name}").ship(apps, None)
    return ReportTemplate.objects.filter(unit__isnull=True).order_by("pk").first()


def _report_request(w):
    from hoiso.reporting.models import ReportRequest, ReportTemplate
    from hoiso.reporting.services import request_issue

    found = ReportRequest.objects.filter(unit=w.tree.a).first()
    if found:
        return found
    _report_templates()
    today = datetime.date.today()
    return request_issue(actor=w.users["tinh_admin"], unit=w.tree.a,
                         template=ReportTemplate.objects.filter(unit__isnull=True).first(),
                         kind="quarter", year=today.year, number=(today.month - 1) // 3 + 1,
                         recipient_kind="branch", deadline=today + datetime.timedelta(days=7))  # fmt: skip


def _report_of_a2(w, *, submitted=False, attached=False):
    from hoiso.reporting.services import submission_save, submission_submit
    from tests.reporting.helpers import pdf_bytes

    report = _report_request(w).submissions.get(unit=w.tree.a2)
    narrative = {"results": "Kết quả quý của Chi hội Khu vực Hai."}
    if attached and not report.attachments.exists():
        submission_save(actor=w.users["tinh_admin"], submission=report, values={}, narrative=narrative,
                        uploads=[SimpleUploadedFile("bao-cao.pdf", pdf_bytes())])  # fmt: skip
    if submitted and report.status == "draft":
        submission_submit(
            actor=w.users["tinh_admin"], submission=report, values={}, narrative=narrative
        )
    return report


def _template_of_a(w):
    from hoiso.reporting.models import Indicator, ReportTemplate
    from hoiso.reporting.services import template_create

    _report_templates()
    found = ReportTemplate.objects.filter(unit=w.tree.a).first()
    return found or template_create(
        actor=w.users["xa_officer"], unit=w.tree.a, name="Báo cáo tháng của phường A",
        indicators=[Indicator.objects.get(code="TT_BUOI", unit__isnull=True)], sections=["results"])  # fmt: skip


def _report_url(name, **state):
    return lambda w: reverse(name, args=[_report_of_a2(w, **state).pk])


def _attachment_url(name):
    return lambda w: reverse(name, args=[_report_of_a2(w, attached=True).attachments.get().pk])


def _request_form(w):
    today = datetime.date.today()
    from hoiso.reporting.models import ReportTemplate

    template = ReportTemplate.objects.filter(unit__isnull=True).order_by("pk").first()
    return {"unit": w.tree.pks["a"], "template": template.pk, "kind": "month",
            "year": today.year, "number": today.month, "recipient_kind": "branch",
            "deadline": _date(5), "note": ""}  # fmt: skip


def _template_form(w):
    from hoiso.reporting.models import Indicator

    return {"owner": w.tree.pks["a"], "name": "Báo cáo tháng của phường", "sections": ["results"],
            "indicators": [Indicator.objects.get(code="TT_BUOI", unit__isnull=True).pk]}  # fmt: skip


SPECS += [
    Spec("reporting:template_list", lambda w: reverse("reporting:template_list"), expect=REPORTING_OPEN),
    Spec("reporting:template_create", lambda w: reverse("reporting:template_create"), expect=REPORTING_OPEN),
    # The sibling gets the form back: commune A is not among her choices.
    Spec("reporting:template_create", lambda w: _report_templates() and reverse("reporting:template_create"),
         method="post", writes=True, data=_template_form, expect=REPORTING_OPEN,
         refused=("xa_officer_other",)),
    Spec("reporting:template_edit", lambda w: reverse("reporting:template_edit", args=[_template_of_a(w).pk])),
    Spec("reporting:template_edit", lambda w: reverse("reporting:template_edit", args=[_template_of_a(w).pk]),
         method="post", writes=True, data=lambda w: {"name": "Báo cáo tháng (đã sửa)", "active": "on",
                                                     "sections": ["results"],
                                                     "indicators": [_template_of_a(w).ordered_indicators()[0].pk]}),
    Spec("reporting:request_list", lambda w: _report_request(w) and reverse("reporting:request_list"),
         expect=REPORTING_OPEN, hidden=lambda w: ["Hội LHPN phường Ninh Kiều"]),
    Spec("reporting:request_create", lambda w: reverse("reporting:request_create"), expect=REPORTING_OPEN),
    # No target in the URL: the sibling gets the form back (commune A is not among her choices).
    Spec("reporting:request_create", lambda w: _report_templates() and reverse("reporting:request_create"),
         method="post", writes=True, data=_request_form, expect=REPORTING_OPEN, refused=("xa_officer_other",)),
    Spec("reporting:request_detail", lambda w: reverse("reporting:request_detail", args=[_report_request(w).pk])),
    Spec("reporting:request_close", lambda w: reverse("reporting:request_close", args=[_report_request(w).pk]),
         method="post", writes=True, data=lambda w: {}),
    Spec("reporting:submission_edit", _report_url("reporting:submission_edit")),
    Spec("reporting:submission_edit", _report_url("reporting:submission_edit"), method="post", writes=True,
         data=lambda w: {"action": "save", "v_TC_MO_HINH": "3", "s_results": "Đã sửa."}),
    Spec("reporting:submission_history", _report_url("reporting:submission_history", submitted=True)),
    Spec("reporting:submission_word", _report_url("reporting:submission_word", submitted=True)),
    Spec("reporting:request_word", lambda w: reverse("reporting:request_word", args=[_report_request(w).pk])),
    Spec("reporting:request_workbook",
         lambda w: reverse("reporting:request_workbook", args=[_report_request(w).pk])),
    Spec("reporting:submission_decide", _report_url("reporting:submission_decide", submitted=True),
         method="post", writes=True, data=lambda w: {"decision": "accept", "comment": ""}),
    Spec("reporting:attachment_download", _attachment_url("reporting:attachment_download")),
    Spec("reporting:attachment_remove", _attachment_url("reporting:attachment_remove"), method="post",
         writes=True, data=lambda w: {}),
]  # fmt: skip


# ---------------------------------------------------------------------------------- documents
# Targets in commune A (tests/documents/helpers.py): A's draft to its branches, the province's
# letter delivered to A (a response asked), A's report request answered by branch a2 with a
# file, and an incoming document A registered. Lists and the create forms have no target: each
# persona gets her current unit's (the sibling's own commune, the branch leader's branch).
# Opening a received document writes its read receipt — only by A's own official (the one told):
# `_document_read_check`; the snapshot leaves the receipt out.
def _docs(w):
    from tests.documents.helpers import documents_world

    return documents_world(w)


def _doc_url(name, key, attr="pk"):
    return lambda w: reverse(name, args=[getattr(_docs(w)[key], attr)])


def _document_read_check(response, persona, w):
    delivery = _docs(w)["delivery"]
    delivery.refresh_from_db()
    assert (delivery.read_at is not None) == (persona == "xa_officer"), persona


def _document_created_here(response, persona, w):
    """The draft posted without a target is her current unit's, never A's for the sibling."""
    from hoiso.documents.models import OutgoingDocument

    made = OutgoingDocument.objects.filter(summary="Thông báo lịch họp định kỳ").first()
    home = {"xa_officer": "a", "tinh_admin": "p", "xa_officer_other": "b", "chi_hoi_leader": "a1"}
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _with_documents(snapshot):
    from tests.documents.helpers import with_documents

    return with_documents(snapshot)


db_snapshot = _with_documents(db_snapshot)  # test_matrix reads this name: documents rows too
DOCS_OWN = {"xa_officer_other": 200, "chi_hoi_leader": 200}  # a list or a form of her own unit
DOC_TEXTS = ("Kế hoạch tập huấn chuyển đổi số của phường Ninh Kiều",
             "Công văn của tỉnh gửi phường Ninh Kiều về rà soát hội viên",
             "Thông báo của Đảng ủy phường Ninh Kiều về lịch tiếp dân")  # fmt: skip

SPECS += [
    Spec("documents:inbox", lambda w: _docs(w) and reverse("documents:inbox"), expect=DOCS_OWN,
         hidden=lambda w: [DOC_TEXTS[1]]),
    Spec("documents:delivery_detail", _doc_url("documents:delivery_detail", "delivery"),
         check=_document_read_check),
    Spec("documents:delivery_detail", _doc_url("documents:delivery_detail", "delivery"), method="post",
         writes=True, data=lambda w: {"text": "Phường đã rà soát xong."}),
    Spec("documents:delivery_response_file", _doc_url("documents:delivery_response_file", "answered")),
    Spec("documents:outgoing_list", lambda w: _docs(w) and reverse("documents:outgoing_list"),
         expect=DOCS_OWN, hidden=lambda w: [DOC_TEXTS[0]]),
    Spec("documents:outgoing_create", lambda w: reverse("documents:outgoing_create"), expect=DOCS_OWN),
    Spec("documents:outgoing_create", lambda w: reverse("documents:outgoing_create"), method="post",
         writes=True, expect={"xa_officer_other": 302, "chi_hoi_leader": 302},
         data=lambda w: {"doc_type": "TB", "summary": "Thông báo lịch họp định kỳ", "signer": "",
                         "recipients_mode": "level", "recipients_kind": "group"},
         check=_document_created_here),
    Spec("documents:outgoing_detail", _doc_url("documents:outgoing_detail", "draft")),
    Spec("documents:outgoing_edit", _doc_url("documents:outgoing_edit", "draft")),
    Spec("documents:outgoing_edit", _doc_url("documents:outgoing_edit", "draft"), method="post",
         writes=True, data=lambda w: {"doc_type": "KH", "summary": "Kế hoạch đã sửa", "signer": "",
                                      "recipients_mode": "level", "recipients_kind": "group"}),
    Spec("documents:outgoing_issue", _doc_url("documents:outgoing_issue", "draft"), method="post",
         writes=True, data=lambda w: {}),
    Spec("documents:response_file", _doc_url("documents:response_file", "answered")),
    Spec("documents:attachment_download",
         lambda w: reverse("documents:attachment_download", args=[_docs(w)["draft"].attachments.get().pk])),
    Spec("documents:incoming_list", lambda w: _docs(w) and reverse("documents:incoming_list"),
         expect=DOCS_OWN, hidden=lambda w: [DOC_TEXTS[2]]),
    Spec("documents:incoming_create", lambda w: reverse("documents:incoming_create"), expect=DOCS_OWN),
    # The handling unit posted is A: outside the sibling's and the branch leader's choices.
    Spec("documents:incoming_create", lambda w: reverse("documents:incoming_create"), method="post",
         writes=True, expect={"xa_officer_other": 200, "chi_hoi_leader": 200},
         refused=("xa_officer_other", "chi_hoi_leader"),
         data=lambda w: {"sender": "UBND phường", "their_number": "99/UBND", "summary": "Về việc trực Tết",
                         "received_on": _date(), "handler": w.tree.pks["a"]}),
    Spec("documents:incoming_detail", _doc_url("documents:incoming_detail", "incoming")),
    Spec("documents:incoming_file", _doc_url("documents:incoming_file", "incoming")),
]  # fmt: skip


# ---------------------------------------------------------------------------------- campaigns
# Targets in commune A (tests/campaigns/helpers.py): A's running campaign over its branches
# and a draft one with targets. The branch leader of a1 follows the running one (her branch
# has a target: 200 on its progress and report pages) but neither manages it nor enters
# figures (no MANAGE_REPORTING). The list and the create form have no target: each official
# gets her current unit's.
def _campaigns(w):
    from tests.campaigns.helpers import campaigns_world

    return campaigns_world(w)


def _campaign_url(name, key="running"):
    return lambda w: reverse(name, args=[_campaigns(w)[key].pk])


def _campaign_list_check(response, persona, w):
    from tests.campaigns.helpers import RUNNING_OF_A

    if response.status_code == 200:
        shown = RUNNING_OF_A in response.content.decode()
        assert shown == (persona in ("xa_officer", "tinh_admin", "chi_hoi_leader")), persona


def _campaign_created_here(response, persona, w):
    from hoiso.campaigns.models import Campaign

    made = Campaign.objects.filter(name="Ngày hội chuyển đổi số").first()
    home = {"xa_officer": "a", "tinh_admin": "p", "xa_officer_other": "b"}
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _with_campaigns(snapshot):
    from tests.campaigns.helpers import with_campaigns

    return with_campaigns(snapshot)


def _campaign_form(w):
    from tests.campaigns.helpers import campaign_form

    return campaign_form(w)


db_snapshot = _with_campaigns(db_snapshot)  # test_matrix reads this name: campaigns rows too
FOLLOWS = {"chi_hoi_leader": 200}

SPECS += [
    Spec("campaigns:list", lambda w: _campaigns(w) and reverse("campaigns:list"),
         expect={**LIST_OPEN, "chi_hoi_leader": 200}, check=_campaign_list_check),
    Spec("campaigns:create", lambda w: reverse("campaigns:create"), expect={"xa_officer_other": 200}),
    Spec("campaigns:create", lambda w: _campaigns(w) and reverse("campaigns:create"), method="post",
         writes=True,
         expect={"xa_officer_other": 302}, data=_campaign_form, check=_campaign_created_here),
    Spec("campaigns:detail", _campaign_url("campaigns:detail"), expect=FOLLOWS),
    Spec("campaigns:edit", _campaign_url("campaigns:edit")),
    Spec("campaigns:edit", _campaign_url("campaigns:edit", "draft"), method="post", writes=True,
         data=lambda w: {**_campaign_form(w), "name": "Tháng hành động (sửa)"}),
    Spec("campaigns:targets", _campaign_url("campaigns:targets")),
    Spec("campaigns:targets", _campaign_url("campaigns:targets"), method="post", writes=True,
         data=lambda w: {"indicator": _campaigns(w)["vneid"].pk, "total": "31", "rule": "equal"}),
    Spec("campaigns:target_set", _campaign_url("campaigns:target_set"), method="post", writes=True,
         data=lambda w: {"indicator": _campaigns(w)["vneid"].pk, "unit": w.tree.pks["a2"],
                         "value": "17"}),
    Spec("campaigns:start", _campaign_url("campaigns:start", "draft"), method="post", writes=True,
         data=lambda w: {}),
    Spec("campaigns:close", _campaign_url("campaigns:close"), method="post", writes=True,
         data=lambda w: {}),
    Spec("campaigns:entry", _campaign_url("campaigns:entry")),
    Spec("campaigns:entry", _campaign_url("campaigns:entry"), method="post", writes=True,
         data=lambda w: {"unit": w.tree.pks["a2"], "indicator": _campaigns(w)["sessions"].pk,
                         "day": datetime.date.today().isoformat(), "value": "3"}),
    Spec("campaigns:report", _campaign_url("campaigns:report"), expect=FOLLOWS),
    Spec("campaigns:report_xlsx", _campaign_url("campaigns:report_xlsx"), expect=FOLLOWS),
]  # fmt: skip
SPECS, db_snapshot = __import__("tests.contests.matrix", fromlist=["extend"]).extend(
    SPECS, db_snapshot
)  # contests
SPECS, db_snapshot = __import__("tests.studies.matrix", fromlist=["extend"]).extend(
    SPECS, db_snapshot
)  # studies
SPECS, db_snapshot = __import__("tests.credit.matrix", fromlist=["extend"]).extend(
    SPECS, db_snapshot
)  # credit


# ---------------------------------------------------------------------------------- the world


@pytest.fixture
def world(tree, personas, positions) -> World:
    xa_officer = personas["xa_officer"]
    official = official_appoint(actor=None, unit=tree.a, full_name="Nguyễn Thị Lan", position=positions["chu-tich"],
                                term_start=2025, term_end=2030, started_on=datetime.date(2025, 1, 1),
                                check_scope=False)  # fmt: skip
    population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=43210)
    restructuring = unit_rename(actor=xa_officer, unit=tree.a2, new_name="Chi hội Khu vực Hai",
                                effective_on=datetime.date.today())  # fmt: skip
    job = progress.start(
        kind="population_import", title="Nhập dân số", owner=xa_officer, unit_path=tree.a.path
    )
    role = Role.objects.get(user=personas["chi_hoi_leader"])
    members = {
        "a2": member_admit(actor=xa_officer, unit=tree.a2, data={"full_name": "Trương Thị Hạnh",
                           "date_of_birth": datetime.date(1990, 5, 12)}),
        "left": member_admit(actor=xa_officer, unit=tree.a2, data={"full_name": "Trương Thị Đi",
                             "date_of_birth": datetime.date(1985, 1, 1)}),
        "a1": member_admit(actor=xa_officer, unit=tree.a1, data={"full_name": "Trương Thị Một",
                           "date_of_birth": datetime.date(1985, 1, 1)}),
    }  # fmt: skip
    member_leave(actor=xa_officer, member=members["left"], on=datetime.date.today(), reason="moved")
    q_officer = make_user("q_officer", role="commune_officer", unit=tree.c)
    incoming = member_admit(actor=q_officer, unit=tree.c1, data={"full_name": "Võ Thị Cúc",
                            "date_of_birth": datetime.date(1980, 1, 1)})  # fmt: skip
    transfer = member_transfer(
        actor=q_officer, member=incoming, to_unit=tree.a2, on=datetime.date.today()
    )
    return World(tree, personas, official, restructuring, job, role, members, transfer)


# ---------------------------------------------------------------------------------- the matrix


@pytest.mark.django_db
@pytest.mark.portable
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_matrix(spec: Spec, persona: str, world: World, client):
    user = world.users[persona]
    if user.is_authenticated:
        client.force_login(user)
    url = spec.url(world)
    before = db_snapshot()
    send = getattr(client, spec.method)
    response = send(url, spec.data(world)) if spec.data else send(url)
    after = db_snapshot()
    expected = spec.expected(persona)

    if expected == LOGIN:
        assert response.status_code == 302, f"{persona} got {response.status_code}"
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{persona} got {response.status_code}"
        if expected == 302 and persona != "anonymous":
            assert not response["Location"].startswith(reverse("account_login"))

    denied = expected in (LOGIN, 404) or persona in spec.refused
    if denied or not spec.writes:
        changed = [k for k in after if after[k] != before[k]]
        assert not changed, f"{persona}: {spec.id} changed {changed}"
    if spec.writes and not denied:
        assert after != before, f"{persona}: the payload of {spec.id} wrote nothing (is it valid?)"

    if (
        spec.hidden
        and response.status_code == 200
        and persona in ("member", "xa_officer_other", "chi_hoi_leader")
    ):
        content = _body(response).decode()
        for text in spec.hidden(world):
            if persona == "chi_hoi_leader" and text == "Chi hội Khu vực 1":
                continue  # her own branch
            assert text not in content, f"{persona} sees “{text}” on {spec.id}"
    if spec.check:
        spec.check(response, persona, world)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", [s for s in SPECS if s.hidden], ids=lambda s: s.id)
def test_lists_show_the_unit_to_its_own_official(spec: Spec, world: World, client):
    """The counterpart of `hidden`: what the sibling may not see, the unit's official does see
    (so the hidden-text check cannot pass on an empty page)."""
    client.force_login(world.users["xa_officer"])
    content = _body(client.get(spec.url(world))).decode()
    assert any(text in content for text in spec.hidden(world)), spec.id


def _body(response) -> bytes:
    """The whole body, for streamed responses (exports) too."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# ---------------------------------------------------------------------------------- coverage


def _walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or f"<unnamed {route}>"
            full = f"{namespace}:{name}" if namespace else name
            callback = entry.callback
            module = getattr(callback, "__module__", "") or getattr(getattr(callback, "view_class", None),
                                                                     "__module__", "")  # fmt: skip
            yield full, route, module


def all_url_patterns() -> list[tuple[str, str, str]]:
    return list(_walk(get_resolver().url_patterns))


def exclusion_reason(name: str, module: str) -> str | None:
    if module.startswith("hoiso."):
        return None  # our own views are always covered by the matrix
    for pattern, reason in EXCLUDED.items():
        if fnmatch.fnmatchcase(name, pattern):
            return reason
    return None


def test_every_url_is_covered():
    covered = {spec.name for spec in SPECS}
    missing = [
        f"{name} ({route}, {module})"
        for name, route, module in all_url_patterns()
        if name not in covered and not exclusion_reason(name, module)
    ]
    assert not missing, "views neither in the matrix nor excluded with a reason:\n" + "\n".join(
        missing
    )


def test_matrix_has_no_stale_rows():
    names = {name for name, _route, _module in all_url_patterns()}
    assert {spec.name for spec in SPECS} <= names


def test_the_walk_finds_project_and_third_party_views():
    names = {name for name, _route, _module in all_url_patterns()}
    assert {
        "org:unit_detail",
        "accounts:role_revoke",
        "core:task_progress",
        "account_login",
        "admin:index",
    } <= names


def test_exclusions_never_hide_a_project_view():
    assert exclusion_reason("account_disabled", "hoiso.core.views") is None
    assert exclusion_reason("account_login", "allauth.account.views")
