"""What the exports hold, as sheets for the one writer (`core.exports`: xlsx or CSV, formula-safe)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Sheet, write_csv, write_xlsx
from reports.cohort import CohortRow


def _placement(p) -> str:
    if p is None:
        return ""
    return f"{p.get_category_display()} – {p.unit.name}" if p.unit_id else p.get_category_display()


def cohort_sheet(rows: list[CohortRow]) -> Sheet:
    """The dashboard, one row per BT-läkare, every column of the page and the findings in words."""
    header = [
        _("Name"),
        _("Email"),
        _("Region"),
        _("Home unit"),
        _("BT type"),
        _("Status"),
        _("Phase"),
        _("Current or next placement"),
        _("Placement start"),
        _("Placement end"),
        _("Full-time months done"),
        _("Full-time months planned"),
        _("Goals evidenced"),
        _("Goals"),
        _("Final assessment approved"),
        _("Assessments done"),
        _("Assessments due"),
        _("Assessments overdue"),
        _("Main supervisor missing"),
        _("Placements without supervisor"),
        _("Plan errors"),
        _("Plan warnings"),
        _("Findings"),
        _("Expected completion"),
    ]

    def cells(r: CohortRow):
        t = r.trainee
        return [
            t.user.get_full_name(),
            t.user.email,
            t.region.name,
            t.home_unit.name,
            t.get_bt_type_display(),
            t.get_status_display(),
            r.phase_label,
            _placement(r.current),
            r.current.start if r.current else None,
            r.current.end if r.current else None,
            r.months_done_display,
            r.months_planned_display,
            r.goals_evidenced,
            r.goals_total,
            _("yes") if r.final_approved else _("no"),
            r.assessments_done,
            r.assessments_due,
            r.assessments_overdue,
            _("yes") if r.main_supervisor_missing else _("no"),
            len(r.placements_without_supervisor),
            len(r.errors),
            len(r.warnings),
            " | ".join(f.message for f in [*r.errors, *r.warnings]),
            r.expected_completion,
        ]

    return Sheet(title=_("BT doctors"), header=header, rows=(cells(r) for r in rows))


def render(sheets: list[Sheet], fmt: str) -> bytes:
    """The file's content: every sheet in a workbook, or the first sheet as CSV."""
    return write_xlsx(sheets) if fmt == "xlsx" else write_csv(sheets[0])


def filename(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"


# ---------------------------------------------------------------------------
# Statistics (only what `trainees.statistics` publishes: hidden counts stay hidden)
# ---------------------------------------------------------------------------


def _share(value) -> float | None:
    return None if value is None else round(100 * value, 1)


def statistics_sheets(figures: list) -> list[Sheet]:
    """One row per region (and the country): every count as shown ("..": hidden), then a sheet
    that says what the figures mean. CSV takes the first sheet."""
    from core.suppression import HIDDEN_MARK, THRESHOLD
    from trainees.models import BtType, PlanCategory, TraineeStatus
    from trainees.statistics import national_label

    header = [
        _("Region"),
        _("BT doctors"),
        *(str(label) for label in BtType.labels),
        *(str(label) for label in TraineeStatus.labels),
        _("Completed within 12 months"),
        _("Completed later"),
        _("Share completed within 12 months (%)"),
        _("Median months to completion"),
        _("Placements"),
        *(str(label) for label in PlanCategory.labels),
    ]

    def cell(count):
        return HIDDEN_MARK if count.hidden else count.value

    rows = [
        [
            f.name or national_label(),
            cell(f.trainees),
            *(cell(c) for c in f.by_type.values()),
            *(cell(c) for c in f.by_status.values()),
            cell(f.completed_within),
            cell(f.completed_later),
            _share(f.share_within) if f.share_within is not None else HIDDEN_MARK,
            f.median_months if f.median_months is not None else HIDDEN_MARK,
            cell(f.placements),
            *(cell(c) for c in f.placements_by_category.values()),
        ]
        for f in figures
    ]
    about = [
        [_("Date"), timezone.localdate()],
        [HIDDEN_MARK, legend()],
        [_("Threshold"), THRESHOLD],
    ] + [[term, text] for term, text in definitions()]
    return [
        Sheet(title=_("Statistics"), header=header, rows=rows),
        Sheet(title=_("About the figures"), header=None, rows=about),
    ]


def legend() -> str:
    return _(
        "Not shown: fewer than 5, or hidden so that a number below 5 cannot be worked out from the totals. "
        "A share or median is shown only when the counts it is made of are."
    )


def definitions() -> list[tuple[str, str]]:
    return [
        (_("Start"), _("The first day of the first placement (the planned start when there is none).")),
        (
            _("Completion"),
            _("The day the BT was marked completed (the last day of the last placement when that is missing)."),
        ),
        (
            _("Within 12 months"),
            _("Completed no more than 12 calendar months after the start; the share is of the completed BTs."),
        ),
        (
            _("Median months to completion"),
            _("Calendar months from start to completion, the middle value; shown when 5 or more have completed."),
        ),
        (_("Placements"), _("Every registered placement of the region's BT doctors: done, ongoing and planned.")),
    ]
