"""Checks of citizen ID (CCCD) numbers and phone numbers as people write them."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from hoiso.members.reference import CCCD_PROVINCE_CODES

_NON_DIGITS = re.compile(r"[\s.\-()]")
_EXCEL_FLOAT = re.compile(r"\d+\.0")


def _digits_text(raw: str | int | float) -> str:
    """The text without separators. A number Excel stored as a float ("912345678.0") loses its
    ".0" first: once the dots are gone as separators it would read as one more digit."""
    text = str(raw).strip()
    if _EXCEL_FLOAT.fullmatch(text):
        text = text[:-2]
    return _NON_DIGITS.sub("", text)


# The 4th digit of a CCCD: the century of birth and the sex (Circular 07/2016/TT-BCA).
_CENTURY_DIGITS = {
    1900: ("0", "1"),
    2000: ("2", "3"),
    2100: ("4", "5"),
    2200: ("6", "7"),
    1800: ("8", "9"),
}


class ValueProblem(ValueError):
    """A value that cannot be accepted; the message says why, for the official."""


def normalize_phone(raw: str | int | None) -> str:
    """A Vietnamese mobile or landline number as 0xxxxxxxxx: from 09…, +84…, 84…, with spaces,
    dots or dashes, or as a number that lost its leading zero in Excel. Empty stays empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    text = _digits_text(raw)
    if text.startswith("+"):
        text = text[1:]
    if not text.isdigit():
        raise ValueProblem(_("the phone number has characters other than digits"))
    if text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif len(text) == 9 and text[0] in "35789":
        text = "0" + text  # Excel dropped the leading zero of a mobile number
    if len(text) not in (10, 11) or not text.startswith("0"):
        raise ValueProblem(_("the phone number must have 10 digits and start with 0"))
    return text


def normalize_cccd(raw: str | int | None) -> tuple[str, bool]:
    """A CCCD as 12 digits, and whether leading zeros had to be restored (a number typed into
    Excel loses them). Only a missing zero before a valid province code is restored."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "", False
    text = _digits_text(raw)
    if not text.isdigit():
        raise ValueProblem(_("the citizen ID has characters other than digits"))
    if len(text) in (10, 11) and text.zfill(12)[:3] in CCCD_PROVINCE_CODES:
        return text.zfill(12), True
    if len(text) != 12:
        raise ValueProblem(_("the citizen ID must have 12 digits"))
    return text, False


def check_cccd(cccd: str, *, date_of_birth: datetime.date | None, female: bool | None) -> None:
    """Raise ValueProblem when a 12-digit CCCD contradicts itself or the person: the province
    code, the century/sex digit and the two digits of the year of birth."""
    if cccd[:3] not in CCCD_PROVINCE_CODES:
        raise ValueProblem(
            _("the citizen ID starts with %(code)s, which is no province code") % {"code": cccd[:3]}
        )
    digit = cccd[3]
    century = next((c for c, digits in _CENTURY_DIGITS.items() if digit in digits), None)
    if century is None:  # pragma: no cover - every digit maps to a century
        raise ValueProblem(_("the citizen ID's fourth digit is not valid"))
    if female is not None and (digit in _CENTURY_DIGITS[century][1]) != female:
        raise ValueProblem(_("the citizen ID's fourth digit does not match the person's sex"))
    if date_of_birth is not None:
        if date_of_birth.year // 100 * 100 != century:
            raise ValueProblem(
                _("the citizen ID's fourth digit does not match the century of birth")
            )
        if cccd[4:6] != f"{date_of_birth.year % 100:02d}":
            raise ValueProblem(
                _("the citizen ID's fifth and sixth digits do not match the year of birth")
            )
