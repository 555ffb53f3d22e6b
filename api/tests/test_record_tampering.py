"""A changed archive is refused with a clear message, and nothing is written (no row, no file)."""

import io
import json
import zipfile

import pytest

from api.record import RecordError, archive
from api.record.importing import import_record
from api.tests.record_helpers import exported

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _files(media_root) -> set:
    return {p for p in media_root.rglob("*") if p.is_file()} if media_root.exists() else set()


def _refused(data, media_root, match):
    from accounts.models import User
    from api.record import spec

    rows = {m: m._base_manager.count() for m, _path in spec.owned_models()} | {User: User.objects.count()}
    files = _files(media_root)
    with pytest.raises(RecordError, match=match):
        import_record(io.BytesIO(data))
    assert {m: m._base_manager.count() for m in rows} == rows
    assert _files(media_root) == files


def test_a_flipped_byte_in_a_file_is_refused(world, media_root):
    data, _pnr, _before = exported(world)
    members = _members(data)
    name = next(n for n in members if n.startswith("files/portfolio-evidence/"))
    body = bytearray(members[name])
    body[5] ^= 0x01
    members[name] = bytes(body)
    _refused(_zip(members), media_root, "does not match its SHA-256")


def test_a_flipped_byte_in_the_zip_itself_is_refused(world, media_root):
    data, _pnr, _before = exported(world)
    raw = bytearray(data)
    raw[len(raw) // 3] ^= 0xFF
    _refused(bytes(raw), media_root, "cannot be imported")


def test_an_edited_record_json_is_refused(world, media_root):
    data, _pnr, _before = exported(world)
    members = _members(data)
    record = json.loads(members["record.json"])
    next(o for o in record["objects"] if o["model"] == "assessments.assessment")["fields"]["overall"] = 4
    members["record.json"] = archive.dumps(record)
    _refused(_zip(members), media_root, "record.json does not match its SHA-256")


def test_an_edited_issued_document_is_refused_even_with_a_new_manifest(world, media_root):
    """Recomputing the manifest does not help: an issued document must match the SHA-256 it was issued with."""
    data, _pnr, _before = exported(world)
    members = _members(data)
    name = next(n for n in members if n.startswith("files/certificates-issueddocument/"))
    members[name] = b"%PDF-1.4 forged"
    manifest = json.loads(members["manifest.json"])
    manifest["members"][name] = archive.sha256(members[name])
    members["manifest.json"] = archive.dumps(manifest)
    _refused(_zip(members), media_root, "does not match its SHA-256: it was changed")


def test_a_failure_late_in_the_import_leaves_nothing_behind(world, media_root):
    """Files saved before a refusal are removed and the transaction is rolled back."""
    data, _pnr, _before = exported(world)
    members = _members(data)
    record = json.loads(members["record.json"])
    record["objects"].append(
        {
            "model": "trainees.leave",
            "key": "x:trainees.leave:1",
            "fields": {
                "kind": "sick",
                "start": "2027-01-01",
                "end": "not a date",
                "note": "",
                "trainee": record["trainee"],
            },
        }
    )
    members["record.json"] = archive.dumps(record)
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["record.json"] = archive.sha256(members["record.json"])
    members["manifest.json"] = archive.dumps(manifest)
    _refused(_zip(members), media_root, "is not valid")


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda m: m.pop("manifest.json"), "no manifest"),
        (lambda m: m.update({"files/extra/x.txt": b"x"}), "differ from the manifest"),
        (lambda m: m.update({"manifest.json": b"{"}), "not valid JSON"),
        (
            lambda m: m.update(
                {"manifest.json": m["manifest.json"].replace(b'"format_version": 1', b'"format_version": 99')}
            ),
            "format version 99",
        ),
    ],
)
def test_a_malformed_archive_is_refused(world, media_root, change, message):
    data, _pnr, _before = exported(world)
    members = _members(data)
    change(members)
    _refused(_zip(members), media_root, message)


def test_not_a_zip_is_refused(db, media_root):
    _refused(b"hello", media_root, "not a zip")


def test_a_field_this_installation_does_not_know_is_refused(world, media_root):
    data, _pnr, _before = exported(world)
    members = _members(data)
    record = json.loads(members["record.json"])
    record["objects"][0]["fields"]["no_such_field"] = "2026-01-01"
    members["record.json"] = archive.dumps(record)
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["record.json"] = archive.sha256(members["record.json"])
    members["manifest.json"] = archive.dumps(manifest)
    _refused(_zip(members), media_root, "trainees.trainee.no_such_field")
