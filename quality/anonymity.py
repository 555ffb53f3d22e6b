"""The one rule for showing answers of people: only aggregates over at least N answers.

Every page, export and (later) API endpoint that shows placement evaluations or survey answers gets them
from here; nothing else reads `PlacementEvaluation` or `SurveyAnswer` for display.

The rule (N = settings.QUALITY_MIN_ANSWERS, 5 by default):
- a result is shown only when it is taken over at least N answers; below that nothing is shown, not even
  the number of answers (only that there are fewer than N);
- a filtered result (one year of a unit's evaluations) is shown only when the answers *left out* by the
  filter are also none or at least N: otherwise the whole and the part, both shown, would give away the
  few left out by subtraction;
- never per person: means, shares and the number of answers; free text only above the threshold, in an
  order of its own (sorted, never by when it was written) and without dates.

Surveys: the handledare and BT-läkare surveys are anonymous and follow the rule per role. The
verksamhetschef and studierektor answer for the unit in their office (one person each by function); their
answers are shown as the unit's, which the survey page tells them before they answer.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.conf import settings

from .models import Agreement, PlacementEvaluation, SurveyAnswer, SurveyResponse, SurveyRole

#: Survey roles answered on behalf of the unit (not anonymous, see above).
REPRESENTATIVE_ROLES = frozenset({SurveyRole.VERKSAMHETSCHEF, SurveyRole.STUDIEREKTOR})


def threshold() -> int:
    return settings.QUALITY_MIN_ANSWERS


def may_show(n: int, *, left_out: int = 0) -> bool:
    """May a result over `n` answers be shown, when a filter left out `left_out` answers of the whole?"""
    n_min = threshold()
    return n >= n_min and (left_out == 0 or left_out >= n_min)


@dataclass
class EvaluationResults:
    shown: bool
    threshold: int
    count: int | None = None  # None when hidden
    means: dict[str, float] = field(default_factory=dict)
    goal_shares: list[tuple[str, int]] = field(default_factory=list)  # (delmål code, % of answers)
    free_texts: list[str] = field(default_factory=list)


def evaluation_results(unit, *, year: int | None = None) -> EvaluationResults:
    """A unit's placement evaluations (all years, or one year) as an aggregate, or hidden."""
    base = PlacementEvaluation.objects.filter(unit=unit)
    rows = list((base.filter(year=year) if year else base).values(*PlacementEvaluation.SCORES, "goals", "free_text"))
    left_out = base.count() - len(rows) if year else 0
    if not may_show(len(rows), left_out=left_out):
        return EvaluationResults(shown=False, threshold=threshold())
    n = len(rows)
    means = {name: round(statistics.fmean(r[name] for r in rows), 1) for name in PlacementEvaluation.SCORES}
    counts: dict[str, int] = {}
    for r in rows:
        for code in set(r["goals"] or []):
            counts[code] = counts.get(code, 0) + 1
    shares = sorted(((code, round(100 * c / n)) for code, c in counts.items()), key=lambda x: _goal_key(x[0]))
    texts = sorted(r["free_text"].strip() for r in rows if r["free_text"].strip())
    return EvaluationResults(True, threshold(), n, means, shares, texts)


def evaluation_years(unit) -> list[int]:
    return sorted(set(PlacementEvaluation.objects.filter(unit=unit).values_list("year", flat=True)), reverse=True)


def _goal_key(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 0, code)


@dataclass
class StatementResult:
    statement_id: int
    mean: float
    distribution: dict[int, int]  # value → number of answers


@dataclass
class RoleResults:
    role: str
    label: str
    shown: bool
    threshold: int
    representative: bool
    count: int | None = None
    statements: dict[int, StatementResult] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


def survey_results(review) -> list[RoleResults]:
    """Per survey role: the answers per statement, or hidden below the threshold (anonymous roles)."""
    counts = dict.fromkeys(SurveyRole.values, 0)
    comments: dict[str, list[str]] = {role: [] for role in SurveyRole.values}
    for role, comment in SurveyResponse.objects.filter(review=review).values_list("role", "comment"):
        counts[role] += 1
        if comment.strip():
            comments[role].append(comment.strip())
    values: dict[tuple[str, int], list[int]] = {}
    for role, statement_id, value in SurveyAnswer.objects.filter(response__review=review).values_list(
        "response__role", "statement_id", "value"
    ):
        values.setdefault((role, statement_id), []).append(value)
    out = []
    for role, label in SurveyRole.choices:
        representative = role in REPRESENTATIVE_ROLES
        n = counts[role]
        shown = (n > 0) if representative else may_show(n)
        result = RoleResults(role, str(label), shown, threshold(), representative)
        if shown:
            result.count = n
            result.comments = sorted(comments[role])
            for (r, statement_id), vals in values.items():
                if r == role:
                    result.statements[statement_id] = StatementResult(
                        statement_id,
                        round(statistics.fmean(vals), 1),
                        {v: vals.count(v) for v in Agreement.values},
                    )
        out.append(result)
    return out
