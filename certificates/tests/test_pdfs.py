"""The four forms: the system's own PDFs (WeasyPrint) read back with pdftotext, and the official
blank forms filled through their real AcroForm fields, read back with pypdf."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from btportal.factories import PASSWORD
from certificates import pdf
from certificates.models import DocumentKind

pytestmark = pytest.mark.django_db
FORMS = Path(settings.BASE_DIR).parent / "shared" / "forms"
needs_forms = pytest.mark.skipif(not FORMS.is_dir(), reason="the official forms directory is absent")
PNG_DIR = Path("/tmp/btcert")


def text_of(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def fields_of(data: bytes) -> dict:
    from pypdf import PdfReader

    return {k: v.get("/V") for k, v in PdfReader(io.BytesIO(data)).get_fields().items()}


def test_own_bilaga3_lists_every_placement_with_months_and_sum(ready):
    text = text_of(pdf.render_own(ready, DocumentKind.BILAGA3))
    assert "Intyg om fullgjord bastjänstgöring" in text
    assert "Ängström" in text and "Åke" in text
    assert "Sahlgrenska, Medicinkliniken" in text
    assert "261101-270228" in text and "270301-270630" in text and "270701-271231" in text
    assert "Psykiatrimottagning Östra" in text and " 75 " in text
    assert "4,50" in text  # 6 months at 75 %, decimal comma
    assert "4,00" in text  # exactly four calendar months (never 3,99)
    assert "12,50" in text and "12.5" not in text  # 4 + 4 + 4.5
    assert "Vårdcentralen Majorna 270301-270630" in text  # primärvård part


def test_own_bilaga1_lists_attachments_in_order(ready):
    text = text_of(pdf.render_own(ready, DocumentKind.BILAGA1))
    assert "Ansökan om intyg om godkänd bastjänstgöring" in text
    assert "2–4" in text  # three Bilaga 2 forms (6 delmål each)
    # The forms are always Swedish (they go to Socialstyrelsen).
    assert "Bilaga nr 5" in text and "Bilaga nr 6" in text
    assert "260601" in text and "260815" in text


def test_own_bilaga2_has_activities_and_checks_per_goal(ready):
    text = text_of(pdf.render_own(ready, DocumentKind.BILAGA2))
    assert "Intyg om delmål i bastjänstgöringen" in text
    assert "BT1, BT2, BT3, BT4, BT5, BT6" in text and "BT13, BT14" in text
    assert "Akutmottagning – jour" in text and "Dr Åsa Öberg" in text


def test_own_bilaga4_names_both_assessors(ready, world):
    text = text_of(pdf.render_own(ready, DocumentKind.BILAGA4))
    assert "Intyg om uppnådd baskompetens" in text
    assert world.users["huvudhandledare"].last_name in text


@needs_forms
def test_official_bilaga3_fields_are_filled(ready, settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS)
    [data] = pdf.fill_official(ready, DocumentKind.BILAGA3)
    f = fields_of(data)
    assert f["Efternamn"] == "Ängström" and f["Förnamn"] == "Åke"
    assert f["Tjänstgöringsställe sjukhus klinik enhet eller annan specificeringRow1"] == "Sahlgrenska, Medicinkliniken"
    assert f["Period ååmmddååmmddRow1"] == "261101-270228"
    assert f["Tjänstgöringens omfatt ning i procent av heltidRow3"] == "75"
    assert f["Tjänstgöringens omfatt ning omräknad till månader på heltidRow1"] == "4,00"
    assert f["Tjänstgöringens omfatt ning omräknad till månader på heltidRow3"] == "4,50"
    assert f["Tjänstgöringens omfatt ning omräknad till månader på heltidSumma"] == "12,50"
    assert (
        "Vårdcentralen Majorna"
        in f["Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom primärvård"]
    )
    assert (
        "Medicinkliniken"
        in f["Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom akut sjukvård"]
    )
    assert f["Bilaga nr"] == "5"
    if shutil.which("pdftoppm"):
        PNG_DIR.mkdir(exist_ok=True)
        (PNG_DIR / "bilaga3-official.pdf").write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                str(PNG_DIR / "bilaga3-official.pdf"),
                str(PNG_DIR / "bilaga3-official"),
            ],
            check=True,
        )
        (PNG_DIR / "bilaga3-own.pdf").write_bytes(pdf.render_own(ready, DocumentKind.BILAGA3))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                str(PNG_DIR / "bilaga3-own.pdf"),
                str(PNG_DIR / "bilaga3-own"),
            ],
            check=True,
        )


@needs_forms
def test_official_bilaga1_2_4_fields_are_filled(ready, world, settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS)
    user = ready.user
    user.street_address, user.postal_code, user.city = "Storgatan 1", "411 38", "Göteborg"
    user.save()
    [b1] = pdf.fill_official(ready, DocumentKind.BILAGA1)
    f = fields_of(b1)
    assert f["Efternamn"] == "Ängström" and f["Land"] == "Sverige" and f["Datum ååmmdd"] == "260601"
    assert (f["Utdelningsadress"], f["Postnummer"], f["Postort"]) == ("Storgatan 1", "411 38", "Göteborg")
    assert f["Bilagor nr.0"] == "2–4" and f["Bilagor nr.1"] == "5" and f["Bilagor nr.2"] == "6"
    b2 = pdf.fill_official(ready, DocumentKind.BILAGA2)
    assert len(b2) == 3
    f = fields_of(b2[0])
    assert f["Delmål som intyget avser tex BT1 BT2"] == "BT1, BT2, BT3, BT4, BT5, BT6"
    assert f["Bilaga nr"] == "2"
    assert "Akutmottagning" in f[pdf.B2_ACTIVITIES] and "Åsa Öberg" in f[pdf.B2_CHECKS]
    assert f["Namnförtydligande"] == world.users["huvudhandledare"].get_full_name()
    [b4] = pdf.fill_official(ready, DocumentKind.BILAGA4)
    f = fields_of(b4)
    assert f["Bilaga nr"] == "6" and f["Specialitet"] == "Allmänmedicin"


def test_the_pdf_views_check_permissions(client, ready, world, settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS) if FORMS.is_dir() else ""
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    r = client.get(reverse("certificates:document", args=[ready.pk, "bilaga3"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert client.get(reverse("certificates:document", args=[ready.pk, "bilaga9"])).status_code == 404
    if FORMS.is_dir():
        assert client.get(reverse("certificates:official", args=[ready.pk, "bilaga1"])).status_code == 200
    client.login(email=world.users["outsider"].email, password=PASSWORD)
    assert client.get(reverse("certificates:document", args=[ready.pk, "bilaga3"])).status_code == 403


def test_the_qr_code_is_an_inline_svg_of_the_verification_url(settings):
    import base64

    settings.SITE_ROOT = "https://bt.example.se"
    uri = pdf.qr_data_uri(pdf.verify_url("ABCDEFGHJKLMNPQRSTUV"))
    assert uri.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(uri.split(",", 1)[1])
    assert pdf.verify_url("ABCDEFGHJKLMNPQRSTUV") == "https://bt.example.se/verify/ABCDEFGHJKLMNPQRSTUV/"


def test_the_own_pdfs_use_the_wording_of_the_official_forms(ready):
    def flat(kind):
        return " ".join(text_of(pdf.render_own(ready, kind)).split())

    b2, b3, b4 = flat(DocumentKind.BILAGA2), flat(DocumentKind.BILAGA3), flat(DocumentKind.BILAGA4)
    assert "Intygsutfärdande handledare bedömer att sökanden har uppnått delmålet/-n." in b2
    assert "Tjänsteställe" in b2 and "Arbetsplats" not in b2
    assert "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmål" in b2
    assert "Intygsutfärdande huvudansvarig verksamhetschef/motsvarande intygar att sökanden har fullgjort" in b3
    assert "omräknad till månader på heltid" in b3 and "Tjänsteförteckning" in b3, b3
    for who in ("huvudansvarig handledare", "extern bedömare"):
        assert (
            f"Intygsutfärdande {who} bedömer att sökanden har uppnått samtliga delmål i målbeskrivningen för "
            "bastjänstgöringen" in b4
        )
    b1 = flat(DocumentKind.BILAGA1)
    assert "Telefon arbetet (inkl. riktnummer)" in b1 and "Legitimation/motsvarande bevis om behörighet" in b1
