"""Entry contests: the organiser's pages (the call, its rubric and jury, judging, ranking,
results, the forwarded package) and the units' officials' (calls open to them, submitting
and withdrawing entries). Objects come through contests.entry_selectors (404 outside the
scope); writes go through contests.entries and contests.judging."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.contests import entries, entry_forms, judging
from hoiso.contests import entry_selectors as selectors
from hoiso.contests.entry_certificates import entry_certificate_pdf
from hoiso.contests.models import EntryContest
from hoiso.contests.views import _post_action
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.viewkit import submit
from hoiso.members.cards import CardError
from hoiso.org.models import Unit

FIELDS = ("title", "rules", "deadline", *entries.SETTINGS)


def _official(request) -> None:
    if not request.user.can_anywhere(Action.MANAGE_CONTESTS):
        raise Http404


@login_required
@require_GET
def entry_list(request):
    _official(request)
    unit = request.get_current_unit()
    return render(request, "contests/entry_list.html", {
        "managed": selectors.calls_managed(request.user),
        "open_to_me": [c for c in selectors.calls_open_to(request.user) if c.status == EntryContest.Status.OPEN][:20],
        "can_create": unit is not None and user_can(request.user, Action.MANAGE_CONTESTS, unit.path),
        "is_judge": selectors.is_judge(request.user),
        "received": selectors.forwards_received(request.user).exists(),
    })  # fmt: skip


def _initial(contest: EntryContest) -> dict:
    initial = {f: getattr(contest, f) for f in FIELDS}
    initial["deadline"] = timezone.localtime(contest.deadline)
    initial["categories"] = "\n".join(c.name for c in contest.categories.all())
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, Action.MANAGE_CONTESTS, unit.path):
        raise Http404
    form = entry_forms.CallForm(request.POST or None)
    contest = submit(request, form, lambda data: entries.call_create(actor=request.user, unit=unit, data=data),
                     _("The call for entries has been created as a draft. Set its rubric next."))  # fmt: skip
    if contest:
        return redirect("contests:entry_rubric", contest.pk)
    return render(request, "contests/entry_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    contest = selectors.call_for(request.user, pk)
    form = entry_forms.CallForm(request.POST or None, initial=_initial(contest))
    done = submit(request, form, lambda data: entries.call_update(actor=request.user, contest=contest, data=data),
                  _("The contest has been saved."))  # fmt: skip
    if done:
        return redirect("contests:entry_detail", contest.pk)
    return render(
        request,
        "contests/entry_form.html",
        {"form": form, "unit": contest.unit, "contest": contest},
    )


@login_required
@require_GET
def entry_detail(request, pk):
    contest = selectors.call_for(request.user, pk)
    draft = contest.status == EntryContest.Status.DRAFT
    return render(request, "contests/entry_detail.html", {
        "contest": contest, "tab": "detail", "entries": selectors.entries_of(contest),
        "categories": contest.categories.all(), "criteria": contest.criteria.all(),
        "judge_count": contest.judges.count(),
        "problems": entries.open_problems(contest) if draft else [],
        "publish_problems": judging.publish_problems(contest) if contest.status == EntryContest.Status.JUDGING else [],
        "forward": getattr(contest, "forward", None) if contest.status == EntryContest.Status.PUBLISHED else None,
    })  # fmt: skip


@login_required
@require_POST
def entry_open(request, pk):
    contest = selectors.call_for(request.user, pk)
    return _post_action(request, lambda: entries.call_open(actor=request.user, contest=contest),
                        _("The call is open: units may submit entries until the deadline."),
                        redirect("contests:entry_detail", contest.pk))  # fmt: skip


@login_required
@require_POST
def entry_judging(request, pk):
    contest = selectors.call_for(request.user, pk)
    return _post_action(request, lambda: judging.judging_start(actor=request.user, contest=contest),
                        _("Entries are closed; judging has started. Assign the entries to the judges."),
                        redirect("contests:entry_judges", contest.pk))  # fmt: skip


# ------------------------------------------------------------------------------ rubric and jury


@login_required
@require_http_methods(["GET", "POST"])
def entry_rubric(request, pk):
    contest = selectors.call_for(request.user, pk)
    form = entry_forms.CriterionForm(request.POST or None)
    done = submit(request, form, lambda data: entries.criterion_add(actor=request.user, contest=contest, **data),
                  _("The criterion has been added."))  # fmt: skip
    if done:
        return redirect("contests:entry_rubric", contest.pk)
    criteria = list(contest.criteria.all())
    weights = sum(c.weight for c in criteria) or 1
    for c in criteria:
        c.share = c.weight * 100 / weights
    return render(request, "contests/entry_rubric.html", {
        "contest": contest, "tab": "rubric", "form": form, "criteria": criteria,
        "editable": contest.status in (EntryContest.Status.DRAFT, EntryContest.Status.OPEN)})  # fmt: skip


@login_required
@require_POST
def entry_criterion_remove(request, pk):
    criterion = selectors.criterion_for(request.user, pk)
    return _post_action(request, lambda: entries.criterion_remove(actor=request.user, criterion=criterion),
                        _("The criterion has been removed."), redirect("contests:entry_rubric", criterion.contest_id))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def entry_judges(request, pk):
    contest = selectors.call_for(request.user, pk)
    form = entry_forms.JudgeForm(request.POST or None, candidates=judging.judge_candidates(contest))
    done = submit(request, form, lambda data: judging.judge_add(actor=request.user, contest=contest, user=data["user"]),
                  _("The judge has been added to the jury."))  # fmt: skip
    if done:
        return redirect("contests:entry_judges", contest.pk)
    return render(request, "contests/entry_judges.html", {
        "contest": contest, "tab": "jury", "form": form, "jury": selectors.jury_of(contest),
        "entry_count": contest.entries.count(),
        "unassigned": contest.entries.filter(assignments__isnull=True).count()})  # fmt: skip


@login_required
@require_POST
def entry_judge_remove(request, pk):
    judge = selectors.judge_for(request.user, pk)
    return _post_action(request, lambda: judging.judge_remove(actor=request.user, judge=judge),
                        _("The judge has been taken off the jury."), redirect("contests:entry_judges", judge.contest_id))  # fmt: skip


@login_required
@require_POST
def entry_assign(request, pk):
    contest = selectors.call_for(request.user, pk)

    def write():
        made = judging.assign_automatically(actor=request.user, contest=contest)
        messages.info(request, _("%(n)d assignments made.") % {"n": made})

    return _post_action(
        request,
        write,
        _("Every entry has its judges."),
        redirect("contests:entry_judges", contest.pk),
    )


# ------------------------------------------------------------------------------ ranking and results


@login_required
@require_GET
def entry_ranking(request, pk):
    contest = selectors.call_for(request.user, pk)
    by_id = {e.pk: e for e in selectors.entries_of(contest)}
    rows = []
    for s in judging.standings(contest):
        rows.append((by_id[s.entry_id], s))
    return render(request, "contests/entry_ranking.html", {
        "contest": contest, "tab": "ranking", "rows": rows, "jury": selectors.jury_of(contest),
        "flagged": sum(1 for _e, s in rows if s.flagged),
        "problems": judging.publish_problems(contest) if contest.status == EntryContest.Status.JUDGING else []})  # fmt: skip


@login_required
@require_POST
def entry_publish(request, pk):
    contest = selectors.call_for(request.user, pk)
    return _post_action(request, lambda: judging.results_publish(actor=request.user, contest=contest),
                        _("The results are published."), redirect("contests:entry_forward", contest.pk))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def entry_forward(request, pk):
    contest = selectors.call_for(request.user, pk)
    if request.method == "POST":
        try:
            judging.forward(actor=request.user, contest=contest)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The best entries have been forwarded to the level above."))
        return redirect("contests:entry_forward", contest.pk)
    published = contest.status == EntryContest.Status.PUBLISHED
    return render(request, "contests/entry_forward.html", {
        "contest": contest, "tab": "forward", "published": published,
        "top": judging.top_entries(contest) if published else [],
        "forward": getattr(contest, "forward", None), "parent": contest.unit.parent})  # fmt: skip


@login_required
@require_GET
def entry_package(request, pk):
    record = selectors.forward_for(request.user, pk)
    return FileResponse(record.package.open("rb"), as_attachment=True,
                        filename=f"bai-du-thi-chuyen-cap-tren-{record.contest_id}.zip")  # fmt: skip


@login_required
@require_GET
def entry_received(request):
    _official(request)
    return render(
        request,
        "contests/entry_received.html",
        {"forwards": selectors.forwards_received(request.user)},
    )


@require_GET
def entry_results(request, pk):
    """The announced results: anyone may read them once published."""
    contest = selectors.published_call(pk)
    return render(request, "contests/entry_results.html", {
        "contest": contest, "results": selectors.results_of(contest),
        "manage": user_can(request.user, Action.MANAGE_CONTESTS, contest.unit_path)})  # fmt: skip


# ------------------------------------------------------------------------------ units' entries


@login_required
@require_http_methods(["GET", "POST"])
def entry_submit(request, pk):
    contest = selectors.call_for_entrant(request.user, pk)
    units = selectors.units_for_entries(request.user, contest)
    if not units:
        raise Http404
    form = entry_forms.EntryForm(request.POST or None, request.FILES or None,
                                 units=Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path"), contest=contest)  # fmt: skip

    def write(data):
        return entries.entry_submit(actor=request.user, contest=contest, unit=data["unit"], data=data,
                                    uploads=data["files"])  # fmt: skip

    entry = submit(
        request,
        form,
        write,
        lambda e: _("The entry has been submitted (code %(code)s).") % {"code": e.code},
    )
    if entry:
        return redirect("contests:entry_view", entry.pk)
    return render(request, "contests/entry_submit.html", {
        "contest": contest, "form": form, "open": contest.accepts_entries(),
        "mine": selectors.my_entries(request.user, contest)})  # fmt: skip


@login_required
@require_GET
def entry_view(request, pk):
    entry = selectors.entry_for(request.user, pk)
    contest = entry.contest
    return render(request, "contests/entry_view.html", {
        "entry": entry, "contest": contest, "files": entry.files.all(),
        "organiser": user_can(request.user, Action.MANAGE_CONTESTS, contest.unit_path),
        "can_withdraw": contest.accepts_entries() and user_can(request.user, Action.MANAGE_CONTESTS, entry.unit_path)})  # fmt: skip


@login_required
@require_POST
def entry_withdraw(request, pk):
    entry = selectors.entry_for(request.user, pk)
    contest_pk = entry.contest_id
    try:
        entries.entry_withdraw(actor=request.user, entry=entry)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("contests:entry_view", entry.pk)
    messages.success(request, _("The entry has been withdrawn."))
    return redirect("contests:entry_submit", contest_pk)


@login_required
@require_GET
def entry_file(request, pk):
    """An entry's original file, for its organiser and its unit's officials."""
    f = selectors.file_for(request.user, pk)
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name)


@login_required
@require_GET
def entry_certificate(request, pk):
    entry = selectors.entry_for(request.user, pk)
    if entry.contest.status != EntryContest.Status.PUBLISHED or not entry.prize:
        raise Http404
    try:
        data = entry_certificate_pdf(entry)
    except CardError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="giay-chung-nhan-{entry.contest_id}-{entry.code}.pdf"'
    )
    return response
