"""The filled official forms clip nothing: every filled value is drawn within its field's box, checked
with the field's own font metrics (the form's embedded Century Gothic: /Widths, /FontDescriptor),
the way Socialstyrelsen's reader will see it; numbers with a decimal comma; "Ort och datum" only on
what is signed, with the Europe/Stockholm date."""

import datetime
import io
import re
import shutil
import subprocess
from unittest import mock

import pytest
from django.utils import timezone

from btportal import factories as f
from certificates import formfill, official, pdf, services
from certificates.models import DocumentKind, FinalAssessment
from certificates.tests.test_pdfs import FORMS, PNG_DIR, fields_of, needs_forms
from organisations.models import UnitKind
from trainees.models import OtherLicence, Placement

from .conftest import sign_bilaga3

pytestmark = [pytest.mark.django_db, needs_forms]
D = datetime.date


@pytest.fixture(autouse=True)
def official_forms(settings):
    settings.OFFICIAL_FORMS_DIR = str(FORMS)


def drawn(data: bytes) -> dict[str, dict]:
    """Per filled field: its value, its box, and the lines its appearance stream draws (decoded with
    the font's own encoding) at the size it draws them, with the font's metrics."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    out = {}
    for page in reader.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget" or "/V" not in annot or not str(annot["/V"]):
                continue
            ap = annot["/AP"]["/N"].get_object()
            stream = ap.get_data().decode("latin-1")
            (font_name,) = set(re.findall(r"(/\S+) [\d.]+ Tf", stream))
            size = float(re.search(r"/\S+ ([\d.]+) Tf", stream).group(1))
            font = formfill.font_metrics(font_name, ap["/Resources"]["/Font"][font_name].get_object())
            by_code = {code: ch for ch, code in font.codes.items()}
            raw = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", ap.get_data())
            lines = []
            for item in raw:
                item = re.sub(rb"\\(.)", rb"\1", item)
                lines.append("".join(by_code.get(b, "\ufffd") for b in item))
            rect = [float(x) for x in annot["/Rect"]]
            out[str(annot.get("/T"))] = {
                "value": str(annot["/V"]),
                "lines": lines,
                "size": size,
                "font": font,
                "width": abs(rect[2] - rect[0]),
                "height": abs(rect[3] - rect[1]),
                "da": str(annot["/DA"]),
            }
    return out


def assert_everything_fits(data: bytes) -> dict[str, dict]:
    fields = drawn(data)
    assert fields
    for name, fd in fields.items():
        font, size = fd["font"], fd["size"]
        assert size >= formfill.MIN_SIZE, name
        assert f"{size:g} Tf" in fd["da"], name  # the field's own font size says the same
        for line in fd["lines"]:
            assert font.width(line, size) <= fd["width"] - 2 * formfill.PAD_X + 0.01, (name, line, size)
        assert len(fd["lines"]) * size * font.leading <= fd["height"] - 2 * formfill.PAD_Y + 0.01, (name, fd["lines"])
        shown = " ".join(fd["lines"])
        if not formfill.continues(fd["lines"]):  # all of it is on the form
            assert " ".join(shown.split()) == " ".join(fd["value"].split()), name
        assert "\ufffd" not in shown, (name, shown)
    return fields


def png(data: bytes, name: str, page: int = 1) -> None:
    if shutil.which("pdftoppm"):
        PNG_DIR.mkdir(exist_ok=True)
        (PNG_DIR / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                str(PNG_DIR / f"{name}.pdf"),
                str(PNG_DIR / name),
            ],
            check=True,
        )


@pytest.fixture
def mid_month(world):
    """Two placements at the same hospital with long clinic names, one of them 75 % over six calendar
    months starting mid-month, and a vårdcentral: 4,00 + 4,50 + 4,00 = 12,50."""
    t = world.trainee
    t.planned_start, t.licence_date = D(2027, 1, 15), D(2026, 12, 1)
    t.save()
    su = f.make_unit(world.vgr, "Sahlgrenska Universitetssjukhuset", kind=UnitKind.HOSPITAL, category="")
    med = f.make_unit(world.vgr, "Medicinkliniken", parent=su, category="akut")
    psych = f.make_unit(world.vgr, "Psykiatriska kliniken Östra", parent=su, category="psykiatri")
    vc = f.make_unit(world.vgr, "Vårdcentralen Kungshöjd", kind=UnitKind.HEALTH_CENTRE, category="primarvard")
    for unit, cat, start, end, extent in (
        (med, "akut", D(2027, 1, 15), D(2027, 5, 14), 100),
        (psych, "psykiatri", D(2027, 5, 15), D(2027, 11, 14), 75),
        (vc, "primarvard", D(2027, 11, 15), D(2028, 3, 14), 100),
    ):
        Placement.objects.create(trainee=t, category=cat, unit=unit, start=start, end=end, extent=extent)
    return t


def test_a_75_percent_placement_over_six_months_from_mid_month_on_the_official_bilaga_3(mid_month):
    [data] = pdf.fill_official(mid_month, DocumentKind.BILAGA3)
    values = fields_of(data)
    assert values[official.B3_UNIT.format(1)] == "Sahlgrenska Universitetssjukhuset, Medicinkliniken"
    assert values[official.B3_UNIT.format(2)] == "Sahlgrenska Universitetssjukhuset, Psykiatriska kliniken Östra"
    assert [values[official.B3_MONTHS.format(i)] for i in (1, 2, 3)] == ["4,00", "4,50", "4,00"]
    assert values[official.B3_EXTENT.format(2)] == "75" and values[official.B3_PERIOD.format(2)] == "270515-271114"
    assert values[official.B3_SUM] == "12,50"
    fields = assert_everything_fits(data)
    # Names readable: both rows at the same hospital show their clinic, in a smaller font, wrapped.
    med, psych = (fields[official.B3_UNIT.format(i)] for i in (1, 2))
    assert "Medicinkliniken" in " ".join(med["lines"]) and "Psykiatriska kliniken Östra" in " ".join(psych["lines"])
    assert psych["size"] < 10 and len(psych["lines"]) == 2
    assert fields[official.B3_MONTHS.format(2)]["size"] == 10  # what fits keeps the form's size
    # Unsigned: no "Ort och datum".
    assert not values.get("Ort och datum")
    png(data, "bilaga3-mid-month")


def test_every_field_of_all_four_forms_fits(world, completed, approved_assessor):
    from certificates.tests.test_final_and_issue import assign, judge_and_sign

    user = completed.user
    user.first_name, user.last_name = "Łucja Agnieszka", "Zielińska-Wróblewska"
    user.phone, user.work_phone = "070-123 45 67", "031-342 10 00 (växel), ankn. 4711"
    user.save()
    OtherLicence.objects.create(trainee=completed, country="Polen", date=D(2019, 11, 1))
    OtherLicence.objects.create(trainee=completed, country="Förenade Arabemiraten", date=D(2021, 3, 15))
    sign_bilaga3(completed, world.users["verksamhetschef"], place="Göteborg")
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"], place="Kungälv")
    judge_and_sign(final, world.users["extern_bedomare"], place="Gävle")
    for kind in DocumentKind.values:
        parts = pdf.fill_official(completed, kind)
        for data in parts:
            if data[:4] == b"%PDF" and b"/AcroForm" in data:
                assert_everything_fits(data)
        png(parts[0], f"fit-{kind}", page=1 if kind != "bilaga3" else 2)
    [b1] = pdf.fill_official(completed, DocumentKind.BILAGA1)
    fields = drawn(b1)
    assert fields["Efternamn"]["lines"] == ["Zielińska-Wróblewska"]  # Polish letters drawn, not "?"
    v = fields_of(b1)
    assert (v["Land_2"], v["Datum ååmmdd_2"]) == ("Sverige", "250815")
    assert (v["Land_3"], v["Land_4"], v["Datum ååmmdd_4"]) == ("Polen", "Förenade Arabemiraten", "210315")
    assert v["Telefon arbetet inkl riktnummer"] == "031-342 10 00 (växel), ankn. 4711"
    assert v["Telefon privat inkl riktnummer"] == "070-123 45 67"
    assert not v.get("Ort och datum")  # the applicant signs by hand


def test_place_and_date_only_when_signed_with_the_stockholm_date(world, completed, approved_assessor):
    from certificates.tests.test_final_and_issue import assign, judge_and_sign

    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    for kind in (DocumentKind.BILAGA2, DocumentKind.BILAGA3, DocumentKind.BILAGA4):
        values = fields_of(pdf.fill_official(completed, kind)[0])
        assert not values.get("Ort och datum") and not values.get("Ort och datum_2"), kind
    # Signed at 00:30 Stockholm time on 14 March, which is 23:30 UTC on the 13th (signed then:
    # a signed part never changes afterwards, the database refuses it).
    signed = datetime.datetime(2026, 3, 13, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=signed):
        judge_and_sign(final, world.users["huvudhandledare"], place="Kungälv")
    assert FinalAssessment.objects.get(pk=final.pk).main_signed_at == signed
    b4 = fields_of(pdf.fill_official(completed, DocumentKind.BILAGA4)[0])
    assert b4["Ort och datum"] == "Kungälv 260314" and not b4.get("Ort och datum_2")
    b2 = fields_of(pdf.fill_official(completed, DocumentKind.BILAGA2)[0])
    assert b2["Ort och datum"] == "Kungälv 260314"  # the huvudhandledare's signature of the delmål
    s = sign_bilaga3(completed, world.users["verksamhetschef"], place="Mölndal")
    b3 = fields_of(pdf.fill_official(completed, DocumentKind.BILAGA3)[0])
    assert b3["Ort och datum"] == f"Mölndal {timezone.localtime(s.signed_at):%y%m%d}"


def test_the_own_pdfs_print_no_date_on_what_is_unsigned(world, completed):
    from certificates.tests.test_pdfs import text_of

    # Rendered on a day no date of the fixture's data falls on (its Mini-CEX is dated
    # 2026-12-05, which was the real today once and made this test fail that day).
    now = datetime.datetime(2027, 1, 19, 10, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        today = timezone.localdate().strftime("%y%m%d")
        assert today == "270119"
        for kind in DocumentKind.values:
            assert today not in text_of(pdf.render_own(completed, kind)), kind


def test_text_too_long_for_its_field_continues_on_a_continuation_page(world, completed):
    from certificates.tests.test_pdfs import text_of
    from portfolio.models import Activity

    from .conftest import goal

    bt1 = goal("BT1")
    for i in range(90):
        a = Activity.objects.create(
            trainee=completed,
            kind="course",
            title=f"Kurs nummer {i:02d} i akut omhändertagande av vuxna och barn med andningssvikt, sepsis och trauma",
            start=D(2026, 1, 5),
        )
        a.goals.add(bt1)
    # 143 characters: as long as a unit name may be (160), yet too long for the narrow field
    long_unit = f.make_unit(world.vgr, "Verksamhetsområde " + "akutsjukvård och kirurgi " * 5, category="akut")
    p = completed.placements.order_by("start").first()
    p.unit = long_unit
    p.save()
    parts = pdf.fill_official(completed, DocumentKind.BILAGA2)
    assert len(parts) == 4  # three forms; the first followed by its continuation page
    assert_everything_fits(parts[0])
    shown = drawn(parts[0])[official.B2_ACTIVITIES]["lines"]
    assert formfill.continues(shown) and shown[-1] == formfill.CONTINUED
    cont = " ".join(text_of(parts[1]).split())
    assert "Bilaga 2, fortsättning" in cont
    # Every course is on the form or on its continuation page, none lost.
    courses = set(re.findall(r"Kurs nummer (\d\d)", " ".join(shown) + " " + cont))
    assert courses == {f"{i:02d}" for i in range(90)}
    assert "Utbildningsaktiviteter som sökanden genomfört för att uppnå delmål (fortsättning)" in cont
    b3 = pdf.fill_official(completed, DocumentKind.BILAGA3)
    assert len(b3) == 2
    assert_everything_fits(b3[0])
    assert "Bilaga 3, fortsättning" in text_of(b3[1])
    png(parts[0], "fit-bilaga2-long")


def test_the_layout_rules_of_a_field(db):
    """Smaller before wrapped, wrapped before cut; even the marker that text continues fits."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(FORMS / official.OFFICIAL_FILES[DocumentKind.BILAGA3])))
    boxes = formfill.field_boxes(writer)
    unit, months = boxes[official.B3_UNIT.format(1)], boxes[official.B3_MONTHS.format(1)]
    assert (unit.size, unit.font.resource) == (10, "/CenturyGothic")  # as the blank form says
    assert formfill.fit("Vårdcentralen Majorna", unit).lines == ["Vårdcentralen Majorna"]
    assert formfill.fit("Vårdcentralen Majorna", unit).size == 10
    smaller = formfill.fit("Sahlgrenska Universitetssjukhuset", unit)
    assert len(smaller.lines) == 1 and 6 <= smaller.size < 10
    for text, box in (("ord " * 200, months), ("Ängelholms sjukhus " * 30, unit)):
        result = formfill.fit(text, box)
        assert formfill.continues(result.lines) and result.rest and result.size == formfill.MIN_SIZE
        assert all(box.font.width(line, result.size) <= box.inner_width for line in result.lines)
        assert len(result.lines) * result.size * box.font.leading <= box.inner_height
    assert formfill.fit("ord " * 200, boxes["Bilaga nr"]).lines[-1] == formfill.CONTINUED_SHORT  # 72 pt wide
