"""Entry contests, the services: the call, entries and their files (checked, blinded), bad
input refused with nothing written."""

from __future__ import annotations

import datetime
import io
import os
import zipfile

import pytest
from django.utils import timezone

from hoiso.contests import entries, entry_files
from hoiso.contests.models import Entry, EntryContest, EntryFile
from hoiso.core.errors import ServiceError
from tests.contests.entry_helpers import (
    AUTHOR,
    AUTHOR_ASCII,
    call_data,
    docx_bytes,
    entries_snapshot,
    jpeg_bytes,
    make_call,
    past_deadline,
    pdf_bytes,
    png_bytes,
    submit,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.portable, pytest.mark.usefixtures("english")]
UNIT_A = "Hội LHPN phường Ninh Kiều"


def _media_files(settings) -> list[str]:
    found = []
    for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
        found += [os.path.join(folder, n) for n in names]
    return found


class TestTheCall:
    def test_created_as_draft_with_categories_then_opened(self, tinh_admin, tree):
        contest = entries.call_create(
            actor=tinh_admin, unit=tree.p, data=call_data(categories=["A", "a", " B "])
        )
        assert contest.status == EntryContest.Status.DRAFT
        assert [c.name for c in contest.categories.all()] == ["A", "B"]  # folded duplicates merged
        assert entries.open_problems(contest) == ["Set the rubric: at least one criterion."]
        with pytest.raises(ServiceError):
            entries.call_open(actor=tinh_admin, contest=contest)
        entries.criterion_add(
            actor=tinh_admin, contest=contest, name="Sáng tạo", weight=2, max_score=10
        )
        entries.call_open(actor=tinh_admin, contest=contest)
        assert EntryContest.objects.get(pk=contest.pk).status == EntryContest.Status.OPEN

    def test_out_of_scope_organiser_refused(self, xa_officer_other, tree):
        with pytest.raises(ServiceError):
            entries.call_create(actor=xa_officer_other, unit=tree.a, data=call_data())
        assert not EntryContest.objects.exists()

    def test_used_category_cannot_be_removed(self, tinh_admin, xa_officer, tree):
        contest = make_call(tinh_admin, tree.p)
        submit(xa_officer, contest, tree.a)
        with pytest.raises(ServiceError, match="has entries"):
            entries.call_update(
                actor=tinh_admin, contest=contest, data=call_data(categories=["Mạng xã hội"])
            )
        assert contest.categories.count() == 2

    def test_rubric_checks(self, tinh_admin, tree):
        contest = make_call(tinh_admin, tree.p, open_=False)
        for name, weight, top in (("", 1, 10), ("X", 0, 10), ("X", 1, 0), ("Tính sáng tạo", 1, 10)):
            with pytest.raises(ServiceError):
                entries.criterion_add(
                    actor=tinh_admin, contest=contest, name=name, weight=weight, max_score=top
                )
        assert contest.criteria.count() == 3


class TestSubmitting:
    def test_an_entry_with_every_kind_of_file(self, tinh_admin, xa_officer, tree, settings):
        contest = make_call(tinh_admin, tree.p)
        files = [upload("Bài của chị Bí Mật.docx", docx_bytes()), upload("trinh-bay.pdf", pdf_bytes()),
                 upload("anh.JPG", jpeg_bytes()), upload("so-do.png", png_bytes())]  # fmt: skip
        entry = submit(xa_officer, contest, tree.a1, files=files, video_url="https://youtu.be/abc")
        assert entry.unit == tree.a1 and len(entry.code) == 6
        stored = list(entry.files.order_by("order"))
        assert [f.kind for f in stored] == ["docx", "pdf", "jpeg", "png"]
        assert stored[0].name == "Bài của chị Bí Mật.docx"
        for f in stored:
            assert "Bí" not in f.file.name and "Mat" not in f.blind.name  # stored names say nothing

    def test_blind_copies_drop_the_author_and_the_unit(self, tinh_admin, xa_officer, tree):
        contest = make_call(tinh_admin, tree.p)
        files = [upload("a.docx", docx_bytes()), upload("b.pdf", pdf_bytes()), upload("c.jpg", jpeg_bytes()),
                 upload("d.png", png_bytes())]  # fmt: skip
        entry = submit(xa_officer, contest, tree.a1, files=files)
        for f in entry.files.all():
            original = f.file.open("rb").read()
            blind = f.blind.open("rb").read()
            whole = _all_text(blind, f.kind)
            marker = AUTHOR if f.kind == "docx" else AUTHOR_ASCII
            assert marker.encode() in _all_text(original, f.kind), (
                f.kind
            )  # the originals carry her name
            for name in (AUTHOR, AUTHOR_ASCII, UNIT_A, "Bí Mật", "Bi Mat", "ĐTB"):
                assert name.encode() not in whole, (f.kind, name)
                assert name.encode("utf-16-be") not in blind
        # the blind DOCX still opens and keeps its body
        import docx

        blind_docx = entry.files.get(kind="docx").blind.open("rb").read()
        assert "chuyển đổi số" in docx.Document(io.BytesIO(blind_docx)).paragraphs[0].text

    def test_lying_files_are_refused_and_nothing_written(
        self, tinh_admin, xa_officer, tree, settings
    ):
        contest = make_call(tinh_admin, tree.p)
        cases = [("bai.pdf", b"MZ\x90\x00 an executable"), ("bai.docx", b"plain text pretending"),
                 ("anh.png", jpeg_bytes()), ("anh.jpg", png_bytes()), ("bai.exe", b"MZ"),
                 ("hong.pdf", b"%PDF-1.4 garbage, not a pdf"), ("rong.docx", b""),
                 ("bang.docx", _xlsx_renamed())]  # fmt: skip
        before = entries_snapshot()
        for name, data in cases:
            with pytest.raises(ServiceError) as refused:
                submit(
                    xa_officer,
                    contest,
                    tree.a1,
                    files=[upload("ok.pdf", pdf_bytes()), upload(name, data)],
                )
            assert (
                name in str(refused.value)
                or "picture" in str(refused.value)
                or "Word" in str(refused.value)
            )
        assert entries_snapshot() == before
        assert _media_files(settings) == []

    def test_too_large_and_too_many(self, tinh_admin, xa_officer, tree, settings):
        contest = make_call(tinh_admin, tree.p)
        settings.HOISO_ENTRY_FILE_MAX_BYTES = 1000
        with pytest.raises(ServiceError, match="at most"):
            submit(
                xa_officer, contest, tree.a1, files=[upload("lon.pdf", pdf_bytes() + b" " * 2000)]
            )
        settings.HOISO_ENTRY_FILE_MAX_BYTES = 10**6
        with pytest.raises(ServiceError, match="at most 5 files"):
            submit(
                xa_officer,
                contest,
                tree.a1,
                files=[upload(f"{n}.pdf", pdf_bytes()) for n in range(6)],
            )
        assert not Entry.objects.exists() and _media_files(settings) == []

    def test_after_the_deadline_refused(self, tinh_admin, xa_officer, tree, settings):
        contest = past_deadline(make_call(tinh_admin, tree.p))
        with pytest.raises(ServiceError, match="no longer accepted"):
            submit(xa_officer, contest, tree.a1, files=[upload("a.pdf", pdf_bytes())])
        assert not Entry.objects.exists() and _media_files(settings) == []

    def test_draft_and_judging_refused(self, tinh_admin, xa_officer, tree):
        draft = make_call(tinh_admin, tree.p, open_=False)
        with pytest.raises(ServiceError, match="not accepting"):
            submit(xa_officer, draft, tree.a1)

    def test_only_for_a_unit_of_hers_below_the_organiser(self, tinh_admin, xa_officer, xa_officer_other,
                                                         chi_hoi_leader, tree):  # fmt: skip
        contest = make_call(tinh_admin, tree.p)
        for actor, unit in ((xa_officer_other, tree.a), (chi_hoi_leader, tree.a1), (xa_officer, tree.p),
                            (tinh_admin, tree.p), (xa_officer, tree.c)):  # fmt: skip
            with pytest.raises(ServiceError, match="cannot submit"):
                submit(actor, contest, unit)
        assert not Entry.objects.exists()

    def test_forged_category_refused(self, tinh_admin, xa_officer, tree):
        contest = make_call(tinh_admin, tree.p)
        other = make_call(tinh_admin, tree.p, title="Cuộc thi khác")
        with pytest.raises(ServiceError, match="categories"):
            submit(xa_officer, contest, tree.a1, category=other.categories.first())
        assert not Entry.objects.exists()

    @pytest.mark.parametrize("where", ["title", "text", "docx"])
    def test_naming_the_entrant_or_unit_refused(self, tinh_admin, xa_officer, tree, where):
        contest = make_call(tinh_admin, tree.p)
        over = {"entrant": "Lý Thị Hoa, Trần Văn Nam"}
        if where == "title":
            over["title"] = "Bài của chị ly thi hoa"
        elif where == "text":
            over["text"] = "Đơn vị: Hội LHPN phường NINH KIỀU thực hiện."
        else:
            over["files"] = [upload("a.docx", docx_bytes(body="Tác giả: Trần Văn Nam"))]
        with pytest.raises(ServiceError, match="judges must not know"):
            submit(xa_officer, contest, tree.a, **over)
        assert not Entry.objects.exists()

    def test_bad_video_link_and_empty_entry(self, tinh_admin, xa_officer, tree):
        contest = make_call(tinh_admin, tree.p)
        with pytest.raises(ServiceError, match="web address"):
            submit(xa_officer, contest, tree.a1, video_url="javascript:alert(1)")
        with pytest.raises(ServiceError, match="needs its text"):
            submit(xa_officer, contest, tree.a1, text="")
        assert not Entry.objects.exists()

    def test_withdraw_before_the_deadline_only(
        self, tinh_admin, xa_officer, xa_officer_other, tree
    ):
        contest = make_call(tinh_admin, tree.p)
        entry = submit(xa_officer, contest, tree.a1, files=[upload("a.pdf", pdf_bytes())])
        with pytest.raises(ServiceError):
            entries.entry_withdraw(actor=xa_officer_other, entry=entry)
        past_deadline(contest)
        with pytest.raises(ServiceError, match="deadline has passed"):
            entries.entry_withdraw(actor=xa_officer, entry=entry)
        EntryContest.objects.filter(pk=contest.pk).update(
            deadline=timezone.now() + datetime.timedelta(days=1)
        )
        entries.entry_withdraw(actor=xa_officer, entry=entry)
        assert not Entry.objects.exists() and not EntryFile.objects.exists()


def _all_text(data: bytes, kind: str) -> bytes:
    """Every byte of a file, its ZIP parts unpacked (a DOCX's XML is compressed)."""
    if kind != "docx":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return b"".join(package.read(n) for n in package.namelist())


def _xlsx_renamed() -> bytes:
    from tests.helpers import xlsx_bytes

    return xlsx_bytes([["a"]])


def test_blind_docx_empties_custom_properties():
    custom = (b'<?xml version="1.0"?><Properties xmlns="x" xmlns:vt="y"><property fmtid="{D5}" pid="2" '
              b'name="Owner"><vt:lpwstr>Nguyen Thi Chu</vt:lpwstr></property></Properties>')  # fmt: skip
    source = io.BytesIO(docx_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as s, zipfile.ZipFile(out, "w") as t:
        for item in s.infolist():
            t.writestr(item, s.read(item.filename))
        t.writestr("docProps/custom.xml", custom)
    blind = entry_files.blind_docx(out.getvalue())
    assert b"Nguyen Thi Chu" not in _all_text(blind, "docx")
