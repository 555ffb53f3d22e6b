"""Readiness: may the final assessment start, may the certificates be issued, may the application
bundle be made — and the figures as Socialstyrelsen will read them.

The plan is judged by the rules module (`trainees.services.check_plan`); the delmål evidence
comes from `portfolio.progress`. Every reason that holds something back is a `Blocker` with a
plain sentence and a link to where it is fixed. Issuing (`certificates.issuing`) refuses on the
same blockers, so the page and the refusal never disagree.

* Before the final assessment (stage FINAL): no error in the plan, every delmål evidenced — or the
  BT office's recorded override.
* Before issuing (stage ISSUE, not overridable): the licence is not dated after BT start, the
  service has ended, Bilaga 3 is signed by the verksamhetschef and covers the placements as they
  are, and the final assessment (Bilaga 4) is signed by both assessors with all delmål attained.
* Before the application bundle (stage BUNDLE): the applicant's postal address (Bilaga 1).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

import rules
import rules.counting
from core.errors import DomainError
from rules.checks import NATIONAL_CODES
from trainees.services import check_plan, leave_policy, to_rules_plan

from .content import bilaga3_content, category_label, final_of, postal_address_missing, unit_name
from .models import ReadinessOverride

FINAL, ISSUE, BUNDLE = "final", "issue", "bundle"


@dataclass
class RequirementRow:
    text: str
    met: bool
    evidence: str
    severity: str = "error"
    source: str = ""


@dataclass
class Blocker:
    stage: str
    reason: str
    fix_url: str = ""
    fix_label: str = ""
    code: str = ""


@dataclass
class Figures:
    """The numbers as Socialstyrelsen reads them: service = Bilaga 3's sum, credit apart."""

    service: Fraction
    credited: Fraction
    places: int
    max_places: int
    service_end: datetime.date | None

    @property
    def total(self) -> Fraction:
        return self.service + self.credited


@dataclass
class Readiness:
    trainee: object
    plan: object  # trainees.services.PlanCheck
    requirements: list[RequirementRow]
    goals: list  # portfolio.progress.GoalProgress
    figures: Figures
    blockers: list[Blocker] = field(default_factory=list)
    override: ReadinessOverride | None = None
    regulation_title: str = ""
    # What was read to judge it, for the page to show without reading it again.
    placements: list = field(default_factory=list)
    signature: object = None  # certificates.signatures.SignatureState of Bilaga 3
    final: object = None  # the FinalAssessment, or None

    @property
    def errors(self) -> list:
        """What holds the final assessment back (the plan's errors and the delmål without evidence)."""
        return self.plan.errors + [g for g in self.goals if g.state != "evidenced"]

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def ready(self) -> bool:
        return not self.errors

    @property
    def may_start(self) -> bool:
        return self.ready or self.override is not None

    def stage(self, stage: str) -> list[Blocker]:
        return [b for b in self.blockers if b.stage == stage]

    @property
    def final_blockers(self) -> list[Blocker]:
        return self.stage(FINAL)

    @property
    def issue_blockers(self) -> list[Blocker]:
        return self.stage(ISSUE)

    @property
    def bundle_blockers(self) -> list[Blocker]:
        return self.stage(BUNDLE)

    @property
    def can_issue(self) -> bool:
        return not self.issue_blockers


def _months(value) -> str:
    """Full-time months in the reader's language, two decimals (as Bilaga 3 prints them)."""
    return formats.number_format(float(rules.counting.round_half_up(rules.counting.to_fraction(value))), 2)


def _plain(value) -> str:
    """A required number of months as the regulation states it (3, 1,5), in the reader's language."""
    return rules.messages.format_number(float(value)).replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _contributions(placements, count, plan) -> dict[str, list[str]]:
    """Per category: which placements and credits make up its months ("Medicinkliniken 4,00")."""
    placements = sorted(placements, key=lambda p: (p.start, p.end))
    out: dict[str, list[str]] = {}
    for p, months in zip(placements, count.per_placement):
        name = unit_name(p.unit) if p.unit else p.get_category_display()
        out.setdefault(p.category, []).append(f"{name} {p.start:%Y-%m-%d}–{p.end:%Y-%m-%d} ({_months(months)})")
    for i, c in enumerate(plan.credited):
        label = gettext("credit %(number)s") % {"number": i + 1}
        out.setdefault(c.category, []).append(f"{label}{', ' + c.note if c.note else ''} ({_months(c.months)})")
    return out


def _requirements(trainee, placements, result, count, plan, figures) -> list[RequirementRow]:
    reg = rules.regulation_for(trainee.planned_start)
    prog = trainee.programme_rules
    codes = {f.code for f in result.findings}
    rows = []
    required_total = max(reg.min_total_months, prog.total_months.min)
    rows.append(
        RequirementRow(
            gettext("At least %(months)s full-time months of service") % {"months": _plain(required_total)},
            "PLAN_TOO_SHORT" not in codes,
            gettext("%(service)s in the placements (the sum on Bilaga 3) + %(credited)s credited = %(total)s")
            % {
                "service": _months(figures.service),
                "credited": _months(figures.credited),
                "total": _months(figures.total),
            },
            source=reg.id,
        )
    )
    sources = _contributions(placements, count, plan)
    national = dict(reg.category_minimums)
    regional = {c: m for c, m in prog.category_minimums.items() if m > national.get(c, 0)}
    programme_name = prog.name_sv if (get_language() or "sv").startswith("sv") else prog.name_en
    for source, mins in ((reg.id, national), (programme_name, regional)):
        for cat, req in mins.items():
            fired = any(
                f.params.get("category") == cat and f.code == "CATEGORY_TOO_SHORT" for f in result.findings
            ) or any(code in codes for code in NATIONAL_CODES.get(cat, ()))
            label = rules.messages.mid_sentence(category_label(cat))
            parts = "; ".join(sources.get(cat, [])) or "–"
            rows.append(
                RequirementRow(
                    gettext("At least %(months)s months within %(category)s")
                    % {"months": _plain(req), "category": label},
                    not fired,
                    gettext("%(months)s full-time months: %(parts)s")
                    % {"months": _months(result.exact_months_by_category.get(cat, 0)), "parts": parts},
                    source=source,
                )
            )
    rows.append(
        RequirementRow(
            gettext("No more than %(max)s places of service (a recommendation)") % {"max": reg.max_places_of_service},
            "TOO_MANY_PLACES" not in codes,
            gettext("%(count)s places of service (distinct units)") % {"count": figures.places},
            severity="warning",
            source=reg.id,
        )
    )
    licence = trainee.licence_date
    rows.append(
        RequirementRow(
            gettext("Licence (legitimation) before the start of BT"),
            bool(licence) and licence <= trainee.planned_start,
            gettext("Licence %(licence)s, BT starts %(start)s")
            % {"licence": licence.isoformat() if licence else "–", "start": trainee.planned_start.isoformat()},
            severity="error" if licence else "warning",
            source=reg.id,
        )
    )
    return rows


def _final_blockers(trainee, pc, goals) -> list[Blocker]:
    out = []
    for f in pc.errors:
        if f.code == "LICENCE_AFTER_START":
            url, label = reverse("trainees:details", args=[trainee.pk]), gettext("Correct the licence date")
        else:
            url, label = reverse("trainees:plan", args=[trainee.pk]), gettext("Open the plan")
        out.append(Blocker(FINAL, f.message, url, label, f.code))
    missing = [g for g in goals if g.state != "evidenced"]
    if missing:
        out.append(
            Blocker(
                FINAL,
                gettext("%(n)s of %(total)s delmål lack evidence (an activity and a signed assessment): %(codes)s")
                % {"n": len(missing), "total": len(goals), "codes": ", ".join(g.goal.code for g in missing)},
                reverse("portfolio:progress", args=[trainee.pk]),
                gettext("Open the progress"),
                "GOALS",
            )
        )
    return out


def _issue_blockers(trainee, pc, figures, state, final) -> list[Blocker]:
    from .signatures import SignatureStatus

    out = []
    today = timezone.localdate()
    plan_url = reverse("trainees:plan", args=[trainee.pk])
    for f in pc.errors:
        if f.code == "LICENCE_AFTER_START":
            out.append(
                Blocker(
                    ISSUE,
                    f.message,
                    reverse("trainees:details", args=[trainee.pk]),
                    gettext("Correct the licence date"),
                    f.code,
                )
            )
    end = figures.service_end
    if end is None:
        out.append(
            Blocker(ISSUE, gettext("The plan has no placements."), plan_url, gettext("Open the plan"), "NO_SERVICE")
        )
    elif end > today:
        out.append(
            Blocker(
                ISSUE,
                gettext("The service has not ended: the last placement ends on %(date)s.") % {"date": end.isoformat()},
                plan_url,
                gettext("Open the plan"),
                "SERVICE_NOT_ENDED",
            )
        )
    sign_url = reverse("certificates:service_sign", args=[trainee.pk])
    if state.status == SignatureStatus.UNSIGNED:
        reason = gettext("Bilaga 3 is not signed by the head of the home unit (verksamhetschef).")
    elif state.status == SignatureStatus.OUTDATED:
        reason = gettext("The signature of Bilaga 3 is out of date: the placements changed after it was signed.")
    else:
        reason = ""
    if reason:
        out.append(
            Blocker(ISSUE, reason, sign_url, gettext("Bilaga 3 for the head of unit to sign"), "BILAGA3_UNSIGNED")
        )
    final_url = reverse("certificates:final", args=[trainee.pk]) if final else ""
    if final is None:
        out.append(
            Blocker(
                ISSUE,
                gettext("The final assessment (Bilaga 4) has not started."),
                reverse("certificates:readiness", args=[trainee.pk]) + "#final-assessment",
                gettext("Start the final assessment"),
                "FINAL_NOT_STARTED",
            )
        )
    elif not final.complete:
        waiting = []
        if not final.main_signed_at:
            name = final.main_supervisor.get_full_name() if final.main_supervisor_id else "–"
            waiting.append(gettext("the main supervisor %(name)s") % {"name": name})
        if not final.external_signed_at:
            name = final.external.get_full_name() if final.external_id else "–"
            waiting.append(gettext("the external assessor %(name)s") % {"name": name})
        out.append(
            Blocker(
                ISSUE,
                gettext("The final assessment (Bilaga 4) is not signed by both; waiting for %(who)s.")
                % {"who": gettext(" and ").join(waiting)},
                final_url,
                gettext("Open the final assessment"),
                "BILAGA4_UNSIGNED",
            )
        )
    elif not final.approved:
        out.append(
            Blocker(
                ISSUE,
                gettext("The final assessment does not find every delmål attained."),
                final_url,
                gettext("Open the final assessment"),
                "NOT_APPROVED",
            )
        )
    return out


def bundle_blockers(trainee, *, viewer=None) -> list[Blocker]:
    """What keeps the application bundle back: Bilaga 1 needs the applicant's postal address. The
    link to fix it is the applicant's own profile (only they edit it)."""
    if not postal_address_missing(trainee):
        return []
    own = viewer is not None and viewer.pk == trainee.user_id
    return [
        Blocker(
            BUNDLE,
            gettext("The applicant's postal address is missing; Bilaga 1 needs it.")
            if own
            else gettext(
                "The applicant's postal address is missing; Bilaga 1 needs it. The BT doctor adds it on their profile page."
            ),
            reverse("accounts:profile") if own else "",
            gettext("Add your address") if own else "",
            "ADDRESS_MISSING",
        )
    ]


def readiness(trainee, *, viewer=None) -> Readiness:
    """The trainee's placements, leave and credits are read once here and handed to every service
    that judges them (the plan check, the count, Bilaga 3's content, the progress), so the page
    costs the same few queries whatever the size of the plan."""
    from portfolio.progress import progress

    from .signatures import signature_state

    placements = list(trainee.placements.select_related("unit__parent", "supervisor__supervisor_profile"))
    leave = list(trainee.leave.all())
    credits = list(trainee.credits.all())
    pc = check_plan(trainee, placements=placements, leave=leave, credits=credits)
    result = pc.result
    plan = to_rules_plan(trainee, placements=placements, leave=leave, credits=credits)
    count = rules.counting.count_service(plan, leave_policy(trainee))
    reg = rules.regulation_for(trainee.planned_start)
    ends = [p.end for p in placements]
    figures = Figures(
        service=result.exact_service,
        credited=result.exact_credited,
        places=result.places,
        max_places=reg.max_places_of_service,
        service_end=max(ends) if ends else None,
    )
    goals = progress(trainee, placements=placements)
    state = signature_state(trainee, bilaga3_content(trainee, placements=placements, count=count))
    final = final_of(trainee)
    blockers = _final_blockers(trainee, pc, goals) + _issue_blockers(trainee, pc, figures, state, final)
    blockers += bundle_blockers(trainee, viewer=viewer)
    return Readiness(
        trainee,
        pc,
        _requirements(trainee, placements, result, count, plan, figures),
        goals,
        figures,
        blockers,
        trainee.readiness_overrides.first(),
        reg.title_sv if (get_language() or "sv").startswith("sv") else reg.title_en,
        placements=placements,
        signature=state,
        final=final,
    )


@transaction.atomic
def override_readiness(trainee, *, reason: str, by) -> ReadinessOverride:
    if not reason.strip():
        raise DomainError(_("Give a reason for the override."))
    r = readiness(trainee)
    codes = [getattr(e, "code", "") or getattr(getattr(e, "goal", None), "code", "") for e in r.errors]
    return ReadinessOverride.objects.create(trainee=trainee, reason=reason.strip(), errors=codes, by=by)
