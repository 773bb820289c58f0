"""The fields an import can fill, the header wordings each answers to, and the mapping of a
file's columns to fields (proposed from the headers, or remembered from the unit's last one)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hoiso.core.text import fold


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translation, for the mapping form
    header: str  # the template's header (Vietnamese, as units write it)
    kind: str  # how parse.py reads the cell
    wordings: tuple[str, ...] = ()  # more folded wordings, besides the template's header


COLUMNS: tuple[Column, ...] = (
    Column("full_name", _("Full name"), "Họ và tên", "name",
           ("ho ten", "ten", "ho va ten hoi vien", "ten hoi vien", "full name")),
    Column("date_of_birth", _("Date of birth"), "Ngày sinh", "date",
           ("ngay thang nam sinh", "sinh ngay", "date of birth")),
    Column("gender", _("Sex"), "Giới tính", "gender", ("gioi", "phai", "nam/nu")),
    Column("cccd", _("Citizen ID (CCCD)"), "Số CCCD", "cccd",
           ("cccd", "so can cuoc", "can cuoc cong dan", "so can cuoc cong dan", "so dinh danh",
            "so dinh danh ca nhan", "cmnd/cccd", "so cmnd/cccd", "cmnd")),
    Column("phone", _("Phone"), "Số điện thoại", "phone",
           ("dien thoai", "sdt", "so dt", "dt", "di dong", "so di dong")),
    Column("ethnicity", _("Ethnicity"), "Dân tộc", "ethnicity"),
    Column("religion", _("Religion"), "Tôn giáo", "religion"),
    Column("hamlet", _("Hamlet / residential group"), "Thôn/ấp", "text",
           ("thon", "ap", "khu pho", "thon/ap/khu pho", "ap/khu pho", "to dan pho")),
    Column("branch", _("Branch"), "Chi hội", "text", ("ten chi hoi", "thuoc chi hoi")),
    Column("group", _("Group"), "Tổ", "text", ("to hoi", "to phu nu", "ten to")),
    Column("joined_on", _("Joined on"), "Ngày vào Hội", "date",
           ("ngay ket nap", "ngay gia nhap", "ngay vao hoi lhpn", "ngay vao")),
    Column("member_type", _("Member type"), "Loại hội viên", "member_type", ("loai",)),
    Column("decision", _("Decision number (honorary members)"), "Số quyết định", "text",
           ("quyet dinh", "so qd")),
    Column("is_core", _("Core member"), "Hội viên nòng cốt", "bool", ("nong cot",)),
    Column("party_member", _("Party member"), "Đảng viên", "bool", ()),
    Column("occupation", _("Occupation"), "Nghề nghiệp", "text", ("nghe",)),
    Column("education", _("General education"), "Trình độ học vấn", "education",
           ("hoc van", "trinh do van hoa", "van hoa")),
    Column("has_phone", _("Has a phone"), "Có điện thoại", "bool", ()),
    Column("has_smartphone", _("Has a smartphone"), "Có điện thoại thông minh", "bool",
           ("dien thoai thong minh", "smartphone")),
    Column("has_internet", _("Has internet access"), "Có Internet", "bool", ("internet",)),
    Column("uses_zalo", _("Uses Zalo"), "Dùng Zalo", "bool", ("zalo", "su dung zalo")),
    Column("uses_facebook", _("Uses Facebook"), "Dùng Facebook", "bool",
           ("facebook", "su dung facebook")),
    Column("uses_tiktok", _("Uses TikTok"), "Dùng TikTok", "bool", ("tiktok", "su dung tiktok")),
    Column("vneid_level", _("VNeID account level"), "VNeID mức 2", "vneid",
           ("vneid", "tai khoan vneid", "muc vneid", "dinh danh dien tu")),
    Column("has_bank_account", _("Has a bank account"), "Có tài khoản ngân hàng", "bool",
           ("tai khoan ngan hang",)),
    Column("pays_cashless", _("Pays without cash"), "Thanh toán không dùng tiền mặt", "bool",
           ("thanh toan khong tien mat",)),
)  # fmt: skip

BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("full_name",)

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_NOISE = re.compile(r"[*:.]+|\s+")


def header_key(header: object) -> str:
    """A header as compared: folded, without notes in brackets, stars or colons, single spaces
    ("Ngày sinh (dd/mm/yyyy)*" → "ngay sinh")."""
    text = fold(str(header or "")).replace("_", " ")
    text = _BRACKETS.sub(" ", text)
    return _NOISE.sub(" ", text).strip()


_WORDINGS = {header_key(c.header): c.field for c in COLUMNS}
for _column in COLUMNS:
    for _wording in _column.wordings:
        _WORDINGS.setdefault(header_key(_wording), _column.field)


def propose_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> list[str]:
    """For each file column, the field it holds ("" to ignore it): the unit's remembered
    choice for the same header first, then the usual wordings. A field is taken once."""
    remembered = remembered or {}
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = header_key(header)
        field = remembered.get(key) if remembered.get(key) in BY_FIELD else _WORDINGS.get(key, "")
        if not key or field in taken:
            field = ""
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


def remembered_from(headers: list[str], mapping: list[str]) -> dict[str, str]:
    """What to remember of a confirmed mapping: folded header → field."""
    return {header_key(h): f for h, f in zip(headers, mapping, strict=False) if header_key(h)}


def field_choices():
    return [("", _("— ignore this column —")), *[(c.field, c.label) for c in COLUMNS]]
