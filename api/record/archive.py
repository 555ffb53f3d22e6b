"""The zip of a portable record: `manifest.json` (format, version, the SHA-256 of every other
member), `record.json` (the rows) and `files/…` (evidence and issued documents).

Reading checks everything before anything is used: a zip, safe member names, no member missing
or extra, every checksum, the size when unpacked. A changed byte anywhere is refused."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from api.record import RecordError

FORMAT = "btportal-record"
#: The version of the format this code writes and reads. Raise it when the meaning of the JSON
#: changes (not when a model gains a field: fields are carried by name).
VERSION = 1
MANIFEST = "manifest.json"
RECORD = "record.json"
_SAFE_NAME = re.compile(r"^(record\.json|files/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+)$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


class Writer:
    """Members are added one by one; `close()` writes the manifest with their checksums."""

    def __init__(self, fileobj, *, meta: dict):
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED)
        self.meta = meta
        self.members: dict[str, str] = {}

    def add(self, name: str, data: bytes) -> None:
        assert _SAFE_NAME.match(name), name
        if name in self.members:
            raise RecordError(_("Two files of the record have the same name: %(name)s.") % {"name": name})
        self.zip.writestr(name, data)
        self.members[name] = sha256(data)

    def close(self) -> None:
        manifest = {"format": FORMAT, "format_version": VERSION, **self.meta, "members": self.members}
        self.zip.writestr(MANIFEST, dumps(manifest))
        self.zip.close()


@dataclass
class Archive:
    manifest: dict
    record: dict
    zip: zipfile.ZipFile

    def read(self, name: str) -> bytes:
        """A member already checked against its checksum (every member is, when opened)."""
        if name not in self.manifest["members"]:
            raise RecordError(
                _("The record refers to a file that the archive does not hold: %(name)s.") % {"name": name}
            )
        return self.zip.read(name)


def _refuse(message: str, **params):
    raise RecordError(
        _("The archive cannot be imported: %(reason)s") % {"reason": message % params if params else message}
    )


def open_archive(fileobj) -> Archive:
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("it is not a zip archive."))
    names = [i.filename for i in infos]
    if len(names) != len(set(names)):
        _refuse(_("a member appears twice."))
    limit = getattr(settings, "RECORD_MAX_BYTES", 500 * 1024 * 1024)
    if sum(i.file_size for i in infos) > limit:
        _refuse(_("it is larger than %(mb)s MB unpacked."), mb=limit // (1024 * 1024))
    if MANIFEST not in names:
        _refuse(_("it has no manifest.json (is it a BT-portalen record?)."))
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        _refuse(_("its manifest.json is not valid JSON."))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _refuse(_("it is not a BT-portalen record."))
    if manifest.get("format_version") != VERSION:
        _refuse(
            _("it has format version %(found)s; this installation reads version %(version)s."),
            found=manifest.get("format_version"),
            version=VERSION,
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or RECORD not in members:
        _refuse(_("its manifest lists no record.json."))
    extra = set(names) - set(members) - {MANIFEST}
    missing = set(members) - set(names)
    if extra or missing:
        _refuse(_("its members differ from the manifest (%(names)s)."), names=", ".join(sorted(extra | missing))[:200])
    for name, digest in members.items():
        if not _SAFE_NAME.match(name):
            _refuse(_("it has a member with an unsafe name."))
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            _refuse(_("the member %(name)s cannot be read (damaged)."), name=name)
        if sha256(data) != digest:
            _refuse(
                _("the member %(name)s does not match its SHA-256 in the manifest (changed or damaged)."), name=name
            )
    try:
        record = json.loads(archive.read(RECORD).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        _refuse(_("its record.json is not valid JSON."))
    if not isinstance(record, dict) or not isinstance(record.get("objects"), list):
        _refuse(_("its record.json has no objects."))
    return Archive(manifest=manifest, record=record, zip=archive)
