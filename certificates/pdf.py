"""The four forms as the system's own PDFs (WeasyPrint from templates), continuation pages, the
signature checklist and merging. The filled official forms are `certificates.official`'s (its
names are re-exported here for the views)."""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from . import content
from .models import DocumentKind
from .official import (  # noqa: F401  (the official forms, used through this module)
    B2_ACTIVITIES,
    B2_CHECKS,
    B3_EXTENT,
    B3_MONTHS,
    B3_PERIOD,
    B3_ROWS,
    B3_SUM,
    B3_UNIT,
    OFFICIAL_FILES,
    bilaga3_overflow,
    fill_official,
    has_official,
    official_dir,
    official_fields,
)

FORM_TITLES = {
    DocumentKind.BILAGA1: "Ansökan om intyg om godkänd bastjänstgöring",
    DocumentKind.BILAGA2: "Intyg om delmål i bastjänstgöringen",
    DocumentKind.BILAGA3: "Intyg om fullgjord bastjänstgöring",
    DocumentKind.BILAGA4: "Intyg om uppnådd baskompetens",
}
FORM_NAMES = {
    DocumentKind.BILAGA1: "Bilaga 1",
    DocumentKind.BILAGA2: "Bilaga 2",
    DocumentKind.BILAGA3: "Bilaga 3",
    DocumentKind.BILAGA4: "Bilaga 4",
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
        return {"b1": content.bilaga1(trainee)}
    if kind == DocumentKind.BILAGA2:
        b2_list = content.bilaga2(trainee)
        return {"b2_list": b2_list, "signed": all(b["signed"] for b in b2_list)}
    if kind == DocumentKind.BILAGA3:
        b3 = content.bilaga3(trainee)
        return {"b3": b3, "signed": b3["signed"]}
    if kind == DocumentKind.BILAGA4:
        b4 = content.bilaga4(trainee)
        return {"b4": b4, "signed": b4["signed"]}
    raise ValueError(kind)


def render_own(trainee, kind: str, *, code: str = "") -> bytes:
    """One of the four forms as the system's own PDF. The forms go to Socialstyrelsen, so they are
    always in Swedish, whatever language the user reads the portal in. Bilaga 2–4 without a
    verification code are drafts (previews before issuing) and say so on every page."""
    from django.utils import translation
    from weasyprint import HTML

    with translation.override("sv"):
        ctx = context_for(trainee, kind)
        ctx.update({"trainee": trainee, "kind": kind, "code": code})
        ctx["draft"] = not code and kind != DocumentKind.BILAGA1
        if code:
            ctx["verify_url"] = verify_url(code)
            ctx["qr"] = qr_data_uri(ctx["verify_url"])
        html = render_to_string(f"certificates/pdf/{kind}.html", ctx)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_continuation(trainee, kind: str, *, number="", rows=(), texts=(), b3=None) -> bytes:
    """ "Bilaga N, fortsättning": what did not fit the official form — Bilaga 3's placements beyond
    its rows (same columns, the sum of all rows) and text too long for its field."""
    from django.utils import translation
    from weasyprint import HTML

    with translation.override("sv"):
        person = (b3 or {}).get("person") or content._person(trainee.user)
        html = render_to_string(
            "certificates/pdf/continuation.html",
            {
                "form": FORM_NAMES[kind],
                "title": FORM_TITLES[kind],
                "number": number,
                "person": person,
                "b3": b3,
                "rows": rows,
                "texts": texts,
                "first_row": B3_ROWS + 1,
                "last_row": B3_ROWS + len(rows),
                "form_rows": B3_ROWS,
                "kind": kind,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


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

    b2 = content.bilaga2(trainee)
    nums = content.numbering(trainee)
    html = render_to_string(
        "certificates/pdf/checklist.html",
        {
            "trainee": trainee,
            "nums": nums,
            "b2_signed": bool(b2) and all(b["signed"] for b in b2),
            "b4": content.bilaga4(trainee),
            "b3_state": signature_state(trainee),
            "credits": content.credited_service(trainee),
            "b2_numbers": ", ".join(str(n) for n in nums["bilaga2"]),
            "main_supervisor": trainee.main_supervisor,
            "issued": set(trainee.issued_documents.filter(revoked_at=None).values_list("kind", flat=True)),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
