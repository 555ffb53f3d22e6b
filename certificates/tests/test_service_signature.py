"""Bilaga 3: the verksamhetschef of the trainee's home unit reviews and signs the certificate of
completed service; the signature is immutable, covers a hash of the content, and goes out of date
when the placements change."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from btportal import factories as f
from certificates import pdf, services, signatures
from certificates.models import DocumentKind, ServiceSignature
from core.errors import DomainError
from trainees.models import Placement

pytestmark = pytest.mark.django_db


def raw_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def served(world):
    """The world's VGR trainee (home unit: the clinic) whose service ended ten days ago."""
    t = world.trainee
    t.user.first_name, t.user.last_name = "Åke", "Ängström"
    t.user.save()
    Placement.objects.create(trainee=t, category="akut", unit=world.clinic, start=days(-380), end=days(-261))
    Placement.objects.create(
        trainee=t, category="primarvard", unit=world.health_centre, start=days(-260), end=days(-141)
    )
    Placement.objects.create(
        trainee=t, category="psykiatri", unit=world.health_centre, start=days(-140), end=days(-10), extent=50
    )
    return t


@pytest.fixture
def head(world):
    return world.users["verksamhetschef"]


def sign(trainee, user, **kw):
    kw.setdefault("title", "Verksamhetschef")
    kw.setdefault("place", "Göteborg")
    return signatures.sign_service(trainee, user=user, **kw)


def test_it_signs_with_name_title_time_and_a_hash_of_the_content(served, head):
    s = sign(served, head)
    assert s.signer_name == head.get_full_name() and s.signer_title == "Verksamhetschef"
    assert s.workplace == "Medicinkliniken" or s.workplace.endswith("Medicinkliniken")
    assert len(s.content_sha256) == 64
    assert s.content_sha256 == signatures.content_hash(s.content)
    assert next(r["period"] for r in s.content["rows"]) == f"{days(-380):%y%m%d}-{days(-261):%y%m%d}"
    state = signatures.signature_state(served)
    assert state.status == "signed" and state.valid_signature == s


def test_a_signature_is_immutable(served, head):
    s = sign(served, head)
    s.signer_name = "Någon annan"
    with pytest.raises(ValidationError):
        s.save()
    with pytest.raises(ValidationError):
        s.delete()
    with pytest.raises(ValidationError):
        ServiceSignature.objects.filter(pk=s.pk).update(content_sha256="0" * 64)
    with pytest.raises(ValidationError):
        ServiceSignature.objects.filter(pk=s.pk).delete()
    assert ServiceSignature.objects.get(pk=s.pk).signer_name == head.get_full_name()


def test_changed_placements_make_the_signature_out_of_date(served, head):
    first = sign(served, head)
    with pytest.raises(DomainError):
        sign(served, head)  # nothing changed: no second signature
    p = served.placements.order_by("start").last()
    p.extent = 100
    p.save()
    state = signatures.signature_state(served)
    assert state.status == "outdated" and state.signature == first and state.valid_signature is None
    b3 = services.bilaga3(served)
    assert b3["signature"] is None and b3["signer"]["name"] == ""
    second = sign(served, head)
    assert signatures.signature_state(served).valid_signature == second
    assert served.service_signatures.count() == 2  # the old one stays on record
    # Adding a placement also outdates it.
    Placement.objects.create(trainee=served, category="valfri", unit=served.home_unit, start=days(-9), end=days(-5))
    assert signatures.signature_state(served).status == "outdated"


def test_it_refuses_bad_input(served, head, world):
    with pytest.raises(DomainError):
        sign(served, head, title="  ")
    with pytest.raises(DomainError):
        sign(served, head, title="x" * 121)
    with pytest.raises(DomainError):
        sign(served, head, place="  ")  # Bilaga 3 states place and date
    with pytest.raises(DomainError):
        sign(served, head, expected_sha256="0" * 64)  # the content shown is not the content now
    empty = f.make_trainee(home_unit=world.clinic)
    with pytest.raises(DomainError):
        sign(empty, head)
    # Not before the service is (nearly) complete.
    Placement.objects.create(trainee=served, category="valfri", unit=world.clinic, start=days(-4), end=days(90))
    with pytest.raises(DomainError):
        sign(served, head)
    assert not ServiceSignature.objects.exists()


def test_it_cannot_be_signed_before_the_last_placement_ends(served, head, world):
    """Bilaga 3 certifies *completed* service: not even a week ahead of the last day."""
    last = Placement.objects.create(trainee=served, category="valfri", unit=world.clinic, start=days(-9), end=days(7))
    with pytest.raises(DomainError, match="last day of service"):
        sign(served, head)
    last.end = days(1)
    last.save()
    with pytest.raises(DomainError):
        sign(served, head)
    last.end = days(0)  # the last day itself
    last.save()
    assert sign(served, head).content["rows"][-1]["period"].endswith(f"{days(0):%y%m%d}")


# --- pages and access ------------------------------------------------------------------------


def test_the_head_of_unit_lists_and_signs_through_the_page(client, served, head, world):
    client.force_login(head)
    r = client.get(reverse("certificates:service_list"), HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert r.status_code == 200 and "Åke Ängström" in body and 'data-status="unsigned"' in body
    url = reverse("certificates:service_sign", args=[served.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert f"{days(-140):%y%m%d}-{days(-10):%y%m%d}" in body and "Vårdcentralen Majorna" in body
    sha = page.context["state"].sha256
    # Without the confirmation nothing is signed.
    r = client.post(url, {"title": "Verksamhetschef", "place": "Göteborg", "sha256": sha}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and not ServiceSignature.objects.exists()
    r = client.post(url, {"title": "Verksamhetschef", "place": "Göteborg", "sha256": sha, "confirm": "on"})
    assert r.status_code == 302
    s = ServiceSignature.objects.get()
    assert s.signed_by == head and s.place == "Göteborg"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="b3-signed"' in body
    assert 'data-status="signed"' in client.get(reverse("certificates:service_list")).content.decode()
    # A stale page (content changed after it was shown) is refused.
    p = served.placements.first()
    p.end = p.end - datetime.timedelta(days=1)
    p.save()
    r = client.post(
        url,
        {"title": "Verksamhetschef", "place": "Göteborg", "sha256": sha, "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "changed while you were reviewing" in r.content.decode()
    assert ServiceSignature.objects.count() == 1


def test_the_list_shows_nearly_complete_service_and_all_on_request(client, world, head):
    soon = f.make_trainee(home_unit=world.clinic)
    Placement.objects.create(trainee=soon, category="akut", unit=world.clinic, start=days(-200), end=days(20))
    later = f.make_trainee(home_unit=world.clinic)
    Placement.objects.create(trainee=later, category="akut", unit=world.clinic, start=days(-20), end=days(300))
    client.force_login(head)
    r = client.get(reverse("certificates:service_list"))
    assert [c.trainee for c in r.context["rows"]] == [soon]
    r = client.get(reverse("certificates:service_list") + "?all=1")
    assert [c.trainee for c in r.context["rows"]] == [soon, later]
    # Nearly complete: shown, but not yet signable (Bilaga 3 certifies completed service).
    page = client.get(reverse("certificates:service_sign", args=[later.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="not-yet"' in page.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "bt_lakare",
        "handledare",
        "huvudhandledare",
        "studierektor",
        "kansli",
        "extern_bedomare",
        "granskare",
        "admin",
        "outsider",
        "stranger_kansli",
        "stranger_studierektor",
    ],
)
def test_only_a_head_of_unit_signs(client, world, served, persona):
    client.force_login(world.users[persona])
    assert client.get(reverse("certificates:service_list")).status_code == 403
    url = reverse("certificates:service_sign", args=[served.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "sha256": "x", "confirm": "on"}).status_code == 403
    assert not ServiceSignature.objects.exists()


def test_a_head_of_another_unit_may_not_sign(client, world, served):
    # The vårdcentral hosts two of the placements, but it is not the home unit.
    placement_head = f.make_user("vc-vc@example.se", role=Role.VERKSAMHETSCHEF, unit=world.health_centre)
    other_region_head = f.make_user("vc-gavle@example.se", role=Role.VERKSAMHETSCHEF, unit=world.other_clinic)
    url = reverse("certificates:service_sign", args=[served.pk])
    for user in (placement_head, other_region_head):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "x", "sha256": "x", "confirm": "on"}).status_code == 403
        assert served.pk not in [
            c.trainee.pk for c in client.get(reverse("certificates:service_list") + "?all=1").context["rows"]
        ]
    assert not ServiceSignature.objects.exists()
    # A head of the hospital (the clinic's parent) covers the clinic.
    hospital_head = f.make_user("vc-sahlgrenska@example.se", role=Role.VERKSAMHETSCHEF, unit=world.hospital)
    client.force_login(hospital_head)
    assert client.get(url).status_code == 200


def test_the_readiness_page_shows_whether_bilaga_3_is_signed(client, world, served, head):
    url = reverse("certificates:readiness", args=[served.pk])
    client.force_login(world.users["kansli"])
    assert 'data-testid="b3-unsigned"' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sign(served, head)
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="b3-signed"' in body and head.get_full_name() in body
    assert reverse("certificates:service_sign", args=[served.pk]) not in body  # the kansli does not sign
    client.force_login(head)
    assert reverse("certificates:service_sign", args=[served.pk]) in client.get(url).content.decode()
    p = served.placements.first()
    p.extent = 80
    p.save()
    client.force_login(world.users["kansli"])
    assert 'data-testid="b3-outdated"' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_home_page_links_the_signing(client, world):
    client.force_login(world.users["verksamhetschef"])
    assert reverse("certificates:service_list") in client.get(reverse("home")).content.decode()


# --- the PDFs --------------------------------------------------------------------------------


def test_the_signature_fills_the_own_and_the_official_bilaga_3(served, head, settings):
    from certificates.tests.test_pdfs import FORMS, fields_of, text_of

    text = text_of(pdf.render_own(served, DocumentKind.BILAGA3))
    assert head.get_full_name() not in text
    s = sign(served, head)
    signed_on = timezone.localtime(s.signed_at).strftime("%y%m%d")
    text = text_of(pdf.render_own(served, DocumentKind.BILAGA3))
    assert f"{head.get_full_name()}, Verksamhetschef" in text
    assert f"Göteborg {signed_on}" in text and s.content_sha256 in text
    if FORMS.is_dir():
        settings.OFFICIAL_FORMS_DIR = str(FORMS)
        [data] = pdf.fill_official(served, DocumentKind.BILAGA3)
        fields = fields_of(data)
        assert fields["Namnförtydligande"] == f"{head.get_full_name()}, Verksamhetschef"
        assert fields["Ort och datum"] == f"Göteborg {signed_on}"
        assert fields["Tjänsteställe"].endswith("Medicinkliniken")
    # Out of date: the signer fields are left empty again.
    p = served.placements.first()
    p.extent = 80
    p.save()
    assert head.get_full_name() not in text_of(pdf.render_own(served, DocumentKind.BILAGA3))


def test_the_bundle_checklist_shows_the_bilaga_3_signature(client, world, served, head):
    from certificates.tests.test_pdfs import text_of

    served.user.street_address, served.user.postal_code, served.user.city = "Storgatan 1", "411 38", "Göteborg"
    served.user.save()
    client.force_login(world.users["bt_lakare"])
    url = reverse("certificates:bundle", args=[served.pk])
    checklist = text_of(pdf.render_checklist(served))
    assert "Head of unit (verksamhetschef)" in checklist
    s = sign(served, head)
    # English (the tests' conftest overrides the language); read in reading order, cells wrap.
    checklist = " ".join(raw_text(pdf.render_checklist(served)).split())
    assert f"signed in BT-portalen on {timezone.localtime(s.signed_at):%Y-%m-%d}" in checklist
    assert head.get_full_name() in checklist
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(r.content)).pages) >= 6


def test_the_sign_page_of_a_trainee_without_placements(client, world, head):
    empty = f.make_trainee(home_unit=world.clinic)
    client.force_login(head)
    body = client.get(reverse("certificates:service_sign", args=[empty.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="no-placements"' in body and "Sign Bilaga 3" not in body
    assert client.get(reverse("certificates:service_sign", args=[999999])).status_code == 404
