"""The participant's pages: light, server-rendered, made for a cheap phone on a slow network
(no sidebar, no htmx, one small script for the countdown). A public contest needs no
sign-in; a members-only contest asks for it. An attempt is reached by its unguessable key
(the link is the participant's ticket: a member of the public has no account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.contests import forms, quiz, ratelimit, selectors
from hoiso.contests.models import Attempt, Contest, Option, Question, Result
from hoiso.contests.views import certificate_response
from hoiso.core.context import client_ip
from hoiso.core.errors import ServiceError


def _contest_for_participant(request, pk) -> Contest:
    """A published (or closed) contest; a members-only one only for signed-in users."""
    contest = selectors.published_contest(pk)
    return contest


def _needs_sign_in(request, contest: Contest) -> bool:
    return not contest.is_public and not request.user.is_authenticated


def _too_many(request, contest: Contest | None = None):
    return render(request, "contests/public_message.html", {
        "contest": contest, "title": _("Too many attempts"),
        "message": _("Too many requests from this phone number or this connection. Please wait a few "
                     "minutes, then try again.")}, status=429)  # fmt: skip


@require_GET
def quiz_index(request):
    return render(request, "contests/public_index.html", {"contests": selectors.public_contests()})


@require_GET
def quiz_public(request, pk):
    contest = _contest_for_participant(request, pk)
    if _needs_sign_in(request, contest):
        return redirect_to_login(request.get_full_path())
    now = timezone.now()
    rounds = list(contest.rounds.order_by("number"))
    return render(request, "contests/public_contest.html", {
        "contest": contest, "rounds": rounds, "now": now,
        "current": next((r for r in rounds if r.is_open(now)), None),
        "upcoming": next((r for r in rounds if r.starts_at > now), None),
        "published": [r for r in rounds if r.winners_published_at],
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def quiz_start(request, pk):
    """Public contest: the entry form (and, for a signed-in member, "take part as a member").
    Members-only contest: the member's confirmation. POST starts (or resumes) the attempt."""
    contest = _contest_for_participant(request, pk)
    if _needs_sign_in(request, contest):
        return redirect_to_login(request.get_full_path())
    round_ = quiz.current_round(contest)
    member = quiz.member_of(request.user)
    form = None
    if contest.is_public:
        form = forms.PublicEntryForm(request.POST if request.POST.get("action") == "public" else None,
                                     communes=quiz.communes_for(contest))  # fmt: skip
    context = {"contest": contest, "round": round_, "member": member, "form": form}
    if request.method != "POST" or round_ is None or contest.status != Contest.Status.PUBLISHED:
        return render(request, "contests/public_start.html", context)
    ip = client_ip.get()
    try:
        if request.POST.get("action") == "member":
            participant = quiz.participant_for_member(contest=contest, user=request.user)
        elif form is not None and form.is_valid():
            data = form.cleaned_data
            entrant = quiz.PublicEntrant(
                data["full_name"], data["date_of_birth"], data["phone"], data["area"]
            )
            entrant = quiz.check_entrant(contest, entrant)
            if not ratelimit.allow_phone(entrant.phone):
                return _too_many(request, contest)
            participant = quiz.participant_for_public(contest=contest, entrant=entrant, ip=ip)
        else:
            return render(request, "contests/public_start.html", context)
        if not ratelimit.allow_ip(ip):
            return _too_many(request, contest)
        attempt = quiz.attempt_start(participant=participant, round_=round_, ip=ip)
    except ServiceError as exc:
        if form is not None and request.POST.get("action") == "public":
            form.add_error(None, str(exc))
        else:
            context["error"] = str(exc)
        return render(request, "contests/public_start.html", context)
    return redirect("contests:quiz_attempt", attempt.key)


def _attempt_for(request, key) -> Attempt | None:
    """The attempt by its key; None when its contest wants a signed-in member first."""
    attempt = selectors.attempt_by_key(key)
    contest = attempt.round.contest
    if not contest.is_public or attempt.participant.kind == attempt.participant.Kind.MEMBER:
        if not request.user.is_authenticated:
            return None
        if attempt.participant.user_id != request.user.pk:
            raise Http404
    return attempt


def _questions(attempt: Attempt) -> list[dict]:
    """What the attempt showed, in its order: each question with its options as shuffled."""
    ids = [qid for qid, _options in attempt.layout]
    questions = Question.objects.in_bulk(ids)
    options = Option.objects.in_bulk([o for _q, shown in attempt.layout for o in shown])
    chosen = attempt.answers or {}
    return [{"question": questions[qid], "number": n, "name": f"q{qid}",
             "multiple": questions[qid].kind == Question.Kind.MULTIPLE,
             "options": [(options[o], o in chosen.get(str(qid), [])) for o in shown]}
            for n, (qid, shown) in enumerate(attempt.layout, start=1) if qid in questions]  # fmt: skip


@require_http_methods(["GET", "POST"])
def quiz_attempt(request, key):
    attempt = _attempt_for(request, key)
    if attempt is None:
        return redirect_to_login(request.get_full_path())
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("contests:quiz_result", attempt.key)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        if not ratelimit.allow_ip_of(request):
            return _too_many(request, attempt.round.contest)
        raw = quiz.raw_answers(request.POST)
        try:
            quiz.attempt_submit(key=attempt.key, token=request.POST.get("token", ""), raw_answers=raw,
                                prediction=request.POST.get("prediction", ""))  # fmt: skip
        except ServiceError as exc:
            error = str(exc)
            attempt.refresh_from_db()
            if attempt.status != Attempt.Status.OPEN:
                messages.error(request, error)
                return redirect("contests:quiz_result", attempt.key)
        else:
            return redirect("contests:quiz_result", attempt.key)
    if attempt.status == Attempt.Status.EXPIRED or now > attempt.deadline + quiz.GRACE:
        return redirect("contests:quiz_result", attempt.key)
    remaining = max(0, int((attempt.deadline - now).total_seconds()))
    return render(request, "contests/public_attempt.html", {
        "attempt": attempt, "contest": attempt.round.contest, "round": attempt.round,
        "questions": _questions(attempt), "remaining": remaining, "error": error,
        "prediction": request.POST.get("prediction", "")})  # fmt: skip


@require_GET
def quiz_result(request, key):
    attempt = _attempt_for(request, key)
    if attempt is None:
        return redirect_to_login(request.get_full_path())
    round_, contest = attempt.round, attempt.round.contest
    if attempt.status == Attempt.Status.OPEN and timezone.now() <= attempt.deadline + quiz.GRACE:
        return redirect("contests:quiz_attempt", attempt.key)
    mine = selectors.attempts_of(attempt.participant, round_)
    left = contest.attempts_per_round - len(mine)
    prize = None
    if round_.winners_published_at:
        prize = (
            Result.objects.filter(round=round_, participant=attempt.participant)
            .exclude(prize="")
            .first()
        )
    return render(request, "contests/public_result.html", {
        "attempt": attempt, "contest": contest, "round": round_, "mine": mine,
        "left": left if round_.is_open() and contest.status == Contest.Status.PUBLISHED else 0,
        "prize": prize})  # fmt: skip


@require_POST
def quiz_again(request, key):
    """Another attempt at the same round for the same participant (the key is her ticket)."""
    attempt = _attempt_for(request, key)
    if attempt is None:
        return redirect_to_login(request.get_full_path())
    if not ratelimit.allow_ip(client_ip.get()) or not ratelimit.allow_phone(
        attempt.participant.phone
    ):
        return _too_many(request, attempt.round.contest)
    try:
        fresh = quiz.attempt_start(
            participant=attempt.participant, round_=attempt.round, ip=client_ip.get()
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("contests:quiz_result", attempt.key)
    return redirect("contests:quiz_attempt", fresh.key)


@require_GET
def quiz_winners(request, pk):
    contest = _contest_for_participant(request, pk)
    if _needs_sign_in(request, contest):
        return redirect_to_login(request.get_full_path())
    rounds = selectors.published_rounds(contest)
    return render(request, "contests/public_winners.html", {
        "contest": contest, "blocks": [(r, selectors.winners(r)) for r in rounds]})  # fmt: skip


@require_GET
def quiz_my_certificate(request, key):
    attempt = _attempt_for(request, key)
    if attempt is None:
        return redirect_to_login(request.get_full_path())
    result = (Result.objects.filter(round=attempt.round, participant=attempt.participant,
                                    round__winners_published_at__isnull=False)
              .exclude(prize="").select_related("round", "round__contest", "round__contest__unit",
                                                "participant__unit__parent", "participant__area", "attempt")
              .first())  # fmt: skip
    if result is None:
        raise Http404
    return certificate_response(result)
