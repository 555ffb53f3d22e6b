"""The review's report as a PDF (WeasyPrint), in Swedish: the unit, the period, the reviewers, each
area's grade, each statement judged with its requirement or recommendation, and the indicators'
aggregates. Made when the report is published and stored with the review (what was published stays
as it was)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STYLESHEET = "quality/report_pdf.css"


def report_context(review, *, draft: bool = False) -> dict:
    from .indicators import unit_indicators

    areas = list(review.catalogue.areas.prefetch_related("statements"))
    grades = {f.area_id: f for f in review.area_findings.all()}
    judged = {f.statement_id: f for f in review.statement_findings.all()}
    rows = [
        {
            "area": area,
            "finding": grades.get(area.pk),
            "statements": [(s, judged.get(s.pk)) for s in area.statements.all()],
        }
        for area in areas
    ]
    return {
        "review": review,
        "draft": draft,
        "reviewers": [a.reviewer for a in review.reviewers.select_related("reviewer")],
        "rows": rows,
        "requirements": [f for f in judged.values() if f.action == "requirement"],
        "ind": unit_indicators(review.unit, start=review.period_start, end=review.period_end, exclude_review=review),
    }


def report_html(review, *, draft: bool = False) -> str:
    with translation.override("sv"):
        return render_to_string("quality/pdf/report.html", report_context(review, draft=draft))


def render_report(review, *, draft: bool = False) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=report_html(review, draft=draft), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet]
    )
