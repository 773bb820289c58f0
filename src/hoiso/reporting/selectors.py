"""Every read of reporting, scoped to the acting user.

Indicators belong to the unit that defined them (none: the national library). A user who
manages reporting reads the national library, the indicators of the units above her (which
her units report) and those of her own subtree; she changes only those of her subtree — the
national library only when her scope is the whole country (`manages_nationally`).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from hoiso.core import indicators as registry
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths, user_can
from hoiso.org.models import Unit, ancestor_paths
from hoiso.reporting import periods
from hoiso.reporting.models import Indicator, Period, Source
from hoiso.reporting.rollup import Figure


def manages_nationally(user) -> bool:
    """Whether the user manages reporting over every tree (superusers, or roles at every top
    unit): only she may change the national library and the cut-off days."""
    paths = scope_paths(user, Action.MANAGE_REPORTING)
    if paths is None:
        return True
    if not paths:
        return False
    roots = set(Unit.objects.filter(parent__isnull=True).values_list("path", flat=True))
    return roots <= set(paths)


def indicators_visible(*, user, query: str = "", source: str = "", active: str = ""):
    """The indicators the user may read on the library pages (none without the action)."""
    paths = scope_paths(user, Action.MANAGE_REPORTING)
    if paths is None:
        rows = Indicator.objects.all()
    elif not paths:
        return Indicator.objects.none()
    else:
        above = {a for p in paths for a in ancestor_paths(p)}
        rows = Indicator.objects.filter(
            Q(unit__isnull=True) | Q(unit_path__in=above) | path_q("unit_path", paths)
        )
    if query := query.strip()[:100]:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if source in Source.values:
        rows = rows.filter(source=source)
    if active in ("1", "0"):
        rows = rows.filter(active=active == "1")
    return rows.select_related("unit").order_by("order", "code")


def indicator_get(*, user, pk) -> Indicator:
    """An indicator the user may change, else 404."""
    rows = Indicator.objects.select_related("unit")
    national = rows.filter(pk=pk, unit__isnull=True).first() if str(pk).isdigit() else None
    if national is not None:
        if manages_nationally(user):
            return national
        raise Http404
    return get_object_for_user(rows, user, Action.MANAGE_REPORTING, pk=pk)


# Unions define indicators for their subtree; branches and groups report them.
OWNER_KINDS = (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE, Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED)


def owner_choices(*, user):
    """Unions the user may define indicators for (active, highest first)."""
    return (
        Unit.objects.visible_to(user, Action.MANAGE_REPORTING)
        .active()
        .filter(kind__in=OWNER_KINDS)
        .order_by("depth", "name_sort")
    )


def computed_for_unit(*, user, unit: Unit) -> list[Indicator]:
    """The active computed indicators `unit` reports, without those counting sensitive data
    when the user may not see it at that unit."""
    sensitive_ok = user_can(user, Action.VIEW_SENSITIVE, unit.path)
    rows = Indicator.objects.for_unit(unit).active().filter(source=Source.COMPUTED)
    shown = []
    for indicator in rows.order_by("order", "code"):
        function = indicator.computed
        if function is None or (function.sensitive and not sensitive_ok):
            continue
        shown.append(indicator)
    return shown


def preview(*, user, unit: Unit, period) -> list[dict]:
    """The computed figures of `unit` for `period`, as a report form will fill them in."""
    shown = computed_for_unit(user=user, unit=unit)
    values = registry.evaluate(
        {i.computed_key for i in shown}, unit=unit, start=period.counts_from, end=period.cut_off
    )
    return [
        {
            "indicator": i,
            "figure": Figure.of(values[i.computed_key], scale=i.scale, places=i.decimal_places),
        }
        for i in shown
    ]


def cut_offs() -> list[dict]:
    """Every kind of period with its cut-off day and, as an example, its current period."""
    days = periods.cut_off_days()
    today = timezone.localdate()
    rows = []
    for kind in Period.Kind:
        year, number = periods.containing(kind, today)
        rows.append(
            {
                "kind": kind,
                "day": days[kind],
                "example": periods.label(kind, year, number),
                "dates": periods.dates(kind, year, number, days[kind]),
            }
        )
    return rows


# --- report requests and submissions -----------------------------------------------------------


def requests_issued(*, user):
    """Requests issued by the units where the user manages reporting (the issuing side)."""
    from hoiso.reporting.models import ReportRequest

    return (ReportRequest.objects.visible_to(user, Action.MANAGE_REPORTING)
            .select_related("unit", "template", "period").order_by("-deadline", "-pk"))  # fmt: skip


def submissions_to_send(*, user):
    """The reports the user's units must send up: submissions of units in her scope for
    requests issued above her scope (those of her own requests are on the issuing side)."""
    from hoiso.reporting.models import Submission

    paths = scope_paths(user, Action.MANAGE_REPORTING)
    rows = Submission.objects.visible_to(user, Action.MANAGE_REPORTING)
    if paths is not None:
        rows = rows.exclude(path_q("request__unit_path", paths))
    return rows.select_related("unit", "request__unit", "request__period",
                               "request__template").order_by("request__deadline", "pk")  # fmt: skip


def request_get(*, user, pk):
    """A request on the issuing side of the user, else 404."""
    from hoiso.reporting.models import ReportRequest

    rows = ReportRequest.objects.select_related("unit", "template", "period", "issued_by")
    return get_object_for_user(rows, user, Action.MANAGE_REPORTING, pk=pk)


def submission_get(*, user, pk):
    """A submission of a unit in the user's scope (its own officials and the issuing side,
    which lies above it), else 404."""
    from hoiso.reporting.models import Submission

    rows = Submission.objects.select_related("unit", "request__unit", "request__period",
                                             "request__template")  # fmt: skip
    return get_object_for_user(rows, user, Action.MANAGE_REPORTING, pk=pk)


def can_decide(*, user, submission) -> bool:
    """Whether the user acts for the unit that asked for the report."""
    return user_can(user, Action.MANAGE_REPORTING, submission.request.unit_path)


def attachment_get(*, user, pk):
    from hoiso.reporting.models import Attachment

    row = (
        Attachment.objects.select_related("submission").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if row is None or not user_can(user, Action.MANAGE_REPORTING, row.submission.unit_path):
        raise Http404
    return row


def issuer_choices(*, user):
    """Unions the user may issue requests for (active, highest first)."""
    return owner_choices(user=user)


def template_choices(*, user):
    """Templates usable by any unit where the user manages reporting."""
    from hoiso.reporting.models import ReportTemplate

    paths = scope_paths(user, Action.MANAGE_REPORTING)
    rows = ReportTemplate.objects.filter(active=True)
    if paths is None:
        return rows
    above = {a for p in paths for a in ancestor_paths(p)}
    return rows.filter(Q(unit__isnull=True) | Q(unit_path__in=above) | path_q("unit_path", paths))


def templates_managed(*, user):
    """Templates the user may change: those of the units where she manages reporting, and
    the national ones for a national administrator."""
    from hoiso.reporting.models import ReportTemplate

    rows = ReportTemplate.objects.visible_to(user, Action.MANAGE_REPORTING)
    if manages_nationally(user):
        rows = rows | ReportTemplate.objects.filter(unit__isnull=True)
    return rows


def template_list(*, user):
    """The templates page: the templates usable by her units, and her own taken out of use."""
    from hoiso.reporting.models import ReportTemplate

    usable = template_choices(user=user).values("pk")
    managed = templates_managed(user=user).values("pk")
    return (ReportTemplate.objects.filter(Q(pk__in=usable) | Q(pk__in=managed))
            .select_related("unit").order_by("-active", "unit__depth", "name"))  # fmt: skip


def template_get(*, user, pk):
    """A template the user may change, else 404."""
    if not str(pk).isdigit():
        raise Http404
    found = templates_managed(user=user).filter(pk=pk).select_related("unit").first()
    if found is None:
        raise Http404
    return found


def overview(*, request) -> dict:
    """The issuing unit's view of a request: each recipient with its status, the roll-up of
    the accepted reports, who is missing or late, and each unit's on-time rate over the
    requests this unit has issued to that level."""
    from hoiso.reporting import figures
    from hoiso.reporting.models import ReportRequest, Submission

    today = timezone.localdate()
    # The page lists units and statuses: each unit's figures and narrative stay unread.
    submissions = list(request.submissions.select_related("unit").defer("values", "narrative")
                       .order_by("unit__name_sort", "pk"))  # fmt: skip
    indicators = request.template.ordered_indicators()
    rolled = figures.rolled_up(request, indicators)
    waiting = [
        s for s in submissions if s.status in (Submission.Status.DRAFT, Submission.Status.RETURNED)
    ]
    past_due = today > request.deadline
    late = [
        s for s in submissions if s.on_time is False or (past_due and s.first_submitted_at is None)
    ]
    # this request and the five issued before it to the same level, in the order issued
    history = list(ReportRequest.objects.filter(unit=request.unit, recipient_kind=request.recipient_kind,
                                                pk__lte=request.pk).order_by("-pk")[:6])  # fmt: skip
    rows = Submission.objects.filter(request__in=history).values_list(
        "unit_id", "request_id", "on_time"
    )
    marks: dict[int, dict[int, str]] = {}
    for unit_id, request_id, on_time in rows:
        due = next(r for r in history if r.pk == request_id)
        if on_time:
            mark = "on_time"
        elif on_time is False:
            mark = "late"
        else:
            mark = "missing" if today > due.deadline else "open"
        marks.setdefault(unit_id, {})[request_id] = mark
    late_ids = {s.pk for s in late}
    for s in submissions:
        s.is_late = s.pk in late_ids
        counted = [m for m in marks.get(s.unit_id, {}).values() if m != "open"]
        s.rate = round(100 * counted.count("on_time") / len(counted)) if counted else None
        s.marks = [marks.get(s.unit_id, {}).get(r.pk, "") for r in reversed(history)]
    accepted = sum(1 for s in submissions if s.status == Submission.Status.ACCEPTED)
    return {
        "submissions": submissions, "indicators": indicators, "rolled": rolled,
        "waiting": waiting, "late": late, "accepted": accepted,
        "history": list(reversed(history)), "past_due": past_due,
    }  # fmt: skip
