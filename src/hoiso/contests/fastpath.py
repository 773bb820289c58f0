"""The quiz's submit, lean: a public contest's participants submit hundreds of attempts a
second in the last minutes of a round, and Django's whole request cycle (sessions, auth,
sixteen middlewares, the ORM compiling its SQL) costs several times what the submit itself
does. This middleware, near the top of the chain, serves the one common case of
`POST /cuoc-thi/bai/<key>/` itself and hands every other case, untouched, to the chain and
the view (`views_public.quiz_attempt`), which stays the full definition of the behaviour:

- the common case: PostgreSQL; a form (urlencoded or multipart) that passes Django's own
  CSRF check; an attempt of a public contest by a member of the public, still open, within
  its time, with the form's submit token; answers naming only what the attempt showed; a
  valid prediction; the address within its rate limit. Two statements (prepared once per
  connection: a psycopg cursor of Django's connection, outside Django's query logging), each
  atomic on its own: one counts the address (the rate limit's upsert) and reads the attempt with what is
  needed to decide and score it; one UPDATE stores the scored answers only while the attempt
  is still open and within its time (`WHERE status = 'open' AND deadline >= …`), so that of
  concurrent submits exactly one is stored; then the 302 to the result page, as the view's.
- anything else (a replay, a late or forged answer, an out-of-date form, a members-only
  contest, another body, SQLite, a refused rate limit, a submit that lost the race): nothing
  more is written here, and the view answers with its page and its Vietnamese message. The
  address was counted once, here: the view does not count it again
  (`ratelimit.allow_ip_of`). Unlike the view alone, a replayed or unknown attempt's submit
  counts against the address too.

The scoring, the answers' checks and the prediction's parsing are `quiz`'s own functions.
The figures are in docs/performance.md (bench/contest_submit_load.py)."""

from __future__ import annotations

import json
import re
import uuid
from functools import cached_property

import psycopg
from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import timezone

from hoiso.contests import quiz, ratelimit
from hoiso.contests.models import Attempt, Contest, Participant
from hoiso.core.errors import ServiceError
from hoiso.core.middleware import request_ip

_ZERO = uuid.UUID(int=0)
_FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _read_sql(counting: bool) -> str:
    """The address's counts (counted now, or none), and the attempt by its key with its
    contest's audience, its participant's kind and the right options of the questions it
    showed as [question, option] pairs (no attempt: NULLs)."""
    counts = f"WITH rl AS ({ratelimit.upsert_sql()}) " if counting else ""
    source = "rl" if counting else "(SELECT 0 AS current, 0 AS previous) rl"
    return (
        f"{counts}SELECT rl.current, rl.previous, a.id, a.status, a.submit_token, a.started_at, "
        "a.deadline, a.layout, c.audience, p.kind, "
        "(SELECT COALESCE(json_agg(json_build_array(o.question_id, o.id)), '[]') "
        " FROM contests_option o WHERE o.is_correct AND o.question_id IN "
        "  (SELECT (e ->> 0)::bigint FROM jsonb_array_elements(a.layout) e)) "
        f"FROM {source} LEFT JOIN (contests_attempt a "
        "JOIN contests_round r ON r.id = a.round_id "
        "JOIN contests_contest c ON c.id = r.contest_id "
        "JOIN contests_participant p ON p.id = a.participant_id) ON a.key = %s"
    )


_STORE = (
    "UPDATE contests_attempt SET answers = %s, prediction = %s, correct = %s, "
    "submitted_at = %s, duration_ms = %s, status = %s "
    "WHERE id = %s AND status = %s AND deadline >= %s"
)


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


class QuizSubmitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    @cached_property
    def _paths(self) -> tuple[re.Pattern, str]:
        """The attempt page's path as a pattern and the result page's as a template, from
        the URLconf (resolved once, on the first POST)."""
        before, after = reverse("contests:quiz_attempt", args=[_ZERO]).split(str(_ZERO))
        pattern = re.compile(re.escape(before) + r"([0-9a-f-]{36})" + re.escape(after))
        return pattern, reverse("contests:quiz_result", args=[_ZERO]).replace(str(_ZERO), "{}")

    def __call__(self, request):
        if request.method == "POST" and connection.vendor == "postgresql":
            match = self._paths[0].fullmatch(request.path)
            if match is not None:
                response = self.submit(request, match[1])
                if response is not None:
                    return response
        return self.get_response(request)

    def submit(self, request, key: str):
        """The 302 of a submit stored here; None for the chain to answer."""
        from hoiso.contests.views_public import quiz_attempt

        if request.content_type not in _FORMS:
            return None
        try:
            key = uuid.UUID(key)
        except ValueError:
            return None
        self.csrf.process_request(request)
        if self.csrf.process_view(request, quiz_attempt, (), {"key": key}) is not None:
            return None  # the chain's CSRF check refuses it with its page
        # No health check first (Django's cursor() makes one more round trip for it): a
        # connection that has gone bad fails the first statement, is closed, and the view,
        # on a fresh one, answers.
        try:
            connection.ensure_connection()
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                stored = self._store(cursor, request, key)
        except OperationalError:
            connection.close()
            return None
        return HttpResponseRedirect(self._paths[1].format(key)) if stored else None

    def _store(self, cursor, request, key: uuid.UUID) -> bool:
        """Count the address, read the attempt, and store the submit if it is the common
        case; whether it was stored."""
        post, now, ip = request.POST, timezone.now(), request_ip(request)
        clock = now.timestamp()
        limit, window = settings.HOISO_CONTEST_RATE_PER_IP, settings.HOISO_CONTEST_RATE_WINDOW
        counting = bool(ip) and limit > 0
        params = (
            ratelimit.counter_params(ratelimit.IP, ip, window=window, now=clock) if counting else []
        )
        cursor.execute(_read_sql(counting), [*params, key], prepare=True)
        current, previous, pk, status, token, started_at, deadline, layout, audience, kind, right = (
            cursor.fetchone()
        )  # fmt: skip
        allowed = not counting or ratelimit.within(current, previous, limit=limit, window=window,
                                                   now=clock)  # fmt: skip
        request._hoiso_ip_allowed = allowed
        if (
            not allowed
            or pk is None
            or audience != Contest.Audience.PUBLIC
            or kind != Participant.Kind.PUBLIC
            or status != Attempt.Status.OPEN
            or str(token) != post.get("token", "")
            or now > deadline + quiz.GRACE
        ):
            return False
        layout = _json(layout)
        try:
            answers = quiz.parse_answers(layout, quiz.raw_answers(post))
            guess = quiz.parse_prediction(post.get("prediction", ""))
        except ServiceError:
            return False
        right_options: dict[int, set[int]] = {}
        for question_id, option_id in _json(right):
            right_options.setdefault(question_id, set()).add(option_id)
        cursor.execute(_STORE, [
            Attempt._meta.get_field("answers").get_db_prep_save(answers, connection), guess,
            quiz.count_right(layout, answers, right_options), now,
            quiz.duration_ms(started_at, now), Attempt.Status.SUBMITTED, pk, Attempt.Status.OPEN,
            now - quiz.GRACE], prepare=True)  # fmt: skip
        return cursor.rowcount == 1  # else another submit of it was stored first, or time was cut
