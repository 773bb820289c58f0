"""The import's fast path: the same answers as the member services' checks for the rows they
accept, computed without their per-row costs (a query, dict copies, Unicode scans of text
already checked), so that a province's list is checked in seconds.

Every function here answers only what it can answer cheaply and exactly; for anything else
it returns None and the caller asks the exact, slower function (parse.py's readers,
services.clean_member_data) for the value or the message. tests/members/test_import_quick.py
checks that both give the same results on valid and invalid values.
"""

from __future__ import annotations

import datetime
import unicodedata

from hoiso.core.text import fold, normalize, person_name_key
from hoiso.members.services import EDITABLE_FIELDS
from hoiso.members.validators import ValueProblem, check_cccd

_EDITABLE = frozenset(EDITABLE_FIELDS)
_HOSTILE = frozenset("<>{}[]=\\|@#$%^*")
_NAMES: dict[str, bool] = {}
_CCCD_CHECKS: dict[tuple, bool] = {}
_FOLDED: dict[str, str] = {}
_NAME_FIELDS: dict[str, tuple[str, str, str]] = {}
_LIMIT = 50_000  # per memo: a province's list has ~40,000 distinct names; bounded for workers


def phone_cell(cell: object) -> str | None:
    """A phone cell already as parse.parse_phone writes it (0 and 9 or 10 more ASCII digits,
    typed as text), else None."""
    if (type(cell) is str and 10 <= len(cell) <= 11 and cell[0] == "0" and cell.isascii()
            and cell.isdigit()):  # fmt: skip
        return cell
    return None


def cccd_cell(cell: object) -> str | None:
    """A CCCD cell of 12 ASCII digits typed as text (parse.parse_cccd gives it unchanged, with
    no zero restored), else None."""
    if type(cell) is str and len(cell) == 12 and cell.isascii() and cell.isdigit():
        return cell
    return None


def date_cell(cell: object) -> datetime.date | None:
    """A date typed as dd/mm/yyyy in ASCII digits (parse.parse_date reads it so), else None
    (other shapes, and dates that do not exist, for parse_date's message)."""
    if (type(cell) is str and len(cell) == 10 and cell[2] == "/" and cell[5] == "/"
            and cell.isascii()):  # fmt: skip
        day, month, year = cell[:2], cell[3:5], cell[6:]
        if day.isdigit() and month.isdigit() and year.isdigit():
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


def name_ok(name: str) -> bool:
    """True when clean_member_data accepts `name` as it is: NFC with single spaces, at most
    120 letters, no character a name cannot have. Each distinct name is looked at once."""
    found = _NAMES.get(name)
    if found is None:
        found = (
            bool(name)
            and normalize(name) == name
            and len(name) <= 120
            and not any(ch in _HOSTILE or unicodedata.category(ch)[0] == "C" for ch in name)
        )
        if len(_NAMES) > _LIMIT:
            _NAMES.clear()
        _NAMES[name] = found
    return found


def folded(name: str) -> str:
    """core.text.fold of a name, once per distinct name."""
    found = _FOLDED.get(name)
    if found is None:
        if len(_FOLDED) > _LIMIT:
            _FOLDED.clear()
        found = _FOLDED[name] = fold(name)
    return found


def name_fields(name: str) -> tuple[str, str, str]:
    """core.text.person_name_fields, once per distinct name: a commune's names repeat."""
    found = _NAME_FIELDS.get(name)
    if found is None:
        if len(_NAME_FIELDS) > _LIMIT:
            _NAME_FIELDS.clear()
        normal = normalize(name)  # as person_name_fields, with the folded form remembered
        found = _NAME_FIELDS[name] = (normal, folded(normal), person_name_key(normal))
    return found


def _cccd_ok(cccd: str, born: datetime.date | None, female: bool | None) -> bool:
    key = (cccd[:6], born.year if born else None, female)
    found = _CCCD_CHECKS.get(key)
    if found is None:
        try:
            check_cccd(cccd, date_of_birth=born, female=female)
            found = True
        except ValueProblem:
            found = False
        if len(_CCCD_CHECKS) > _LIMIT:
            _CCCD_CHECKS.clear()
        _CCCD_CHECKS[key] = found
    return found


def clean(data: dict, *, today: datetime.date, member_pk: int | None,
          holders: dict[str, int]) -> dict | None:  # fmt: skip
    """What services.clean_member_data(data, member=…) returns, for a row it accepts; None
    when it would refuse the row, or when this function cannot tell cheaply (the caller then
    asks clean_member_data). `holders` maps the CCCDs of the chunk already on record to
    their member's pk (loaded in one query instead of one per row)."""
    for key in data:
        if key not in _EDITABLE:
            return None
    name = data.get("full_name")
    if type(name) is not str or not name_ok(name):
        return None
    born = data.get("date_of_birth")
    if born and (born > today or born.year < 1900):
        return None
    phone = data.get("phone")
    if phone:
        if phone_cell(phone) is None:
            return None
    elif phone is None or phone == "":
        phone = ""
    else:
        return None
    cccd = data.get("cccd")
    if cccd:
        if cccd_cell(cccd) is None:
            return None
        female = {"F": True, "M": False}.get(data.get("gender") or "F")
        if not _cccd_ok(cccd, born, female):
            return None
        holder = holders.get(cccd)
        if holder is not None and holder != member_pk:
            return None
    elif not (cccd is None or cccd == ""):
        return None
    cleaned = dict(data)
    cleaned["phone"] = phone
    if phone or cleaned.get("has_smartphone"):
        cleaned["has_phone"] = True
    cleaned["cccd"] = cccd or None
    return cleaned
