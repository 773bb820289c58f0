"""A winner's certificate (giấy chứng nhận) as an A4 landscape PDF in Vietnamese, drawn with
ReportLab and the Noto Sans font the member cards use (members.cards._fonts)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from hoiso.contests.models import Result
from hoiso.contests.selectors import place_of
from hoiso.members.cards import _fit, _fonts

ROSE = HexColor("#a3285f")
GOLD = HexColor("#b8892b")


def certificate_pdf(result: Result) -> bytes:
    regular, bold = _fonts()
    round_, contest, person = result.round, result.round.contest, result.participant
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(_("Certificate"))
    pdf.setStrokeColor(ROSE)
    pdf.setLineWidth(3)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1)
    pdf.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    centre, inner = width / 2, width - 60 * mm

    def line(text, font, size, y, colour="#222222"):
        pdf.setFillColor(HexColor(colour))
        pdf.setFont(font, _fit(pdf, text, font, size, inner))
        pdf.drawCentredString(centre, y, text)

    line("HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", bold, 13, height - 32 * mm, "#a3285f")
    line(contest.unit.name.upper(), regular, 12, height - 40 * mm)
    line(_("CERTIFICATE"), bold, 34, height - 62 * mm, "#a3285f")
    line(_("awarded to"), regular, 13, height - 74 * mm)
    line(person.full_name, bold, 26, height - 90 * mm)
    place = place_of(person)
    if place:
        line(place, regular, 13, height - 100 * mm)
    prize = Result.Prize(result.prize).label
    line(_("%(prize)s — round %(n)d") % {"prize": prize, "n": round_.number}, bold, 18,
         height - 116 * mm, "#b8892b")  # fmt: skip
    line(contest.title, regular, 14, height - 128 * mm)
    answered = _("%(right)d right answers out of %(total)d") % {
        "right": result.correct,
        "total": result.attempt.question_count,
    }
    line(answered, regular, 11, height - 138 * mm, "#555555")
    issued = round_.winners_published_at or timezone.now()
    day = date_format(timezone.localtime(issued), "SHORT_DATE_FORMAT")
    pdf.setFont(regular, 11)
    pdf.setFillColor(HexColor("#222222"))
    pdf.drawRightString(width - 40 * mm, 36 * mm, _("Issued on %(day)s") % {"day": day})
    pdf.setFont(regular, 8)
    pdf.setFillColor(HexColor("#777777"))
    pdf.drawString(
        20 * mm,
        18 * mm,
        _("Certificate no. %(no)s") % {"no": f"{contest.pk}-{round_.number}-{result.position}"},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
