"""The solver with options on one generated instance: plan, bound, gap on the avoidable part, load.

    .venv/bin/python -m bench.scheduler.lns --case medium-tight --lns-share 1.0
    .venv/bin/python -m bench.scheduler.lns --case medium-normal --lns-share 0.5 --bound 2130

For comparing options of :func:`scheduling.solver.solve` (our own fix-and-optimize search,
``scheduling/lns.py``, against CP-SAT's LNS) one 60 s run at a time. The forced part of the
objective is computed exactly after the run (``bench/scheduler/forced.py``) unless ``--forced``
gives it; ``--bound`` adds a bound proven elsewhere (e.g. the column-generation bound of
bench/RESULTS.md) to the gap on the avoidable part. Every plan goes through the checker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    from bench.scheduler.run import CASES
    from scheduling.prepare import Options

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default="medium-tight", help=", ".join(c.name for c in CASES))
    ap.add_argument("--time-limit", type=float, default=None, help="seconds (default: the case's)")
    ap.add_argument("--seed", type=int, default=None, help="solver seed (default: the case's)")
    # The defaults are the solver's own (scheduling.prepare.Options).
    ap.add_argument("--lns-share", type=float, default=Options.lns_share)
    ap.add_argument("--lns-workers", type=int, default=Options.lns_workers)
    ap.add_argument("--no-lns-sideways", dest="lns_sideways", action="store_false", default=Options.lns_sideways)
    ap.add_argument("--lns-tiebreak", action="store_true", default=Options.lns_tiebreak)
    ap.add_argument("--colgen-share", type=float, default=Options.colgen_share)
    ap.add_argument("--colgen-master-share", type=float, default=Options.colgen_master_share)
    ap.add_argument("--colgen-threads", type=int, default=Options.colgen_threads)
    ap.add_argument("--colgen-close-share", type=float, default=Options.colgen_close_share)
    ap.add_argument("--bound", type=float, default=None, help="a bound proven elsewhere")
    ap.add_argument("--forced", type=int, default=None, help="the forced part, if known (skips forced.py)")
    ap.add_argument("--trace", action="store_true", help="print every improvement")
    args = ap.parse_args(argv)

    from bench.scheduler.generate import generate
    from scheduling.checker import check
    from scheduling.model import Cohort
    from scheduling.solver import solve

    case = next((c for c in CASES if c.name == args.case), None)
    if case is None:
        ap.error(f"unknown case {args.case}")
    cohort = Cohort.from_dict(generate(case.trainees, case.units, case.months, seed=case.seed, load=case.load))
    limit = args.time_limit or case.time_limit
    seed = case.seed if args.seed is None else args.seed
    options = Options(
        time_limit=limit,
        seed=seed,
        lns_share=args.lns_share,
        lns_workers=args.lns_workers,
        lns_sideways=args.lns_sideways,
        lns_tiebreak=args.lns_tiebreak,
        colgen_share=args.colgen_share,
        colgen_master_share=args.colgen_master_share,
        colgen_threads=args.colgen_threads,
        colgen_close_share=args.colgen_close_share,
    )
    trace = []

    def progress(info):
        trace.append((info["seconds"], round(info["objective"]), info.get("phase")))
        if args.trace:
            print(trace[-1], flush=True)

    before = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    s = solve(cohort, "cpsat", options=options, progress=progress)
    seconds = time.perf_counter() - started
    after = [round(x, 2) for x in os.getloadavg()]
    if args.forced is None:
        from bench.scheduler.forced import forced_moves_exact

        forced = forced_moves_exact(cohort, cohort.weights).points
    else:
        forced = args.forced
    bound = max(b for b in (s.bound, args.bound) if b is not None)
    out = {
        "case": case.name,
        "options": {
            k: getattr(args, k)
            for k in (
                "lns_share",
                "lns_workers",
                "lns_sideways",
                "lns_tiebreak",
                "colgen_share",
                "colgen_master_share",
                "colgen_threads",
                "colgen_close_share",
            )
        },
        "seed": seed,
        "status": s.status,
        "objective": s.objective,
        "solver_bound": s.bound,
        "bound": bound,
        "forced": forced,
        "avoidable_gap": round((s.objective - bound) / (s.objective - forced), 4) if s.objective > forced else None,
        "seconds": round(seconds, 2),
        "violations": len(check(cohort, s)),
        "placed": case.trainees - len(s.unassigned),
        "hint": s.stats.get("hint"),
        "starting": {k: s.stats.get(k) for k in ("best_fit_objective", "insertion_objective", "colgen_objective")},
        "lns": s.stats.get("lns"),
        "colgen": s.stats.get("colgen"),
        "colgen_closing": s.stats.get("colgen_closing"),
        "cpsat_objective": s.stats.get("cpsat_objective"),
        "trace_every_10s": _every(trace, 10, limit),
        "load_average": {"before": before, "after": after},
    }
    print(json.dumps(out, indent=1))
    return 0


def _every(trace, step, limit):
    out, i, best = {}, 0, None
    for mark in range(step, int(limit) + step, step):
        while i < len(trace) and trace[i][0] <= mark:
            best = trace[i][1] if best is None else min(best, trace[i][1])
            i += 1
        out[mark] = best
    return out


if __name__ == "__main__":
    sys.exit(main())
