"""Checks on uploaded evidence files: size, allowed type, and content that matches the type.

Never trust what the browser says: the extension must be allowed (settings.EVIDENCE_ALLOWED_TYPES)
AND the first bytes must look like that type ("magic"), so an executable or an HTML page renamed
to .pdf is refused. The content type we store and later send comes from this table, never from the
upload. Office formats are ZIP containers; we look at the member names without extracting anything.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SNIFF_BYTES = 8192


def _is_zip_with(*members: str) -> Callable:
    def check(head: bytes, file) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return all(m in names for m in members)

    return check


def _is_odt(head: bytes, file) -> bool:
    # OpenDocument: the first member is an uncompressed "mimetype" holding the media type.
    return (
        head.startswith(b"PK\x03\x04")
        and head[30:38] == b"mimetype"
        and b"application/vnd.oasis.opendocument.text" in head[:300]
    )


_BINARY_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"PK\x03\x04", b"%PDF")
_ALLOWED_CONTROLS = {9, 10, 12, 13}


def _is_text(head: bytes, file) -> bool:
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 4:
            return True  # a multi-byte character cut at the end of the sniffed block
    # Not UTF-8: accept a legacy 8-bit encoding (e.g. Windows-1252) without control characters.
    return not any(b < 32 and b not in _ALLOWED_CONTROLS for b in head)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    sniff: Callable[[bytes, object], bool] | None


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", lambda head, f: head.startswith(b"%PDF-")),
    "jpg": FileType("JPEG", "image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "jpeg": FileType("JPEG", "image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "png": FileType("PNG", "image/png", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "docx": FileType(
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _is_zip_with("[Content_Types].xml", "word/document.xml"),
    ),
    "xlsx": FileType(
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _is_zip_with("[Content_Types].xml", "xl/workbook.xml"),
    ),
    "odt": FileType("OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", _is_odt),
    "txt": FileType("Text (TXT)", "text/plain", _is_text),
}
# A type allowed in settings that we cannot sniff is stored and always sent as a download of
# unknown type, so a browser never renders it.
_UNKNOWN = FileType("", "application/octet-stream", None)


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.EVIDENCE_ALLOWED_TYPES]


def allowed_types_text() -> str:
    return ", ".join(ext.upper() for ext in allowed_extensions())


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def clean_name(name: str) -> str:
    """The original name to keep in the row: no directories, no control characters, ≤ 255."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:255]
    return name or "file"


@dataclass(frozen=True)
class CheckedFile:
    file: object
    name: str
    content_type: str
    size: int


def check_file(upload) -> tuple[CheckedFile | None, str]:
    """Return (checked file, "") or (None, a translated message naming the file and the problem)."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if size > settings.EVIDENCE_MAX_BYTES:
        return None, _("“%(name)s” is too large (%(size)s). The limit is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        }
    if size == 0:
        return None, _("“%(name)s” is empty.") % {"name": name}
    ext = extension_of(name)
    if not ext or ext not in allowed_extensions():
        return None, _("“%(name)s”: files of this type cannot be uploaded. Allowed types: %(types)s.") % {
            "name": name,
            "types": allowed_types_text(),
        }
    kind = FILE_TYPES.get(ext, _UNKNOWN)
    if kind.sniff is not None:
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        ok = kind.sniff(head, upload)
        upload.seek(0)
        if not ok:
            return None, _("“%(name)s” is not a real %(type)s file: its content does not match its name.") % {
                "name": name,
                "type": kind.label,
            }
    return CheckedFile(file=upload, name=name, content_type=kind.content_type, size=size), ""
