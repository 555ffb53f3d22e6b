"""Socialstyrelsen's blank forms (Bilaga 1–4), filled through their real AcroForm field names when
the installation has them (`OFFICIAL_FORMS_DIR`). The content is `certificates.content`'s, the same
as the own PDFs'; the layout within each field is `certificates.formfill`'s (nothing clipped).

What does not fit a form goes on one continuation page per form ("Bilaga 3, fortsättning"):
placements beyond Bilaga 3's 18 rows, and text too long for its field even at the smallest size.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings

from . import content, formfill
from .models import DocumentKind

OFFICIAL_FILES = {
    DocumentKind.BILAGA1: "HSLF-FS-2021-8-bilaga-1.pdf",
    DocumentKind.BILAGA2: "HSLF-FS-2021-8-bilaga-2.pdf",
    DocumentKind.BILAGA3: "HSLF-FS-2021-8-bilaga-3.pdf",
    DocumentKind.BILAGA4: "HSLF-FS-2021-8-bilaga-4.pdf",
}

B3_UNIT = "Tjänstgöringsställe sjukhus klinik enhet eller annan specificeringRow{}"
B3_PERIOD = "Period ååmmddååmmddRow{}"
B3_EXTENT = "Tjänstgöringens omfatt ning i procent av heltidRow{}"
B3_MONTHS = "Tjänstgöringens omfatt ning omräknad till månader på heltidRow{}"
B3_SUM = "Tjänstgöringens omfatt ning omräknad till månader på heltidSumma"
B3_PRIMARY = "Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom primärvård"
B3_EMERGENCY = "Redogör för vilken eller vilka delar av tjänstgöringen som genomförts inom akut sjukvård"
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
#: Bilaga 1's licence rows (Legitimation/motsvarande bevis om behörighet); "Land"/"Datum ååmmdd"
#: without a suffix is the medical degree.
B1_LICENCE_ROWS = (("Land_2", "Datum ååmmdd_2"), ("Land_3", "Datum ååmmdd_3"), ("Land_4", "Datum ååmmdd_4"))
#: Readable names of the long fields, for the continuation page.
FIELD_LABELS = {
    B2_ACTIVITIES: "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmål",
    B2_CHECKS: "Hur det kontrollerats att sökanden uppnått delmål",
    B3_PRIMARY: "Del av tjänstgöringen inom primärvård",
    B3_EMERGENCY: "Del av tjänstgöringen inom akut sjukvård",
}


def official_dir() -> Path | None:
    d = getattr(settings, "OFFICIAL_FORMS_DIR", "")
    return Path(d) if d and Path(d).is_dir() else None


def has_official(kind: str) -> bool:
    d = official_dir()
    return bool(d and (d / OFFICIAL_FILES[kind]).is_file())


def _person_fields(person: dict) -> dict:
    return {"Efternamn": person["last_name"], "Förnamn": person["first_name"], "Personnummer": person["personnummer"]}


def _bilaga1(trainee) -> list[dict]:
    b = content.bilaga1(trainee)
    f = _person_fields(b["person"]) | {
        "Epostadress": b["email"],
        "Telefon privat inkl riktnummer": b["phone"],
        "Telefon arbetet inkl riktnummer": b["work_phone"],
        "Arbetsplats": b["workplace"],
        "Utdelningsadress": b["street_address"],
        "Postnummer": b["postal_code"],
        "Postort": b["city"],
        "Land": b["degree_country"],
        "Datum ååmmdd": b["degree_date"],
        "Bilagor nr.0": b["attachments"]["goals"],
        "Bilagor nr.1": b["attachments"]["service"],
        "Bilagor nr.2": b["attachments"]["competence"],
        # Tjänstgöring före legitimation; utländsk tjänstgöring (credited earlier service).
        "Bilagor nr.3": b["attachments"]["before_licence"],
        "Bilagor nr.4": b["attachments"]["foreign"],
        # The applicant signs by hand: "Ort och datum" stays empty.
        "Ort och datum": b["place_and_date"],
    }
    for (country, date), licence in zip(B1_LICENCE_ROWS, b["licences"]):
        f |= {country: licence["country"], date: licence["date"]}
    return [f]


def _bilaga2(trainee) -> list[dict]:
    out = []
    for b in content.bilaga2(trainee):
        s = b["signer"]
        out.append(
            _person_fields(b["person"])
            | {
                "Bilaga nr": str(b["number"]),
                "Delmål som intyget avser tex BT1 BT2": b["goals"],
                B2_ACTIVITIES: b["activities"],
                B2_CHECKS: b["checks"],
                "Ort och datum": s["place_and_date"],
                "Namnförtydligande": s["name"],
                "Personnummer_2": s["personnummer"],
                "Specialitet": s["specialty"],
                "Tjänsteställe": s["workplace"],
            }
        )
    return out


def _bilaga3(trainee, b=None) -> list[dict]:
    b = b or content.bilaga3(trainee)
    f = _person_fields(b["person"]) | {"Bilaga nr": str(b["number"])}
    for i, row in enumerate(b["rows"][:B3_ROWS], start=1):
        f |= {
            B3_UNIT.format(i): row["unit"],
            B3_PERIOD.format(i): row["period"],
            B3_EXTENT.format(i): row["extent"],
            B3_MONTHS.format(i): row["months"],
        }
    f |= {
        B3_SUM: b["total"],
        B3_PRIMARY: b["primary_care"],
        B3_EMERGENCY: b["emergency_care"],
        # The verksamhetschef's signature, when a current one covers this content.
        "Ort och datum": b["signer"]["place_and_date"],
        "Namnförtydligande": b["signer"]["name_and_title"],
        "Tjänsteställe": b["signer"]["workplace"],
    }
    return [f]


def _bilaga4(trainee) -> list[dict]:
    b = content.bilaga4(trainee)
    m, e = b["main"], b["external"]
    return [
        _person_fields(b["person"])
        | {
            "Bilaga nr": str(b["number"]),
            "Ort och datum": m["place_and_date"],
            "Namnförtydligande": m["name"],
            "Personnummer_2": m["personnummer"],
            "Specialitet": m["specialty"],
            "Tjänsteställe": m["workplace"],
            "Ort och datum_2": e["place_and_date"],
            "Namnförtydligande_2": e["name"],
            "Personnummer_3": e["personnummer"],
            "Specialitet_2": e["specialty"],
            "Tjänsteställe_2": e["workplace"],
        }
    ]


def official_fields(trainee, kind: str) -> list[dict]:
    """Field values per filled form (Bilaga 2 may give several)."""
    makers = {
        DocumentKind.BILAGA1: _bilaga1,
        DocumentKind.BILAGA2: _bilaga2,
        DocumentKind.BILAGA3: _bilaga3,
        DocumentKind.BILAGA4: _bilaga4,
    }
    if kind not in makers:
        raise ValueError(kind)
    return makers[kind](trainee)


def bilaga3_overflow(trainee, *, placements=None) -> int:
    """How many placements do not fit the official Bilaga 3's table (they go on a continuation page)."""
    return max(0, (trainee.placements.count() if placements is None else len(placements)) - B3_ROWS)


def fill_official(trainee, kind: str) -> list[bytes]:
    """The filled official form(s), each followed by its continuation page when something did not fit."""
    from django.utils import translation
    from pypdf import PdfReader, PdfWriter

    from .pdf import render_continuation

    path = official_dir() / OFFICIAL_FILES[kind]
    out = []
    with translation.override("sv"):  # the official forms are Swedish
        b3 = content.bilaga3(trainee) if kind == DocumentKind.BILAGA3 else None
        forms = _bilaga3(trainee, b3) if b3 else official_fields(trainee, kind)
        for values in forms:
            writer = PdfWriter(clone_from=PdfReader(str(path)))
            continued = formfill.fill(writer, values)
            buf = io.BytesIO()
            writer.write(buf)
            out.append(buf.getvalue())
            rows = b3["rows"][B3_ROWS:] if b3 else []
            if continued or rows:
                texts = [(FIELD_LABELS.get(name, label), text) for name, label, text in continued]
                out.append(
                    render_continuation(
                        trainee, kind, number=values.get("Bilaga nr", ""), rows=rows, texts=texts, b3=b3
                    )
                )
    return out
