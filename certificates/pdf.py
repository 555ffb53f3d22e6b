"""The four forms as PDFs: the system's own (WeasyPrint from templates) and the official
blank forms filled through their AcroForm fields (pypdf), when the installation has them."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from . import services
from .models import DocumentKind

OFFICIAL_FILES = {
    DocumentKind.BILAGA1: "HSLF-FS-2021-8-bilaga-1.pdf",
    DocumentKind.BILAGA2: "HSLF-FS-2021-8-bilaga-2.pdf",
    DocumentKind.BILAGA3: "HSLF-FS-2021-8-bilaga-3.pdf",
    DocumentKind.BILAGA4: "HSLF-FS-2021-8-bilaga-4.pdf",
}


def verify_url(code: str) -> str:
    base = getattr(settings, "SITE_ROOT", "").rstrip("/")
    return f"{base}{reverse('verify', args=[code])}"


def qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def context_for(trainee, kind: str) -> dict:
    if kind == DocumentKind.BILAGA1:
        return {"b1": services.bilaga1(trainee)}
    if kind == DocumentKind.BILAGA2:
        return {"b2_list": services.bilaga2(trainee)}
    if kind == DocumentKind.BILAGA3:
        return {"b3": services.bilaga3(trainee)}
    if kind == DocumentKind.BILAGA4:
        return {"b4": services.bilaga4(trainee)}
    raise ValueError(kind)


def render_own(trainee, kind: str, *, code: str = "") -> bytes:
    """One of the four forms as the system's own PDF. The forms go to Socialstyrelsen, so
    they are always in Swedish, whatever language the user reads the portal in."""
    from django.utils import translation
    from weasyprint import HTML

    with translation.override("sv"):
        ctx = context_for(trainee, kind)
        ctx.update({"trainee": trainee, "kind": kind, "code": code})
        if code:
            ctx["verify_url"] = verify_url(code)
            ctx["qr"] = qr_data_uri(ctx["verify_url"])
        html = render_to_string(f"certificates/pdf/{kind}.html", ctx)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# ---------------------------------------------------------------------------
# Official forms
# ---------------------------------------------------------------------------


def official_dir() -> Path | None:
    d = getattr(settings, "OFFICIAL_FORMS_DIR", "")
    return Path(d) if d and Path(d).is_dir() else None


def has_official(kind: str) -> bool:
    d = official_dir()
    return bool(d and (d / OFFICIAL_FILES[kind]).is_file())


def _person_fields(person: dict) -> dict:
    return {"Efternamn": person["last_name"], "Förnamn": person["first_name"], "Personnummer": person["personnummer"]}


B3_UNIT = "Tjänstgöringsställe sjukhus klinik enhet eller annan specificeringRow{}"
B3_PERIOD = "Period ååmmddååmmddRow{}"
B3_EXTENT = "Tjänstgöringens omfatt ning i procent av heltidRow{}"
B3_MONTHS = "Tjänstgöringens omfatt ning omräknad till månader på heltidRow{}"
B3_ROWS = 18
B2_ACTIVITIES = (
    "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmål tex kliniska tjänstgöringar under "
    "handledning kurser eller tidigare tjänstgöring Om intyget avser flera delmål beskriv vilka "
    "utbildningsaktiviteter som avser vilka delmål"
)
B2_CHECKS = (
    "Hur det kontrollerats att sökanden uppnått delmål tex bedömningar av kliniskt omhändertagande eller "
    "kursexaminationer Om intyget avser flera delmål beskriv vilka kontroller som avser vilka delmål"
)


def official_fields(trainee, kind: str) -> list[dict]:
    """Field values per filled form (Bilaga 2 may give several)."""
    if kind == DocumentKind.BILAGA1:
        b = services.bilaga1(trainee)
        f = _person_fields(b["person"]) | {
            "Epostadress": b["email"],
            "Telefon privat inkl riktnummer": b["phone"],
            "Arbetsplats": b["workplace"],
            "Utdelningsadress": b["street_address"],
            "Postnummer": b["postal_code"],
            "Postort": b["city"],
            "Land": b["degree_country"],
            "Datum ååmmdd": b["degree_date"],
            "Land_2": b["licence_country"],
            "Datum ååmmdd_2": b["licence_date"],
            "Bilagor nr.0": b["attachments"]["goals"],
            "Bilagor nr.1": b["attachments"]["service"],
            "Bilagor nr.2": b["attachments"]["competence"],
            # Tjänstgöring före legitimation; utländsk tjänstgöring (credited earlier service).
            "Bilagor nr.3": b["attachments"]["before_licence"],
            "Bilagor nr.4": b["attachments"]["foreign"],
        }
        return [f]
    if kind == DocumentKind.BILAGA2:
        out = []
        for b in services.bilaga2(trainee):
            s = b["signer"]
            out.append(
                _person_fields(b["person"])
                | {
                    "Bilaga nr": str(b["number"]),
                    "Delmål som intyget avser tex BT1 BT2": b["goals"],
                    B2_ACTIVITIES: b["activities"],
                    B2_CHECKS: b["checks"],
                    "Namnförtydligande": s["name"],
                    "Personnummer_2": s["personnummer"],
                    "Specialitet": s["specialty"],
                    "Tjänsteställe": s["workplace"],
                }
            )
        return out
    if kind == DocumentKind.BILAGA3:
        b = services.bilaga3(trainee)
        f = _person_fields(b["person"]) | {"Bilaga nr": str(b["number"])}
        for i, row in enumerate(b["rows"][:B3_ROWS], start=1):
            # The official form is Swedish: decimal comma.
            f |= {
                B3_UNIT.format(i): row["unit"],
                B3_PERIOD.format(i): row["period"],
                B3_EXTENT.format(i): row["extent"],
                B3_MONTHS.format(i): row["months"].replace(".", ","),
            }
        f |= {
            "Tjänstgöringens omfatt ning omräknad till månader på heltidSumma": b["total"].replace(".", ","),
            "Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom primärvård": b["primary_care"],
            "Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom akut sjukvård": b[
                "emergency_care"
            ],
            # The verksamhetschef's signature, when a current one covers this content.
            "Ort och datum": b["signer"]["place_and_date"],
            "Namnförtydligande": b["signer"]["name_and_title"],
            "Tjänsteställe": b["signer"]["workplace"],
        }
        return [f]
    if kind == DocumentKind.BILAGA4:
        b = services.bilaga4(trainee)
        m, e = b["main"], b["external"]
        return [
            _person_fields(b["person"])
            | {
                "Bilaga nr": str(b["number"]),
                "Namnförtydligande": m["name"],
                "Personnummer_2": m["personnummer"],
                "Specialitet": m["specialty"],
                "Tjänsteställe": m["workplace"],
                "Ort och datum": b["main_date"],
                "Namnförtydligande_2": e["name"],
                "Personnummer_3": e["personnummer"],
                "Specialitet_2": e["specialty"],
                "Tjänsteställe_2": e["workplace"],
                "Ort och datum_2": b["external_date"],
            }
        ]
    raise ValueError(kind)


def bilaga3_overflow(trainee) -> int:
    """How many placements do not fit the official Bilaga 3's table (they go on a continuation page)."""
    return max(0, trainee.placements.count() - B3_ROWS)


def render_bilaga3_continuation(trainee, b3: dict | None = None) -> bytes:
    """ "Bilaga 3, fortsättning": the placements beyond the official form's rows, same columns."""
    from django.utils import translation
    from weasyprint import HTML

    with translation.override("sv"):
        b3 = b3 or services.bilaga3(trainee)
        # A continuation of the official (Swedish) form: decimal comma, as on the form.
        rows = [r | {"months": r["months"].replace(".", ",")} for r in b3["rows"][B3_ROWS:]]
        html = render_to_string(
            "certificates/pdf/bilaga3_continuation.html",
            {
                "b3": b3,
                "rows": rows,
                "total": b3["total"].replace(".", ","),
                "first_row": B3_ROWS + 1,
                "last_row": len(b3["rows"]),
                "form_rows": B3_ROWS,
                "kind": "bilaga3",
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def fill_official(trainee, kind: str) -> list[bytes]:
    from django.utils import translation
    from pypdf import PdfReader, PdfWriter

    path = official_dir() / OFFICIAL_FILES[kind]
    out = []
    with translation.override("sv"):  # the official forms are Swedish
        forms = official_fields(trainee, kind)
    for values in forms:
        writer = PdfWriter(clone_from=PdfReader(str(path)))
        known = set(writer.get_fields() or {})
        values = {k: v for k, v in values.items() if k in known}
        for page in writer.pages:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        writer.set_need_appearances_writer(True)
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    if kind == DocumentKind.BILAGA3 and bilaga3_overflow(trainee):
        out.append(render_bilaga3_continuation(trainee))
    return out


def merge(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def render_checklist(trainee) -> bytes:
    """The last page of the bundle: what still needs a wet or digital signature."""
    from weasyprint import HTML

    from .signatures import signature_state

    b4 = services.bilaga4(trainee)
    nums = services.numbering(trainee)
    html = render_to_string(
        "certificates/pdf/checklist.html",
        {
            "trainee": trainee,
            "nums": nums,
            "b4": b4,
            "b3_state": signature_state(trainee),
            "credits": services.credited_service(trainee),
            "b2_numbers": ", ".join(str(n) for n in nums["bilaga2"]),
            "main_supervisor": trainee.main_supervisor,
            "issued": set(trainee.issued_documents.filter(revoked_at=None).values_list("kind", flat=True)),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
