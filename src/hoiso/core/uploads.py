"""What every upload check needs: the file's own name (no path), and whether its content is
what its extension says — read from the first bytes and, for the Office formats (ZIP
packages), from the part every such document must hold. A renamed executable or a .doc
saved as .docx does not match."""

from __future__ import annotations

import zipfile

# extension → the part an Office Open XML package of that kind always contains
PACKAGES = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# extension → how a file of that kind starts
SIGNATURES = {
    "pdf": b"%PDF-",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}


def clean_name(upload) -> str:
    """The file's name as the official saw it, without any folder, at most 200 characters."""
    return str(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_matches(upload, extension: str) -> bool:
    """Whether a PDF (or a JPEG/PNG picture) starts as one, or a DOCX/XLSX is a package
    holding its main part. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension not in PACKAGES or not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and PACKAGES[extension] in names
