"""Uploaded evidence and issued documents on an S3-compatible object store, through Django's
storage API (STORAGE_URL=s3://…), against a local S3 server that the test starts itself
(moto in server mode on loopback; never the internet)."""

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from btportal.env import storage_from_url
from certificates import issuing, services
from certificates.tests.test_final_and_issue import signed_final  # noqa: F401 (a fixture)
from portfolio import services as portfolio_services
from portfolio.models import Activity

pytestmark = pytest.mark.django_db
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-north-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    moto = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    port = _free_port()
    server = subprocess.Popen(
        [moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket as the default storage, configured the way production is: STORAGE_URL."""
    import boto3

    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    name = f"btportal-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-north-1")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    storage = storage_from_url(f"s3://{name}/media?endpoint_url={s3_endpoint}&region_name=eu-north-1")
    settings.STORAGES = {**settings.STORAGES, "default": storage}

    def keys():
        return sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", []))

    return keys


def test_issued_documents_are_written_to_and_read_from_the_object_store(world, signed_final, bucket):  # noqa: F811
    docs = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])
    assert bucket() == sorted(f"media/{d.file.name}" for d in docs)
    for doc in docs:
        with doc.file.open("rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF") and issuing.verify_bytes(doc, data)
        assert issuing.verify(doc.code)[0] == "valid"


def test_evidence_is_uploaded_read_and_removed_through_the_object_store(
    client, world, bucket, django_capture_on_commit_callbacks
):
    trainee = world.trainee
    activity = Activity.objects.create(trainee=trainee, kind="course", title="Kurs", start=trainee.planned_start)
    upload = SimpleUploadedFile("intyg.txt", b"Kursintyg, 2 dagar.", content_type="text/plain")
    (evidence,) = portfolio_services.attach_evidence(activity, files=[upload], by=trainee.user)
    assert bucket() == [f"media/{evidence.file.name}"]
    client.force_login(trainee.user)
    url = reverse("portfolio:evidence", args=[trainee.pk, activity.pk, evidence.pk])
    response = client.get(url)  # the permission-checked download reads it through the storage API
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Kursintyg, 2 dagar."
    with django_capture_on_commit_callbacks(execute=True):  # the file goes when the row is gone
        portfolio_services.remove_evidence(evidence, by=trainee.user)
    assert bucket() == []


def test_the_storage_is_chosen_by_storage_url():
    assert storage_from_url("")["BACKEND"].endswith("FileSystemStorage")
    assert storage_from_url("file:///srv/bt/media")["OPTIONS"] == {"location": "/srv/bt/media"}
    s3 = storage_from_url("s3://bt-files/prod?endpoint_url=https://s3.example.se&addressing_style=path")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "bt-files" and s3["OPTIONS"]["location"] == "prod"
    assert s3["OPTIONS"]["default_acl"] is None and s3["OPTIONS"]["querystring_auth"]
    with pytest.raises(ImproperlyConfigured):
        storage_from_url("s3://bt-files?secret=x")
    with pytest.raises(ImproperlyConfigured):
        storage_from_url("ftp://host/x")
