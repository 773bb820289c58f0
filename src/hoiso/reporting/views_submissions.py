"""Report requests and submissions: the requests a unit issued and the reports it must send,
issuing a request, a request's overview (units × status, the roll-up of accepted reports, who
is missing or late, on-time rates), the submission form, its versions, and the decision of
the issuing unit. Everything is fetched through the scoped selectors (404 out of scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.reporting import forms, output, selectors, services
from hoiso.reporting.figures import figure_of
from hoiso.reporting.models import Indicator, Section


def _require_manager(user) -> None:
    if not user.can_anywhere(Action.MANAGE_REPORTING):
        raise Http404


@login_required
@require_GET
def template_list(request):
    _require_manager(request.user)
    templates = list(selectors.template_list(user=request.user))
    editable = set(selectors.templates_managed(user=request.user).values_list("pk", flat=True))
    for template in templates:
        template.editable = template.pk in editable
    return render(request, "reporting/template_list.html", {"templates": templates})


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    user = request.user
    _require_manager(user)
    national = selectors.manages_nationally(user)
    form = forms.TemplateForm(
        request.POST or None, owners=selectors.owner_choices(user=user), national=national,
        indicators=selectors.indicators_visible(user=user, active="1"),
    )  # fmt: skip
    made = submit(
        request, form,
        lambda d: services.template_create(actor=user, unit=d["owner"], name=d["name"],
                                           indicators=list(d["indicators"]), sections=d["sections"]),
        lambda t: _("The template “%(name)s” has been defined.") % {"name": t.name},
    )  # fmt: skip
    if made:
        return redirect("reporting:template_list")
    return render(request, "reporting/template_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    user = request.user
    _require_manager(user)
    template = selectors.template_get(user=user, pk=pk)
    used = services.template_in_use(template)
    usable = (
        selectors.indicators_visible(user=user, active="1")
        if template.unit_id
        else selectors.indicators_visible(user=user, active="1").filter(unit__isnull=True)
    )
    current = [i.pk for i in template.ordered_indicators()]
    indicators = (usable | Indicator.objects.filter(pk__in=current)).distinct()
    form = forms.TemplateEditForm(request.POST or None, template=template, indicators=indicators,
                                  locked=bool(used))  # fmt: skip
    changed = submit(
        request, form,
        lambda d: services.template_update(
            actor=user, template=template, name=d["name"], active=d["active"],
            indicators=None if used else _in_order(d["indicators"], current),
            sections=None if used else d["sections"]),
        lambda t: _("The template “%(name)s” has been saved.") % {"name": t.name},
    )  # fmt: skip
    if changed:
        return redirect("reporting:template_list")
    return render(request, "reporting/template_form.html",
                  {"form": form, "template": template, "used": used})  # fmt: skip


def _in_order(chosen, current: list[int]) -> list:
    """The chosen indicators: those already on the template keep their place, new ones follow
    in the library's order."""
    chosen = list(chosen)
    place = {pk: n for n, pk in enumerate(current)}
    return sorted(chosen, key=lambda i: (place.get(i.pk, len(place)), i.order, i.code))


@login_required
@require_GET
def request_list(request):
    user = request.user
    _require_manager(user)
    issued = selectors.requests_issued(user=user)[:200]
    to_send = selectors.submissions_to_send(user=user)[:200]
    return render(request, "reporting/request_list.html", {"issued": issued, "to_send": to_send})


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    user = request.user
    _require_manager(user)
    units = selectors.issuer_choices(user=user)
    current = request.get_current_unit()
    today = timezone.localdate()
    initial = {"unit": current.pk if current and units.filter(pk=current.pk).exists() else None,
               "kind": "quarter", "year": today.year, "number": (today.month - 1) // 3 + 1}  # fmt: skip
    form = forms.RequestForm(request.POST or None, units=units,
                             templates=selectors.template_choices(user=user), initial=initial)  # fmt: skip
    issued = submit(
        request, form,
        lambda d: services.request_issue(
            actor=user, unit=d["unit"], template=d["template"], kind=d["kind"], year=d["year"],
            number=d["number"], recipient_kind=d["recipient_kind"], deadline=d["deadline"],
            note=d["note"]),
        lambda r: _("The request has been sent to %(n)d units.") % {"n": r.submissions.count()},
    )  # fmt: skip
    if issued:
        return redirect("reporting:request_detail", pk=issued.pk)
    return render(request, "reporting/request_form.html", {"form": form})


@login_required
@require_GET
def request_detail(request, pk):
    report_request = selectors.request_get(user=request.user, pk=pk)
    data = selectors.overview(request=report_request)
    rows = [{"indicator": i, "figure": data["rolled"][i.code]} for i in data["indicators"]]
    return render(request, "reporting/request_detail.html",
                  {"req": report_request, "rows": rows, **data})  # fmt: skip


@login_required
@require_POST
def request_close(request, pk):
    report_request = selectors.request_get(user=request.user, pk=pk)
    try:
        services.request_close(actor=request.user, request=report_request)
        messages.success(request, _("The request has been closed."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("reporting:request_detail", pk=report_request.pk)


def _typed(post, indicators) -> dict:
    return {
        i.code: {"value": post.get(f"v_{i.code}", ""), "numerator": post.get(f"n_{i.code}", ""),
                 "denominator": post.get(f"d_{i.code}", ""), "reason": post.get(f"r_{i.code}", "")}
        for i in indicators
    }  # fmt: skip


def _form_rows(submission, indicators, typed: dict | None) -> list[dict]:
    """One row per indicator: what the platform filled in, and what is entered (typed now, or
    saved in the draft)."""
    prefilled = services.prefilled(submission, indicators) if submission.editable else {}
    rows = []
    for i in indicators:
        saved = submission.values.get(i.code) or {}
        computed = (
            prefilled.get(i.code) if submission.editable else figure_of(saved.get("computed"))
        )
        entered = figure_of(saved.get("entered"))
        shown = typed.get(i.code) if typed else {
            "value": "" if entered.value is None or i.is_ratio else entered.value,
            "numerator": "" if entered.numerator is None else entered.numerator,
            "denominator": "" if entered.denominator is None else entered.denominator,
            "reason": saved.get("reason", ""),
        }  # fmt: skip
        rows.append({"indicator": i, "computed": computed, "typed": shown})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request, pk):
    user = request.user
    submission = selectors.submission_get(user=user, pk=pk)
    indicators = submission.request.template.ordered_indicators()
    typed = narrative = None
    problem = None
    if request.method == "POST":
        typed = _typed(request.POST, indicators)
        narrative = {
            s: request.POST.get(f"s_{s}", "") for s in submission.request.template.sections
        }
        action = request.POST.get("action", "save")
        write = services.submission_submit if action == "submit" else services.submission_save
        try:
            with transaction.atomic():
                write(actor=user, submission=submission, values=typed, narrative=narrative,
                      uploads=request.FILES.getlist("files"))  # fmt: skip
        except ServiceError as exc:
            problem = str(exc)
        else:
            messages.success(request, _("The report has been submitted.") if action == "submit"
                             else _("The draft has been saved."))  # fmt: skip
            return redirect("reporting:submission_edit", pk=submission.pk)
    sections = [(key, label, (narrative or submission.narrative).get(key, ""))
                for key, label in submission.request.template.section_choices()]  # fmt: skip
    versions = list(submission.versions.order_by("-number")[:1])
    return render(request, "reporting/submission_form.html", {
        "sub": submission, "req": submission.request, "rows": _form_rows(submission, indicators, typed),
        "sections": sections, "problem": problem, "files": submission.attachments.all(),
        "last": versions[0] if versions else None,
        "can_write": submission.editable and not submission.request.is_closed,
        "can_decide": selectors.can_decide(user=user, submission=submission),
        "decision_form": forms.DecisionForm(), "section_results": Section.RESULTS,
    })  # fmt: skip


@login_required
@require_GET
def submission_history(request, pk):
    submission = selectors.submission_get(user=request.user, pk=pk)
    indicators = submission.request.template.ordered_indicators()
    versions = []
    files = list(submission.attachments.all())
    for version in submission.versions.select_related("submitted_by", "decided_by").order_by(
        "-number"
    ):
        version.rows = [{"indicator": i, "row": version.values.get(i.code) or {},
                         "computed": figure_of((version.values.get(i.code) or {}).get("computed")),
                         "entered": figure_of((version.values.get(i.code) or {}).get("entered"))}
                        for i in indicators]  # fmt: skip
        version.sections = [(label, version.narrative.get(key, ""))
                            for key, label in submission.request.template.section_choices()]  # fmt: skip
        version.files = [a for a in files if a.version_id == version.pk]
        versions.append(version)
    return render(request, "reporting/submission_history.html",
                  {"sub": submission, "req": submission.request, "versions": versions})  # fmt: skip


@login_required
@require_POST
def submission_decide(request, pk):
    user = request.user
    submission = selectors.submission_get(user=user, pk=pk)
    if not selectors.can_decide(user=user, submission=submission):
        raise Http404
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the report."))
        return redirect("reporting:submission_edit", pk=submission.pk)
    decide = (
        services.submission_accept
        if form.cleaned_data["decision"] == "accept"
        else services.submission_return
    )
    try:
        decide(actor=user, submission=submission, comment=form.cleaned_data["comment"])
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:submission_edit", pk=submission.pk)
    messages.success(request, _("The report has been accepted.") if form.cleaned_data["decision"] == "accept"
                     else _("The report has been returned to %(unit)s.") % {"unit": submission.unit.name})  # fmt: skip
    return redirect("reporting:request_detail", pk=submission.request_id)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
        messages.success(request, _("The file has been removed."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("reporting:submission_edit", pk=attachment.submission_id)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def submission_word(request, pk):
    """The unit's report as a Word document, as last saved or sent."""
    submission = selectors.submission_get(user=request.user, pk=pk)
    name = output.filename(submission.request, submission.unit, "docx")
    return _download(output.submission_docx(submission), DOCX, name)


@login_required
@require_GET
def request_word(request, pk):
    """The issuing unit's own report: the roll-up of the accepted reports, as Word."""
    report_request = selectors.request_get(user=request.user, pk=pk)
    name = output.filename(report_request, report_request.unit, "docx")
    return _download(output.rollup_docx(report_request), DOCX, name)


@login_required
@require_GET
def request_workbook(request, pk):
    """Every unit's figures and the roll-up as an Excel workbook."""
    report_request = selectors.request_get(user=request.user, pk=pk)
    name = output.filename(report_request, report_request.unit, "xlsx")
    return _download(output.figures_xlsx(report_request), XLSX_CONTENT_TYPE, name)
