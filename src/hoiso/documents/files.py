"""Checking a file attached to a document before it is stored — an allowed extension (PDF,
DOCX), within the size limit, not empty, and content that is what the extension says (a PDF
starts with "%PDF-", a DOCX is a ZIP package holding word/document.xml) — and the text of a
Word file for search (read from word/document.xml with the standard library).

PDF text is not extracted: that would need a PDF library (pypdf) for what the number and the
summary already find; see the notes of the documents app."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.core.text import fold

ALLOWED = ("pdf", "docx")
WORD_PART = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_TEXT = 200_000  # characters of a document's text kept for search
MAX_XML_BYTES = 20 * 1024 * 1024  # a larger document.xml is not read (a ZIP bomb)


class FileRefused(ServiceError):
    """A file refused; the message is for the official."""


def max_bytes() -> int:
    return getattr(settings, "HOISO_DOCUMENT_MAX_BYTES", settings.HOISO_MAX_UPLOAD_BYTES)


def clean_name(upload) -> str:
    return str(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def check(upload) -> str:
    """The cleaned file name of an acceptable upload, else FileRefused."""
    name = clean_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise FileRefused(
            _("“%(name)s”: only PDF and Word (.docx) files can be attached.")
            % {"name": name or "?"}
        )
    if not upload.size:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > max_bytes():
        raise FileRefused(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_bytes()),
            }
        )
    if not _content_matches(upload, extension):
        raise FileRefused(
            _("“%(name)s” is not a real %(kind)s file (its content does not match its extension).")
            % {"name": name, "kind": extension.upper()}
        )
    return name


def _content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and WORD_PART in names


def folded_text(upload, name: str) -> str:
    """The folded text of a checked upload for search ("" for a PDF, or a Word file whose
    text cannot be read: the file is still kept, found by number and summary)."""
    if not name.lower().endswith(".docx"):
        return ""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            if package.getinfo(WORD_PART).file_size > MAX_XML_BYTES:
                return ""
            root = ElementTree.fromstring(package.read(WORD_PART))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return ""
    finally:
        upload.seek(0)
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        words = "".join(node.text or "" for node in paragraph.iter(f"{_W}t"))
        if words:
            paragraphs.append(words)
    return fold(re.sub(r"\s+", " ", " ".join(paragraphs)))[:MAX_TEXT]
