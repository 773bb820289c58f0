"""An entry's certificate (giấy chứng nhận) once the results are published: A4 landscape,
drawn the way the quiz winners' are (contests.certificates: ReportLab, Noto Sans)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from hoiso.contests.certificates import GOLD, ROSE
from hoiso.contests.models import Entry, Result
from hoiso.members.cards import _fit, _fonts


def entry_certificate_pdf(entry: Entry) -> bytes:
    regular, bold = _fonts()
    contest = entry.contest
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
        from reportlab.lib.colors import HexColor

        pdf.setFillColor(HexColor(colour))
        pdf.setFont(font, _fit(pdf, text, font, size, inner))
        pdf.drawCentredString(centre, y, text)

    line("HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", bold, 13, height - 32 * mm, "#a3285f")
    line(contest.unit.name.upper(), regular, 12, height - 40 * mm)
    line(_("CERTIFICATE"), bold, 34, height - 62 * mm, "#a3285f")
    line(_("awarded to"), regular, 13, height - 74 * mm)
    line(entry.entrant, bold, 24, height - 90 * mm)
    line(entry.unit.name, regular, 13, height - 100 * mm)
    line(str(Result.Prize(entry.prize).label), bold, 18, height - 116 * mm, "#b8892b")
    line(_("for the entry “%(title)s”") % {"title": entry.title}, regular, 13, height - 127 * mm)
    line(contest.title, regular, 12, height - 137 * mm, "#555555")
    issued = contest.published_at or timezone.now()
    pdf.setFont(regular, 11)
    pdf.drawRightString(width - 40 * mm, 36 * mm, _("Issued on %(day)s") % {
        "day": date_format(timezone.localtime(issued), "SHORT_DATE_FORMAT")})  # fmt: skip
    pdf.setFont(regular, 8)
    pdf.drawString(
        20 * mm, 18 * mm, _("Certificate no. %(no)s") % {"no": f"BDT-{contest.pk}-{entry.code}"}
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
