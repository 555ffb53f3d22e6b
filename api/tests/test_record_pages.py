"""The portable record from the pages and the commands."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.tests.record_helpers import exported

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(
    "persona,status",
    [("kansli", 200), ("bt_lakare", 200), ("huvudhandledare", 200), ("stranger_kansli", 403), ("granskare", 403)],
)
def test_those_who_may_see_the_record_may_export_it(client, world, persona, status):
    client.force_login(world.users[persona])
    response = client.get(reverse("api:record_export", args=[world.trainee.pk]))
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert set(zipfile.ZipFile(io.BytesIO(body)).namelist()) >= {"manifest.json", "record.json"}


def test_the_trainee_page_links_the_export(client, world):
    client.force_login(world.users["bt_lakare"])
    page = client.get(world.trainee.get_absolute_url()).content.decode()
    assert reverse("api:record_export", args=[world.trainee.pk]) in page


def test_the_bt_office_imports_a_record_into_its_region(client, world):
    data, pnr, _before = exported(world)
    client.force_login(world.users["stranger_kansli"])
    assert reverse("api:record_import") in client.get(reverse("trainees:list")).content.decode()
    response = client.post(
        reverse("api:record_import"),
        {
            "archive": SimpleUploadedFile("r.zip", data),
            "region": world.gavleborg.pk,
            "home_unit": world.other_clinic.pk,
        },
    )
    from trainees.models import Trainee

    trainee = Trainee.objects.get(user__personnummer=pnr)
    assert response.status_code == 302 and response["Location"] == trainee.get_absolute_url()
    assert trainee.region == world.gavleborg
    assert client.get(trainee.get_absolute_url()).status_code == 200


def test_only_the_bt_office_imports_and_only_into_its_own_region(client, world):
    data, _pnr, _before = exported(world)
    client.force_login(world.users["studierektor"])
    assert client.get(reverse("api:record_import")).status_code == 403
    client.force_login(world.users["stranger_kansli"])
    response = client.post(
        reverse("api:record_import"), {"archive": SimpleUploadedFile("r.zip", data), "region": world.vgr.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_a_refused_archive_is_shown_on_the_page(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(
        reverse("api:record_import"), {"archive": SimpleUploadedFile("r.zip", b"nope"), "region": world.vgr.pk}
    )
    assert response.status_code == 200
    assert "zip" in " ".join(response.context["form"].non_field_errors())


def test_the_commands_export_and_import(world, tmp_path):
    from api.record import spec
    from trainees.models import Trainee

    out = tmp_path / "record.zip"
    call_command(
        "export_record", "--trainee", world.trainee.user.personnummer, "--output", str(out), stdout=io.StringIO()
    )
    assert zipfile.ZipFile(out).testzip() is None
    counts = {m: m._base_manager.count() for m, _p in spec.owned_models()}
    stdout = io.StringIO()
    call_command("import_record", str(out), stdout=stdout)  # the same installation: nothing new
    assert {m: m._base_manager.count() for m, _p in spec.owned_models()} == counts
    assert Trainee.objects.filter(pk=world.trainee.pk).exists()
    with pytest.raises(CommandError, match="No BT doctor"):
        call_command("export_record", "--trainee", "19121212-1212", "--output", str(out))
    with pytest.raises(CommandError, match="home unit"):
        call_command("import_record", str(out), "--region", "gavleborg", stdout=io.StringIO())
