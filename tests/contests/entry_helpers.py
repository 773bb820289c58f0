"""Builders for the entry-contest tests: files that carry their author in their metadata (to
prove the blind copies drop it), a call with categories and a rubric, entries, a jury, and
the snapshot of the entry tables for the authorisation matrix."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

CALL_OF_A = "Ứng dụng CNTT trong sinh hoạt chi hội phường Ninh Kiều"
AUTHOR = "Đặng Thị Bí Mật"  # the entrant, as her software writes her into the files
AUTHOR_ASCII = "Dang Thi Bi Mat"  # as a camera or a PDF printer writes her

CORE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Bài của {unit}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created></cp:coreProperties>"""
APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>{unit}</Company><Manager>{author}</Manager></Properties>"""
COMMENTS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="{author}" w:initials="ĐTB"><w:p><w:r><w:t>Sửa lại đoạn này</w:t></w:r></w:p></w:comment></w:comments>"""


def docx_bytes(*, body: str = "Nội dung bài dự thi về chuyển đổi số.", author: str = AUTHOR,
               unit: str = "Hội LHPN phường Ninh Kiều") -> bytes:  # fmt: skip
    """A real Word document (python-docx) whose properties and a comment name its author."""
    import docx

    document = docx.Document()
    document.add_paragraph(body)
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = CORE_XML.format(author=author, unit=unit).encode()
            elif item.filename == "docProps/app.xml":
                data = APP_XML.format(author=author, unit=unit).encode()
            target.writestr(item.filename, data)
        target.writestr("word/comments.xml", COMMENTS_XML.format(author=author).encode())
    return out.getvalue()


def pdf_bytes(*, author: str = AUTHOR_ASCII, title: str = "Hội LHPN phường Ninh Kiều") -> bytes:
    from reportlab.pdfgen import canvas

    raw = io.BytesIO()
    pdf = canvas.Canvas(raw, invariant=1)
    pdf.setAuthor(author)
    pdf.setTitle(title)
    pdf.setSubject(author)
    pdf.drawString(100, 700, "Bai du thi")
    pdf.showPage()
    pdf.save()
    return raw.getvalue()


def jpeg_bytes(*, author: str = AUTHOR_ASCII) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 40, 90))
    exif = Image.Exif()
    exif[0x013B] = author  # Artist
    exif[0x8298] = author  # Copyright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(*, author: str = AUTHOR_ASCII) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", author)
    info.add_itxt("Description", author)
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 90)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def call_data(**over) -> dict:
    data = {"title": CALL_OF_A, "rules": "Bài dự thi không ghi tên tác giả.",
            "deadline": timezone.now() + datetime.timedelta(days=10),
            "categories": ["Ứng dụng phần mềm", "Mạng xã hội"], "judges_per_entry": 2, "disagreement": 20,
            "forward_count": 3, "prize_first": 1, "prize_second": 1, "prize_third": 1, "prize_consolation": 1}  # fmt: skip
    data.update(over)
    return data


RUBRIC = [("Tính sáng tạo", 3, 10), ("Tính ứng dụng", 5, 10), ("Trình bày", 2, 5)]


def make_call(actor, unit, *, open_=True, rubric=RUBRIC, **over):
    from hoiso.contests import entries

    contest = entries.call_create(actor=actor, unit=unit, data=call_data(**over))
    for name, weight, top in rubric:
        entries.criterion_add(actor=actor, contest=contest, name=name, weight=weight, max_score=top)
    if open_:
        entries.call_open(actor=actor, contest=contest)
    return contest


def submit(actor, contest, unit, n: int = 1, *, files=(), entrant=None, **over):
    from hoiso.contests import entries

    data = {"title": f"Sổ tay chi hội điện tử số {n}", "entrant": entrant or f"Nguyễn Thị Tác Giả {n}",
            "text": "Chi hội dùng nhóm Zalo để họp và gửi tài liệu.", "video_url": "",
            "category": contest.categories.order_by("order").first()}  # fmt: skip
    data.update(over)
    return entries.entry_submit(
        actor=actor, contest=contest, unit=unit, data=data, uploads=list(files)
    )


def past_deadline(contest):
    """Move the deadline into the past (as time would)."""
    type(contest).objects.filter(pk=contest.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    contest.refresh_from_db()
    return contest


def score_all(contest, values_for=None):
    """Every assignment scored by its judge: values_for(assignment) → {criterion id: value}."""
    from hoiso.contests import judging
    from hoiso.contests.models import Assignment

    criteria = list(contest.criteria.all())
    for a in Assignment.objects.filter(entry__contest=contest).select_related("judge__user"):
        values = (
            values_for(a)
            if values_for
            else {c.pk: Decimal(c.max_score) * Decimal("0.8") for c in criteria}
        )
        judging.scores_save(actor=a.judge.user, assignment=a, values=values)


def entries_snapshot() -> dict[str, list]:
    from hoiso.contests.models import (
        Assignment,
        Criterion,
        Entry,
        EntryCategory,
        EntryContest,
        EntryFile,
        Forward,
        Judge,
        Score,
    )

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "entry_contests": rows(
            EntryContest, "unit_id", "title", "status", "deadline", "judges_per_entry"
        ),
        "entry_categories": rows(EntryCategory, "contest_id", "name"),
        "entry_criteria": rows(Criterion, "contest_id", "name", "weight", "max_score"),
        "entries": rows(Entry, "contest_id", "unit_id", "title", "rank", "score", "prize"),
        "entry_files": rows(EntryFile, "entry_id", "name", "size"),
        "entry_judges": rows(Judge, "contest_id", "user_id", "unit_id"),
        "entry_assignments": rows(Assignment, "entry_id", "judge_id", "total", "scored_at"),
        "entry_scores": rows(Score, "assignment_id", "criterion_id", "value"),
        "entry_forwards": rows(Forward, "contest_id", "to_unit_id", "size"),
    }


def with_entries(snapshot):
    return lambda: {**snapshot(), **entries_snapshot()}
