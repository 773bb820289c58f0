"""Bad files: wrong content for the extension, too large, empty, not PDF/Word — refused with
a Vietnamese message and nothing written (no document, no attachment, no file on disk)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from hoiso.core.audit import AuditEntry
from hoiso.documents.files import FileRefused, check, folded_text
from hoiso.documents.models import Attachment, OutgoingDocument
from hoiso.documents.services import document_create, document_update
from tests.documents.conftest import PDF, docx, docx_bytes, draft_data, pdf

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("upload, words", [
    (SimpleUploadedFile("ke-hoach.pdf", b"PK\x03\x04not a pdf"), "is not a real PDF file"),
    (SimpleUploadedFile("ke-hoach.docx", PDF), "is not a real DOCX file"),
    (SimpleUploadedFile("ke-hoach.docx", b"PK\x03\x04broken zip"), "is not a real DOCX file"),
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "only PDF and Word (.docx)"),
    (SimpleUploadedFile("cu.doc", b"\xd0\xcf\x11\xe0"), "only PDF and Word (.docx)"),
    (SimpleUploadedFile("rong.pdf", b""), "is empty"),
])  # fmt: skip
def test_a_bad_file_is_refused_and_nothing_is_written(upload, words, tinh_admin, tree, english):
    with pytest.raises(FileRefused, match=words.replace("(", r"\(").replace(")", r"\)")):
        document_create(actor=tinh_admin, unit=tree.p, data=draft_data(),
                        uploads=[docx(), upload])  # fmt: skip
    assert not OutgoingDocument.objects.exists()
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="document.").exists()
    assert stored_files() == []


def test_a_zip_without_the_word_part_is_not_a_docx(english):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")  # an Excel file renamed
    with pytest.raises(FileRefused, match="not a real DOCX"):
        check(SimpleUploadedFile("bao-cao.docx", buffer.getvalue()))


def test_a_file_over_the_limit_is_refused(settings, tinh_admin, tree, english):
    settings.HOISO_DOCUMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * 2000)
    with pytest.raises(FileRefused, match="a file may be at most 1.0\xa0KB"):
        document_create(actor=tinh_admin, unit=tree.p, data=draft_data(), uploads=[big])
    assert not OutgoingDocument.objects.exists() and stored_files() == []


def test_the_message_is_in_vietnamese(tinh_admin, tree):
    with translation.override("vi"), pytest.raises(FileRefused) as refused:
        check(SimpleUploadedFile("x.pdf", b"not a pdf"))
    with translation.override("vi"):
        expected = translation.gettext(
            "“%(name)s” is not a real %(kind)s file (its content does not match its extension)."
        ) % {"name": "x.pdf", "kind": "PDF"}
    assert str(refused.value) == expected


def test_a_bad_file_added_to_a_draft_leaves_the_draft_as_it_was(draft, tinh_admin, english):
    before = list(Attachment.objects.values_list("pk", "name"))
    with pytest.raises(FileRefused):
        document_update(actor=tinh_admin, document=draft, data=draft_data(summary="Đã sửa"),
                        uploads=[pdf("sai.pdf", b"GIF89a")], remove=[before[0][0]])  # fmt: skip
    draft.refresh_from_db()
    assert draft.summary == draft_data()["summary"]
    assert list(Attachment.objects.values_list("pk", "name")) == before
    assert all(os.path.exists(a.file.path) for a in Attachment.objects.all())


def test_word_text_is_read_for_search():
    upload = SimpleUploadedFile("x.docx", docx_bytes("Hội thi “Phụ nữ với pháp luật”", "Đợt 2"))
    assert folded_text(upload, "x.docx") == "hoi thi “phu nu voi phap luat” dot 2"
    assert folded_text(pdf(), "cong-van.pdf") == ""
