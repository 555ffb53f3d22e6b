"""Activities with evidence files: bad files are refused with a clear message and change nothing."""

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portfolio import services
from portfolio.models import Activity, Evidence

from .factories import PDF, PNG, docx, goal, make_activity, make_placement, odt, pdf

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post_activity(client, trainee, files, **extra):
    data = {
        "kind": "course",
        "title": "Kurs i akut omhändertagande",
        "start": "2026-12-01",
        "goals": [goal("BT1").pk, goal("BT13").pk],
        "reflection": "Jag lärde mig ABCDE.",
        "files": files,
        **extra,
    }
    return client.post(reverse("portfolio:activity_add", args=[trainee.pk]), data, **EN)


@pytest.fixture
def me(client, world):
    client.force_login(world.users["bt_lakare"])
    return client


def test_it_logs_an_activity_with_files_stored_under_random_names(me, world, media_root):
    response = _post_activity(me, world.trainee, [pdf("Mitt intyg (kopia).pdf"), docx(), odt()])
    assert response.status_code == 302
    activity = Activity.objects.get(trainee=world.trainee)
    assert sorted(activity.goals.values_list("code", flat=True)) == ["BT1", "BT13"]
    rows = list(activity.evidence.order_by("pk"))
    assert [r.original_name for r in rows] == ["Mitt intyg (kopia).pdf", "reflektion.docx", "anteckning.odt"]
    assert rows[0].content_type == "application/pdf" and rows[0].size == len(PDF)
    for row in rows:
        assert re.fullmatch(rf"evidence/{world.trainee.pk}/[0-9a-f]{{32}}\.(pdf|docx|odt)", row.file.name)
        assert (media_root / row.file.name).is_file()
    assert len(_files(media_root)) == 3


def test_it_downloads_a_file_only_for_permitted_users(client, world):
    activity = make_activity(world.trainee, "BT1")
    evidence = services.attach_evidence(activity, files=[pdf("intyg.pdf")], by=world.users["bt_lakare"])[0]
    url = reverse("portfolio:evidence", args=[world.trainee.pk, activity.pk, evidence.pk])
    for persona in ("bt_lakare", "huvudhandledare", "studierektor", "kansli"):
        client.force_login(world.users[persona])
        response = client.get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert (
            response["Content-Disposition"].startswith("attachment") and "intyg.pdf" in response["Content-Disposition"]
        )
    for persona in ("granskare", "extern_bedomare", "outsider", "stranger_kansli", "handledare"):
        client.force_login(world.users[persona])
        assert client.get(url).status_code == 403, persona
    client.logout()
    assert client.get(url).status_code == 302
    # Through another trainee's URL the file does not exist.
    client.force_login(world.users["admin"])
    assert (
        client.get(reverse("portfolio:evidence", args=[world.other_trainee.pk, activity.pk, evidence.pk])).status_code
        == 404
    )


def test_the_file_is_not_under_a_public_url(world):
    activity = make_activity(world.trainee, "BT1")
    evidence = services.attach_evidence(activity, files=[pdf()], by=world.users["bt_lakare"])[0]
    # The page links to the permission-checked view, never to MEDIA_URL.
    client = Client()
    client.force_login(world.users["bt_lakare"])
    body = client.get(activity.get_absolute_url()).content.decode()
    assert reverse("portfolio:evidence", args=[world.trainee.pk, activity.pk, evidence.pk]) in body
    assert "/media/" not in body


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("program.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf"),
            "files of this type cannot be uploaded",
        ),
        (
            SimpleUploadedFile("intyg.pdf", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf"),
            "is not a real PDF file",
        ),
        (
            SimpleUploadedFile("intyg.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"),
            "is not a real PDF file",
        ),
        (SimpleUploadedFile("bild.png", PDF, content_type="image/png"), "is not a real PNG file"),
        (
            SimpleUploadedFile("dokument.docx", b"PK\x03\x04garbage", content_type="application/pdf"),
            "is not a real Word (DOCX) file",
        ),
        (SimpleUploadedFile("anteckning.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 40), "is not a real Text (TXT) file"),
        (
            SimpleUploadedFile("sida.html", b"<html></html>", content_type="text/plain"),
            "files of this type cannot be uploaded",
        ),
        (SimpleUploadedFile("utan-filändelse", PDF), "files of this type cannot be uploaded"),
        (SimpleUploadedFile("tom.pdf", b""), "is empty"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_changes(me, world, media_root, upload, message):
    response = _post_activity(me, world.trainee, [pdf("ok.pdf"), upload])
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert not Activity.objects.exists() and not Evidence.objects.exists()
    assert _files(media_root) == []


def test_an_oversized_file_is_refused_and_nothing_changes(me, world, settings, media_root):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = _post_activity(me, world.trainee, [pdf("stor.pdf", PDF + b"0" * 2000)])
    assert response.status_code == 400
    assert "“stor.pdf” is too large (2.0\xa0KB). The limit is 1.0\xa0KB." in response.content.decode()
    assert not Activity.objects.exists() and not Evidence.objects.exists()
    assert _files(media_root) == []


def test_the_service_refuses_bad_files_too(world, settings, media_root):
    settings.EVIDENCE_MAX_BYTES = 100
    activity = make_activity(world.trainee, "BT1")
    with pytest.raises(services.EvidenceRejected) as refused:
        services.attach_evidence(
            activity, files=[pdf("ok.pdf"), pdf("stor.pdf", PDF * 10)], by=world.users["bt_lakare"]
        )
    assert "stor.pdf" in str(refused.value)
    assert not Evidence.objects.exists() and _files(media_root) == []


def test_editing_an_activity_with_a_bad_file_changes_nothing(me, world, media_root):
    activity = make_activity(world.trainee, "BT1", title="Före")
    response = me.post(
        reverse("portfolio:activity_edit", args=[world.trainee.pk, activity.pk]),
        {
            "kind": "course",
            "title": "Efter",
            "start": "2026-12-01",
            "goals": [goal("BT2").pk],
            "files": [SimpleUploadedFile("x.exe", b"MZ")],
        },
        **EN,
    )
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.title == "Före" and list(activity.goals.values_list("code", flat=True)) == ["BT1"]
    assert _files(media_root) == []


def test_it_edits_an_activity_and_adds_and_removes_files(me, world, media_root, django_capture_on_commit_callbacks):
    placement = make_placement(world.trainee)
    activity = make_activity(world.trainee, "BT1")
    url = reverse("portfolio:activity_edit", args=[world.trainee.pk, activity.pk])
    assert me.get(url).status_code == 200
    response = me.post(
        url,
        {
            "kind": "clinical",
            "title": "Akutmottagningen",
            "start": "2026-11-02",
            "end": "2026-11-30",
            "goals": [goal("BT1").pk, goal("BT18").pk],
            "placement": placement.pk,
            "reflection": "Svårt men lärorikt",
            "files": [SimpleUploadedFile("foto.png", PNG)],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.placement == placement and activity.end.isoformat() == "2026-11-30"
    evidence = activity.evidence.get()
    assert evidence.content_type == "image/png"
    path = media_root / evidence.file.name
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post(reverse("portfolio:evidence_delete", args=[world.trainee.pk, activity.pk, evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists() and not path.exists()


def test_an_activity_needs_a_goal_and_sane_dates(me, world):
    response = _post_activity(me, world.trainee, [], goals=[], end="2026-11-01")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Link the activity to at least one goal (delmål)." in body
    assert "The end date cannot be before the start date." in body
    assert not Activity.objects.exists()


def test_a_placement_of_another_trainee_cannot_be_chosen(me, world):
    other = make_placement(world.other_trainee)
    response = _post_activity(me, world.trainee, [], placement=other.pk)
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_the_activity_list_filters_by_goal(me, world):
    make_activity(world.trainee, "BT1", title="Akuten")
    make_activity(world.trainee, "BT2", title="Psykiatrin")
    body = me.get(reverse("portfolio:activities", args=[world.trainee.pk]) + "?goal=BT2").content.decode()
    assert "Psykiatrin" in body and "Akuten" not in body


def test_a_storage_failure_on_upload_says_so_and_leaves_no_rows_or_files(me, world, media_root):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save
    calls = []

    def fail_on_second(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the first file is stored, then the storage fails
            raise OSError("No space left on device")
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", fail_on_second):
        response = me.post(
            reverse("portfolio:activity_add", args=[world.trainee.pk]),
            {
                "kind": "course",
                "title": "Kurs",
                "start": "2026-12-01",
                "goals": [goal("BT1").pk],
                "files": [pdf("first.pdf"), docx()],
            },
            HTTP_ACCEPT_LANGUAGE="sv",
        )
    assert response.status_code == 503
    body = response.content.decode()
    assert "Filen kunde inte sparas just nu, så ingenting sparades." in body
    assert "No space left" not in body
    assert len(calls) == 2
    assert not Activity.objects.filter(trainee=world.trainee).exists()
    assert not Evidence.objects.exists()
    assert _files(media_root) == []  # the first file was removed again


def test_a_storage_failure_when_attaching_to_an_activity_changes_nothing(world, media_root):
    activity = make_activity(world.trainee, "BT1")
    with (
        mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=OSError("disk gone")),
        pytest.raises(services.EvidenceNotStored),
    ):
        services.attach_evidence(activity, files=[pdf("intyg.pdf")], by=world.users["bt_lakare"])
    assert not Evidence.objects.filter(activity=activity).exists()
