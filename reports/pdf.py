"""A BT-läkare's whole portfolio as one PDF (WeasyPrint): the plan with its months, progress on every
delmål, the IUP, the activities with their evidence, and the assessments.

What the portfolio page shows, on paper: private supervision notes are not in it (they have their own,
narrower permission), evidence files are listed by name (the files stay in the portal). Read in a fixed
number of queries whatever the size of the portfolio.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

import rules.counting
from assessments.models import Assessment
from portfolio.models import IUP, Activity
from portfolio.progress import ProgressSummary, progress
from reports import overview
from trainees.services import check_plan, to_rules_plan

STYLESHEET = "reports/portfolio_pdf.css"
# WeasyPrint draws inline SVG without the page's stylesheet: the bar's colours are attributes here
# (a PDF, not a page, so the Content-Security-Policy of the site does not apply). Same as reports.css.
COLOURS = {"evidenced": "#1b5e20", "in_progress": "#b58105", "not_started": "#adb5bd"}


def portfolio_context(trainee) -> dict:
    today = timezone.localdate()
    placements = list(trainee.placements.select_related("unit", "supervisor__supervisor_profile"))
    leave, credits = list(trainee.leave.all()), list(trainee.credits.all())
    check = check_plan(trainee, placements=placements, leave=leave, credits=credits)
    plan = to_rules_plan(trainee, placements=placements, leave=leave, credits=credits)
    count = rules.counting.count_service(plan)
    # to_rules_plan sorts by (start, end), as the placements come from the database.
    ordered = sorted(placements, key=lambda p: (p.start, p.end))
    goals = progress(trainee, today=today)
    iup = IUP.objects.filter(trainee=trainee).select_related("approved_by").first()
    return {
        "trainee": trainee,
        "today": today,
        "placements": [(p, rules.counting.as_number(months, 2)) for p, months in zip(ordered, count.per_placement)],
        "credits": credits,
        "leave": leave,
        "total_months": rules.counting.as_number(check.result.exact_fte, 2),
        "findings": check.findings,
        "goals": goals,
        "summary": ProgressSummary(trainee, goals),
        "chart": (chart := overview.progress_of_one(goals)),
        "bar": [(seg.x, seg.width, COLOURS[seg.series.key]) for seg in chart.rows[0].segments],
        "legend": [(s.label, COLOURS[s.key]) for s in chart.series],
        "iup": iup,
        "goal_plans": list(iup.goal_plans.select_related("goal").order_by("goal__number")) if iup else [],
        "activities": list(
            Activity.objects.filter(trainee=trainee)
            .select_related("placement__unit")
            .prefetch_related("goals", "evidence")
            .order_by("start", "pk")
        ),
        "assessments": list(
            Assessment.objects.filter(trainee=trainee)
            .select_related("placement__unit")
            .prefetch_related("goals")
            .order_by("performed_on", "pk")
        ),
    }


def portfolio_html(trainee) -> str:
    return render_to_string("reports/pdf/portfolio.html", portfolio_context(trainee))


def render_portfolio(trainee) -> bytes:
    """The PDF, in the reader's language (the portfolio is read, not sent to Socialstyrelsen)."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=portfolio_html(trainee), base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])
