"""What goes up to the level above: the score sheet (XLSX, XlsxWriter) and the package (a
ZIP holding the sheet and, per forwarded entry, a folder with its original files and its
text). The level above receives names and units: its own jury blinds again."""

from __future__ import annotations

import io
import re
import zipfile

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.contests.models import Assignment, Entry, EntryContest, Score
from hoiso.core.text import fold

SHEET_NAME = "bang-diem.xlsx"


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit] or "bai"


def score_sheet(contest: EntryContest, entries: list[Entry]) -> bytes:
    """Sheet 1, the ranking of `entries`: rank, code, title, category, entrant, unit, mean,
    standard deviation, range, judges. Sheet 2, every judge's score per criterion."""
    criteria = list(contest.criteria.all())
    assignments = list(Assignment.objects.filter(entry__in=entries).select_related("judge__user")
                       .order_by("entry_id", "judge_id"))  # fmt: skip
    scores = {(a, c): v for a, c, v in Score.objects.filter(assignment__in=assignments)
              .values_list("assignment_id", "criterion_id", "value")}  # fmt: skip
    by_entry: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_entry.setdefault(a.entry_id, []).append(a)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format(
        {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True, "valign": "top"}
    )
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number = book.add_format({"border": 1, "num_format": "0.00", "valign": "top"})
    sheet = book.add_worksheet(_("Ranking")[:31])
    sheet.write(0, 0, contest.title, title)
    sheet.write(1, 0, _("%(unit)s — results published %(at)s") % {
        "unit": contest.unit.name, "at": timezone.localtime(contest.published_at or timezone.now()).strftime("%d/%m/%Y")})  # fmt: skip
    heads = [_("Rank"), _("Code"), _("Entry title"), _("Category"), _("Entrant"), _("Unit"),
             _("Mean score (of 100)"), _("Standard deviation"), _("Range (max − min)"), _("Judges")]  # fmt: skip
    for col, head in enumerate(heads):
        sheet.write(3, col, head, header)
    for row, entry in enumerate(entries, start=4):
        totals = [a.total for a in by_entry.get(entry.pk, []) if a.total is not None]
        values = [
            entry.rank,
            entry.code,
            entry.title,
            entry.category.name,
            entry.entrant,
            entry.unit.name,
        ]
        for col, value in enumerate(values):
            sheet.write(row, col, value, text)
        sheet.write_number(row, 6, float(entry.score or 0), number)
        sheet.write_number(row, 7, float(entry.spread or 0), number)
        sheet.write_number(row, 8, float(max(totals) - min(totals)) if totals else 0, number)
        sheet.write_number(row, 9, len(totals), text)
    for col, width in enumerate((7, 10, 40, 22, 26, 30, 12, 12, 12, 8)):
        sheet.set_column(col, col, width)
    detail = book.add_worksheet(_("Scores by judge")[:31])
    heads = [_("Code"), _("Judge"), *[f"{c.name} (/{c.max_score}, ×{c.weight})" for c in criteria],
             _("Total (of 100)")]  # fmt: skip
    for col, head in enumerate(heads):
        detail.write(0, col, head, header)
    row = 1
    for entry in entries:
        for a in by_entry.get(entry.pk, []):
            detail.write(row, 0, entry.code, text)
            detail.write(row, 1, a.judge.user.get_full_name(), text)
            for col, c in enumerate(criteria, start=2):
                value = scores.get((a.pk, c.pk))
                detail.write_number(
                    row, col, float(value), number
                ) if value is not None else detail.write_blank(row, col, None, text)
            detail.write_number(row, 2 + len(criteria), float(a.total or 0), number)
            row += 1
    detail.set_column(0, 0, 10)
    detail.set_column(1, 1, 26)
    detail.set_column(2, 2 + len(criteria), 16)
    book.close()
    return output.getvalue()


def package_zip(contest: EntryContest, entries: list[Entry]) -> bytes:
    """The ZIP: the score sheet, then one folder per entry (“01-<code>-<title>/”) with its
    text (bai-du-thi.txt: title, category, entrant, unit, video link, text) and its files."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(SHEET_NAME, score_sheet(contest, entries))
        for position, entry in enumerate(entries, start=1):
            folder = f"{position:02d}-{entry.code}-{_slug(entry.title)}"
            about = [f"{_('Title')}: {entry.title}", f"{_('Category')}: {entry.category.name}",
                     f"{_('Entrant')}: {entry.entrant}", f"{_('Unit')}: {entry.unit.name}",
                     f"{_('Mean score (of 100)')}: {entry.score}"]  # fmt: skip
            if entry.video_url:
                about.append(f"{_('Video link')}: {entry.video_url}")
            if entry.text:
                about += ["", entry.text]
            package.writestr(f"{folder}/bai-du-thi.txt", "\n".join(about) + "\n")
            for n, f in enumerate(entry.files.all(), start=1):
                stem = _slug(f.name.rsplit(".", 1)[0])
                with f.file.open("rb") as handle:
                    package.writestr(f"{folder}/{n}-{stem}.{f.extension}", handle.read())
    return output.getvalue()
