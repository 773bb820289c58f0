"""The organiser's pages of quiz contests: list, create/edit, publish/close, rounds, the
question bank (list, add, import, template), a round's ranking and winners, its review
list, participation by unit and winners' certificates. Every object is fetched through the
scoped selectors (404 outside the organiser's scope); every write goes through a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.contests import forms, importing, results_export, review, selectors, services
from hoiso.contests.certificates import certificate_pdf
from hoiso.contests.models import Contest, Result
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.members.cards import CardError

SETTINGS = ("title", "rules", "audience", *services.QUIZ_SETTINGS, *services.PRIZE_FIELDS)


def _organiser(request) -> None:
    if not request.user.can_anywhere(Action.MANAGE_CONTESTS):
        raise Http404


@login_required
@require_GET
def quiz_list(request):
    _organiser(request)
    unit = request.get_current_unit()
    can_create = unit is not None and user_can(request.user, Action.MANAGE_CONTESTS, unit.path)
    return render(request, "contests/quiz_list.html", {
        "contests": selectors.contests_managed(request.user), "can_create": can_create})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def quiz_create(request):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, Action.MANAGE_CONTESTS, unit.path):
        raise Http404
    defaults = Contest(unit=unit)
    form = forms.ContestForm(
        request.POST or None, initial={f: getattr(defaults, f) for f in SETTINGS}
    )
    contest = submit(request, form,
                     lambda data: services.contest_create(actor=request.user, unit=unit, data=data),
                     _("The contest has been created as a draft."))  # fmt: skip
    if contest:
        return redirect("contests:quiz_detail", contest.pk)
    return render(request, "contests/quiz_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request, pk):
    contest = selectors.contest_for(request.user, pk)
    form = forms.ContestForm(
        request.POST or None, initial={f: getattr(contest, f) for f in SETTINGS}
    )
    done = submit(request, form,
                  lambda data: services.contest_update(actor=request.user, contest=contest, data=data),
                  _("The contest has been saved."))  # fmt: skip
    if done:
        return redirect("contests:quiz_detail", contest.pk)
    return render(
        request, "contests/quiz_form.html", {"form": form, "unit": contest.unit, "contest": contest}
    )


@login_required
@require_GET
def quiz_detail(request, pk):
    contest = selectors.contest_for(request.user, pk)
    return render(request, "contests/quiz_detail.html", {
        "contest": contest, "rounds": selectors.rounds_with_counts(contest),
        "questions": contest.questions.filter(is_active=True).count(),
        "problems": services.publish_problems(contest) if contest.status == Contest.Status.DRAFT else [],
        "public_url": request.build_absolute_uri(f"/cuoc-thi/{contest.pk}/"),
    })  # fmt: skip


def _post_action(request, write, success: str, back):
    try:
        write()
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return back


@login_required
@require_POST
def quiz_publish(request, pk):
    contest = selectors.contest_for(request.user, pk)
    return _post_action(request, lambda: services.contest_publish(actor=request.user, contest=contest),
                        _("The contest is published."), redirect("contests:quiz_detail", contest.pk))  # fmt: skip


@login_required
@require_POST
def quiz_close(request, pk):
    contest = selectors.contest_for(request.user, pk)
    return _post_action(request, lambda: services.contest_close(actor=request.user, contest=contest),
                        _("The contest is closed."), redirect("contests:quiz_detail", contest.pk))  # fmt: skip


# ------------------------------------------------------------------------------ rounds


@login_required
@require_http_methods(["GET", "POST"])
def quiz_rounds(request, pk):
    """The rounds: one added by hand (POST action=one) or N weekly ones (action=weekly)."""
    contest = selectors.contest_for(request.user, pk)
    action = request.POST.get("action")
    one = forms.RoundForm(request.POST if action == "one" else None, contest=contest, prefix="one")
    weekly = forms.WeeklyRoundsForm(request.POST if action == "weekly" else None, prefix="weekly")
    if action == "one":
        done = submit(request, one, lambda data: services.round_add(actor=request.user, contest=contest, data=data),
                      _("The round has been added."))  # fmt: skip
    else:
        done = submit(request, weekly, lambda data: services.rounds_generate_weekly(
            actor=request.user, contest=contest, first_day=data["first_day"], count=data["count"],
            opens=data["opens"], closes=data["closes"]),
            lambda made: _("%(n)d weekly rounds have been added.") % {"n": len(made)})  # fmt: skip
    if done:
        return redirect("contests:quiz_rounds", contest.pk)
    return render(request, "contests/quiz_rounds.html", {
        "contest": contest, "rounds": selectors.rounds_with_counts(contest), "one": one, "weekly": weekly})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def quiz_round_edit(request, pk):
    round_ = selectors.round_for(request.user, pk)
    contest = round_.contest
    initial = {"starts_at": forms.local(round_.starts_at), "ends_at": forms.local(round_.ends_at),
               "selection": round_.selection, "topic": round_.topic, "difficulty": round_.difficulty,
               "questions": [rq.question_id for rq in round_.fixed.all()]}  # fmt: skip
    form = forms.RoundForm(request.POST or None, contest=contest, initial=initial)
    done = submit(request, form, lambda data: services.round_update(actor=request.user, round_=round_, data=data),
                  _("The round has been saved."))  # fmt: skip
    if done:
        return redirect("contests:quiz_rounds", contest.pk)
    return render(
        request,
        "contests/quiz_round_form.html",
        {"contest": contest, "round": round_, "form": form},
    )


# ------------------------------------------------------------------------------ question bank


@login_required
@require_GET
def quiz_questions(request, pk):
    contest = selectors.contest_for(request.user, pk)
    page = Paginator(selectors.questions_of(contest), 50).get_page(request.GET.get("page"))
    return render(request, "contests/quiz_questions.html", {"contest": contest, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_question_add(request, pk):
    contest = selectors.contest_for(request.user, pk)
    form = forms.QuestionForm(request.POST or None)

    def write(data):
        return services.question_add(actor=request.user, contest=contest, data=services.QuestionData(
            text=data["text"], kind=data["kind"], topic=data["topic"], difficulty=data["difficulty"],
            options=form.options()))  # fmt: skip

    done = submit(request, form, write, _("The question has been added to the bank."))
    if done:
        return redirect("contests:quiz_question_add" if "another" in request.POST else "contests:quiz_questions",
                        contest.pk)  # fmt: skip
    return render(request, "contests/quiz_question_form.html", {"contest": contest, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_question_edit(request, pk):
    question = selectors.question_for(request.user, pk)
    contest = question.contest
    form = forms.QuestionForm(
        request.POST or None, initial=forms.QuestionForm.initial_for(question)
    )

    def write(data):
        return services.question_update(actor=request.user, question=question, data=services.QuestionData(
            text=data["text"], kind=data["kind"], topic=data["topic"], difficulty=data["difficulty"],
            options=form.options()))  # fmt: skip

    if submit(request, form, write, _("The question has been corrected.")):
        return redirect("contests:quiz_questions", contest.pk)
    return render(request, "contests/quiz_question_form.html",
                  {"contest": contest, "form": form, "question": question})  # fmt: skip


@login_required
@require_POST
def quiz_question_toggle(request, pk):
    question = selectors.question_for(request.user, pk)
    active = not question.is_active
    return _post_action(request, lambda: services.question_set_active(actor=request.user, question=question,
                                                                      active=active),
                        _("The question is back in the draw.") if active else _("The question is out of the draw."),
                        redirect("contests:quiz_questions", question.contest_id))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def quiz_import(request, pk):
    """Upload a question list: "check" shows every row's problems, "import" writes all rows
    or, if one is wrong, none (the same report, nothing written)."""
    contest = selectors.contest_for(request.user, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.HOISO_MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is too large (at most %(mb)d MB).")
                           % {"mb": settings.HOISO_MAX_UPLOAD_BYTES // 2**20})  # fmt: skip
        else:
            try:
                report = importing.import_file(actor=request.user, contest=contest, data=upload.read(),
                                               filename=upload.name, dry_run=request.POST.get("action") != "import")  # fmt: skip
            except ServiceError as exc:
                form.add_error(None, str(exc))
            if report and report.written:
                messages.success(
                    request,
                    _("%(n)d questions have been added to the bank.") % {"n": report.written},
                )
                return redirect("contests:quiz_questions", contest.pk)
    return render(
        request, "contests/quiz_import.html", {"contest": contest, "form": form, "report": report}
    )


@login_required
@require_GET
def quiz_import_template(request):
    _organiser(request)
    response = HttpResponse(importing.template_xlsx(),
                            content_type=XLSX_CONTENT_TYPE)  # fmt: skip
    response["Content-Disposition"] = 'attachment; filename="mau-ngan-hang-cau-hoi.xlsx"'
    return response


# ------------------------------------------------------------------------------ results


@login_required
@require_GET
def quiz_round_results(request, pk):
    round_ = selectors.round_for(request.user, pk)
    page = Paginator(selectors.results_of(round_), 100).get_page(request.GET.get("page"))
    page.object_list = selectors.with_places(page.object_list)
    return render(request, "contests/quiz_results.html", {
        "contest": round_.contest, "round": round_, "page": page, "over": round_.is_over(),
        "prizes": round_.contest.prize_counts()})  # fmt: skip


@login_required
@require_GET
def quiz_round_results_xlsx(request, pk):
    """The round's whole ranking as a spreadsheet (results_export); the download is audited:
    it holds the participants' names."""
    round_ = selectors.round_for(request.user, pk)
    output, count = results_export.round_results_xlsx(round_)
    audit.record(actor=request.user, action="contest.results_download", obj=round_.contest,
                 details={"round": round_.number, "rows": count})  # fmt: skip
    name = f"ket-qua-{slugify(round_.contest.title)[:40] or 'cuoc-thi'}-tuan-{round_.number}.xlsx"
    return FileResponse(output, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


@login_required
@require_POST
def quiz_round_rank(request, pk):
    round_ = selectors.round_for(request.user, pk)

    def write():
        actual, ranked = services.round_rank(actor=request.user, round_=round_)
        messages.info(request, _("%(people)d people ranked; %(actual)d answered every question right.")
                      % {"people": ranked, "actual": actual})  # fmt: skip

    return _post_action(request, write, _("The round has been ranked."),
                        redirect("contests:quiz_round_results", round_.pk))  # fmt: skip


@login_required
@require_POST
def quiz_round_publish(request, pk):
    round_ = selectors.round_for(request.user, pk)
    return _post_action(request, lambda: services.round_publish_winners(actor=request.user, round_=round_),
                        _("The winners are published."), redirect("contests:quiz_round_results", round_.pk))  # fmt: skip


@login_required
@require_GET
def quiz_round_review(request, pk):
    round_ = selectors.round_for(request.user, pk)
    return render(request, "contests/quiz_review.html",
                  {"contest": round_.contest, "round": round_, "review": review.round_review(round_)})  # fmt: skip


@login_required
@require_GET
def quiz_participation(request, pk):
    contest = selectors.contest_for(request.user, pk)
    rounds = list(contest.rounds.order_by("number"))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
    return render(request, "contests/quiz_participation.html", {
        "contest": contest, "rounds": rounds, "chosen": chosen,
        "rows": selectors.participation(contest, chosen)})  # fmt: skip


def certificate_response(result: Result) -> HttpResponse:
    if not result.prize:
        raise Http404
    try:
        data = certificate_pdf(result)
    except CardError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"giay-chung-nhan-{result.round.contest_id}-{result.round.number}-{result.position}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def quiz_certificate(request, pk):
    result = selectors.result_for(request.user, pk)
    return certificate_response(result)
