"""The files of an entry: what is accepted, and the blind copy judges are served.

Accepted: Word (.docx), PDF, JPEG and PNG pictures, at most `MAX_FILES` per entry, each at
most `max_bytes()` (settings.HOISO_ENTRY_FILE_MAX_BYTES, else the upload limit), whose
content is what the extension says (core.uploads) and opens as that kind of file.

Blind review (docs/decisions.md): judges never get the original. At submission each file
gets a blind copy, made once and stored beside it:
- DOCX: the core properties (author, last modified by, title, subject, keywords,
  description, category) emptied; the application properties' company and manager emptied;
  custom properties emptied; every author/initials attribute of comments, tracked changes
  and the people part (word/*.xml) emptied.
- PDF: the document information dictionary and the XMP metadata removed, annotations
  (comments carry their author) removed, orphaned objects dropped (pypdf).
- JPEG/PNG: decoded and encoded again (turned upright first): no EXIF, XMP, IPTC or text
  chunks survive.
What the entrant typed into the document's body is hers: the typed text and a DOCX's body
are checked for the entrant's and the unit's name at submission (contests.entries).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.core.uploads import clean_name, content_matches, extension_of

MAX_FILES = 5
MAX_PIXELS = 40_000_000  # a 40-megapixel picture is plenty; more is refused, not decoded
KINDS = {"docx": "docx", "pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}
CORE_FIELDS = ("creator", "lastModifiedBy", "title", "subject", "keywords", "description",
               "category", "contentStatus", "identifier")  # fmt: skip
APP_FIELDS = ("Company", "Manager", "HyperlinkBase")
PERSON_ATTRIBUTE = re.compile(
    rb'(\s[\w]+:(?:author|initials|userId|providerId|presenceInfo)=)"[^"]*"'
)


class EntryFileError(ServiceError):
    """A file refused; the message is for the official."""


@dataclass
class CheckedFile:
    name: str  # as the official saw it (organiser and level above only)
    kind: str  # EntryFile.Kind
    data: bytes
    blind: bytes


def max_bytes() -> int:
    return getattr(settings, "HOISO_ENTRY_FILE_MAX_BYTES", settings.HOISO_MAX_UPLOAD_BYTES)


def check(upload) -> CheckedFile:
    """An acceptable upload read, checked and blinded; else EntryFileError."""
    name = clean_name(upload)
    extension = extension_of(name)
    if extension not in KINDS:
        raise EntryFileError(
            _("“%(name)s”: only Word (.docx), PDF and JPEG or PNG pictures can be submitted.")
            % {"name": name or "?"}
        )
    if upload.size > max_bytes():
        raise EntryFileError(_("“%(name)s” is %(size)s; a file may be at most %(max)s.") % {
            "name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())})  # fmt: skip
    if upload.size == 0 or not content_matches(upload, extension):
        raise EntryFileError(
            _("“%(name)s” is not a real %(kind)s file (its content does not match its extension).")
            % {"name": name, "kind": extension.upper()}
        )
    upload.seek(0)
    data = upload.read()
    kind = KINDS[extension]
    try:
        blind = BLINDERS[kind](data)
    except EntryFileError:
        raise
    except Exception as exc:  # a damaged file of the right kind: refused, named
        raise EntryFileError(
            _("“%(name)s” could not be opened as a %(kind)s file; it may be damaged.")
            % {"name": name, "kind": extension.upper()}
        ) from exc
    return CheckedFile(name=name, kind=kind, data=data, blind=blind)


def check_all(uploads) -> list[CheckedFile]:
    uploads = list(uploads or ())
    if len(uploads) > MAX_FILES:
        raise EntryFileError(_("An entry has at most %(n)d files.") % {"n": MAX_FILES})
    return [check(upload) for upload in uploads]


# ------------------------------------------------------------------------------ DOCX


def _empty_elements(xml: bytes, names: tuple[str, ...]) -> bytes:
    for name in names:
        # <dc:creator>Nguyễn Thị A</dc:creator> → <dc:creator></dc:creator>
        xml = re.sub(rb"(<(?:\w+:)?" + name.encode() + rb"(?:\s[^>]*)?>)[^<]*(</)", rb"\1\2", xml)
    return xml


def blind_docx(data: bytes) -> bytes:
    """The package rewritten with its identifying properties emptied (see the module)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    if "word/document.xml" not in source.namelist():
        raise EntryFileError(_("The Word file has no document in it."))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _empty_elements(content, CORE_FIELDS)
            elif info.filename == "docProps/app.xml":
                content = _empty_elements(content, APP_FIELDS)
            elif info.filename == "docProps/custom.xml":
                content = re.sub(rb"<(?:\w+:)?property\b.*?</(?:\w+:)?property>", b"", content,
                                 flags=re.S)  # fmt: skip
            elif info.filename.startswith("word/") and info.filename.endswith(".xml"):
                content = PERSON_ATTRIBUTE.sub(rb'\1""', content)
            target.writestr(info.filename, content)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """The words of a DOCX's body (for the names check), tags dropped."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8", "replace")
    return " ".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


# ------------------------------------------------------------------------------ PDF


def blind_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise EntryFileError(
            _("A password-protected PDF cannot be judged; submit it without a password.")
        )
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    writer.remove_annotations(subtypes=None)
    for page in writer.pages:
        for key in ("/PieceInfo", "/Metadata"):
            if key in page:
                del page[key]
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ pictures


def _blind_picture(data: bytes, fmt: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
        if probe.format != fmt:
            raise EntryFileError(_("The picture is not what its extension says."))
    if width * height > MAX_PIXELS:
        raise EntryFileError(_("The picture is too large (at most 40 megapixels)."))
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if fmt == "JPEG":
            upright.convert("RGB").save(out, "JPEG", quality=90)
        else:
            upright.save(out, "PNG", optimize=True)
    return out.getvalue()


BLINDERS = {
    "docx": blind_docx,
    "pdf": blind_pdf,
    "jpeg": lambda data: _blind_picture(data, "JPEG"),
    "png": lambda data: _blind_picture(data, "PNG"),
}
