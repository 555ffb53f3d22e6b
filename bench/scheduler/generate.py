"""Generated cohorts for the scheduler benchmark (deterministic for a seed).

``generate(trainees, units, months, seed, load)`` returns a cohort dict in the
``plan_cohort`` input format:

* programmes drawn from the nine in ``rules/data/programmes`` (national most often), BT type
  among those the programme offers; about 5 % of Östergötland/Dalarna trainees get an
  override with a one-month introduction;
* starts in intake waves every three months (spread ±1), a start window of 0–3 months,
  15 % of trainees with 1–3 consecutive unavailable months (parental leave, say);
* 0–3 preferences per trainee, at most one per category, for units picked by a skewed
  popularity (weights 1–5); 5 % also name a unit to avoid (weight -1..-3);
* units: akut, primärvård, psykiatri, valfri, a few introduction units; 15 % marked
  unpopular; half the units have one place fewer in July;
* capacity per category sized from the demand: the peak monthly demand of the category (if
  everyone started at their earliest start with the template's months) divided by ``load``,
  split over the category's units. ``load`` near 1 makes the instance tight.

``python -m bench.scheduler.generate 200 60 30 --seed 1 > cohort.json`` writes one.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys

CATEGORY_SHARE = {"akut": 0.30, "primarvard": 0.30, "psykiatri": 0.20, "valfri": 0.15, "introduktion": 0.05}
PROGRAMME_SHARE = {
    "national": 0.25,
    "vgr": 0.15,
    "gavleborg": 0.10,
    "orebro": 0.10,
    "jonkoping": 0.08,
    "ostergotland": 0.10,
    "dalarna": 0.07,
    "varmland": 0.07,
    "sormland": 0.08,
}


def _label(start: tuple[int, int], i: int) -> str:
    y, m = divmod(start[0] * 12 + start[1] - 1 + i, 12)
    return f"{y:04d}-{m + 1:02d}"


def generate(
    n_trainees: int, n_units: int, months: int, seed: int = 1, load: float = 0.85, start: tuple[int, int] = (2027, 1)
) -> dict:
    # imported here so that ``python -m bench.scheduler.generate --help`` stays fast
    import rules
    from scheduling.model import Cohort
    from scheduling.prepare import block_plan

    rng = random.Random(seed)
    # --- units (categories first, capacities after the demand is known) ---
    cats = []
    for c, share in CATEGORY_SHARE.items():
        cats += [c] * max(1, round(share * n_units))
    while len(cats) > n_units:
        cats.remove(max(CATEGORY_SHARE, key=lambda c: cats.count(c) / CATEGORY_SHARE[c]))
    while len(cats) < n_units:
        cats.append("akut")
    rng.shuffle(cats)
    units = []
    count: dict[str, int] = {}
    for c in cats:
        count[c] = count.get(c, 0) + 1
        units.append({"id": f"{c[:4]}-{count[c]:03d}", "category": c})
    for u in rng.sample(units, k=round(0.15 * n_units)):
        if u["category"] != "introduktion":
            u["unpopular"] = True
    popularity = {u["id"]: (0.2 if u.get("unpopular") else rng.paretovariate(1.5)) for u in units}

    # --- trainees ---
    programmes = list(PROGRAMME_SHARE)
    weights = [PROGRAMME_SHARE[p] for p in programmes]
    trainees = []
    last_start = max(0, months - 16)
    waves = list(range(0, last_start + 1, 3)) or [0]
    by_cat: dict[str, list[dict]] = {}
    for u in units:
        by_cat.setdefault(u["category"], []).append(u)
    for i in range(n_trainees):
        pid = rng.choices(programmes, weights)[0]
        prog = rules.load_programme(pid)
        t: dict = {"id": f"t{i + 1:04d}", "programme": pid, "bt_type": rng.choice(prog.bt_types)}
        if pid in ("ostergotland", "dalarna") and rng.random() < 0.05:
            reqs = dict(prog.requirements(t["bt_type"]))
            reqs["introduktion"] = 1
            t["requirements"] = [{"category": c, "months": m} for c, m in reqs.items()]
        total = math.ceil(prog.norm_total_months)
        es = min(last_start, max(0, rng.choice(waves) + rng.randint(-1, 1)))
        ls = min(months - total, es + rng.randint(0, 3))
        ls = max(es, ls)
        t["earliest_start"] = _label(start, es)
        t["latest_start"] = _label(start, ls)
        if rng.random() < 0.15:
            k = rng.randint(1, 3)
            at = rng.randint(es + 1, es + total - 1)
            t["unavailable"] = [_label(start, m) for m in range(at, min(months, at + k))]
        allowed = set(prog.allowed_categories) - {"introduktion"}
        pool = [u for u in units if u["category"] in allowed]
        prefs = []
        wished: set[str] = set()  # one wish per category ("my akut at X, my primary care at Y")
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3])):
            u = rng.choices(pool, [popularity[x["id"]] for x in pool])[0]
            if u["category"] not in wished:
                wished.add(u["category"])
                prefs.append({"unit": u["id"], "weight": rng.randint(1, 5)})
        if rng.random() < 0.05:
            u = rng.choice(pool)
            if u["id"] not in [p["unit"] for p in prefs]:
                prefs.append({"unit": u["id"], "weight": -rng.randint(1, 3)})
        if prefs:
            t["preferences"] = prefs
        trainees.append(t)

    # --- capacities from the demand profile ---
    probe = {
        "horizon": {"start": _label(start, 0), "months": months},
        "units": [dict(u, capacity=1) for u in units],
        "trainees": trainees,
    }
    cohort = Cohort.from_dict(probe)
    demand = {c: [0.0] * months for c in CATEGORY_SHARE}
    for t in cohort.trainees:
        blocks = block_plan(cohort, t)
        total = sum(k for _, k in blocks)
        m0 = t.earliest_start
        for c, k in blocks:
            for m in range(m0, min(months, m0 + total + len(t.unavailable))):
                demand[c][m] += k / total
    for c, us in by_cat.items():
        prof = demand[c]
        smooth = [sum(prof[max(0, m - 1) : m + 2]) / len(prof[max(0, m - 1) : m + 2]) for m in range(months)]
        need = max(smooth) / load
        shares = [rng.uniform(0.5, 1.5) for _ in us]
        scale = need / sum(shares)
        for u, s in zip(us, shares):
            u["capacity"] = max(1, round(s * scale))
    for u in units:
        if rng.random() < 0.5 and u["capacity"] > 1:
            u["capacity_by_month"] = {
                _label(start, m): u["capacity"] - 1 for m in range(months) if (start[1] - 1 + m) % 12 == 6
            }
    # stable key order for readable JSON
    units = [
        {k: u[k] for k in ("id", "category", "capacity", "capacity_by_month", "unpopular") if k in u} for u in units
    ]
    return {"horizon": {"start": _label(start, 0), "months": months}, "units": units, "trainees": trainees}


def add_instance_arguments(ap: argparse.ArgumentParser, *, load: float = 0.95) -> None:
    """The generated cohort a bench script works on: size, load and seed (200 × 60 × 30 by default)."""
    ap.add_argument("--trainees", type=int, default=200)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--months", type=int, default=30)
    ap.add_argument("--load", type=float, default=load)
    ap.add_argument("--seed", type=int, default=1, help="generator and solver seed (as the benchmark)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trainees", type=int)
    ap.add_argument("units", type=int)
    ap.add_argument("months", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--load", type=float, default=0.85)
    args = ap.parse_args(argv)
    json.dump(generate(args.trainees, args.units, args.months, args.seed, args.load), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
