"""Property tests: whatever the cohort, every plan returned passes the independent checker
(capacity per month, contiguity, categories, windows, unavailable months, requirements and
order from the rules module, total length), and CP-SAT never does worse than greedy."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rules
from scheduling.checker import check
from scheduling.model import Cohort
from scheduling.objective import evaluate
from scheduling.solver import solve

CATS = ("introduktion", "akut", "primarvard", "psykiatri", "valfri")


def _label(i: int) -> str:
    return f"{2027 + i // 12}-{i % 12 + 1:02d}"


@st.composite
def cohorts(draw):
    months = draw(st.integers(8, 14))
    units = []
    for c in CATS:
        for i in range(draw(st.integers(0 if c in ("introduktion", "valfri") else 1, 2))):
            u = {"id": f"{c}-{i}", "category": c, "capacity": draw(st.integers(0, 2))}
            closed = draw(st.lists(st.integers(0, months - 1), max_size=2, unique=True))
            if closed:
                u["capacity_by_month"] = {_label(m): draw(st.integers(0, 2)) for m in closed}
            if draw(st.booleans()):
                u["unpopular"] = True
            units.append(u)
    wishable = [u["id"] for u in units if u["category"] in ("akut", "primarvard")]
    trainees = []
    for n in range(draw(st.integers(1, 4))):
        pid = draw(st.sampled_from(rules.programme_ids()))
        prog = rules.load_programme(pid)
        earliest = draw(st.integers(0, 3))
        t = {
            "id": f"t{n}",
            "programme": pid,
            "bt_type": draw(st.sampled_from(prog.bt_types)),
            "earliest_start": _label(earliest),
            "latest_start": _label(earliest + draw(st.integers(0, 2))),
            "unavailable": [_label(m) for m in draw(st.lists(st.integers(0, months - 1), max_size=2, unique=True))],
        }
        if draw(st.integers(0, 9)) < 7:  # mostly short plans that fit the small horizon
            cats = draw(
                st.lists(
                    st.sampled_from([c for c in prog.allowed_categories if c != "valfri"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            t["requirements"] = [{"category": c, "months": draw(st.integers(1, 2))} for c in cats]
            t["total_months"] = draw(st.integers(2, 7))
        if wishable:
            wished = draw(st.lists(st.sampled_from(wishable), max_size=2, unique=True))
            t["preferences"] = [{"unit": u, "weight": draw(st.sampled_from([-2, 1, 3, 5]))} for u in wished]
        trainees.append(t)
    return {"horizon": {"start": "2027-01", "months": months}, "units": units, "trainees": trainees}


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_every_plan_passes_the_checker_and_cpsat_is_never_worse(data):
    cohort = Cohort.from_dict(data)
    results = {}
    for method in ("greedy", "cpsat"):
        s = solve(cohort, method, time_limit=2, seed=1)
        assert check(cohort, s) == [], (method, s.to_dict())
        assert s.objective == evaluate(cohort, s).total
        assert (s.status in ("optimal", "feasible")) == (not s.unassigned)
        if s.unassigned:
            assert s.explanation
        results[method] = s
    cp = results["cpsat"]
    assert cp.objective <= results["greedy"].objective
    assert cp.bound is not None and cp.bound <= cp.objective
    if "cpsat_objective" in cp.stats:
        assert cp.stats["cpsat_objective"] == cp.objective
