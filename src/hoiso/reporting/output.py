"""What a report looks like outside the platform: a submission, or the roll-up of a request,
as a Word document in the Decree 30/2020 layout (reporting.word), and a request's figures by
unit as an Excel workbook (reporting.workbook).

This module turns the platform's records into the plain values those two writers take: the
issuing body and the body above it, the place (the area's name without "Xã", "Phường", …),
the sections in their usual order, each figure written out as a Vietnamese reader reads it
(259.940; 59,41%), the recipients and the signer (the unit's current chair, when recorded).
A document sent to another body is written in Vietnamese whatever the reader's interface
language is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hoiso.org.models import Official, Unit
from hoiso.reporting import figures as figs
from hoiso.reporting import word, workbook
from hoiso.reporting.models import Indicator, Measure, ReportRequest, Submission
from hoiso.reporting.rollup import Figure

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# The words an area's official name starts with; the place line of a document leaves them out
# ("Phường Ninh Kiều" → "Ninh Kiều, ngày …").
AREA_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")
CHAIR_POSITIONS = ("chu-tich", "chi-hoi-truong", "to-truong")
LANGUAGE = "vi"


def place_of(unit: Unit) -> str:
    """The place a unit dates its documents from: its own area, else the nearest above."""
    current = unit
    while current is not None and current.area_id is None:
        current = current.parent
    if current is None:
        return ""
    name = current.area.name
    for prefix in AREA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def written(figure: Figure, indicator: Indicator) -> str:
    """A figure as the reader reads it: grouped thousands, a decimal comma, % for rates."""
    if figure.value is None:
        return "—"
    value = figure.value
    if indicator.measure == Measure.PERCENT:
        return number_format(value, indicator.decimal_places, use_l10n=True) + "%"
    places = 0 if Decimal(value) == Decimal(value).to_integral() else indicator.decimal_places
    return number_format(value, places, use_l10n=True, force_grouping=True)


def _signer(unit: Unit) -> tuple[str, str, str]:
    """(capacity, title, name) of the signature block: for the union of a commune or above
    its Standing Committee's chair; for a branch or a group, its leader."""
    official = (
        Official.objects.current()
        .filter(unit=unit, position__code__in=CHAIR_POSITIONS)
        .select_related("position")
        .order_by("position__order", "started_on")
        .first()
    )
    name = official.full_name if official else ""
    if unit.kind in (Unit.Kind.BRANCH, Unit.Kind.GROUP):
        title = official.position.name if official else ""
        return "", title, name
    return "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", name


def _title(report_request: ReportRequest) -> str:
    name = report_request.template.name.split("(")[0].strip()
    if name.lower().startswith("báo cáo "):
        name = name[len("báo cáo ") :]
    name = name[:1].upper() + name[1:]
    return f"{name} – {report_request.period}"


def _sections(report_request: ReportRequest, narrative: dict) -> list[tuple[str, str]]:
    sections = []
    for key, label in report_request.template.section_choices():
        text = (narrative.get(key) or "").strip()
        if text:
            sections.append((f"{ROMAN[len(sections)]}. {label.upper()}", text))
    return sections


def _figures(indicators: list[Indicator], by_code: dict[str, Figure]) -> list[word.Figure]:
    return [
        word.Figure(i.code, i.name, written(by_code.get(i.code) or Figure(), i),
                    str(Measure(i.measure).label))
        for i in indicators
    ]  # fmt: skip


def _document(*, unit: Unit, report_request: ReportRequest, day: datetime.date,
              narrative: dict, by_code: dict[str, Figure], recipients: list[str],
              extra: list[tuple[str, str]] = ()) -> bytes:  # fmt: skip
    indicators = report_request.template.ordered_indicators()
    sections = _sections(report_request, narrative) + list(extra)
    capacity, title, signer = _signer(unit)
    report = word.ReportDocument(
        parent=unit.parent.name if unit.parent_id else "",
        issuer=unit.name,
        place=place_of(unit),
        date=day,
        title=_title(report_request),
        sections=sections,
        figures_heading=f"{ROMAN[len(sections)]}. " + _("Figures").upper() if indicators else "",
        figures=_figures(indicators, by_code),
        recipients=recipients,
        signer_capacity=capacity,
        signer_title=title,
        signer_name=signer,
    )
    return word.render(report)


def submission_docx(submission: Submission) -> bytes:
    """A unit's report to the unit that asked for it, with what it last saved or sent."""
    report_request = submission.request
    with translation.override(LANGUAGE):
        moment = submission.submitted_at or timezone.now()
        by_code = {code: figs.effective(row) for code, row in submission.values.items()}
        upper = _("%(unit)s (to report)") % {"unit": report_request.unit.name}
        return _document(
            unit=submission.unit, report_request=report_request,
            day=timezone.localtime(moment).date(), narrative=submission.narrative,
            by_code=by_code, recipients=[upper],
        )  # fmt: skip


def rollup_docx(report_request: ReportRequest) -> bytes:
    """The issuing unit's own report: the roll-up of the accepted reports below it, with a
    line saying how many of the units asked have reported."""
    with translation.override(LANGUAGE):
        indicators = report_request.template.ordered_indicators()
        rolled = figs.rolled_up(report_request, indicators)
        asked = report_request.submissions.count()
        accepted = report_request.submissions.filter(status=Submission.Status.ACCEPTED).count()
        unit = report_request.unit
        summary = _(
            "The figures below are rolled up from the accepted reports of %(accepted)d of "
            "the %(asked)d units asked (%(kind)s)."
        ) % {"accepted": accepted, "asked": asked,
             "kind": str(report_request.get_recipient_kind_display()).lower()}  # fmt: skip
        recipients = (
            [_("%(unit)s (to report)") % {"unit": unit.parent.name}] if unit.parent_id else []
        )
        return _document(
            unit=unit, report_request=report_request, day=timezone.localdate(),
            narrative={}, by_code=rolled, recipients=recipients,
            extra=[(f"{ROMAN[0]}. " + _("Reports received").upper(), summary)],
        )  # fmt: skip


def figures_xlsx(report_request: ReportRequest) -> bytes:
    """The figures of every unit asked, as it last sent them (a draft never sent shows
    none), its status, and the roll-up of the accepted reports in the last row."""
    from hoiso.reporting.models import SubmissionVersion

    indicators = report_request.template.ordered_indicators()
    latest = {}
    for version in SubmissionVersion.objects.filter(submission__request=report_request).order_by(
        "number"
    ):
        latest[version.submission_id] = version
    submissions = report_request.submissions.select_related("unit").order_by("unit__name_sort")
    rows = []
    for submission in submissions:
        version = latest.get(submission.pk)
        values = version.values if version is not None else {}
        row_values = [figs.effective(values.get(i.code)).value for i in indicators]
        rows.append((submission.unit.name, str(submission.get_status_display()), row_values))
    rolled = figs.rolled_up(report_request, indicators)
    columns = [workbook.Column(i.code, i.name, i.measure, str(Measure(i.measure).label))
               for i in indicators]  # fmt: skip
    title = f"{report_request.template.name} – {report_request.period} – {report_request.unit.name}"
    total = (_("Roll-up of the accepted reports"), [rolled[i.code].value for i in indicators])
    return workbook.write(title=title, indicators=columns, rows=rows, total=total)


def filename(report_request: ReportRequest, unit: Unit, extension: str) -> str:
    """ "bao-cao-quy-iv-2026-hoi-lhpn-phuong-ninh-kieu.docx": folded, no spaces."""
    from django.utils.text import slugify

    from hoiso.core.text import fold

    stem = slugify(fold(f"{_('report')} {report_request.period} {unit.name}"))
    return f"{stem[:120]}.{extension}"
