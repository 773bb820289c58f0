"""A quiz round's ranking as an XLSX file, for the organiser to keep, print or send up: every
ranked participant in order, as the results page shows her (no phone, no date of birth), the
prize, the right answers, the prediction and its distance, the time and the submission.

Written row by row in XlsxWriter's constant-memory mode to a temporary file (a round of a
national contest ranks hundreds of thousands), the results read in chunks."""

from __future__ import annotations

import tempfile
from typing import IO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.contests import selectors
from hoiso.contests.models import Round

WIDTHS = (7, 8, 18, 30, 40, 10, 12, 12, 12, 20)


def round_results_xlsx(round_: Round) -> tuple[IO[bytes], int]:
    """The open file, rewound, and the number of participants in it."""
    contest = round_.contest
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})  # fmt: skip
    sheet = book.add_worksheet(_("Ranking")[:31])
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True,
                              "valign": "top"})  # fmt: skip
    seconds = book.add_format({"num_format": "0.0"})
    sheet.write_string(0, 0, contest.title, title)
    ranked = (
        timezone.localtime(round_.ranked_at).strftime("%H:%M %d/%m/%Y") if round_.ranked_at else "–"
    )
    sheet.write_string(1, 0, _("Round %(n)s, %(start)s – %(end)s; ranked at %(ranked)s") % {
        "n": round_.number, "start": timezone.localtime(round_.starts_at).strftime("%H:%M %d/%m/%Y"),
        "end": timezone.localtime(round_.ends_at).strftime("%H:%M %d/%m/%Y"), "ranked": ranked})  # fmt: skip
    heads = [_("Rank"), _("Order"), _("Prize"), _("Participant"), _("Unit or commune"),
             _("Right answers"), _("Prediction"), _("Distance from the actual number"),
             _("Time (seconds)"), _("Submitted at")]  # fmt: skip
    for col, head in enumerate(heads):
        sheet.write_string(3, col, head, header)
        sheet.set_column(col, col, WIDTHS[col])
    count = 0
    for count, result in enumerate(selectors.results_of(round_).iterator(chunk_size=2000), start=1):
        row = 3 + count
        sheet.write_number(row, 0, result.rank)
        sheet.write_number(row, 1, result.position)
        sheet.write_string(row, 2, result.get_prize_display() if result.prize else "")
        sheet.write_string(row, 3, result.participant.full_name)
        sheet.write_string(row, 4, selectors.place_of(result.participant))
        sheet.write_number(row, 5, result.correct)
        sheet.write_number(row, 6, result.prediction)
        sheet.write_number(row, 7, result.distance)
        sheet.write_number(row, 8, result.seconds, seconds)
        sheet.write_string(
            row, 9, timezone.localtime(result.submitted_at).strftime("%H:%M:%S %d/%m/%Y")
        )
    sheet.freeze_panes(4, 0)
    book.close()
    output.seek(0)
    return output, count
