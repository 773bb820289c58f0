"""The judge's pages: her assigned entry answers, another entry or another judge's assignment
is 404; the page and the served files never show the entrant or the unit; scores out of
range are refused on the page with nothing written. And the organiser's pages at work."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from hoiso.contests import judging
from hoiso.contests.models import Assignment, EntryContest, Score
from tests.contests.entry_helpers import (
    AUTHOR,
    AUTHOR_ASCII,
    docx_bytes,
    entries_snapshot,
    jpeg_bytes,
    make_call,
    pdf_bytes,
    submit,
    upload,
)
from tests.helpers import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.portable]
ENTRANT = "Quách Thị Tác Giả"
UNIT_A = "Hội LHPN phường Ninh Kiều"


@pytest.fixture
def judged(tinh_admin, xa_officer, xa_officer_other, tree):
    contest = make_call(tinh_admin, tree.p, judges_per_entry=1)
    files = [upload("Bài của Quách Thị Tác Giả.docx", docx_bytes()), upload("trinh-bay.pdf", pdf_bytes()),
             upload("anh.jpg", jpeg_bytes())]  # fmt: skip
    entry_a = submit(xa_officer, contest, tree.a1, 1, entrant=ENTRANT, files=files)
    entry_b = submit(xa_officer_other, contest, tree.b1, 2)
    judging.judge_add(actor=tinh_admin, contest=contest, user=xa_officer_other)  # judges A's entry
    judging.judge_add(actor=tinh_admin, contest=contest, user=xa_officer)  # judges B's entry
    judging.judging_start(actor=tinh_admin, contest=contest)
    judging.assign_automatically(actor=tinh_admin, contest=contest)
    a_for_b = Assignment.objects.get(entry=entry_a)
    b_for_a = Assignment.objects.get(entry=entry_b)
    assert a_for_b.judge.user == xa_officer_other and b_for_a.judge.user == xa_officer
    return contest, entry_a, entry_b, a_for_b, b_for_a


def test_the_judge_sees_her_entry_blind(client, judged, xa_officer_other):
    contest, entry_a, _entry_b, mine, _theirs = judged
    client.force_login(xa_officer_other)
    home = client.get(reverse("contests:jury_home")).content.decode()
    assert entry_a.code in home and ENTRANT not in home and UNIT_A not in home
    page = client.get(reverse("contests:jury_entry", args=[mine.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert entry_a.code in html and entry_a.title in html
    for secret in (
        ENTRANT,
        UNIT_A,
        "Chi hội Khu vực 1",
        "Bài của",
        "trinh-bay",
        "anh.jpg",
        "Nguyễn Thị Lan",
    ):
        assert secret not in html, secret
    for f in entry_a.files.all():
        response = client.get(reverse("contests:jury_file", args=[mine.pk, f.pk]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert (
            entry_a.code in response["Content-Disposition"]
            and "Qu" not in response["Content-Disposition"]
        )
        everything = body
        if f.kind == "docx":
            with zipfile.ZipFile(io.BytesIO(body)) as package:
                everything = b"".join(package.read(n) for n in package.namelist())
        for secret in (AUTHOR, AUTHOR_ASCII, UNIT_A, ENTRANT):
            assert secret.encode() not in everything, (f.kind, secret)


def test_other_entries_and_other_judges_are_404(
    client, judged, xa_officer_other, xa_officer, tinh_admin
):
    contest, entry_a, entry_b, mine, theirs = judged
    client.force_login(xa_officer_other)
    file_a = entry_a.files.first()
    for url in (reverse("contests:jury_entry", args=[theirs.pk]),  # another judge's assignment
                reverse("contests:jury_file", args=[theirs.pk, file_a.pk]),
                reverse("contests:jury_file", args=[mine.pk, 999999]),
                reverse("contests:entry_view", args=[entry_a.pk]),  # the entry itself, not blind
                reverse("contests:entry_file", args=[file_a.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
    # organisers do not get the judges' pages either
    client.force_login(tinh_admin)
    assert client.get(reverse("contests:jury_entry", args=[mine.pk])).status_code == 404


def test_scoring_someone_elses_entry_writes_nothing(client, judged, xa_officer_other):
    contest, _a, _b, _mine, theirs = judged
    client.force_login(xa_officer_other)
    data = {f"c{c.pk}": "5" for c in contest.criteria.all()}
    before = entries_snapshot()
    assert client.post(reverse("contests:jury_score", args=[theirs.pk]), data).status_code == 404
    assert entries_snapshot() == before


def test_out_of_range_score_refused_on_the_page(client, judged, xa_officer_other, english):
    contest, _a, _b, mine, _theirs = judged
    client.force_login(xa_officer_other)
    c = list(contest.criteria.all())
    data = {f"c{c[0].pk}": "8", f"c{c[1].pk}": "11", f"c{c[2].pk}": "3"}
    response = client.post(reverse("contests:jury_score", args=[mine.pk]), data)
    assert response.status_code == 200  # the form again, with the message
    html = response.content.decode()
    assert "alert-danger" in html and f"“{c[1].name}”" in html  # the message names the criterion
    assert not Score.objects.exists()
    data[f"c{c[1].pk}"] = "9,5"  # a Vietnamese decimal comma
    response = client.post(reverse("contests:jury_score", args=[mine.pk]), data)
    assert response.status_code == 302
    # 100 × (3×8/10 + 5×9.5/10 + 2×3/5)/10 = 100 × (2.4 + 4.75 + 1.2)/10 = 83.5
    assert Assignment.objects.get(pk=mine.pk).total == pytest.approx(83.5)


def test_a_judge_only_account_reaches_her_page(client, tinh_admin, xa_officer, tree):
    contest = make_call(tinh_admin, tree.p, judges_per_entry=1)
    submit(xa_officer, contest, tree.a1)
    outside = make_user("chuyen_gia", full_name="Chuyên Gia CNTT", role="judge", unit=tree.p)
    judging.judge_add(actor=tinh_admin, contest=contest, user=outside)
    judging.judging_start(actor=tinh_admin, contest=contest)
    judging.assign_automatically(actor=tinh_admin, contest=contest)
    client.force_login(outside)
    assert client.get(reverse("contests:entry_list")).status_code == 404  # no organiser rights
    page = client.get(reverse("contests:jury_home"))
    assert page.status_code == 200 and contest.title in page.content.decode()
    from hoiso.notifications.models import Notification

    assert Notification.objects.filter(
        recipient=outside, url=reverse("contests:jury_home")
    ).exists()


def test_organiser_pages_walk(client, tinh_admin, xa_officer, tree, english):
    """Create a call through the pages, add its rubric, open it; a commune submits with a file."""
    client.force_login(tinh_admin)
    client.cookies.load({})
    response = client.post(reverse("contests:entry_create"), {
        "title": "Cuộc thi qua trang", "rules": "", "deadline": "2031-06-30T17:00", "categories": "Bài viết",
        "judges_per_entry": "2", "disagreement": "20", "forward_count": "3", "prize_first": "1",
        "prize_second": "1", "prize_third": "1", "prize_consolation": "1"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    contest = EntryContest.objects.get(title="Cuộc thi qua trang")
    assert contest.unit == tree.p
    client.post(
        reverse("contests:entry_rubric", args=[contest.pk]),
        {"name": "Nội dung", "weight": "1", "max_score": "10"},
    )
    client.post(reverse("contests:entry_open", args=[contest.pk]))
    assert EntryContest.objects.get(pk=contest.pk).status == "open"
    client.force_login(xa_officer)
    assert contest.title in client.get(reverse("contests:entry_list")).content.decode()
    response = client.post(reverse("contests:entry_submit", args=[contest.pk]), {
        "unit": tree.a.pk, "entrant": "Lâm Thị Dự", "title": "Bản đồ số chi hội", "category": contest.categories.get().pk,
        "text": "", "video_url": "", "files": [upload("a.pdf", pdf_bytes()), upload("b.jpg", jpeg_bytes())]})  # fmt: skip
    assert response.status_code == 302
    entry = contest.entries.get()
    assert entry.files.count() == 2 and entry.submitted_by == xa_officer
    # a file lying about its type: the form shows why, nothing more is stored
    response = client.post(reverse("contests:entry_submit", args=[contest.pk]), {
        "unit": tree.a.pk, "entrant": "Lâm Thị Hai", "title": "Bài hai", "category": contest.categories.get().pk,
        "files": [upload("gia.pdf", b"MZ not a pdf")]})  # fmt: skip
    assert (
        response.status_code == 200 and "“gia.pdf”" in response.content.decode()
    )  # named in the message
    assert contest.entries.count() == 1


def test_list_query_counts_do_not_grow(
    client, tinh_admin, xa_officer, tree, django_assert_max_num_queries
):
    for n in range(3):
        contest = make_call(tinh_admin, tree.p, title=f"Cuộc thi {n}")
        submit(xa_officer, contest, tree.a1, n)
    client.force_login(tinh_admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("contests:entry_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("contests:entry_detail", args=[contest.pk])).status_code == 200
