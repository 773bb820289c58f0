"""The quiz submit's lean path (hoiso.contests.fastpath) on PostgreSQL: it stores the common
submit exactly as the view would (same answers, score, prediction, status, same 302), and
every other case reaches the view, which answers with its page and message; CSRF is Django's
own check; a refused rate limit is counted once; concurrent submits through it count once.
On SQLite the view serves every submit (the rest of the suite)."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from hoiso.contests import quiz
from hoiso.contests.models import Attempt, RateCounter
from tests.contests.helpers import (
    make_contest,
    nothing_changes,
    open_round,
    public_person,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db

WITHOUT = [m for m in settings.MIDDLEWARE if not m.endswith("QuizSubmitMiddleware")]


@pytest.fixture(autouse=True)
def _postgres_and_english(client):
    if connection.vendor != "postgresql":
        pytest.skip("the lean submit path is PostgreSQL's")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def contest(tree, xa_officer):
    return make_contest(xa_officer, tree.a, questions=9, per_attempt=6)


def _attempt(contest, n=1):
    return quiz.attempt_start(participant=public_person(contest, n), round_=open_round(contest))


def _form(attempt, answers, prediction="42") -> dict:
    form = {f"q{qid}": values for qid, values in answers.items()}
    form.update({"token": str(attempt.submit_token), "prediction": prediction})
    return form


def _post(client, attempt, form, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("contests:quiz_attempt", args=[attempt.key]), form, **extra)
    # the lean path's statements go past Django's query log; the view's are in it
    return response, not any("contests_attempt" in q["sql"] for q in captured)


STORED = ("status", "answers", "correct", "prediction")


def _stored(attempt) -> tuple:
    attempt.refresh_from_db()
    return tuple(getattr(attempt, f) for f in STORED)


@pytest.mark.parametrize("content", ["urlencoded", "multipart"])
def test_the_lean_path_stores_what_the_view_stores(client, contest, content):
    """Two attempts of the same questions, the same mixed answers: one through the lean path,
    one through the view alone; same stored fields, same answer."""
    lean, full = _attempt(contest, 1), _attempt(contest, 2)
    Attempt.objects.filter(pk=full.pk).update(layout=lean.layout)
    full.refresh_from_db()
    answers = right_answers(lean)
    wrong = wrong_answers(lean)
    for qid in list(answers)[::2]:
        answers[qid] = wrong[qid]
    answers[next(iter(answers))] = []  # one left blank
    extra = {}
    if content == "urlencoded":
        from urllib.parse import urlencode

        form = urlencode(_form(lean, answers), doseq=True)
        extra = {"content_type": "application/x-www-form-urlencoded"}
    else:
        form = _form(lean, answers)
    response, used = _post(client, lean, form, **extra)
    assert used and response.status_code == 302
    assert response["Location"] == reverse("contests:quiz_result", args=[lean.key])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "MIDDLEWARE", WITHOUT)
        response_full, used_full = _post(Client(), full, _form(full, answers))  # a fresh chain
    assert not used_full and response_full.status_code == 302
    assert _stored(lean) == _stored(full)
    assert lean.status == "submitted" and 0 < lean.correct < lean.question_count
    assert lean.prediction == 42 and lean.submitted_at and lean.duration_ms is not None
    assert lean.correct == quiz.score(lean.layout, lean.answers)
    assert lean.duration_ms == quiz.duration_ms(lean.started_at, lean.submitted_at)


def _unseen(contest, attempt):
    """A question of the contest's bank that the attempt did not show."""
    shown = {qid for qid, _options in attempt.layout}
    return next(q for q in contest.questions.order_by("pk") if q.pk not in shown)


@pytest.mark.parametrize("forgery", ["question", "option", "both"])
def test_an_answer_it_did_not_show_is_the_views(client, contest, forgery):
    """Answered right, but naming a question or an option the attempt did not show: the
    statement stores nothing; the view refuses it with its message."""
    attempt = _attempt(contest)
    unseen = _unseen(contest, attempt)
    its_right = [
        str(o) for o in unseen.options.filter(is_correct=True).values_list("pk", flat=True)
    ]
    answers = right_answers(attempt)
    first = next(iter(answers))
    if forgery in ("question", "both"):
        answers[str(unseen.pk)] = its_right
    if forgery in ("option", "both"):
        answers[first] = [*answers[first], its_right[0]]
    with nothing_changes():
        response, used = _post(client, attempt, _form(attempt, answers))
    assert not used and response.status_code == 200
    assert "not part of your attempt" in response.content.decode()
    assert _stored(attempt)[0] == "open"


def test_a_key_read_before_it_changed_is_read_again(client, contest, xa_officer):
    """Each question's options are kept per process once read. A forged answer can make it
    read a question no attempt has shown yet, whose key may still change (new options): an
    attempt that shows the new options is scored by the new key."""
    from hoiso.contests import services
    from hoiso.contests.models import Question

    first = _attempt(contest, 1)
    unseen = _unseen(contest, first)
    forged = {**right_answers(first), str(unseen.pk): [str(unseen.options.first().pk)]}
    assert _post(client, first, _form(first, forged))[0].status_code == 200  # the view refused it
    data = services.QuestionData(text=unseen.text, kind=Question.Kind.MULTIPLE, topic=unseen.topic,
                                 difficulty=unseen.difficulty,
                                 options=[("Một", True), ("Hai", True), ("Ba", False)])  # fmt: skip
    services.question_update(actor=xa_officer, question=unseen, data=data)
    second = _attempt(contest, 2)
    rest = [item for item in second.layout if item[0] != unseen.pk]
    layout = [
        [unseen.pk, list(unseen.options.values_list("pk", flat=True))],
        *rest[: len(second.layout) - 1],
    ]
    Attempt.objects.filter(pk=second.pk).update(layout=layout)
    second.refresh_from_db()
    response, used = _post(client, second, _form(second, right_answers(second)))
    assert used and response.status_code == 302
    assert _stored(second)[0] == "submitted" and second.correct == second.question_count


def test_ids_no_row_can_have_are_the_views(client, contest):
    attempt = _attempt(contest)
    answers = right_answers(attempt)
    answers[next(iter(answers))] = ["9" * 30]
    with nothing_changes():
        response, used = _post(client, attempt, _form(attempt, answers))
    assert not used and response.status_code == 200
    assert "not part of your attempt" in response.content.decode()


def test_a_replay_reaches_the_view_and_counts_nothing(client, contest):
    attempt = _attempt(contest)
    form = _form(attempt, right_answers(attempt))
    assert _post(client, attempt, form)[0].status_code == 302
    first = _stored(attempt)
    with nothing_changes():
        response, _used = _post(client, attempt, {**form, "prediction": "7"})
    assert response.status_code == 302 and "/ket-qua" in response["Location"]
    assert _stored(attempt) == first


@pytest.mark.parametrize(
    "change, message",
    [
        ({"token": "00000000-0000-0000-0000-000000000000"}, "out of date"),
        ({"q999999": "1"}, "not part of your attempt"),
        ({"prediction": "nhiều lắm"}, "whole number"),
        ({"prediction": "99999999"}, "between 0 and 10,000,000"),
    ],
)
def test_what_the_view_refuses_it_refuses_with_its_message(client, contest, change, message):
    attempt = _attempt(contest)
    form = {**_form(attempt, right_answers(attempt)), **change}
    with nothing_changes():
        response, _used = _post(client, attempt, form)
    assert response.status_code == 200 and message in response.content.decode()
    assert _stored(attempt)[0] == "open"


def test_a_late_submit_reaches_the_view(client, contest):
    import datetime

    attempt = _attempt(contest)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.started_at - datetime.timedelta(minutes=1)
    )
    response, _used = _post(client, attempt, _form(attempt, right_answers(attempt)))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.correct is None


def test_csrf_is_djangos_check(contest):
    attempt = _attempt(contest)
    browser = Client(enforce_csrf_checks=True)
    form = _form(attempt, right_answers(attempt))
    with nothing_changes():
        response, _used = _post(browser, attempt, form)
    assert response.status_code == 403
    page = browser.get(reverse("contests:quiz_attempt", args=[attempt.key]))
    token = page.context["csrf_token"]
    response, used = _post(browser, attempt, {**form, "csrfmiddlewaretoken": str(token)})
    assert used and response.status_code == 302 and _stored(attempt)[0] == "submitted"


def test_a_refused_rate_limit_is_counted_once(client, contest, settings):
    settings.HOISO_CONTEST_RATE_PER_IP = 1
    first, second = _attempt(contest, 1), _attempt(contest, 2)
    ip = {"HTTP_X_REAL_IP": "198.51.100.9"}
    assert _post(client, first, _form(first, right_answers(first)), **ip)[0].status_code == 302
    response, used = _post(client, second, _form(second, right_answers(second)), **ip)
    assert not used and response.status_code == 429
    assert _stored(second)[0] == "open"
    (counter,) = RateCounter.objects.filter(key__startswith="ip:")
    assert counter.current == 2  # the refused request counted, once


def test_members_only_attempts_are_the_views(client, contest):
    """A members-only contest's attempt wants a signed-in member: the view's redirect."""
    from hoiso.contests.models import Contest

    attempt = _attempt(contest)
    Contest.objects.filter(pk=contest.pk).update(audience=Contest.Audience.MEMBERS)
    response, used = _post(client, attempt, _form(attempt, right_answers(attempt)))
    assert not used and response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _stored(attempt)[0] == "open"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_through_it_count_once(tree, xa_officer):
    contest = make_contest(xa_officer, tree.a)
    attempt = _attempt(contest)
    form = _form(attempt, right_answers(attempt))
    url = reverse("contests:quiz_attempt", args=[attempt.key])
    barrier, codes, lock = threading.Barrier(6), [], threading.Lock()

    def run():
        try:
            barrier.wait()
            code = Client().post(url, form).status_code
        finally:
            connections.close_all()
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=run) for _n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert codes == [302] * 6
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.correct == attempt.question_count


@pytest.mark.django_db(transaction=True)
def test_a_connection_gone_bad_leaves_the_submit_to_the_view(tree, xa_officer):
    """The lean path makes no health check: its first statement fails on a dead connection,
    which it closes, and the view stores the submit on a fresh one."""
    contest = make_contest(xa_officer, tree.a)
    attempt = _attempt(contest)
    form = _form(attempt, right_answers(attempt))
    connection.ensure_connection()
    doomed = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [doomed])
    finally:
        other.close()
    response = Client().post(reverse("contests:quiz_attempt", args=[attempt.key]), form)
    assert response.status_code == 302 and "/ket-qua" in response["Location"]
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.correct == attempt.question_count
    assert connection.connection.info.backend_pid != doomed


# ------------------------------------------------------------------------------ in front of the handler


def _wsgi(attempt, form, *, multipart=False, ip="198.51.100.20", **extra):
    """POST the form to the WSGI application gunicorn serves (hoiso.config.wsgi), as a
    browser would (its CSRF cookie and token); (status, headers, body, whether the view ran)."""
    from django.test import RequestFactory

    from hoiso.config.wsgi import application

    form = {**form, "csrfmiddlewaretoken": CSRF}
    factory = RequestFactory()
    url = reverse("contests:quiz_attempt", args=[attempt.key])
    if multipart:
        environ = factory.post(url, form, HTTP_X_REAL_IP=ip, **extra).environ
    else:
        from urllib.parse import urlencode

        environ = factory.post(url, urlencode(form, doseq=True), HTTP_X_REAL_IP=ip,
                               content_type="application/x-www-form-urlencoded", **extra).environ  # fmt: skip
    environ["HTTP_COOKIE"] = f"{settings.LANGUAGE_COOKIE_NAME}=en; csrftoken={CSRF}"
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=dict(headers))

    with CaptureQueriesContext(connection) as captured, _within_the_tests_transaction():
        chunks = application(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
    seen["view"] = any("contests_attempt" in q["sql"] for q in captured)
    return seen["status"], seen["headers"], body.decode(), seen["view"]


CSRF = "b" * 32


@contextlib.contextmanager
def _within_the_tests_transaction():
    """Django's handler closes old connections at each request's start and end, which would
    end the test's transaction; its test client stops that the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("multipart", [False, True])
def test_in_front_of_the_handler_it_stores_the_submit(contest, multipart):
    attempt = _attempt(contest)
    status, headers, _body, view = _wsgi(attempt, _form(attempt, right_answers(attempt)),
                                         multipart=multipart)  # fmt: skip
    assert status == "302 Found" and not view
    assert headers["Location"] == reverse("contests:quiz_result", args=[attempt.key])
    assert headers["X-Content-Type-Options"] == "nosniff"  # what SecurityMiddleware adds
    assert _stored(attempt)[0] == "submitted" and attempt.correct == attempt.question_count
    (counter,) = RateCounter.objects.filter(key__startswith="ip:")
    assert counter.current == 1


@pytest.mark.parametrize("multipart", [False, True])
def test_in_front_of_the_handler_the_rest_reaches_the_view_with_its_body(contest, multipart):
    """A forged answer: the handler gets the body as it was sent, the view refuses it with
    its message, and the address was counted once."""
    attempt = _attempt(contest)
    answers = right_answers(attempt)
    answers[str(_unseen(contest, attempt).pk)] = ["1"]
    with nothing_changes():
        status, _headers, body, view = _wsgi(attempt, _form(attempt, answers), multipart=multipart)
    assert status.startswith("200") and view
    assert "not part of your attempt" in body
    (counter,) = RateCounter.objects.filter(key__startswith="ip:")
    assert counter.current == 1
    assert _stored(attempt)[0] == "open"


def test_in_front_of_the_handler_a_page_and_a_sub_path_are_the_handlers(contest):
    from django.test import RequestFactory

    from hoiso.config.wsgi import application

    attempt = _attempt(contest)
    url = reverse("contests:quiz_attempt", args=[attempt.key])
    environ = RequestFactory().get(url).environ
    seen = {}
    with _within_the_tests_transaction():
        b"".join(
            application(environ, lambda status, headers, exc_info=None: seen.update(status=status))
        )
    assert seen["status"].startswith("200")
    form = _form(attempt, right_answers(attempt))
    try:
        status, headers, _body, view = _wsgi(attempt, form, SCRIPT_NAME="/hoiso")
    finally:
        set_script_prefix("/")  # the handler set the sub-path's for this thread
    # served under a sub-path: the handler serves it, and the middleware stores it
    assert status == "302 Found" and not view
    assert headers["Location"] == "/hoiso" + reverse("contests:quiz_result", args=[attempt.key])
    assert _stored(attempt)[0] == "submitted"
