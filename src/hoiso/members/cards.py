"""Member cards: a printable PDF card (CR80, 85.6 × 54 mm) with a QR code that carries a
signed token, and the token's check for the public verification page.

The token is the member's id signed with the site's secret (django.core.signing), so a card
cannot be forged or altered; the verification page shows only her name, unit and whether
the membership is active today.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from hoiso.members.models import Member

_SALT = "hoiso.members.card"
CARD_W, CARD_H = 85.6 * mm, 54 * mm
ROSE = HexColor("#a3285f")


class CardError(Exception):
    """Cards cannot be made here (no font); the message says what to install."""


def card_token(member: Member) -> str:
    return signing.Signer(salt=_SALT).sign(str(member.pk))


def member_from_token(token: str) -> Member | None:
    """The member a card's token names, or None if it was forged or altered."""
    try:
        pk = int(signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Member.objects.select_related("unit", "unit__parent").filter(pk=pk).first()


def _fonts() -> tuple[str, str]:
    if "HoiSoSans" not in pdfmetrics.getRegisteredFontNames():
        folder = settings.HOISO_PDF_FONT_DIR
        try:
            pdfmetrics.registerFont(TTFont("HoiSoSans", str(folder / "NotoSans-Regular.ttf")))
            pdfmetrics.registerFont(TTFont("HoiSoSans-Bold", str(folder / "NotoSans-Bold.ttf")))
        except Exception as exc:  # reportlab raises TTFError or OSError for a missing file
            raise CardError(
                _("The font for Vietnamese PDF documents is missing (Noto Sans in %(dir)s).")
                % {"dir": folder}
            ) from exc
    return "HoiSoSans", "HoiSoSans-Bold"


def _fit(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which `text` fits in `width`."""
    while size > 5 and pdf.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _draw_card(pdf: canvas.Canvas, member: Member, x: float, y: float, verify_url: str) -> None:
    regular, bold = _fonts()
    pdf.setStrokeColor(ROSE)
    pdf.setLineWidth(0.8)
    pdf.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    pdf.setFillColor(ROSE)
    pdf.roundRect(x, y + CARD_H - 12 * mm, CARD_W, 12 * mm, 3 * mm, stroke=0, fill=1)
    pdf.rect(x, y + CARD_H - 12 * mm, CARD_W, 4 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.setFont(bold, 7.5)
    pdf.drawCentredString(x + CARD_W / 2, y + CARD_H - 5.2 * mm, "HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM")
    pdf.setFont(bold, 9.5)
    pdf.drawCentredString(x + CARD_W / 2, y + CARD_H - 9.8 * mm, _("MEMBER CARD").upper())
    pdf.setFillColor(HexColor("#222222"))
    left, text_w = x + 4 * mm, CARD_W - 34 * mm
    size = _fit(pdf, member.full_name.upper(), bold, 10, text_w)
    pdf.setFont(bold, size)
    pdf.drawString(left, y + CARD_H - 18.5 * mm, member.full_name.upper())
    lines = [
        (_("Member code"), member.code),
        (
            _("Date of birth"),
            date_format(member.date_of_birth, "SHORT_DATE_FORMAT") if member.date_of_birth else "—",
        ),
        (_("Joined on"), date_format(member.joined_on, "SHORT_DATE_FORMAT")),
        (_("Unit"), member.unit.name),
    ]
    if member.unit.parent_id:
        lines.append(("", member.unit.parent.name))
    line_y = y + CARD_H - 24 * mm
    for label, value in lines:
        text = f"{label}: {value}" if label else value
        pdf.setFont(regular, _fit(pdf, text, regular, 7, text_w))
        pdf.drawString(left, line_y, text)
        line_y -= 4.2 * mm
    qr = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    side = 26 * mm
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, x + CARD_W - side - 3 * mm, y + 5 * mm)
    pdf.setFont(regular, 5)
    pdf.drawCentredString(x + CARD_W - side / 2 - 3 * mm, y + 3.2 * mm, _("Scan to verify"))


def cards_pdf(members: Iterable[Member], verify_url_for) -> bytes:
    """A4 pages of cards (2 × 5 per page, with cutting room), ready to print."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Member cards"))
    page_w, page_h = A4
    margin_x = (page_w - 2 * CARD_W - 6 * mm) / 2
    margin_y = (page_h - 5 * CARD_H - 4 * 4 * mm) / 2
    count = 0
    for count, member in enumerate(members, start=1):
        slot = (count - 1) % 10
        if slot == 0 and count > 1:
            pdf.showPage()
        col, row = slot % 2, slot // 2
        x = margin_x + col * (CARD_W + 6 * mm)
        y = page_h - margin_y - (row + 1) * CARD_H - row * 4 * mm
        _draw_card(pdf, member, x, y, verify_url_for(member))
    if count == 0:
        _fonts()
        pdf.setFont("HoiSoSans", 11)
        pdf.drawString(20 * mm, page_h - 30 * mm, _("No member to print."))
    pdf.save()
    return buffer.getvalue()
