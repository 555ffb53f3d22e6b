"""Bilaga 3 with more placements than the official form has rows (a continuation page), and
Bilaga 1's rows for credited earlier service (tillgodoräknande)."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from btportal import factories as f
from certificates import pdf, services
from certificates.models import DocumentKind, ServiceSignature
from certificates.signatures import content_hash
from certificates.tests.test_pdfs import FORMS, PNG_DIR, fields_of, needs_forms, text_of
from trainees.models import Credit, Placement

pytestmark = pytest.mark.django_db
D = datetime.date
EXTRA = 17  # 3 + 17 = 20 placements: two more than the official form's 18 rows


@pytest.fixture
def crowded(world, ready):
    """The ready trainee with 20 placements (one a month in 2028 after the first three)."""
    for i in range(EXTRA):
        unit = f.make_unit(world.vgr, f"Mottagning nr {i + 4:02d}", category="valfri")
        Placement.objects.create(
            trainee=ready,
            category="valfri",
            unit=unit,
            start=D(2028, i % 12 + 1, 1) if i < 12 else D(2029, i - 11, 1),
            end=(D(2028, i % 12 + 1, 28) if i < 12 else D(2029, i - 11, 28)),
        )
    return ready


def test_the_own_bilaga3_lists_every_row(crowded):
    assert len(services.bilaga3(crowded)["rows"]) == 20
    text = text_of(pdf.render_own(crowded, DocumentKind.BILAGA3))
    for i in range(4, 21):
        assert f"Mottagning nr {i:02d}" in text
    assert "290501-290528" in text  # the last row


@needs_forms
def test_the_official_bilaga3_gets_a_continuation_page(crowded, world, settings):
    from pypdf import PdfReader

    settings.OFFICIAL_FORMS_DIR = str(FORMS)
    parts = pdf.fill_official(crowded, DocumentKind.BILAGA3)
    assert len(parts) == 2  # the filled form and "Bilaga 3, fortsättning"
    fields = fields_of(parts[0])
    rows = services.bilaga3(crowded)["rows"]
    assert fields[pdf.B3_UNIT.format(18)] == rows[17]["unit"] == "Mottagning nr 18"
    assert fields[pdf.B3_PERIOD.format(18)] == rows[17]["period"]
    assert pdf.B3_UNIT.format(19) not in fields  # the form has no 19th row
    # The sum on the form is the sum of all rows, continuation included.
    assert fields["Tjänstgöringens omfatt ning omräknad till månader på heltidSumma"] == services.bilaga3(crowded)[
        "total"
    ].replace(".", ",")
    cont = text_of(parts[1])
    assert "Bilaga 3, fortsättning" in cont and "Ängström" in cont
    assert "Mottagning nr 19" in cont and "Mottagning nr 20" in cont and rows[19]["period"] in cont
    assert "Mottagning nr 18" not in cont and "Medicinkliniken" not in cont
    assert "19–20" in cont
    merged = pdf.merge(parts)
    assert len(PdfReader(io.BytesIO(merged)).pages) == len(PdfReader(io.BytesIO(parts[0])).pages) + 1
    assert "0,93" in cont and "0.93" not in cont  # decimal comma, as on the official form
    # Signed (made directly: this plan ends in the future): the signer fields are filled too.
    content = services.bilaga3_content(crowded)
    ServiceSignature.objects.create(
        trainee=crowded,
        signed_by=world.users["verksamhetschef"],
        signer_name="Vera Chef",
        signer_title="Verksamhetschef",
        workplace="Sahlgrenska, Medicinkliniken",
        place="Göteborg",
        content=content,
        content_sha256=content_hash(content),
    )
    parts = pdf.fill_official(crowded, DocumentKind.BILAGA3)
    fields = fields_of(parts[0])
    assert fields["Namnförtydligande"] == "Vera Chef, Verksamhetschef" and fields["Ort och datum"].startswith(
        "Göteborg "
    )
    assert "Vera Chef, Verksamhetschef" in text_of(parts[1])
    merged = pdf.merge(parts)
    if shutil.which("pdftoppm"):
        PNG_DIR.mkdir(exist_ok=True)
        (PNG_DIR / "bilaga3-overflow.pdf").write_bytes(merged)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(PNG_DIR / "bilaga3-overflow.pdf"), str(PNG_DIR / "bilaga3-overflow")],
            check=True,
        )


def test_no_continuation_page_when_the_rows_fit(ready, settings):
    assert pdf.bilaga3_overflow(ready) == 0
    if FORMS.is_dir():
        settings.OFFICIAL_FORMS_DIR = str(FORMS)
        assert len(pdf.fill_official(ready, DocumentKind.BILAGA3)) == 1


def test_the_readiness_page_warns_about_the_overflow(client, world, crowded, settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS) if FORMS.is_dir() else ""
    client.force_login(world.users["bt_lakare"])
    body = client.get(reverse("certificates:readiness", args=[crowded.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        'data-testid="b3-overflow"' in body and "2 placements do not fit" in body and "Bilaga 3, fortsättning" in body
    )
    if FORMS.is_dir():
        r = client.get(reverse("certificates:official", args=[crowded.pk, "bilaga3"]))
        assert r.status_code == 200
        assert "Bilaga 3, fortsättning" in text_of(r.content)
    Placement.objects.filter(trainee=crowded, unit__name__startswith="Mottagning").delete()
    body = client.get(reverse("certificates:readiness", args=[crowded.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="b3-overflow"' not in body


# --- Bilaga 1: credited service ----------------------------------------------------------------


@pytest.fixture
def credited(ready):
    Credit.objects.create(
        trainee=ready,
        category="akut",
        months=Decimal("3"),
        kind="before_licence",
        note="Underläkare före legitimation, SU 2025",
    )
    Credit.objects.create(
        trainee=ready, category="primarvard", months=Decimal("1.5"), kind="before_licence", note="VC Hisingen"
    )
    Credit.objects.create(
        trainee=ready, category="akut", months=Decimal("2"), kind="foreign", note="Rigshospitalet, Danmark"
    )
    return ready


def test_bilaga1_numbers_the_credited_service_after_bilaga4(credited):
    b1 = services.bilaga1(credited)
    # Bilaga 2: 2–4, Bilaga 3: 5, Bilaga 4: 6, then one attachment per credit.
    assert b1["attachments"]["before_licence"] == "7–8" and b1["attachments"]["foreign"] == "9"
    assert [c["number"] for c in b1["credits"]] == [7, 8, 9]
    assert services.bilaga1(f.make_trainee(home_unit=credited.home_unit))["attachments"]["foreign"] == ""


def flat(data: bytes) -> str:
    """The text in reading order, whitespace folded (table cells wrap)."""
    return " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode().split()
    )


def test_the_own_bilaga1_lists_the_credited_service(credited):
    text = flat(pdf.render_own(credited, DocumentKind.BILAGA1))
    assert "Tjänstgöring före legitimation" in text and "7–8" in text
    assert "Utländsk tjänstgöring" in text
    assert "Rigshospitalet, Danmark" in text and "Underläkare före legitimation, SU 2025" in text
    assert "1,50" in text and "1.5" not in text  # decimal comma, two decimals


def test_the_own_bilaga1_without_credits_shows_dashes(ready):
    text = text_of(pdf.render_own(ready, DocumentKind.BILAGA1))
    assert "Tjänstgöring före legitimation" in text and "Tillgodoräknad tjänstgöring" not in text


@needs_forms
def test_the_official_bilaga1_fills_the_credited_service_rows(credited, settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS)
    [data] = pdf.fill_official(credited, DocumentKind.BILAGA1)
    fields = fields_of(data)
    assert fields["Bilagor nr.0"] == "2–4" and fields["Bilagor nr.1"] == "5" and fields["Bilagor nr.2"] == "6"
    assert fields["Bilagor nr.3"] == "7–8"  # Tjänstgöring före legitimation
    assert fields["Bilagor nr.4"] == "9"  # Utländsk tjänstgöring


def test_the_checklist_asks_for_the_credit_attachments(credited):
    text = flat(pdf.render_checklist(credited))
    assert "You attach the certificate of this service" in text and "9 – Service abroad" in text
