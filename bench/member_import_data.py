"""The workbook bench/member_import.py imports: a commune's member list in the template's
shape (the headers of members/importing/columns.py, in that order), as officials fill it.

Rows spread over the commune's branches and groups; names from hoiso.demo.names; dates
mostly typed as text (the template's cells are text), some as date cells; CCCDs as text,
some typed as numbers (Excel drops the leading zero, the import restores it with a
warning). The commune's existing members come back with a new phone (updates). About one
row in a hundred has a mistake, so the error report has rows.

    DATABASE_URL=… .venv/bin/python bench/member_import_data.py OUT.xlsx [--rows 260000]
"""

from __future__ import annotations

import argparse
import datetime
import random

import xlsxwriter

MISTAKES = (
    "bad_date",  # 31/02
    "minor",  # under 18 on the day she joins
    "man",  # a man as an ordinary member
    "unknown_branch",
    "same_cccd",  # the CCCD of the row above
    "bad_phone",
    "bad_bool",
)
MISTAKE_EVERY = 100
OCCUPATIONS = ["Nông dân", "Buôn bán", "Công nhân", "Nội trợ", "Cán bộ, công chức", "Giáo viên"]
RELIGIONS = ["Không", "Phật giáo", "Công giáo", "Cao Đài", "Hòa Hảo", ""]


def cccd_for(born: datetime.date, serial: int) -> str:
    """A CCCD that agrees with a woman born on `born`, issued in Hà Nội (001): the demo's
    members have Cần Thơ's and Sóc Trăng's codes, so the file's CCCDs are new."""
    digit = {1900: 1, 2000: 3}[born.year // 100 * 100]
    return f"001{digit}{born.year % 100:02d}{serial % 1_000_000:06d}"


def _units(commune):
    from hoiso.org.models import Unit

    units = Unit.objects.filter(path__startswith=commune.path).active().select_related("parent")
    groups = [(u.parent.name, u.name) for u in units if u.kind == Unit.Kind.GROUP]
    return groups or [(u.name, "") for u in units if u.kind == Unit.Kind.BRANCH]


def _updates(commune) -> list[dict]:
    """The commune's members as the file names them again, each with a new phone."""
    from hoiso.members.models import Member
    from hoiso.org.models import Unit

    rows = []
    members = Member.objects.filter(unit_path__startswith=commune.path).select_related(
        "unit", "unit__parent"
    )
    for m in members.filter(status=Member.Status.ACTIVE, date_of_birth__isnull=False):
        if m.unit.kind == Unit.Kind.GROUP:
            branch, group = m.unit.parent.name, m.unit.name
        else:
            branch, group = m.unit.name, ""
        rows.append({"name": m.full_name, "born": m.date_of_birth, "branch": branch,
                     "group": group, "joined": m.joined_on})  # fmt: skip
    return rows


def generate(path: str, *, rows: int, commune, seed: int = 11) -> dict:
    """Write the workbook; the counts it was built with."""
    from hoiso.demo import names
    from hoiso.members.importing.columns import COLUMNS

    rng = random.Random(seed)
    units = _units(commune)
    updates = _updates(commune)
    today = datetime.date.today()
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
    sheet = book.add_worksheet("Hội viên")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header)
    field_col = {c.field: i for i, c in enumerate(COLUMNS)}
    counts = {"rows": rows, "updates": 0, "mistakes": 0}
    for r in range(1, rows + 1):
        mistake = MISTAKES[(r // MISTAKE_EVERY) % len(MISTAKES)] if r % MISTAKE_EVERY == 0 else ""
        counts["mistakes"] += bool(mistake)
        if r <= len(updates) and not mistake:
            up = updates[r - 1]
            name, born, branch, group, joined = (up["name"], up["born"], up["branch"],
                                                 up["group"], up["joined"])  # fmt: skip
            counts["updates"] += 1
            cccd = ""
        else:
            age = rng.choices([rng.randint(18, 30), rng.randint(31, 50), rng.randint(51, 70),
                               rng.randint(71, 90)], weights=[18, 42, 30, 10])[0]  # fmt: skip
            born = datetime.date(today.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
            branch, group = units[r % len(units)]
            name = names.woman_name(rng, khmer=rng.random() < 0.3)
            joined = born.replace(year=born.year + 18) + datetime.timedelta(
                days=rng.randint(0, 2000)
            )
            joined = min(joined, today)
            cccd = cccd_for(born, r)
        values = {
            "full_name": name, "date_of_birth": born.strftime("%d/%m/%Y"), "gender": "Nữ",
            "cccd": cccd, "phone": names.phone_number(rng), "ethnicity": rng.choice(["Kinh", "Khmer", "Hoa"]),
            "religion": rng.choice(RELIGIONS), "hamlet": branch.replace("Chi hội ", ""),
            "branch": branch, "group": group, "joined_on": joined.strftime("%d/%m/%Y"),
            "member_type": "", "decision": "", "is_core": "x" if rng.random() < 0.08 else "",
            "party_member": "x" if rng.random() < 0.06 else "", "occupation": rng.choice(OCCUPATIONS),
            "education": rng.choice(["9/12", "12/12", "THCS", "Tiểu học"]),
            "has_phone": "x", "has_smartphone": "x" if rng.random() < 0.95 else "",
            "has_internet": "x", "uses_zalo": "x" if rng.random() < 0.8 else "",
            "uses_facebook": "x" if rng.random() < 0.6 else "", "uses_tiktok": "x" if rng.random() < 0.3 else "",
            "vneid_level": "2" if rng.random() < 0.7 else "", "has_bank_account": "x" if rng.random() < 0.6 else "",
            "pays_cashless": "x" if rng.random() < 0.45 else "",
        }  # fmt: skip
        if mistake == "bad_date":
            values["date_of_birth"] = "31/02/1990"
        elif mistake == "minor":
            values["date_of_birth"] = f"01/01/{today.year - 15}"
            values["cccd"] = ""
        elif mistake == "man":
            values["gender"] = "Nam"
            values["cccd"] = ""
        elif mistake == "unknown_branch":
            values["branch"] = "Chi hội Không Có"
        elif mistake == "same_cccd":
            values["cccd"] = cccd_for(born, r - 1) if r > 1 else cccd
            values["date_of_birth"] = born.strftime("%d/%m/%Y")
        elif mistake == "bad_phone":
            values["phone"] = "09x 123"
        elif mistake == "bad_bool":
            values["uses_zalo"] = "có lẽ"
        for field, value in values.items():
            col = field_col[field]
            if not value:
                continue
            if field == "date_of_birth" and r % 4 == 1 and not mistake:
                day = datetime.datetime.strptime(value, "%d/%m/%Y")
                sheet.write_datetime(r, col, day, dates)  # a date cell, as some sheets have
            elif field == "cccd" and r % 10 == 3 and not mistake:
                sheet.write_number(r, col, int(value))  # typed as a number: the zero is lost
            else:
                sheet.write_string(r, col, value)
    book.close()
    return counts


def main() -> None:
    import os
    import sys

    sys.path.insert(0, os.path.dirname(__file__))
    from common import setup_django

    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=260_000)
    parser.add_argument("--commune", default="xa_officer", help="whose commune (a username)")
    args = parser.parse_args()
    setup_django()
    from hoiso.accounts.models import Role

    commune = Role.objects.get(user__username=args.commune).unit
    print(generate(args.out, rows=args.rows, commune=commune))


if __name__ == "__main__":
    main()
