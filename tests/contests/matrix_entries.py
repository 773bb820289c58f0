"""The entry-contest rows of the authorisation matrix (hooked from tests.contests.matrix.extend).

Targets: calls organised by commune A (xa_officer's) at each stage, built lazily piece by
piece — a draft; an open call with an entry of branch a1 (a PDF file); a call being judged
whose entry of branch a2 is assigned to chi_hoi_leader (a judge of branch a1, so never
given a1's entries); one being judged with nothing assigned yet; one fully scored; one
published and forwarded to the province; one published and not forwarded.

The organiser's pages answer xa_officer and tinh_admin (MANAGE_CONTESTS over A), 404 to the
others. The judge's pages answer only the judge whose assignment it is (chi_hoi_leader): the
organisers themselves get 404 there. The published results are public."""

from __future__ import annotations

from django.urls import reverse

from tests.contests.entry_helpers import CALL_OF_A

EVERYONE = {"anonymous": 200, "member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}
JUDGE_ONLY = {"chi_hoi_leader": 200, "xa_officer": 404, "tinh_admin": 404}


def _judge_a2(w):
    from hoiso.accounts.models import User
    from tests.helpers import make_user

    return User.objects.filter(username="giam_khao_a2").first() or make_user(
        "giam_khao_a2", full_name="Đỗ Thị Giám Khảo", role="judge", unit=w.tree.a2)  # fmt: skip


def _judging_call(w, title, *, judge, unit, assign=True, score=False):
    from hoiso.contests import judging
    from tests.contests.entry_helpers import make_call, score_all, submit

    actor = w.users["xa_officer"]
    contest = make_call(actor, w.tree.a, title=title, judges_per_entry=1, forward_count=1)
    entry = submit(actor, contest, unit, 1)
    judging.judge_add(actor=actor, contest=contest, user=judge)
    judging.judging_start(actor=actor, contest=contest)
    if assign:
        judging.assign_automatically(actor=actor, contest=contest)
    if score:
        score_all(contest)
    return contest, entry


def _build(w, key):
    from hoiso.contests import judging
    from tests.contests.entry_helpers import make_call, pdf_bytes, submit, upload

    actor = w.users["xa_officer"]
    if key == "draft":
        return make_call(actor, w.tree.a, title="Cuộc thi nháp của phường", open_=False)
    if key == "open":
        return make_call(actor, w.tree.a, title=CALL_OF_A)
    if key == "open_entry":
        return submit(actor, piece(w, "open"), w.tree.a1, 1, files=[upload("bai.pdf", pdf_bytes())])
    if key == "judging":
        contest, entry = _judging_call(
            w, "Cuộc thi đang chấm", judge=w.users["chi_hoi_leader"], unit=w.tree.a2
        )
        return contest
    if key == "assignment":
        return piece(w, "judging").entries.get().assignments.get()
    if key == "judging_file":
        return _file_of(piece(w, "judging").entries.get())
    if key == "unassigned":
        return _judging_call(
            w, "Cuộc thi chưa phân công", judge=_judge_a2(w), unit=w.tree.a1, assign=False
        )[0]
    if key == "unassigned_judge":
        return piece(w, "unassigned").judges.get()
    if key == "scored":
        return _judging_call(
            w, "Cuộc thi đã chấm xong", judge=_judge_a2(w), unit=w.tree.a1, score=True
        )[0]
    if key in ("published", "published_only"):
        contest, _entry = _judging_call(
            w, f"Cuộc thi đã công bố {key}", judge=_judge_a2(w), unit=w.tree.a1, score=True
        )
        judging.results_publish(actor=actor, contest=contest)
        if key == "published":
            judging.forward(actor=actor, contest=contest)
        return contest
    if key == "forward":
        return piece(w, "published").forward
    if key == "prize_entry":
        return piece(w, "published").entries.get()
    if key == "criterion":
        return piece(w, "draft").criteria.first()
    raise KeyError(key)


def _file_of(entry):
    """A file added to an entry of a call being judged (written as the submission would)."""
    from hoiso.contests.entries import _store_files
    from hoiso.contests.entry_files import check
    from tests.contests.entry_helpers import pdf_bytes, upload

    _store_files(entry, [check(upload("bai.pdf", pdf_bytes()))])
    return entry.files.get()


def piece(w, key):
    cache = w.__dict__.setdefault("_entries", {})
    if key not in cache:
        cache[key] = _build(w, key)
    return cache[key]


def _url(name, key, attr="pk"):
    return lambda w: reverse(name, args=[getattr(piece(w, key), attr)])


def _call_data(title="Cuộc thi viết về chuyển đổi số"):
    return {"title": title, "rules": "", "deadline": "2031-06-30T17:00", "categories": "Bài viết\nVideo",
            "judges_per_entry": "2", "disagreement": "20", "forward_count": "3", "prize_first": "1",
            "prize_second": "1", "prize_third": "1", "prize_consolation": "1"}  # fmt: skip


def _created_here(response, persona, w):
    from hoiso.contests.models import EntryContest

    made = EntryContest.objects.filter(title="Cuộc thi viết về chuyển đổi số").first()
    home = {"xa_officer": "a", "tinh_admin": "p", "xa_officer_other": "b"}
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _entry_data(w):
    from tests.contests.entry_helpers import pdf_bytes, upload

    contest = piece(w, "open")
    return {"unit": w.tree.pks["a2"], "entrant": "Phan Thị Dự Thi", "title": "Nhóm Zalo chi hội",
            "category": contest.categories.first().pk, "text": "Nội dung.", "video_url": "",
            "files": upload("bai.pdf", pdf_bytes())}  # fmt: skip


def _scores(w):
    contest = piece(w, "judging")
    return {f"c{c.pk}": str(c.max_score) for c in contest.criteria.all()}


def specs():
    from tests.test_authorization_matrix import Spec

    post = {"method": "post", "writes": True, "data": lambda w: {}}
    return [
        Spec("contests:entry_list", lambda w: piece(w, "open") and reverse("contests:entry_list"),
             expect={"xa_officer_other": 200}, hidden=lambda w: [CALL_OF_A]),
        Spec("contests:entry_create", lambda w: reverse("contests:entry_create"), expect={"xa_officer_other": 200}),
        Spec("contests:entry_create", lambda w: reverse("contests:entry_create"), method="post", writes=True,
             data=lambda w: _call_data(), expect={"xa_officer_other": 302}, check=_created_here),
        Spec("contests:entry_detail", _url("contests:entry_detail", "open")),
        Spec("contests:entry_detail", _url("contests:entry_detail", "judging"), label="judging"),
        Spec("contests:entry_edit", _url("contests:entry_edit", "draft")),
        Spec("contests:entry_edit", _url("contests:entry_edit", "draft"), method="post", writes=True,
             data=lambda w: _call_data("Cuộc thi nháp (sửa)")),
        Spec("contests:entry_open", _url("contests:entry_open", "draft"), **post),
        Spec("contests:entry_rubric", _url("contests:entry_rubric", "draft")),
        Spec("contests:entry_rubric", _url("contests:entry_rubric", "draft"), method="post", writes=True,
             data=lambda w: {"name": "Hiệu quả", "weight": "2", "max_score": "10"}),
        Spec("contests:entry_criterion_remove", _url("contests:entry_criterion_remove", "criterion"), **post),
        Spec("contests:entry_judges", _url("contests:entry_judges", "unassigned")),
        Spec("contests:entry_judges", _url("contests:entry_judges", "unassigned"), method="post", writes=True,
             data=lambda w: {"user": w.users["xa_officer"].pk}),
        Spec("contests:entry_judge_remove", _url("contests:entry_judge_remove", "unassigned_judge"), **post),
        Spec("contests:entry_judging", lambda w: piece(w, "open_entry") and reverse(
            "contests:entry_judging", args=[piece(w, "open").pk]), **post),
        Spec("contests:entry_assign", _url("contests:entry_assign", "unassigned"), **post),
        Spec("contests:entry_ranking", _url("contests:entry_ranking", "judging")),
        Spec("contests:entry_publish", _url("contests:entry_publish", "scored"), **post),
        Spec("contests:entry_forward", _url("contests:entry_forward", "published")),
        Spec("contests:entry_forward", _url("contests:entry_forward", "published_only"), **post),
        Spec("contests:entry_package", _url("contests:entry_package", "forward")),
        Spec("contests:entry_received", lambda w: piece(w, "forward") and reverse("contests:entry_received"),
             expect={"xa_officer_other": 200}),
        Spec("contests:entry_results", _url("contests:entry_results", "published"), expect=EVERYONE),
        Spec("contests:entry_submit", _url("contests:entry_submit", "open")),
        Spec("contests:entry_submit", _url("contests:entry_submit", "open"), method="post", writes=True,
             data=_entry_data),
        Spec("contests:entry_view", _url("contests:entry_view", "open_entry")),
        Spec("contests:entry_withdraw", _url("contests:entry_withdraw", "open_entry"), **post),
        Spec("contests:entry_file", lambda w: reverse("contests:entry_file", args=[piece(w, "open_entry").files.get().pk])),
        Spec("contests:entry_certificate", _url("contests:entry_certificate", "prize_entry")),
        # the judge's pages: hers only
        Spec("contests:jury_home", lambda w: piece(w, "assignment") and reverse("contests:jury_home"),
             expect={"member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}),
        Spec("contests:jury_entry", _url("contests:jury_entry", "assignment"), expect=JUDGE_ONLY),
        Spec("contests:jury_score", _url("contests:jury_score", "assignment"), method="post", writes=True,
             data=_scores, expect={"chi_hoi_leader": 302, "xa_officer": 404, "tinh_admin": 404}),
        Spec("contests:jury_file", lambda w: reverse("contests:jury_file", args=[
            piece(w, "assignment").pk, piece(w, "judging_file").pk]), expect=JUDGE_ONLY),
    ]  # fmt: skip
