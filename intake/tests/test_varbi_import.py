"""Import of applicants from a Varbi CSV export: mapping, all-or-nothing, row errors, duplicates."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from btportal import factories as f
from btportal.factories import PASSWORD
from core.tables import FileProblem
from intake import varbi
from intake.models import Application, ApplicationStatus
from intake.tests.factories import make_application, make_round

HEADER = "Ansökningsdatum;Förnamn;Efternamn;E-post;Personnummer;Telefon;Tjänst\r\n"


def pnr(day):
    return f.make_personnummer(datetime.date(1992, 1, day), serial=123)


def csv_file(*rows, header=HEADER, name="varbi.csv"):
    text = header + "".join(";".join(r) + "\r\n" for r in rows)
    return SimpleUploadedFile(name, b"\xef\xbb\xbf" + text.encode("utf-8"), content_type="text/csv")


def row(first, last, email, number, phone="070-1234567"):
    return ("2026-03-01", first, last, email, number, phone, "BT VGR")


def _import(client, round, upload, **extra):
    data = {"file": upload, "bt_type": "fristaende", "import": "1", **extra}
    return client.post(reverse("intake:import", args=[round.pk]), data)


@pytest.fixture
def kansli_client(client, world):
    client.login(email="kansli@example.se", password=PASSWORD)
    return client


def test_it_maps_varbi_headers_with_a_bom_and_semicolons(world):
    table = varbi.read_table(csv_file(row("Åsa", "Öberg", "asa@example.se", pnr(2))))
    assert set(table.index) == {"first_name", "last_name", "email", "personnummer", "phone"}
    report = varbi.validate(table, round=make_round(world.vgr))
    assert report.ok
    assert report.applicants[0].data == {
        "first_name": "Åsa",
        "last_name": "Öberg",
        "email": "asa@example.se",
        "personnummer": pnr(2),
        "phone": "070-1234567",
    }


def test_it_imports_every_row_as_a_submitted_application(world, kansli_client):
    round = make_round(world.vgr)
    number = pnr(3)
    upload = csv_file(
        row("Åsa", "Öberg", "asa@example.se", number[2:8] + "-" + number[8:]), row("Bo", "Ek", "bo@example.se", pnr(4))
    )
    response = _import(kansli_client, round, upload)
    assert response.status_code == 200
    apps = Application.objects.filter(round=round)
    assert apps.count() == 2
    assert {a.status for a in apps} == {ApplicationStatus.SUBMITTED}
    assert apps.get(first_name="Åsa").personnummer == number
    assert apps.first().history.first().history_user == world.users["kansli"]


def test_it_imports_nothing_when_one_row_is_bad(world, kansli_client):
    round = make_round(world.vgr)
    upload = csv_file(
        row("Åsa", "Öberg", "asa@example.se", pnr(5)),
        row("", "Ek", "not-an-email", "19920101-0000"),
    )
    response = _import(kansli_client, round, upload)
    assert response.status_code == 400
    assert not Application.objects.filter(round=round).exists()
    errors = response.context["report"].errors
    assert {(e.row, e.column) for e in errors} == {(3, "Förnamn"), (3, "E-post"), (3, "Personnummer")}


def test_it_detects_a_duplicate_personnummer_in_the_file(world, kansli_client):
    round = make_round(world.vgr)
    upload = csv_file(row("Åsa", "Öberg", "asa@example.se", pnr(6)), row("Åsa", "Öberg", "asa2@example.se", pnr(6)))
    response = _import(kansli_client, round, upload)
    assert response.status_code == 400
    assert "rad 2" in response.context["report"].errors[0].message  # Swedish: the default language
    assert not Application.objects.exists()


def test_it_detects_a_personnummer_already_in_the_round(world, kansli_client):
    round = make_round(world.vgr)
    make_application(round, personnummer=pnr(7))
    response = _import(kansli_client, round, csv_file(row("Åsa", "Öberg", "asa@example.se", pnr(7))))
    assert response.status_code == 400
    assert Application.objects.count() == 1


def test_it_flags_applicants_who_are_already_registered(world):
    existing = world.trainee.user
    table = varbi.read_table(csv_file(row("Bea", "Bt", existing.email, existing.personnummer)))
    report = varbi.validate(table, round=make_round(world.vgr))
    assert report.ok and report.flagged


@pytest.mark.parametrize(
    "content,name",
    [
        (b"", "varbi.csv"),
        (b"Namn;Adress\r\nx;y\r\n", "varbi.csv"),
        (HEADER.encode(), "varbi.csv"),
        (b"\x00\x01\x02binary", "varbi.csv"),
        (b"PK\x03\x04garbage", "varbi.xlsx"),
        (b"hello", "varbi.pdf"),
        (b'F\xf6rnamn;Efternamn;E-post;Personnummer\r\n"unterminated;x;y;z\r\n', "varbi.csv"),
    ],
)
def test_it_rejects_a_malformed_file_with_a_message(world, kansli_client, content, name):
    round = make_round(world.vgr)
    response = _import(kansli_client, round, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    context = response.context
    assert context["problem"] or (context["report"] and context["report"].errors) or context["form"].errors
    assert not Application.objects.exists()


def test_missing_columns_are_named(world):
    with pytest.raises(FileProblem, match="Personnummer"):
        varbi.read_table(csv_file(header="Förnamn;Efternamn;E-post\r\n"))


def test_it_reads_cp1252_files(world):
    text = "Förnamn;Efternamn;E-post;Personnummer\r\nÅsa;Öberg;asa@example.se;" + pnr(8) + "\r\n"
    table = varbi.read_table(SimpleUploadedFile("v.csv", text.encode("cp1252")))
    assert varbi.validate(table, round=make_round(world.vgr)).applicants[0].data["first_name"] == "Åsa"
