"""A trainee's whole portfolio as one PDF, for those who may see the portfolio."""

import datetime
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import IUP, IUPGoalPlan
from portfolio.tests.factories import goal

from .factories import make_cohort

pytestmark = pytest.mark.django_db
D = datetime.date


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    "persona,status",
    [
        ("bt_lakare", 200),
        ("huvudhandledare", 200),
        ("kansli", 200),
        ("studierektor", 200),
        ("granskare", 403),
        ("stranger_kansli", 403),
        ("outsider", 403),
    ],
)
def test_the_pdf_has_the_portfolios_permission(client, world, persona, status):
    client.force_login(world.users[persona])
    response = client.get(reverse("reports:portfolio_pdf", args=[world.trainee.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_holds_plan_progress_iup_activities_and_assessments(client, world, tmp_path):
    (t,) = make_cohort(world, 1, start=D(2026, 11, 1))
    iup = IUP.objects.create(trainee=t)
    IUPGoalPlan.objects.create(iup=iup, goal=goal("BT1"), activities="Akutmottagningen varje vecka")
    t.activities.update(title="Traumakurs", reflection="Lärde mig ATLS.")
    client.force_login(world.users["kansli"])
    text = _text(client.get(reverse("reports:portfolio_pdf", args=[t.pk])).content, tmp_path)
    for expected in ["Portfölj", "Medicinkliniken", "2026-11-01", "BT18", "Akutmottagningen varje vecka"]:
        assert expected in text, expected
    for expected in ["Traumakurs", "Lärde mig ATLS.", "Mini-CEX", "Dr Bedömare", "Styrkt"]:
        assert expected in text, expected


def test_the_pdf_reads_a_fixed_number_of_queries(world):
    from portfolio.tests.factories import make_activity, make_assessment
    from reports.pdf import portfolio_html

    (t,) = make_cohort(world, 1)
    with CaptureQueriesContext(connection) as few:
        portfolio_html(t)
    for _ in range(10):
        make_activity(t, "BT4", "BT5")
        make_assessment(t, "BT4")
    with CaptureQueriesContext(connection) as many:
        html = portfolio_html(t)
    assert html.count("BT4, BT5") >= 10
    assert len(many) == len(few)
