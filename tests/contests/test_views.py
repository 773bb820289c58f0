"""The pages: the organiser's forms and lists (query counts pinned), the public flow without
sign-in, rate limits, the certificate, and the members-only contest behind sign-in."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoiso.contests import quiz, services
from hoiso.contests.models import Attempt, Contest, Participant, Question
from tests.contests.helpers import (
    closed_round,
    make_contest,
    nothing_changes,
    open_round,
    public_person,
    right_answers,
    submitted_in_closed_round,
)
from tests.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    """The pages in English (the language cookie, as the language menu sets it), so that the
    assertions on their wording do not depend on the Vietnamese catalogue; the Vietnamese pages
    are walked in tests/e2e/test_contests.py."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def contest(tree, xa_officer):
    return make_contest(xa_officer, tree.a)


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_create_edit_publish_through_the_pages(client, tree, xa_officer, english):
    client.force_login(xa_officer)
    data = {"title": "Cuộc thi mới", "rules": "", "audience": "public", "time_limit_minutes": "10",
            "questions_per_attempt": "2", "attempts_per_round": "1", "prize_first": "1", "prize_second": "0",
            "prize_third": "0", "prize_consolation": "0"}  # fmt: skip
    response = client.post(reverse("contests:quiz_create"), data)
    contest = Contest.objects.get()
    assert response.status_code == 302 and contest.unit_id == tree.a.pk
    response = client.post(reverse("contests:quiz_publish", args=[contest.pk]), follow=True)
    assert "Add at least one round." in response.content.decode()
    response = client.post(reverse("contests:quiz_rounds", args=[contest.pk]), {
        "action": "weekly", "weekly-first_day": "2030-01-07", "weekly-count": "3", "weekly-opens": "10:00",
        "weekly-closes": "09:00"})  # fmt: skip
    assert response.status_code == 302 and contest.rounds.count() == 3
    response = client.post(reverse("contests:quiz_question_add", args=[contest.pk]), {
        "text": "Câu một?", "kind": "single", "topic": "", "difficulty": "2", "option_1": "Có", "right_1": "on",
        "option_2": "Không"})  # fmt: skip
    assert response.status_code == 302 and Question.objects.count() == 1
    response = client.post(reverse("contests:quiz_question_add", args=[contest.pk]), {
        "text": "Câu hai?", "kind": "single", "topic": "", "difficulty": "2", "option_1": "Có", "right_1": "on",
        "option_2": "Không", "right_2": "on"})  # fmt: skip
    assert response.status_code == 200 and "exactly one right option" in response.content.decode()
    client.post(reverse("contests:quiz_import", args=[contest.pk]), {
        "action": "import", "file": _upload([["Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng"],
                                             ["Câu ba?", "A", "B", "B"]])})  # fmt: skip
    assert Question.objects.count() == 2
    client.post(reverse("contests:quiz_publish", args=[contest.pk]))
    contest.refresh_from_db()
    assert contest.status == "published"


def _upload(rows, name="cau-hoi.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, xlsx_bytes(rows))


def test_import_page_dry_run_shows_rows_and_writes_nothing(client, contest, xa_officer, english):
    client.force_login(xa_officer)
    rows = [
        ["Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng"],
        ["Câu?", "A", "", "A"],
        ["Câu 2?", "A", "B", "Q"],
    ]
    with nothing_changes():
        response = client.post(reverse("contests:quiz_import", args=[contest.pk]),
                               {"action": "import", "file": _upload(rows)})  # fmt: skip
    html = response.content.decode()
    assert "2 rows have problems" in html and "nothing was imported" in html
    assert "between 2 and 6 options" in html and "letters A to F" in html
    response = client.post(reverse("contests:quiz_import", args=[contest.pk]),
                           {"action": "check", "file": _upload([["Tên", "Tuổi"], ["a", "b"]])})  # fmt: skip
    assert "“Tên”, “Tuổi”" in response.content.decode()  # the columns found, named in the message


def test_template_download(client, xa_officer):
    client.force_login(xa_officer)
    response = client.get(reverse("contests:quiz_import_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_public_flow_without_sign_in(client, contest, english):
    from hoiso.org.models import AdministrativeArea

    response = client.get(reverse("contests:quiz_public", args=[contest.pk]))
    assert response.status_code == 200 and "Take part" in response.content.decode()
    area = AdministrativeArea.objects.get(code="31135")
    response = client.post(reverse("contests:quiz_start", args=[contest.pk]), {
        "action": "public", "full_name": "Lê Thị Hoa", "date_of_birth": "1992-02-03", "phone": "0912 345 678",
        "area": area.pk})  # fmt: skip
    attempt = Attempt.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contests:quiz_attempt", args=[attempt.key]
    )
    page = client.get(response["Location"]).content.decode()
    assert page.count('type="radio"') + page.count('type="checkbox"') >= 8
    assert (
        'data-remaining="' in page
        and "<script" in page
        and 'src="/static/contests/quiz.js"' in page
    )
    post = {f"q{qid}": values for qid, values in right_answers(attempt).items()}
    post.update({"token": str(attempt.submit_token), "prediction": "3"})
    response = client.post(reverse("contests:quiz_attempt", args=[attempt.key]), post)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.correct == attempt.question_count
    # the same submit again (a double tap, a resent form): counted once, same result
    client.post(reverse("contests:quiz_attempt", args=[attempt.key]), post)
    assert Attempt.objects.filter(status="submitted").count() == 1
    result = client.get(reverse("contests:quiz_result", args=[attempt.key])).content.decode()
    assert (
        f"{attempt.question_count}/{attempt.question_count}" in result
        and "Try again (1 attempt left)" in result
    )
    response = client.post(reverse("contests:quiz_again", args=[attempt.key]))
    assert response.status_code == 302 and Attempt.objects.count() == 2


def test_forged_answers_get_a_message_on_the_page(client, contest, english):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    with nothing_changes():
        response = client.post(reverse("contests:quiz_attempt", args=[attempt.key]),
                               {"q999999": "1", "token": str(attempt.submit_token), "prediction": "1"})  # fmt: skip
    assert response.status_code == 200 and "not part of your attempt" in response.content.decode()


def test_late_submit_is_refused_with_a_message(client, contest, english):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.started_at - datetime.timedelta(minutes=1)
    )
    response = client.post(reverse("contests:quiz_attempt", args=[attempt.key]),
                           {"token": str(attempt.submit_token), "prediction": "1"}, follow=True)  # fmt: skip
    assert "time for this attempt is up" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "expired"


def test_rate_limit_per_phone(client, contest, settings, english):
    from hoiso.org.models import AdministrativeArea

    settings.HOISO_CONTEST_RATE_PER_PHONE = 2
    area = AdministrativeArea.objects.get(code="31135")
    codes = []
    for n in range(3):
        response = client.post(reverse("contests:quiz_start", args=[contest.pk]), {
            "action": "public", "full_name": f"Người Số {'ABC'[n]}", "date_of_birth": "1992-02-03",
            "phone": "0912 999 888", "area": area.pk})  # fmt: skip
        codes.append(response.status_code)
    assert codes == [302, 302, 429]
    assert "Too many requests" in response.content.decode()
    assert Participant.objects.count() == 2


def test_rate_limit_window_slides():
    from hoiso.contests import ratelimit

    assert all(ratelimit.hit("t", "x", limit=3, window=60, now=1000.0) for _ in range(3))
    assert not ratelimit.hit("t", "x", limit=3, window=60, now=1001.0)
    # half a window later half of the previous window still counts: 4 * 0.5 + 1 = 3
    assert ratelimit.hit("t", "x", limit=3, window=60, now=1050.0)
    assert ratelimit.hit("t", "other", limit=3, window=60, now=1001.0)


def test_members_only_contest_asks_for_sign_in(client, tree, xa_officer, member):
    contest = make_contest(xa_officer, tree.a, title="Chỉ hội viên", audience="members")
    for name in ("contests:quiz_public", "contests:quiz_start", "contests:quiz_winners"):
        response = client.get(reverse(name, args=[contest.pk]))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        )
    client.force_login(member)
    assert client.get(reverse("contests:quiz_start", args=[contest.pk])).status_code == 200


def test_a_draft_is_not_public(client, tree, xa_officer):
    contest = make_contest(xa_officer, tree.a, publish=False)
    assert client.get(reverse("contests:quiz_public", args=[contest.pk])).status_code == 404
    assert client.get(reverse("contests:quiz_index")).content.decode().count(contest.title) == 0


def test_results_winners_and_certificates(client, contest, xa_officer, english):
    people = [public_person(contest, n) for n in range(1, 4)]
    attempts = submitted_in_closed_round(contest, people)
    round_ = closed_round(contest)
    services.round_rank(actor=xa_officer, round_=round_)
    client.force_login(xa_officer)
    html = client.get(reverse("contests:quiz_round_results", args=[round_.pk])).content.decode()
    assert "First prize" in html and people[0].full_name in html
    client.logout()
    assert (
        client.get(reverse("contests:quiz_my_certificate", args=[attempts[0].key])).status_code
        == 404
    )
    services.round_publish_winners(actor=xa_officer, round_=round_)
    winners = client.get(reverse("contests:quiz_winners", args=[contest.pk])).content.decode()
    assert "09xx xxx 001" in winners and "0900000001" not in winners
    assert "Phường Ninh Kiều" in winners
    pdf = client.get(reverse("contests:quiz_my_certificate", args=[attempts[0].key]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_round_ranking_as_a_spreadsheet(client, contest, xa_officer, xa_officer_other, english):
    import io

    from python_calamine import CalamineWorkbook

    from hoiso.core.models import AuditEntry

    people = [public_person(contest, n) for n in range(1, 4)]
    submitted_in_closed_round(contest, people)
    round_ = closed_round(contest)
    services.round_rank(actor=xa_officer, round_=round_)
    url = reverse("contests:quiz_round_results_xlsx", args=[round_.pk])
    client.force_login(xa_officer)
    assert (
        url in client.get(reverse("contests:quiz_round_results", args=[round_.pk])).content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))) \
        .get_sheet_by_index(0).to_python()  # fmt: skip
    assert rows[0][0] == contest.title and rows[3][:4] == ["Rank", "Order", "Prize", "Participant"]
    body = rows[4:]
    expected = list(round_.results.order_by("position").select_related("participant"))
    assert [r[3] for r in body] == [r.participant.full_name for r in expected]
    assert [int(r[0]) for r in body] == [r.rank for r in expected]
    assert body[0][2] == "First prize" and body[0][4] == "Phường Ninh Kiều"
    assert AuditEntry.objects.filter(action="contest.results_download").count() == 1
    client.force_login(xa_officer_other)  # another commune's organiser
    assert client.get(url).status_code == 404


def test_review_lists_fast_crowded_and_shared_phones(client, contest, xa_officer, english):
    people = [public_person(contest, n) for n in range(1, 6)]
    people.append(public_person(contest, 9, name="Trần Thị Khác", phone="0900000001"))
    attempts = submitted_in_closed_round(contest, people)
    Attempt.objects.filter(pk=attempts[0].pk).update(duration_ms=1500)
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(ip="198.51.100.9")
    client.force_login(xa_officer)
    html = client.get(
        reverse("contests:quiz_round_review", args=[closed_round(contest).pk])
    ).content.decode()
    assert "198.51.100.9" in html and "Trần Thị Khác" in html and people[0].full_name in html


def test_participation_by_unit(client, tree, xa_officer, member, english):
    from tests.members.helpers import admit

    contest = make_contest(xa_officer, tree.a)
    admit(xa_officer, tree.a1a, full_name="Võ Thị Sen", phone="0987654321")
    member.phone = "0987654321"
    member.save()
    people = [quiz.participant_for_member(contest=contest, user=member), public_person(contest, 1)]
    submitted_in_closed_round(contest, people)
    client.force_login(xa_officer)
    html = client.get(reverse("contests:quiz_participation", args=[contest.pk])).content.decode()
    assert "Chi hội Khu vực 1" in html  # the member, by the branch above her group
    assert "Hội LHPN phường Ninh Kiều" in html  # the public, by the organiser's own commune area


def test_list_pages_keep_their_query_count(client, tree, xa_officer, contest):
    client.force_login(xa_officer)
    urls = [reverse("contests:quiz_list"), reverse("contests:quiz_questions", args=[contest.pk]),
            reverse("contests:quiz_detail", args=[contest.pk]),
            reverse("contests:quiz_round_results", args=[closed_round(contest).pk]),
            reverse("contests:quiz_participation", args=[contest.pk]), reverse("contests:quiz_index")]  # fmt: skip
    people = [public_person(contest, n) for n in range(1, 3)]
    submitted_in_closed_round(contest, people)
    services.round_rank(actor=xa_officer, round_=closed_round(contest))
    before = {url: _queries(client, url) for url in urls}
    make_contest(xa_officer, tree.a, title="Cuộc thi thứ hai")
    services.questions_import(actor=xa_officer, contest=contest, rows=_more_questions())
    services.round_publish_winners(actor=xa_officer, round_=closed_round(contest))
    more = [public_person(contest, n) for n in range(3, 9)]
    from hoiso.contests.models import Result

    Result.objects.all().delete()
    Contest.objects.filter(pk=contest.pk).update()
    round_ = closed_round(contest)
    round_.winners_published_at = None
    round_.save()
    submitted_in_closed_round(contest, more)
    services.round_rank(actor=xa_officer, round_=round_)
    after = {url: _queries(client, url) for url in urls}
    assert after == before


def _more_questions():
    from hoiso.contests.services import QuestionData

    return [
        QuestionData(f"Câu thêm {n}?", "single", "", 2, [("A", True), ("B", False)])
        for n in range(5)
    ]


def test_correcting_a_question_through_its_page(client, contest, xa_officer, english):
    client.force_login(xa_officer)
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    question = Question.objects.get(pk=attempt.layout[0][0])
    options = list(question.options.order_by("order", "pk"))
    url = reverse("contests:quiz_question_edit", args=[question.pk])
    page = client.get(url).content.decode()
    assert question.text in page and all(o.text in page for o in options)
    form = {"text": question.text, "kind": question.kind, "topic": question.topic,
            "difficulty": str(question.difficulty)}  # fmt: skip
    # another option made the right one: refused, on the page (flipping every option would give
    # a single-choice question several right answers, refused first by the question's own check)
    wrong = next(n for n, o in enumerate(options, start=1) if not o.is_correct)
    for n, o in enumerate(options, start=1):
        form[f"option_{n}"] = o.text
    form[f"right_{wrong}"] = "on"
    response = client.post(url, form)
    assert response.status_code == 200 and "already answered" in response.content.decode()
    assert [o.is_correct for o in question.options.order_by("order", "pk")] == [
        o.is_correct for o in options
    ]
    form = {k: v for k, v in form.items() if not k.startswith("right_")}
    form.update({f"right_{n}": "on" for n, o in enumerate(options, start=1) if o.is_correct})
    form["text"] = "Câu hỏi đã sửa lỗi chính tả?"
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == reverse("contests:quiz_questions",
                                                                            args=[contest.pk])  # fmt: skip
    question.refresh_from_db()
    assert question.text == "Câu hỏi đã sửa lỗi chính tả?"
    assert "Câu hỏi đã sửa lỗi chính tả?" in client.get(response["Location"]).content.decode()
