"""From a cell as the spreadsheet reader gives it to a value of the member record.

Each reader returns the value or raises ValueProblem with a message for the official. Cells
come as text (CSV, cells typed as text), numbers (Excel stores phones, CCCDs and date serials
as floats) or dates and datetimes (calamine converts date-formatted cells).
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core.text import fold, normalize
from hoiso.members.models import Member
from hoiso.members.reference import ETHNICITY_CHOICES, RELIGION_CHOICES
from hoiso.members.validators import ValueProblem, normalize_cccd, normalize_phone

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01, Lotus's leap-year bug kept
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_NEUTRALISED = re.compile(r"'(?=[=+\-@])")


def text(value: object) -> str:
    """A cell as trimmed NFC text. The apostrophe the error report puts before = + - @ (so
    that a spreadsheet does not read a formula) is taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = normalize(str(value))
    return _NEUTRALISED.sub("", result, count=1) if result.startswith("'") else result


def blank(value: object) -> bool:
    return text(value) == ""


def parse_date(value: object) -> datetime.date | None:
    """dd/mm/yyyy, d/m/yy, yyyy-mm-dd, an Excel serial number, or a date(time) cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_("not a date"))
    if isinstance(value, int | float):
        if not 1 <= value < 80_000:
            raise ValueProblem(_("not a date"))
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    raw = text(value)
    if not raw:
        return None
    if raw.isdigit() and 4 < len(raw) < 6:  # a serial number stored as text
        return parse_date(int(raw))
    try:
        if match := _DMY.fullmatch(raw):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                # d/m/yy: a year not after this one is this century's, else the last's.
                this = timezone.localdate().year
                year += 2000 if 2000 + year <= this else 1900
            return datetime.date(year, month, day)
        if match := _YMD.fullmatch(raw):
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(
            _("“%(value)s” is not a date that exists") % {"value": raw[:30]}
        ) from exc
    raise ValueProblem(_("“%(value)s” is not a date written as dd/mm/yyyy") % {"value": raw[:30]})


_YES = {"x", "co", "1", "yes", "true", "dung", "roi", "v", "da co", "co dung", "✓"}
_NO = {"", "khong", "0", "no", "false", "chua", "k", "-", "ko"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueProblem(_("“%(value)s” is neither yes (x, có) nor no (để trống, không)")
                       % {"value": text(value)[:30]})  # fmt: skip


def parse_gender(value: object) -> str:
    key = fold(text(value))
    if key in ("", "nu", "f", "female", "gai"):
        return Member.Gender.FEMALE
    if key in ("nam", "m", "male", "trai"):
        return Member.Gender.MALE
    raise ValueProblem(_("the sex “%(value)s” is neither Nữ nor Nam") % {"value": text(value)[:30]})


def _key(raw: str) -> str:
    """Folded, hyphens as spaces: "Khơ-me", "Bru - Vân Kiều" and "bru van kieu" meet."""
    return re.sub(r"[\s\-]+", " ", fold(raw)).strip()


def _lookup(choices) -> dict[str, str]:
    table = {}
    for code, name in choices:
        table[_key(str(name))] = code
        table[_key(code)] = code
    return table


_ETHNICITIES = _lookup(ETHNICITY_CHOICES)
_ETHNICITIES.update({"kinh (viet)": "01", "viet": "01", "khmer": "05", "kho me": "05", "khome": "05",
                     "hmong": "08", "h'mong": "08", "ede": "11", "e de": "11"})  # fmt: skip
_RELIGIONS = _lookup(RELIGION_CHOICES)
_RELIGIONS.update({"khong ton giao": "none", "phat": "buddhism", "thien chua": "catholic",
                   "thien chua giao": "catholic", "cong giao": "catholic", "hoa hao": "hoahao",
                   "tin lanh": "protestant", "cao dai": "caodai", "hoi giao": "islam"})  # fmt: skip


def parse_ethnicity(value: object) -> str:
    raw = text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = f"{int(value):02d}"
    code = _ETHNICITIES.get(_key(raw))
    if raw and code is None:
        raise ValueProblem(
            _("“%(value)s” is not one of the 54 ethnic groups") % {"value": raw[:30]}
        )
    return code or ""


def parse_religion(value: object) -> str:
    raw = text(value)
    code = _RELIGIONS.get(_key(raw))
    if raw and code is None:
        raise ValueProblem(_("“%(value)s” is not a recognised religion") % {"value": raw[:30]})
    return code or ""


_EDUCATION = {"tieu hoc": "primary", "cap 1": "primary", "trung hoc co so": "lower_secondary",
              "thcs": "lower_secondary", "cap 2": "lower_secondary",
              "trung hoc pho thong": "upper_secondary", "thpt": "upper_secondary",
              "cap 3": "upper_secondary", "mu chu": "", "khong": ""}  # fmt: skip


def parse_education(value: object) -> str:
    raw = fold(text(value))
    if raw in _EDUCATION:
        return _EDUCATION[raw]
    if match := re.fullmatch(r"(\d{1,2})\s*/\s*(10|12)", raw):  # "9/12", the usual way
        grade, top = int(match.group(1)), int(match.group(2))
        grade = grade if top == 12 else {10: 12}.get(grade, grade)
        return "primary" if grade <= 5 else "lower_secondary" if grade <= 9 else "upper_secondary"
    if not raw:
        return ""
    raise ValueProblem(_("“%(value)s” is not a level of general education (tiểu học, THCS, "
                         "THPT or 9/12)") % {"value": text(value)[:30]})  # fmt: skip


def parse_member_type(value: object) -> str:
    key = fold(text(value))
    if key in ("", "chinh thuc", "thuong", "hoi vien", "hoi vien chinh thuc"):
        return Member.MemberType.ORDINARY
    if key in ("danh du", "hoi vien danh du"):
        return Member.MemberType.HONORARY
    raise ValueProblem(_("the member type “%(value)s” is neither chính thức nor danh dự")
                       % {"value": text(value)[:30]})  # fmt: skip


def parse_vneid(value: object) -> int:
    """0, 1 or 2; "mức 2"; in a "VNeID mức 2" column, yes means level 2."""
    key = fold(text(value)).replace("muc", "").strip()
    if key in ("0", "1", "2"):
        return int(key)
    return Member.VNeID.LEVEL_2 if parse_bool(value) else Member.VNeID.NONE


def parse_phone(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_phone(text(value) if not isinstance(value, int) else value)


def parse_cccd(value: object) -> tuple[str, bool]:
    """The 12 digits and whether zeros lost by Excel were restored (a warning, not an error)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_cccd(text(value) if not isinstance(value, int) else value)


READERS = {
    "name": text, "text": text, "date": parse_date, "bool": parse_bool, "gender": parse_gender,
    "ethnicity": parse_ethnicity, "religion": parse_religion, "education": parse_education,
    "member_type": parse_member_type, "vneid": parse_vneid, "phone": parse_phone,
}  # fmt: skip
