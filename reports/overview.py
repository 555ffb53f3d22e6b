"""The charts of a cohort and of units: progress by delmål, time to completion, intake per round,
capacity use by month. Each gives a `reports.charts.Chart` with its summary in words."""

from __future__ import annotations

import datetime
import itertools
import statistics

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import rules.counting
from intake.models import Application, ApplicationStatus, Round
from portfolio.progress import ProgressState
from reports.charts import Series, bar_chart
from trainees.capacity import month_grid
from trainees.models import TraineeStatus


def _number(value) -> str:
    """One decimal in the reader's language: 11.5 → "11,5" in Swedish."""
    from django.utils.formats import number_format

    return number_format(round(float(value), 1), 1)


# ---------------------------------------------------------------------------
# Progress by delmål
# ---------------------------------------------------------------------------


def progress_by_goal(rows):
    """`rows`: cohort rows, or anything with their `goals` (`reports.dashboard.CohortFacts`)."""
    states = [ProgressState.EVIDENCED, ProgressState.IN_PROGRESS, ProgressState.NOT_STARTED]
    series = [Series(s.value, str(s.label)) for s in states]
    codes: list[str] = []
    for row in rows:
        codes += [c for c in row.goals if c not in codes]
    counts = {code: dict.fromkeys(states, 0) for code in codes}
    for row in rows:
        for code, state in row.goals.items():
            counts[code][state] += 1
    data = [(code, [counts[code][s] for s in states]) for code in codes]
    n = len(rows)
    if codes and n:
        best = max(codes, key=lambda c: (counts[c][ProgressState.EVIDENCED], -codes.index(c)))
        worst = min(codes, key=lambda c: (counts[c][ProgressState.EVIDENCED], codes.index(c)))
        summary = ngettext(
            "Evidence for %(best)s (the most): %(best_count)s of %(n)s BT doctor; for %(worst)s (the fewest): "
            "%(worst_count)s.",
            "Evidence for %(best)s (the most): %(best_count)s of %(n)s BT doctors; for %(worst)s (the fewest): "
            "%(worst_count)s.",
            n,
        ) % {
            "n": n,
            "best": best,
            "best_count": counts[best][ProgressState.EVIDENCED],
            "worst": worst,
            "worst_count": counts[worst][ProgressState.EVIDENCED],
        }
    else:
        summary = _("No BT doctors in this selection.")
    return bar_chart(
        "chart-goals",
        _("Progress by goal (delmål)"),
        series=series,
        rows=data,
        summary=summary,
        label_header=_("Goal"),
        texts=[_("%(evidenced)s of %(n)s") % {"evidenced": v[0], "n": sum(v)} for _c, v in data],
    )


def progress_of_one(goals):
    """One BT-läkare's delmål by state, as one stacked bar (the portfolio PDF)."""
    states = [ProgressState.EVIDENCED, ProgressState.IN_PROGRESS, ProgressState.NOT_STARTED]
    counts = [sum(1 for g in goals if g.state == s) for s in states]
    return bar_chart(
        "chart-portfolio-goals",
        _("Goals by state"),
        series=[Series(s.value, str(s.label)) for s in states],
        rows=[(_("Goals"), counts)],
        summary=_("%(evidenced)s of %(n)s goals evidenced, %(in_progress)s in progress, %(not_started)s not started.")
        % {"evidenced": counts[0], "in_progress": counts[1], "not_started": counts[2], "n": len(goals)},
        label_header=_("Goals"),
        texts=[_("%(evidenced)s of %(n)s") % {"evidenced": counts[0], "n": len(goals)}],
    )


# ---------------------------------------------------------------------------
# Time to completion
# ---------------------------------------------------------------------------

#: Upper edges (calendar months, inclusive) of the bins of the completion-time chart; the last is open.
BINS = (6, 9, 12, 15, 18)


def _bin_labels() -> list[str]:
    labels = [_("up to %(months)s months") % {"months": BINS[0]}]
    labels += [_("%(low)s–%(high)s months") % {"low": a, "high": b} for a, b in itertools.pairwise(BINS)]
    labels.append(_("more than %(months)s months") % {"months": BINS[-1]})
    return labels


def _bin(months) -> int:
    return next((i for i, edge in enumerate(BINS) if months <= edge), len(BINS))


def completion_months(row):
    """Calendar months from the start of BT to its completion (done) or to the plan's end (ongoing)."""
    if not row.started_on or not row.expected_completion or row.expected_completion < row.started_on:
        return None
    return rules.counting.calendar_months(row.started_on, row.expected_completion)


def completion_times(rows):
    """`rows`: cohort rows, or anything with their `status`, `started_on` and `expected_completion`."""
    series = [Series("completed", _("Completed (actual)")), Series("planned", _("Ongoing (as planned)"))]
    counts = [[0, 0] for _ in range(len(BINS) + 1)]
    done = []
    for row in rows:
        months = completion_months(row)
        if months is None or row.status == TraineeStatus.DISCONTINUED:
            continue
        completed = row.status == TraineeStatus.COMPLETED
        counts[_bin(months)][0 if completed else 1] += 1
        if completed:
            done.append(months)
    if done:
        within = sum(1 for m in done if m <= 12)
        summary = ngettext(
            "%(n)s BT completed, in a median of %(median)s months; %(within)s within 12 months.",
            "%(n)s BTs completed, in a median of %(median)s months; %(within)s within 12 months.",
            len(done),
        ) % {"n": len(done), "median": _number(statistics.median(done)), "within": within}
    else:
        summary = _("No BT in this selection is completed yet; the bars show how long the ongoing ones are planned.")
    return bar_chart(
        "chart-completion",
        _("Time from start to completion"),
        series=series,
        rows=list(zip(_bin_labels(), counts)),
        summary=summary,
        label_header=_("Months"),
    )


# ---------------------------------------------------------------------------
# Intake per round
# ---------------------------------------------------------------------------

INTAKE_GROUPS = [
    ("admitted", (ApplicationStatus.ADMITTED,)),
    ("pending", (ApplicationStatus.SUBMITTED, ApplicationStatus.CHECKLIST_COMPLETE)),
    ("declined", (ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN)),
    ("draft", (ApplicationStatus.DRAFT,)),
]
ROUNDS_SHOWN = 8


def intake_per_round(regions):
    """Applications per intake round of the regions (the latest rounds), by outcome. Two queries."""
    labels = {
        "admitted": _("Admitted"),
        "pending": _("In process"),
        "declined": _("Declined or withdrawn"),
        "draft": _("Draft"),
    }
    series = [Series(key, labels[key]) for key, _s in INTAKE_GROUPS]
    rounds = list(Round.objects.filter(region__in=regions).select_related("region").order_by("-opens_on", "pk"))
    rounds = rounds[:ROUNDS_SHOWN][::-1]
    counts = {
        (row["round_id"], row["status"]): row["n"]
        for row in Application.objects.filter(round__in=[r.pk for r in rounds])
        .values("round_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    several_regions = len({r.region_id for r in rounds}) > 1
    data = []
    for r in rounds:
        label = f"{r.name} ({r.region.name})" if several_regions else r.name
        data.append((label, [sum(counts.get((r.pk, s), 0) for s in statuses) for _k, statuses in INTAKE_GROUPS]))
    admitted = sum(v[0] for _l, v in data)
    applied = sum(sum(v) for _l, v in data)
    summary = (
        ngettext(
            "Applications in the latest round: %(applied)s, of which %(admitted)s admitted.",
            "Applications in the latest %(rounds)s rounds: %(applied)s, of which %(admitted)s admitted.",
            len(rounds),
        )
        % {"applied": applied, "rounds": len(rounds), "admitted": admitted}
        if rounds
        else _("No intake rounds yet.")
    )
    places = [r.places for r in rounds]
    return bar_chart(
        "chart-intake",
        _("Intake per round"),
        series=series,
        rows=data,
        summary=summary,
        label_header=_("Round"),
        markers=[p or None for p in places],
        table=(
            [_("Round"), *(x.label for x in series), _("Places")],
            [[label, *values, place] for (label, values), place in zip(data, places)],
        ),
    )


# ---------------------------------------------------------------------------
# Capacity use by month
# ---------------------------------------------------------------------------


def month_label(month: datetime.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def capacity_by_month(units, start: datetime.date, months: int, *, grid=None, chart_id="chart-capacity"):
    """Places used (the most BT-läkare on one day of the month) against the capacity, per month,
    summed over `units` (`trainees.capacity.month_grid`)."""
    grid = grid or month_grid(units, start, months)
    series = [Series("used", _("Used")), Series("over", _("Over capacity"))]
    data, texts, markers, flags = [], [], [], []
    for total in grid.totals:
        within = min(total.used, total.capacity)
        data.append((month_label(total.month), [within, total.over_by]))
        texts.append(_("%(used)s of %(capacity)s") % {"used": total.used, "capacity": total.capacity})
        markers.append(total.capacity)
        flags.append(_("over capacity") if total.over_capacity else "")
    over = [t for t in grid.totals if t.over_capacity]
    used = sum(t.used for t in grid.totals)
    capacity = sum(t.capacity for t in grid.totals)
    summary = ngettext(
        "From %(first)s to %(last)s, %(used)s of %(capacity)s place-months are used; over capacity in %(over)s month.",
        "From %(first)s to %(last)s, %(used)s of %(capacity)s place-months are used; over capacity in %(over)s months.",
        len(over),
    ) % {
        "first": month_label(grid.months[0]),
        "last": month_label(grid.months[-1]),
        "used": used,
        "capacity": capacity,
        "over": len(over),
    }
    return bar_chart(
        chart_id,
        _("Capacity use by month"),
        series=series,
        rows=data,
        summary=summary,
        label_header=_("Month"),
        texts=texts,
        markers=markers,
        flags=flags,
        table=(
            [_("Month"), _("Used"), _("Capacity"), _("Free")],
            [[month_label(t.month), t.used, t.capacity, t.free] for t in grid.totals],
        ),
    )
