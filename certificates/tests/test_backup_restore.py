"""Backup and restore (docs/operations.md, "Backups"): a populated PostgreSQL database and its
files are dumped with pg_dump and a copy of the media directory, and restored into an empty
database and directory with nothing lost — every table's row count and content hash equal,
every file's hash equal, and the issued certificates still verify against the restored copy.

PostgreSQL only (the commands are PostgreSQL's); the data must be committed for pg_dump to see
it, so this test runs outside the usual test transaction (and puts the migrations' data back)."""

import hashlib
import os
import shutil
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from certificates import issuing, services
from certificates.tests.test_final_and_issue import signed_final  # noqa: F401 (a fixture)
from portfolio import services as portfolio_services
from portfolio.models import Activity

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql", "pgsql"),
        reason="backup and restore are PostgreSQL's pg_dump / pg_restore",
    ),
]


def _env() -> dict:
    s = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[name] = str(s[key])
    return env


def _run(*args) -> None:
    subprocess.run(args, check=True, env=_env(), capture_output=True, timeout=300)


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Per table: the number of rows and a hash of their content (in a fixed order)."""
    out = {}
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM \"{table}\" t"
            )
            out[table] = tuple(cursor.fetchone())
    return out


def _file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _use_database(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def test_a_dump_restores_into_an_empty_database_with_nothing_lost(world, signed_final, settings, tmp_path):  # noqa: F811
    # A populated database: issued certificates (PDF files) and an uploaded evidence file.
    docs = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])
    activity = Activity.objects.create(
        trainee=world.trainee, kind="course", title="Kurs", start=world.trainee.planned_start
    )
    upload = SimpleUploadedFile("intyg.txt", b"Kursintyg", content_type="text/plain")
    portfolio_services.attach_evidence(activity, files=[upload], by=world.trainee.user)
    media = Path(settings.MEDIA_ROOT)
    source_db = connection.settings_dict["NAME"]
    before, files_before = _fingerprint(), _file_hashes(media)
    assert before["certificates_issueddocument"][0] == len(docs) == 3 and len(files_before) == 4

    # Backup: the database with pg_dump (custom format), the files as an archive.
    dump, archive = tmp_path / "bt.dump", tmp_path / "media.tar.gz"
    _run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source_db)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname="media")

    # Restore into an empty database and an empty directory.
    restored_db = f"bt_restore_{uuid.uuid4().hex[:10]}"
    restored_media = tmp_path / "restored"
    _run("createdb", restored_db)
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored_db, str(dump))
        with tarfile.open(archive) as tar:
            tar.extractall(restored_media, filter="data")
        restored_media = restored_media / "media"

        _use_database(restored_db)
        settings.MEDIA_ROOT = restored_media
        try:
            assert _fingerprint() == before
            assert _file_hashes(restored_media) == files_before
            for doc in docs:
                state, restored = issuing.verify(doc.code)
                assert state == "valid"
                with restored.file.open("rb") as fh:
                    assert issuing.verify_bytes(restored, fh.read())
        finally:
            _use_database(source_db)
    finally:
        connection.close()
        _run("dropdb", "--if-exists", restored_db)
        shutil.rmtree(tmp_path / "restored", ignore_errors=True)
