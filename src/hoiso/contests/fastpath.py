"""The quiz's submit, lean: a public contest's participants submit hundreds of attempts a
second in the last minutes of a round, and Django's whole request cycle (sessions, auth,
sixteen middlewares, the ORM compiling its SQL) costs several times what the submit itself
does. This middleware, near the top of the chain, serves the one common case of
`POST /cuoc-thi/bai/<key>/` itself and hands every other case, untouched, to the chain and
the view (`views_public.quiz_attempt`), which stays the full definition of the behaviour:

- the common case: PostgreSQL; a form (urlencoded or multipart) that passes Django's own
  CSRF check; an attempt of a public contest by a member of the public, still open, within
  its time, with the form's submit token; answers naming only what the attempt showed; a
  valid prediction; the address within its rate limit. The answers are parsed and scored
  here, in Python, by `quiz`'s own functions, with each question's options and right options
  from this process's memory (read once per question: a question's key cannot change once
  an attempt has shown it, `services.question_update`, and a key changed before that has new
  options, so an answer naming an option not known here has the question read again). Then
  ONE statement, prepared once per connection (a psycopg cursor of Django's connection,
  outside Django's query logging) and atomic: it counts the address (the rate limit's
  upsert) and stores the scored answers only where everything else holds in the database —
  the key, the token, `status = 'open'`, the deadline, the audience, the participant's kind,
  the address's counts, and every answered question and option within the attempt's stored
  layout (`quiz.parse_answers`' check, in SQL) — so that of concurrent submits exactly one
  is stored; then the 302 to the result page, as the view's.
- anything else (a replay, a late or forged answer, an out-of-date form, a members-only
  contest, another body, SQLite, a refused rate limit, a submit that lost the race):
  nothing more is written here, and the view answers with its page and its Vietnamese
  message. Where the statement ran, the address was counted once, here: the view does not
  count it again (`ratelimit.allow_ip_of`). Unlike the view alone, a replayed or unknown
  attempt's submit then counts against the address too.

The figures are in docs/performance.md (bench/contest_submit_load.py)."""

from __future__ import annotations

import io
import re
import uuid
from functools import cached_property

import psycopg
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from hoiso.contests import quiz, ratelimit
from hoiso.contests.models import Attempt, Contest, Participant
from hoiso.core.errors import ServiceError
from hoiso.core.middleware import request_ip

_ZERO = uuid.UUID(int=0)
_FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}
TRIED = "hoiso.quiz_submit_tried"  # in the environ: `QuizSubmitApplication` tried it first


def _submit_sql(counting: bool) -> str:
    """Count the address (or not) and store the scored submit where the attempt is open, in
    time, and showed every question and option answered; the address's counts and whether
    it was stored."""
    if counting:
        counts, within = ratelimit.upsert_sql(), "rl.previous * %s + rl.current <= %s AND "
    else:
        counts, within = "SELECT 0 AS current, 0 AS previous", ""
    return (
        f"WITH rl AS ({counts}), stored AS ("
        " UPDATE contests_attempt a SET answers = posted.answers, prediction = %s, correct = %s,"
        " submitted_at = %s, status = %s,"
        " duration_ms = GREATEST(0, floor(extract(epoch FROM %s::timestamptz - a.started_at) * 1000))"
        " FROM rl, (SELECT %s::jsonb AS answers) posted"
        f" WHERE {within}a.key = %s AND a.submit_token = %s AND a.status = %s AND a.deadline >= %s"
        " AND EXISTS (SELECT FROM contests_participant p WHERE p.id = a.participant_id AND p.kind = %s)"
        " AND EXISTS (SELECT FROM contests_round r JOIN contests_contest c ON c.id = r.contest_id"
        "  WHERE r.id = a.round_id AND c.audience = %s)"
        " AND NOT EXISTS (SELECT FROM jsonb_each(posted.answers) chosen(question, options)"
        "  WHERE NOT EXISTS (SELECT FROM jsonb_array_elements(a.layout) shown"
        "   WHERE shown ->> 0 = chosen.question AND shown -> 1 @> chosen.options))"
        " RETURNING a.id) "
        "SELECT rl.current, rl.previous, EXISTS (SELECT FROM stored) FROM rl"
    )


_KEYS_SQL = (
    "SELECT q, COALESCE(array_agg(o.id) FILTER (WHERE o.id IS NOT NULL), '{}'),"
    " COALESCE(array_agg(o.id) FILTER (WHERE o.is_correct), '{}') "
    "FROM unnest(%s::bigint[]) q LEFT JOIN contests_option o ON o.question_id = q GROUP BY q"
)
# Each question this process has scored: its options and its right options (a few thousand).
_keys: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
_KEYS_KEPT = 20_000
_BIGGEST = 2**63 - 1


def _right_options(cursor, answers: dict[str, list[int]]) -> dict[int, frozenset[int]] | None:
    """The right options of the answered questions, read once per question per process; an
    answer that names an option not known here has its question read again (a key changed
    before any attempt showed it). None for ids no row can have."""
    chosen = {int(qid): options for qid, options in answers.items()}
    if any(not 0 < n <= _BIGGEST for n in chosen) or any(
        not 0 < o <= _BIGGEST for options in chosen.values() for o in options
    ):
        return None
    known = {qid: _keys.get(qid) for qid in chosen}  # read once: another thread may clear it
    missing = [qid for qid, options in chosen.items()
               if known[qid] is None or not known[qid][0].issuperset(options)]  # fmt: skip
    if missing:
        cursor.execute(_KEYS_SQL, [missing], prepare=True)
        read = {
            qid: (frozenset(shown), frozenset(right)) for qid, shown, right in cursor.fetchall()
        }
        if len(_keys) > _KEYS_KEPT:
            _keys.clear()
        _keys.update(read)
        known.update(read)
    return {qid: known[qid][1] for qid in chosen}


class QuizSubmitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    @cached_property
    def _paths(self) -> tuple[re.Pattern, str]:
        """The attempt page's path (below the script prefix, as `path_info`) as a pattern and
        the result page's (below the prefix) as a template, from the URLconf (once)."""
        prefix = get_script_prefix()
        attempt = reverse("contests:quiz_attempt", args=[_ZERO]).removeprefix(prefix)
        before, after = attempt.split(str(_ZERO))
        pattern = re.compile("/" + re.escape(before) + r"([0-9a-f-]{36})" + re.escape(after))
        result = reverse("contests:quiz_result", args=[_ZERO]).removeprefix(prefix)
        return pattern, result.replace(str(_ZERO), "{}")

    def __call__(self, request):
        if (
            request.method == "POST"
            and connection.vendor == "postgresql"
            and not request.META.get(TRIED)
        ):
            match = self._paths[0].fullmatch(request.path_info)
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
        except DatabaseError:
            return None  # the view answers (autocommit: nothing was written)
        if not stored:
            return None
        return HttpResponseRedirect(get_script_prefix() + self._paths[1].format(key))

    def _store(self, cursor, request, key: uuid.UUID) -> bool:
        """Parse and score the submit, count the address and store the submit if it is the
        common case; whether it was stored."""
        post = request.POST
        try:
            token = uuid.UUID(post.get("token", ""))
            answers = quiz.parse_choices(quiz.raw_answers(post))
            guess = quiz.parse_prediction(post.get("prediction", ""))
        except (ValueError, ServiceError):
            return False  # the view counts the address and answers with its message
        right = _right_options(cursor, answers)
        if right is None:
            return False
        # only the answered questions can be right; the statement stores it only if the
        # attempt showed them all, so this is `quiz.count_right` over its layout
        correct = quiz.count_right([[qid, None] for qid in right], answers, right)
        now, ip = timezone.now(), request_ip(request)
        clock = now.timestamp()
        limit, window = settings.HOISO_CONTEST_RATE_PER_IP, settings.HOISO_CONTEST_RATE_WINDOW
        counting = bool(ip) and limit > 0
        counts, within = (
            ratelimit.counter_params(ratelimit.IP, ip, window=window, now=clock),
            [ratelimit.weight(window=window, now=clock), limit],
        ) if counting else ([], [])  # fmt: skip
        cursor.execute(_submit_sql(counting), [
            *counts, guess, correct, now, Attempt.Status.SUBMITTED, now,
            Attempt._meta.get_field("answers").get_db_prep_save(answers, connection), *within, key, token,
            Attempt.Status.OPEN, now - quiz.GRACE, Participant.Kind.PUBLIC, Contest.Audience.PUBLIC],
            prepare=True)  # fmt: skip
        current, previous, stored = cursor.fetchone()
        request.META[ratelimit.IP_ALLOWED] = not counting or ratelimit.within(
            current, previous, limit=limit, window=window, now=clock
        )
        return stored


class QuizSubmitApplication:
    """The WSGI application (`hoiso.config.wsgi`) with the same lean submit served in front
    of Django's handler: its signals, the request's set-up and the two middlewares above
    `QuizSubmitMiddleware` cost about a fifth of what the lean submit itself does. The
    response gets what those middlewares would give it (the security headers). Only where
    the site is served at the root (no SCRIPT_NAME, no FORCE_SCRIPT_NAME); everything it does
    not store goes to Django's handler with the body as read, where the middleware and the
    view answer as before (the address counted once: `ratelimit.IP_ALLOWED` in the environ)."""

    def __init__(self, application):
        self.application = application
        self.lean = QuizSubmitMiddleware(application)
        self.security = SecurityMiddleware(application)

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "POST"
            and not environ.get("SCRIPT_NAME")
            and settings.FORCE_SCRIPT_NAME is None
            and connection.vendor == "postgresql"
        ):
            match = self.lean._paths[0].fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                response = self.serve(environ, match[1])
                if response is not None:
                    status = f"{response.status_code} {response.reason_phrase}"
                    start_response(status, list(response.items()))
                    return [response.content]
        return self.application(environ, start_response)

    def serve(self, environ, key: str):
        """The response of a submit stored here; None for Django's handler to answer."""
        request = WSGIRequest(dict(environ))  # its own META: what the checks note stays here
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # refused before anything was read: the handler refuses it again
        except OSError:
            return HttpResponseBadRequest()  # the client went away while sending
        environ["wsgi.input"] = io.BytesIO(body)  # for the handler, if it answers
        set_script_prefix("/")  # as the handler would: served at the root
        self._tidy()
        try:
            response = self.lean.submit(request, key)
        finally:
            self._tidy()
        if response is None:
            environ[TRIED] = True  # the middleware need not try again
            if ratelimit.IP_ALLOWED in request.META:
                environ[ratelimit.IP_ALLOWED] = request.META[ratelimit.IP_ALLOWED]
            return None
        return self.security.process_response(request, response)

    @staticmethod
    def _tidy() -> None:
        """What Django's handler does with the connection before and after each request
        (close it when too old or broken), except inside a transaction: nothing opens one
        here, and a test's is not this request's to end."""
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
