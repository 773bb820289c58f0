"""Every write of reporting: the indicator library, the cut-off days and stored periods.

Each service checks the actor's scope again (a forged form fails), validates the whole record
before writing (nothing half-written) and appends its audit row in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.org.models import Unit
from hoiso.reporting import periods
from hoiso.reporting.models import Indicator, Period, PeriodCutOff
from hoiso.reporting.selectors import manages_nationally

FIELDS = ("code", "name", "description", "group", "order", "measure", "rollup", "source",
          "computed_key", "decimal_places", "active")  # fmt: skip


class ReportingError(ServiceError):
    """A reporting change that cannot be made; the message is for the official."""


def _require(actor, unit: Unit | None) -> None:
    if unit is None:
        if not manages_nationally(actor):
            raise ReportingError(_("Only the national administrators change the national library."))
    elif not user_can(actor, Action.MANAGE_REPORTING, unit.path):
        raise ReportingError(
            _("You may not define indicators outside your own unit and those below it.")
        )


def _save(indicator: Indicator) -> None:
    try:
        indicator.full_clean()
    except ValidationError as exc:
        raise ReportingError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:  # a code taken between the check and the write
        raise ReportingError(_("Another indicator already has this code.")) from exc


@transaction.atomic
def indicator_create(*, actor, unit: Unit | None, data: dict) -> Indicator:
    """Define an indicator for `unit`'s subtree (None: the national library)."""
    _require(actor, unit)
    if unit is not None and not unit.is_active:
        raise ReportingError(
            _("%(unit)s has been retired; choose an active unit.") % {"unit": unit.name}
        )
    indicator = Indicator(unit=unit, created_by=actor if actor and actor.is_authenticated else None,
                          **{k: data[k] for k in FIELDS if k in data})  # fmt: skip
    _save(indicator)
    audit.record(actor=actor, action="indicator.create", obj=indicator, unit_path=indicator.unit_path,
                 details={"code": indicator.code})  # fmt: skip
    return indicator


# What a figure means: fixed once reports have asked for it, so versions stay comparable.
MEANING = {"source", "computed_key", "measure", "rollup"}


def _requested(indicator: Indicator) -> bool:
    from hoiso.reporting.models import ReportRequest

    return ReportRequest.objects.filter(template__items__indicator=indicator).exists()


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, data: dict) -> Indicator:
    """Change an indicator's definition (deactivating it included)."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _require(actor, indicator.unit)
    before = {k: getattr(indicator, k) for k in FIELDS}
    for key in FIELDS:
        if key in data:
            setattr(indicator, key, data[key])
    _save(indicator)
    changed = sorted(k for k in FIELDS if getattr(indicator, k) != before[k])
    if set(changed) & MEANING and _requested(indicator):
        raise ReportingError(
            _("%(code)s is already in reports: its source, measure and roll-up can no longer "
              "change (define a new indicator instead).") % {"code": indicator.code}
        )  # fmt: skip
    audit.record(actor=actor, action="indicator.update", obj=indicator, unit_path=indicator.unit_path,
                 details={"code": indicator.code, "changed": changed})  # fmt: skip
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Delete an indicator nothing uses yet; one that reports, campaigns or figures point at
    is refused (deactivate it instead)."""
    _require(actor, indicator.unit)
    code, path = indicator.code, indicator.unit_path
    try:
        with transaction.atomic():
            indicator.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ReportingError(
            _("%(code)s is already used; deactivate it instead of deleting it.") % {"code": code}
        ) from exc
    audit.record(actor=actor, action="indicator.delete", unit_path=path, details={"code": code})


@transaction.atomic
def cut_off_set(*, actor, kind: str, day: int) -> PeriodCutOff:
    """Set the cut-off day of a kind of period for the whole country. Periods already over
    keep the dates they were closed with; current and future stored periods take the new one."""
    if not manages_nationally(actor):
        raise ReportingError(_("Only the national administrators change the cut-off days."))
    if kind not in Period.Kind.values:
        raise ReportingError(_("Unknown kind of period."))
    if not isinstance(day, int) or not 1 <= day <= 31:
        raise ReportingError(_("The cut-off day must be between 1 and 31."))
    row, _created = PeriodCutOff.objects.update_or_create(
        kind=kind, defaults={"day": day, "updated_by": actor}
    )
    today = timezone.localdate()
    for period in Period.objects.select_for_update().filter(kind=kind, end__gte=today):
        d = periods.dates(kind, period.year, period.number, day)
        period.counts_from, period.cut_off = d.counts_from, d.cut_off
        period.save(update_fields=["counts_from", "cut_off"])
    audit.record(
        actor=actor, action="reporting.cut_off", obj=row, details={"kind": kind, "day": day}
    )
    return row


@transaction.atomic
def cut_offs_set(*, actor, days: dict[str, int]) -> None:
    """Set several cut-off days at once: all of them or, on any refusal, none."""
    for kind, day in days.items():
        cut_off_set(actor=actor, kind=kind, day=day)


def period_ensure(*, kind: str, year: int, number: int) -> Period:
    """The stored period, created with the current cut-off day when first needed (by a
    report request, later). Safe under concurrent calls."""
    try:
        found = periods.resolve(kind, year, number)
    except periods.PeriodError as exc:
        raise ReportingError(str(exc)) from exc
    if found.pk:
        return found
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError:
        found = Period.objects.get(kind=kind, year=year, number=number)
    return found


# --- report templates, requests and submissions ---------------------------------------------
# Who does what (all with Action.MANAGE_REPORTING): the officials of the issuing unit (or above
# it) issue, close, return and accept; the officials of a recipient unit (or above it) write,
# attach and submit its report.

MAX_SECTION_CHARS = 20_000
MAX_COMMENT_CHARS = 5_000


def _can(actor, path: str) -> bool:
    return user_can(actor, Action.MANAGE_REPORTING, path)


def templates_for(unit: Unit):
    """The templates a unit may issue: the national ones and those of the unit and above it."""
    from django.db.models import Q

    from hoiso.org.models import ancestor_paths
    from hoiso.reporting.models import ReportTemplate

    return ReportTemplate.objects.filter(active=True).filter(
        Q(unit__isnull=True) | Q(unit_path__in=ancestor_paths(unit.path))
    )


@transaction.atomic
def template_create(*, actor, unit: Unit | None, name: str, indicators: list[Indicator],
                    sections: list[str]):  # fmt: skip
    """Define a report template for `unit`'s subtree (None: national), indicators in order."""
    from hoiso.reporting.models import ReportTemplate, ReportTemplateItem, Section

    _require(actor, unit)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ReportingError(_("Give the template a name."))
    if not indicators:
        raise ReportingError(_("Choose at least one indicator."))
    usable = (
        Indicator.objects.for_unit(unit) if unit else Indicator.objects.filter(unit__isnull=True)
    )
    allowed = set(usable.filter(active=True).values_list("pk", flat=True))
    if any(i.pk not in allowed for i in indicators) or len({i.pk for i in indicators}) != len(
        indicators
    ):
        raise ReportingError(_("Choose indicators in use for this unit, each once."))
    sections = [s for s in Section.values if s in set(sections)]
    template = ReportTemplate.objects.create(name=name, unit=unit, sections=sections,
                                             created_by=actor if actor and actor.is_authenticated else None)  # fmt: skip
    ReportTemplateItem.objects.bulk_create(
        ReportTemplateItem(template=template, indicator=i, order=(n + 1) * 10)
        for n, i in enumerate(indicators)
    )
    audit.record(actor=actor, action="report_template.create", obj=template,
                 unit_path=template.unit_path, details={"name": name, "indicators": len(indicators)})  # fmt: skip
    return template


def template_in_use(template) -> int:
    """How many requests were issued with `template`: their pages read its indicators and
    sections, so those can no longer change."""
    from hoiso.reporting.models import ReportRequest

    return ReportRequest.objects.filter(template=template).count()


@transaction.atomic
def template_update(*, actor, template, name: str, active: bool,
                    indicators: list[Indicator] | None = None, sections: list[str] | None = None):  # fmt: skip
    """Rename a template, take it out of use or back; change its indicators and sections only
    while no request has been issued with it (a request already sent reads them)."""
    from hoiso.reporting.models import ReportTemplate, ReportTemplateItem, Section

    template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    _require(actor, template.unit)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ReportingError(_("Give the template a name."))
    changes = {}
    current = [i.pk for i in template.ordered_indicators()]
    reshaped = (indicators is not None and [i.pk for i in indicators] != current) or (
        sections is not None
        and [s for s in Section.values if s in set(sections)] != template.sections
    )
    if reshaped:
        used = template_in_use(template)
        if used:
            raise ReportingError(ngettext(
                "This template has been used by %(n)d request: its indicators and sections can "
                "no longer change. Take it out of use and define a new one.",
                "This template has been used by %(n)d requests: its indicators and sections can "
                "no longer change. Take it out of use and define a new one.", used) % {"n": used})  # fmt: skip
        if indicators is not None:
            if not indicators:
                raise ReportingError(_("Choose at least one indicator."))
            usable = (Indicator.objects.for_unit(template.unit) if template.unit
                      else Indicator.objects.filter(unit__isnull=True))  # fmt: skip
            allowed = set(usable.filter(active=True).values_list("pk", flat=True)) | set(current)
            if any(i.pk not in allowed for i in indicators) or len(
                {i.pk for i in indicators}
            ) != len(indicators):
                raise ReportingError(_("Choose indicators in use for this unit, each once."))
            ReportTemplateItem.objects.filter(template=template).delete()
            ReportTemplateItem.objects.bulk_create(
                ReportTemplateItem(template=template, indicator=i, order=(n + 1) * 10)
                for n, i in enumerate(indicators)
            )
            changes["indicators"] = len(indicators)
        if sections is not None:
            template.sections = [s for s in Section.values if s in set(sections)]
            changes["sections"] = template.sections
    if name != template.name:
        changes["name"] = [template.name, name]
    if bool(active) != template.active:
        changes["active"] = bool(active)
    template.name, template.active = name, bool(active)
    template.save()
    if changes:
        audit.record(actor=actor, action="report_template.update", obj=template,
                     unit_path=template.unit_path, details=changes)  # fmt: skip
    return template


def recipients_of(unit: Unit, kind: str):
    """The active units of `kind` below `unit`."""
    return Unit.objects.subtree(unit).active().filter(kind=kind, depth__gt=unit.depth)


def _notify_unit(unit: Unit, *, kind: str, title: str, body: str, url: str) -> None:
    from hoiso.accounts.selectors import nearest_holders
    from hoiso.notifications.services import notify

    people = nearest_holders(unit=unit, action=Action.MANAGE_REPORTING)
    if people:
        notify(recipients=people, kind=kind, title=title, body=body, url=url, unit=unit)


def _submission_url(submission) -> str:
    from django.urls import reverse

    return reverse("reporting:submission_edit", args=[submission.pk])


@transaction.atomic
def request_issue(*, actor, unit: Unit, template, kind: str, year: int, number: int,
                  recipient_kind: str, deadline, note: str = ""):  # fmt: skip
    """Ask every active unit of `recipient_kind` below `unit` for its report of the period by
    `deadline`; each gets a draft submission and its officials are told."""
    from django.utils.formats import date_format

    from hoiso.reporting.models import ReportRequest, Submission

    if not _can(actor, unit.path):
        raise ReportingError(_("You may only ask the units below your own for reports."))
    if not unit.is_active:
        raise ReportingError(
            _("%(unit)s has been retired; choose an active unit.") % {"unit": unit.name}
        )
    if not templates_for(unit).filter(pk=template.pk).exists():
        raise ReportingError(
            _("This report template cannot be used by %(unit)s.") % {"unit": unit.name}
        )
    if deadline < timezone.localdate():
        raise ReportingError(_("The deadline cannot be in the past."))
    if recipient_kind not in Unit.Kind.values:
        raise ReportingError(_("Choose which units below must report."))
    recipients = list(recipients_of(unit, recipient_kind).order_by("name_sort", "pk"))
    if not recipients:
        raise ReportingError(
            _("%(unit)s has no active %(kind)s below it.")
            % {"unit": unit.name, "kind": Unit.Kind(recipient_kind).label.lower()}
        )
    period = period_ensure(kind=kind, year=year, number=number)
    request = ReportRequest.objects.create(unit=unit, template=template, period=period,
                                           recipient_kind=recipient_kind, deadline=deadline,
                                           note=(note or "").strip()[:MAX_COMMENT_CHARS], issued_by=actor)  # fmt: skip
    Submission.objects.bulk_create(
        Submission(request=request, unit=r, unit_path=r.path) for r in recipients
    )
    audit.record(actor=actor, action="report_request.issue", obj=request,
                 details={"period": str(period), "template": template.name,
                          "recipients": len(recipients), "deadline": deadline.isoformat()})  # fmt: skip
    title = _("Report requested: %(period)s") % {"period": period}
    body = _("%(unit)s asks for the report “%(template)s” by %(deadline)s.") % {
        "unit": unit.name,
        "template": template.name,
        "deadline": date_format(deadline, "d/m/Y"),
    }
    for submission in Submission.objects.filter(request=request).select_related("unit"):
        _notify_unit(submission.unit, kind="report.requested", title=title, body=body,
                     url=_submission_url(submission))  # fmt: skip
    return request


@transaction.atomic
def request_close(*, actor, request):
    """Close a request: no unit may submit to it any more (what was accepted stays)."""
    from hoiso.reporting.models import ReportRequest

    request = ReportRequest.objects.select_for_update().get(pk=request.pk)
    if not _can(actor, request.unit_path):
        raise ReportingError(_("Only the unit that asked for the report closes it."))
    if request.closed_at is None:
        request.closed_at = timezone.now()
        request.save(update_fields=["closed_at"])
        audit.record(actor=actor, action="report_request.close", obj=request)
    return request


def _locked(submission):
    from hoiso.reporting.models import Submission

    return Submission.objects.select_for_update().select_related("request__period",
                                                                 "request__template", "unit").get(pk=submission.pk)  # fmt: skip


def _writable(actor, submission) -> None:
    if not _can(actor, submission.unit_path):
        raise ReportingError(
            _("You may only write the reports of your own unit and those below it.")
        )
    if submission.request.is_closed:
        raise ReportingError(
            _("The request for %(period)s has been closed: reports can no longer be sent to it.")
            % {"period": submission.request.period}
        )
    if not submission.editable:
        raise ReportingError(
            _("This report has been %(status)s: it can no longer be changed.")
            % {"status": submission.get_status_display().lower()}
        )


def prefilled(submission, indicators: list[Indicator]) -> dict:
    """What the platform fills in: computed indicators from the data, and the others rolled
    up from the accepted reports below when the unit has itself asked for this period's
    reports (so an upper unit submits its own roll-up further up)."""
    from hoiso.reporting import figures
    from hoiso.reporting.models import ReportRequest

    filled = figures.computed(indicators, unit=submission.unit, period=submission.request.period)
    own = (ReportRequest.objects.filter(unit=submission.unit, period=submission.request.period)
           .order_by("-pk").first())  # fmt: skip
    if own is not None:
        rolled = figures.rolled_up(own, [i for i in indicators if i.code not in filled])
        filled.update({code: f for code, f in rolled.items() if f.value is not None})
    return filled


def _narrative(submission, narrative: dict) -> dict:
    sections = submission.request.template.sections
    return {s: str(narrative.get(s) or "").strip()[:MAX_SECTION_CHARS] for s in sections}


def _write_draft(actor, submission, values: dict, narrative: dict) -> list[Indicator]:
    from hoiso.reporting import figures

    indicators = submission.request.template.ordered_indicators()
    rows, problems = figures.clean(indicators, prefilled(submission, indicators), values)
    problems += figures.check_stored(indicators, rows)
    if problems:
        raise ReportingError(" ".join(dict.fromkeys(problems)))
    submission.values = rows
    submission.narrative = _narrative(submission, narrative)
    submission.updated_by = actor
    return indicators


def _store_files(actor, submission, uploads) -> None:
    from hoiso.reporting.models import Attachment

    for upload, name in uploads:
        attachment = Attachment(submission=submission, name=name, size=upload.size,
                                uploaded_by=actor)  # fmt: skip
        attachment.file.save(name, upload, save=False)
        stored = attachment.file
        try:
            attachment.save()
        except Exception:
            stored.delete(save=False)
            raise
        audit.record(
            actor=actor, action="submission.attach", obj=submission, details={"file": name}
        )


def _checked_uploads(uploads) -> list:
    from hoiso.reporting import attachments

    return [(upload, attachments.check(upload)) for upload in uploads or ()]


@transaction.atomic
def submission_save(*, actor, submission, values: dict, narrative: dict, uploads=()):
    """Save the draft (and attach `uploads`): every figure and file is checked first, and
    nothing is stored when one is wrong."""
    submission = _locked(submission)
    _writable(actor, submission)
    checked = _checked_uploads(uploads)
    _write_draft(actor, submission, values, narrative)
    submission.save(update_fields=["values", "narrative", "updated_by", "updated_at"])
    _store_files(actor, submission, checked)
    audit.record(actor=actor, action="submission.save", obj=submission)
    return submission


@transaction.atomic
def submission_submit(*, actor, submission, values: dict, narrative: dict, uploads=()):
    """Send the report up: the draft is checked, frozen as a new version (with the files
    attached since the last one) and the issuing unit's officials are told. After the
    deadline it is still taken, marked late."""
    from hoiso.reporting.models import Attachment, Section, Submission, SubmissionVersion

    submission = _locked(submission)
    _writable(actor, submission)
    checked = _checked_uploads(uploads)
    _write_draft(actor, submission, values, narrative)
    if Section.RESULTS in submission.narrative and not submission.narrative[Section.RESULTS]:
        raise ReportingError(_("Write the results before submitting."))
    now = timezone.now()
    late = timezone.localdate() > submission.request.deadline
    version = SubmissionVersion.objects.create(
        submission=submission, number=submission.versions.count() + 1, values=submission.values,
        narrative=submission.narrative, submitted_by=actor, submitted_at=now, late=late)  # fmt: skip
    _store_files(actor, submission, checked)
    Attachment.objects.filter(submission=submission, version__isnull=True).update(version=version)
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    if submission.first_submitted_at is None:
        submission.first_submitted_at, submission.on_time = now, not late
    submission.save()
    audit.record(actor=actor, action="submission.submit", obj=submission,
                 details={"version": version.number, "late": late})  # fmt: skip
    _notify_unit(submission.request.unit, kind="report.submitted",
                 title=_("%(unit)s has submitted its report") % {"unit": submission.unit.name},
                 body=_("%(period)s, version %(n)d.") % {"period": submission.request.period, "n": version.number},
                 url=_submission_url(submission))  # fmt: skip
    return submission


def _decide(actor, submission, decision: str, comment: str):
    from hoiso.notifications.services import notify
    from hoiso.reporting.models import Submission, SubmissionVersion

    submission = _locked(submission)
    if not _can(actor, submission.request.unit_path):
        raise ReportingError(_("Only the unit that asked for the report accepts or returns it."))
    if submission.status != Submission.Status.SUBMITTED:
        raise ReportingError(_("Only a submitted report can be accepted or returned."))
    comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
    if decision == Submission.Status.RETURNED and not comment:
        raise ReportingError(_("Say what must be corrected before returning the report."))
    version = submission.versions.order_by("-number").first()
    SubmissionVersion.objects.filter(pk=version.pk, decision="").update(
        decision=decision, comment=comment, decided_by=actor, decided_at=timezone.now())  # fmt: skip
    submission.status = decision
    submission.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action=f"submission.{'return' if decision == 'returned' else 'accept'}",
                 obj=submission, details={"version": version.number})  # fmt: skip
    if version.submitted_by_id:
        if decision == Submission.Status.RETURNED:
            title = _("Your report has been returned: %(period)s") % {
                "period": submission.request.period
            }
        else:
            title = _("Your report has been accepted: %(period)s") % {
                "period": submission.request.period
            }
        notify(recipients=[version.submitted_by], kind=f"report.{decision}", title=title,
               body=comment, url=_submission_url(submission), unit=submission.unit)  # fmt: skip
    return submission


@transaction.atomic
def submission_return(*, actor, submission, comment: str):
    """Send a submitted report back with what must be corrected; its unit writes again."""
    from hoiso.reporting.models import Submission

    return _decide(actor, submission, Submission.Status.RETURNED, comment)


@transaction.atomic
def submission_accept(*, actor, submission, comment: str = ""):
    """Accept a submitted report: its figures join the issuing unit's roll-up."""
    from hoiso.reporting.models import Submission

    return _decide(actor, submission, Submission.Status.ACCEPTED, comment)


@transaction.atomic
def attachment_remove(*, actor, attachment) -> None:
    """Remove a file not yet submitted (a submitted one stays with its version)."""
    submission = _locked(attachment.submission)
    _writable(actor, submission)
    if attachment.version_id:
        raise ReportingError(_("A file already submitted cannot be removed."))
    name, stored = attachment.name, attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit.record(actor=actor, action="submission.detach", obj=submission, details={"file": name})


def remind_due(*, days: int = 3, today=None) -> int:
    """Remind the officials of every unit that has not submitted an open request due within
    `days` days (the deadline day included). Each unit is reminded at most once per request
    and day, however often this runs. Returns how many units were reminded."""
    import datetime

    from django.utils.formats import date_format

    from hoiso.reporting.models import Reminder, Submission

    today = today or timezone.localdate()
    due = Submission.objects.filter(
        request__closed_at__isnull=True, request__deadline__gte=today,
        request__deadline__lte=today + datetime.timedelta(days=days),
        status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED],
    ).select_related("unit", "request__period")  # fmt: skip
    reminded = 0
    for submission in due:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Reminder.objects.create(submission=submission, day=today)
            except IntegrityError:
                continue  # already reminded today
            left = (submission.request.deadline - today).days
            _notify_unit(
                submission.unit, kind="report.reminder",
                title=_("Reminder: the report for %(period)s is due on %(deadline)s")
                % {"period": submission.request.period,
                   "deadline": date_format(submission.request.deadline, "d/m/Y")},
                body=_("%(days)d day(s) left.") % {"days": left}
                if left else _("The deadline is today."),
                url=_submission_url(submission))  # fmt: skip
            reminded += 1
    return reminded
