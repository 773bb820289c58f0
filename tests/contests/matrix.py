"""The contests rows of the authorisation matrix (tests/test_authorization_matrix.py).

Targets in commune A (Hội LHPN phường Ninh Kiều, xa_officer's): its published public quiz
with a closed round (ranked, winners not yet published) and an open one; a draft quiz ready
to publish; a members-only quiz; a finished quiz whose winners are published. The organiser's
pages answer MANAGE_CONTESTS in A's subtree (xa_officer, tinh_admin); the sibling's official,
the branch leader (no MANAGE_CONTESTS) and the member get 404, anonymous the sign-in page.
The participant's pages of a public contest answer everyone, anonymous included; those of
the members-only contest ask anonymous to sign in. Lists and forms without a target give the
sibling her own unit's (and nothing of A)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.contests.helpers import QUIZ_OF_A

EVERYONE = {"anonymous": 200, "member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}
EVERYONE_WRITES = {p: 302 for p in ("anonymous", "member", "xa_officer_other", "chi_hoi_leader")}
SIGNED_IN = {"member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}


def _question_corrected(w) -> dict:
    """The matrix question's wording corrected, its options and right answers kept."""
    question = contests_world(w)["question"]
    data = {
        "text": "Câu đã sửa?",
        "kind": question.kind,
        "topic": "",
        "difficulty": str(question.difficulty),
    }
    for n, option in enumerate(question.options.order_by("order", "pk"), start=1):
        data[f"option_{n}"] = option.text
        if option.is_correct:
            data[f"right_{n}"] = "on"
    return data


def contests_world(w) -> dict:
    """Built once per test (cached on the world)."""
    cached = getattr(w, "_contests", None)
    if cached is not None:
        return cached
    from hoiso.contests import quiz, services
    from hoiso.contests.models import Result
    from tests.contests.helpers import (
        closed_round,
        make_contest,
        open_round,
        public_person,
        submitted_in_closed_round,
    )

    actor = w.users["xa_officer"]
    made = {"quiz": make_contest(actor, w.tree.a)}
    people = [public_person(made["quiz"], n) for n in (1, 2)]
    submitted_in_closed_round(made["quiz"], people)
    services.round_rank(actor=actor, round_=closed_round(made["quiz"]))
    made["open_attempt"] = quiz.attempt_start(
        participant=people[0], round_=open_round(made["quiz"])
    )
    later = quiz.attempt_start(participant=people[1], round_=open_round(made["quiz"]))
    quiz.attempt_submit(key=later.key, token=later.submit_token, raw_answers={}, prediction=1)
    made["submitted"] = later
    made["draft"] = make_contest(actor, w.tree.a, title="Cuộc thi nháp của phường", publish=False,
                                 closed_round=False)  # fmt: skip
    made["members"] = make_contest(actor, w.tree.a, title="Cuộc thi dành cho hội viên", audience="members",
                                   closed_round=False)  # fmt: skip
    made["done"] = make_contest(actor, w.tree.a, title="Cuộc thi đã trao giải")
    winners = [public_person(made["done"], n) for n in (3, 4)]
    made["winner_attempt"] = submitted_in_closed_round(made["done"], winners)[0]
    services.round_rank(actor=actor, round_=closed_round(made["done"]))
    services.round_publish_winners(actor=actor, round_=closed_round(made["done"]))
    made["prize"] = (
        Result.objects.filter(round=closed_round(made["quiz"])).exclude(prize="").first()
    )
    made["question"] = made["quiz"].questions.first()
    made["closed_round"] = closed_round(made["quiz"])
    made["draft_round"] = made["draft"].rounds.get()
    w._contests = made
    return made


def _url(name, key, attr="pk"):
    return lambda w: reverse(name, args=[getattr(contests_world(w)[key], attr)])


def _contest_data(title="Cuộc thi tìm hiểu pháp luật"):
    return {"title": title, "rules": "", "audience": "public", "time_limit_minutes": "10",
            "questions_per_attempt": "4", "attempts_per_round": "2", "prize_first": "1",
            "prize_second": "1", "prize_third": "1", "prize_consolation": "2"}  # fmt: skip


def _created_here(response, persona, w):
    from hoiso.contests.models import Contest

    made = Contest.objects.filter(title="Cuộc thi tìm hiểu pháp luật").first()
    home = {"xa_officer": "a", "tinh_admin": "p", "xa_officer_other": "b"}
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _import_file(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import xlsx_bytes

    data = xlsx_bytes(
        [
            ["Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng"],
            ["Câu nhập từ tệp?", "A", "B", "A"],
        ]
    )
    return {"action": "import", "file": SimpleUploadedFile("cau-hoi.xlsx", data)}


def _answers(w):
    from tests.contests.helpers import right_answers

    attempt = contests_world(w)["open_attempt"]
    data = {f"q{qid}": values for qid, values in right_answers(attempt).items()}
    return {**data, "token": str(attempt.submit_token), "prediction": "2"}


def _entrant(w):
    from hoiso.org.models import AdministrativeArea

    return {"action": "public", "full_name": "Lê Thị Ghé Thăm", "date_of_birth": "1991-04-05",
            "phone": "0911222333", "area": AdministrativeArea.objects.get(code="31135").pk}  # fmt: skip


def _round_data(w):
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=60)
    return {"starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "selection": "random"}  # fmt: skip


def specs():
    from tests.test_authorization_matrix import LOGIN, Spec

    members_page = {**SIGNED_IN, "anonymous": LOGIN}
    return [
        # the organiser's side
        Spec(
            "contests:quiz_list",
            lambda w: contests_world(w) and reverse("contests:quiz_list"),
            expect={"xa_officer_other": 200},
            hidden=lambda w: [QUIZ_OF_A],
        ),
        Spec(
            "contests:quiz_create",
            lambda w: reverse("contests:quiz_create"),
            expect={"xa_officer_other": 200},
        ),
        Spec(
            "contests:quiz_create",
            lambda w: reverse("contests:quiz_create"),
            method="post",
            writes=True,
            data=lambda w: _contest_data(),
            expect={"xa_officer_other": 302},
            check=_created_here,
        ),
        Spec("contests:quiz_detail", _url("contests:quiz_detail", "quiz")),
        Spec("contests:quiz_edit", _url("contests:quiz_edit", "quiz")),
        Spec(
            "contests:quiz_edit",
            _url("contests:quiz_edit", "draft"),
            method="post",
            writes=True,
            data=lambda w: _contest_data("Cuộc thi nháp (sửa)"),
        ),
        Spec(
            "contests:quiz_publish",
            _url("contests:quiz_publish", "draft"),
            method="post",
            writes=True,
            data=lambda w: {},
        ),
        Spec(
            "contests:quiz_close",
            _url("contests:quiz_close", "quiz"),
            method="post",
            writes=True,
            data=lambda w: {},
        ),
        Spec("contests:quiz_rounds", _url("contests:quiz_rounds", "quiz")),
        Spec(
            "contests:quiz_rounds",
            _url("contests:quiz_rounds", "draft"),
            method="post",
            writes=True,
            data=lambda w: {
                "action": "weekly",
                "weekly-first_day": "2031-01-06",
                "weekly-count": "2",
                "weekly-opens": "10:00",
                "weekly-closes": "09:00",
            },
        ),
        Spec("contests:quiz_round_edit", _url("contests:quiz_round_edit", "draft_round")),
        Spec(
            "contests:quiz_round_edit",
            _url("contests:quiz_round_edit", "draft_round"),
            method="post",
            writes=True,
            data=_round_data,
        ),
        Spec("contests:quiz_questions", _url("contests:quiz_questions", "quiz")),
        Spec("contests:quiz_question_add", _url("contests:quiz_question_add", "quiz")),
        Spec(
            "contests:quiz_question_add",
            _url("contests:quiz_question_add", "quiz"),
            method="post",
            writes=True,
            data=lambda w: {
                "text": "Câu thêm?",
                "kind": "single",
                "topic": "",
                "difficulty": "2",
                "option_1": "Có",
                "right_1": "on",
                "option_2": "Không",
            },
        ),
        Spec("contests:quiz_question_edit", _url("contests:quiz_question_edit", "question")),
        Spec(
            "contests:quiz_question_edit",
            _url("contests:quiz_question_edit", "question"),
            method="post",
            writes=True,
            data=_question_corrected,
        ),
        Spec(
            "contests:quiz_question_toggle",
            _url("contests:quiz_question_toggle", "question"),
            method="post",
            writes=True,
            data=lambda w: {},
        ),
        Spec("contests:quiz_import", _url("contests:quiz_import", "quiz")),
        Spec(
            "contests:quiz_import",
            _url("contests:quiz_import", "quiz"),
            method="post",
            writes=True,
            data=_import_file,
        ),
        Spec(
            "contests:quiz_import_template",
            lambda w: reverse("contests:quiz_import_template"),
            expect={"xa_officer_other": 200},
        ),
        Spec("contests:quiz_round_results", _url("contests:quiz_round_results", "closed_round")),
        Spec(
            "contests:quiz_round_results_xlsx",
            _url("contests:quiz_round_results_xlsx", "closed_round"),
        ),
        Spec(
            "contests:quiz_round_rank",
            _url("contests:quiz_round_rank", "closed_round"),
            method="post",
            writes=True,
            data=lambda w: {},
        ),
        Spec(
            "contests:quiz_round_publish",
            _url("contests:quiz_round_publish", "closed_round"),
            method="post",
            writes=True,
            data=lambda w: {},
        ),
        Spec("contests:quiz_round_review", _url("contests:quiz_round_review", "closed_round")),
        Spec("contests:quiz_participation", _url("contests:quiz_participation", "quiz")),
        Spec("contests:quiz_certificate", _url("contests:quiz_certificate", "prize")),
        # the participant's side
        Spec(
            "contests:quiz_index",
            lambda w: contests_world(w) and reverse("contests:quiz_index"),
            expect=EVERYONE,
        ),
        Spec("contests:quiz_public", _url("contests:quiz_public", "quiz"), expect=EVERYONE),
        Spec(
            "contests:quiz_public",
            _url("contests:quiz_public", "members"),
            expect=members_page,
            label="members",
        ),
        Spec("contests:quiz_start", _url("contests:quiz_start", "quiz"), expect=EVERYONE),
        Spec(
            "contests:quiz_start",
            _url("contests:quiz_start", "members"),
            expect=members_page,
            label="members",
        ),
        Spec(
            "contests:quiz_start",
            _url("contests:quiz_start", "quiz"),
            method="post",
            writes=True,
            data=_entrant,
            expect=EVERYONE_WRITES,
        ),
        Spec("contests:quiz_winners", _url("contests:quiz_winners", "done"), expect=EVERYONE),
        Spec(
            "contests:quiz_attempt",
            _url("contests:quiz_attempt", "open_attempt", "key"),
            expect=EVERYONE,
        ),
        Spec(
            "contests:quiz_attempt",
            _url("contests:quiz_attempt", "open_attempt", "key"),
            method="post",
            writes=True,
            data=_answers,
            expect=EVERYONE_WRITES,
        ),
        Spec(
            "contests:quiz_result",
            _url("contests:quiz_result", "submitted", "key"),
            expect=EVERYONE,
        ),
        Spec(
            "contests:quiz_again",
            _url("contests:quiz_again", "submitted", "key"),
            method="post",
            writes=True,
            data=lambda w: {},
            expect=EVERYONE_WRITES,
        ),
        Spec(
            "contests:quiz_my_certificate",
            _url("contests:quiz_my_certificate", "winner_attempt", "key"),
            expect=EVERYONE,
        ),
    ]


def extend(specs_list: list, snapshot):
    """The one line in tests/test_authorization_matrix.py: SPECS and db_snapshot with ours."""
    from tests.contests import matrix_entries
    from tests.contests.entry_helpers import with_entries
    from tests.contests.helpers import with_contests

    # entry contests and their juries: tests/contests/matrix_entries.py
    return specs_list + specs() + matrix_entries.specs(), with_entries(with_contests(snapshot))
