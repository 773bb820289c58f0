"""A member's copy of her data as a readable A4 PDF in Vietnamese: the same content as the JSON
copy (personal_data.member_data) — her whole record, her path in the Union, her consents and the
history of changes — headed by the issuing union and dated, with numbered pages.

Every stored string is escaped and set in a Paragraph, so markup in a name cannot change the
layout and long words wrap inside their cell."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hoiso.members.cards import ROSE, _fonts
from hoiso.members.models import Member
from hoiso.members.personal_data import history_entries, record_rows
from hoiso.org.models import Unit, ancestor_paths

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#cccccc")
SHADE = colors.HexColor("#f6eef2")
# Control characters other than tab and newline have no glyph and may upset the PDF text.
_ARROW_FONT = "HoiSoMath"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    pdfmetrics.registerFontFamily(
        regular, normal=regular, bold=bold, italic=regular, boldItalic=bold
    )
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "bold": ParagraphStyle("bold", base, fontName=bold),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11),
        "small_bold": ParagraphStyle("small_bold", base, fontName=bold, fontSize=8.5, leading=11),
        "head": ParagraphStyle("head", base, fontName=bold, textColor=colors.white),
        "unit": ParagraphStyle("unit", base, fontSize=9, leading=11.5, alignment=TA_CENTER),
        "unit_bold": ParagraphStyle(
            "unit_bold", base, fontName=bold, fontSize=9, leading=11.5, alignment=TA_CENTER
        ),
        "date": ParagraphStyle("date", base, alignment=TA_RIGHT, textColor=GREY),
        "title": ParagraphStyle(
            "title",
            base,
            fontName=bold,
            fontSize=15,
            leading=19,
            alignment=TA_CENTER,
            textColor=ROSE,
            spaceBefore=8 * mm,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            base,
            fontName=bold,
            fontSize=12,
            leading=15,
            alignment=TA_CENTER,
            spaceBefore=2 * mm,
        ),
        "intro": ParagraphStyle(
            "intro",
            base,
            alignment=TA_CENTER,
            textColor=GREY,
            spaceBefore=2 * mm,
            spaceAfter=4 * mm,
        ),
        "section": ParagraphStyle(
            "section",
            base,
            fontName=bold,
            fontSize=11.5,
            leading=14,
            textColor=ROSE,
            spaceBefore=6 * mm,
            spaceAfter=2 * mm,
        ),
    }


def _arrow() -> str:
    """ "→" as markup: Noto Sans has no arrows, Noto Sans Math (same Debian package) has."""
    if _ARROW_FONT not in pdfmetrics.getRegisteredFontNames():
        try:
            path = settings.HOISO_PDF_FONT_DIR / "NotoSansMath-Regular.ttf"
            pdfmetrics.registerFont(TTFont(_ARROW_FONT, str(path)))
        except Exception:  # reportlab raises TTFError or OSError for a missing file
            return "›"
    return f'<font name="{_ARROW_FONT}">→</font>'


def _section(title: str, styles) -> list:
    """A section's title, on a new page when less than a few lines are left."""
    return [CondPageBreak(25 * mm), Paragraph(_text(title), styles["section"])]


def _text(value: object) -> str:
    """Stored text made safe for a Paragraph: no markup, no control characters."""
    return escape(_CONTROL.sub(" ", str(value))).replace("\n", "<br/>")


def _issuers(member: Member) -> list[str]:
    """The heading's units, top first: the union above her grassroots union, then that union
    (the commune or affiliated union holding her branch), or her own unit's parent and unit."""
    units = list(Unit.objects.filter(path__in=ancestor_paths(member.unit_path)).order_by("depth"))
    grassroots = [u for u in units if u.kind in (Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED)]
    issuer = grassroots[-1] if grassroots else units[-1]
    above = [u for u in units if u.depth == issuer.depth - 1]
    return [u.name for u in [*above, issuer]]


def _table(rows: list[list], widths: list[float], *, header: bool = True, groups=None) -> Table:
    """Rows of Paragraphs in a ruled table; the header row repeats on every page. `groups`
    (first and last row of each) keeps an entry of several rows under one rule and shade."""
    first = 1 if header else 0
    groups = groups or [(r, r) for r in range(first, len(rows))]
    table = Table(rows, colWidths=widths, repeatRows=first)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), ROSE))
    for number, (top, bottom) in enumerate(groups):
        commands.append(("LINEBELOW", (0, bottom), (-1, bottom), 0.4, LINE))
        if number % 2:
            commands.append(("BACKGROUND", (0, top), (-1, bottom), SHADE))
        if bottom > top:
            commands.append(("BOTTOMPADDING", (0, top), (-1, bottom - 1), 0))
            commands.append(("TOPPADDING", (0, top + 1), (-1, bottom), 1))
    table.setStyle(TableStyle(commands))
    return table


def _header_row(labels: list[str], styles) -> list[Paragraph]:
    return [Paragraph(_text(label), styles["head"]) for label in labels]


def _record(member: Member, styles) -> list:
    rows = [
        [Paragraph(_text(label), styles["bold"]), Paragraph(_text(value), styles["base"])]
        for label, value in record_rows(member)
    ]
    return [
        *_section(_("Record"), styles),
        _table(rows, [62 * mm, WIDTH - 62 * mm], header=False),
    ]


def _nothing(styles) -> Paragraph:
    return Paragraph(_text(_("Nothing recorded.")), styles["small"])


def _events(member: Member, styles) -> list:
    events = member.events.select_related("from_unit", "to_unit").order_by("on", "id")
    rows = [_header_row([_("Date"), _("Event"), _("Units"), _("Reason")], styles)]
    for event in events:
        names = [_text(u.name) for u in (event.from_unit, event.to_unit) if u is not None]
        cells = [_text(date_format(event.on, "SHORT_DATE_FORMAT")), _text(event.get_kind_display()),
                 f" {_arrow()} ".join(names) or "—", _text(event.reason or "—")]  # fmt: skip
        rows.append([Paragraph(c, styles["small"]) for c in cells])
    widths = [24 * mm, 46 * mm, 62 * mm, WIDTH - 132 * mm]
    body = _table(rows, widths) if len(rows) > 1 else _nothing(styles)
    return [*_section(_("Her path in the Union"), styles), body]


def _consents(member: Member, styles) -> list:
    rows = [_header_row([_("Purpose"), _("Consent"), _("Date")], styles)]
    for consent in member.consents.order_by("on", "id"):
        cells = [consent.get_purpose_display(), _("given") if consent.given else _("withdrawn"),
                 date_format(consent.on, "SHORT_DATE_FORMAT")]  # fmt: skip
        rows.append([Paragraph(_text(c), styles["small"]) for c in cells])
    body = (
        _table(rows, [WIDTH - 64 * mm, 36 * mm, 28 * mm])
        if len(rows) > 1
        else Paragraph(_text(_("No consent recorded.")), styles["small"])
    )
    return [*_section(_("Consents"), styles), body]


def _history(member: Member, styles) -> list:
    """One entry per save: when, by whom, what kind; then one row per changed field, so that
    a save that changed everything still splits across pages."""
    rows = [_header_row([_("Date"), _("Changed by"), _("What changed")], styles)]
    groups = []
    for entry in history_entries(member):
        when = date_format(timezone.localtime(entry["date"]), "SHORT_DATETIME_FORMAT")
        top = len(rows)
        rows.append([Paragraph(_text(when), styles["small"]),
                     Paragraph(_text(entry["by"]), styles["small"]),
                     Paragraph(_text(entry["change"]), styles["small_bold"])])  # fmt: skip
        for field, old, new in entry["changes"]:
            change = f"{_text(field)}: {_text(old)} {_arrow()} {_text(new)}"
            rows.append(["", "", Paragraph(change, styles["small"])])
        groups.append((top, len(rows) - 1))
    body = (
        _table(rows, [30 * mm, 40 * mm, WIDTH - 70 * mm], groups=groups)
        if groups
        else Paragraph(_text(_("No change recorded.")), styles["small"])
    )
    return [*_section(_("Record history"), styles), body]


def _heading(member: Member, made_at, styles) -> list:
    issuers = _issuers(member)
    left = [Paragraph(_text(name.upper()), styles["unit"]) for name in issuers[:-1]]
    left.append(Paragraph(_text(issuers[-1].upper()), styles["unit_bold"]))
    made = _("Copy made on %(date)s") % {"date": date_format(made_at, "SHORT_DATE_FORMAT")}
    top = Table([[left, Paragraph(_text(made), styles["date"])]],
                colWidths=[WIDTH * 0.55, WIDTH * 0.45])  # fmt: skip
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (0, 0), 0),
                             ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))  # fmt: skip
    name = _("%(name)s — member code %(code)s") % {"name": member.full_name, "code": member.code}
    intro = _(
        "Everything the Union keeps about her, copied at her request "
        "(Personal Data Protection Law 91/2025)."
    )
    return [
        top,
        Paragraph(_text(_("COPY OF HER PERSONAL DATA")), styles["title"]),
        Paragraph(_text(name), styles["subtitle"]),
        Paragraph(_text(intro), styles["intro"]),
    ]


def _numbered_canvas(footer: str):
    """A canvas that knows the page count when it saves, for "page x of y" in the footer."""
    regular, _bold = _fonts()

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 — reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, count: int) -> None:
            self.setStrokeColor(LINE)
            self.setLineWidth(0.5)
            self.line(MARGIN, 13 * mm, A4[0] - MARGIN, 13 * mm)
            self.setFont(regular, 8)
            self.setFillColor(GREY)
            self.drawString(MARGIN, 9 * mm, footer)
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": count}
            self.drawRightString(A4[0] - MARGIN, 9 * mm, page)

    return NumberedCanvas


def member_data_pdf(member: Member) -> bytes:
    """Her copy as an A4 PDF. Raises cards.CardError when the Vietnamese font is missing."""
    styles = _styles()
    made_at = timezone.localtime()
    buffer = io.BytesIO()
    title = _("Copy of the personal data of %(name)s") % {"name": member.full_name}
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=20 * mm, title=title,
                            author=_issuers(member)[-1], creator="HộiSố")  # fmt: skip
    story = [
        *_heading(member, made_at, styles),
        *_record(member, styles),
        *_events(member, styles),
        *_consents(member, styles),
        *_history(member, styles),
        Spacer(1, 4 * mm),
    ]
    footer = _("HộiSố · copy of the data of member %(code)s · made %(when)s") % {
        "code": member.code,
        "when": date_format(made_at, "SHORT_DATETIME_FORMAT"),
    }
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()
