"""``manage.py plan_cohort --input COHORT.json --output PLAN.json``: plan a cohort file to file.

No database access: the command reads the cohort JSON, calls ``scheduling.solver.solve`` and
writes the plan JSON (format: ``scheduling/solution.py``). Exit status: 0 when the plan was
written (whatever its ``status``: read it from the file), 2 for bad input (one line on stderr
naming the field, no traceback).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from scheduling.model import Cohort, CohortFormatError, parse_weights
from scheduling.objective import WEIGHT_NAMES
from scheduling.prepare import Options
from scheduling.solver import METHODS, solve

EXIT_BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(" ".join(str(message).split()), returncode=EXIT_BAD_INPUT)


class Command(BaseCommand):
    help = (
        "Plan a cohort of BT trainees onto units (CP-SAT or the greedy baseline), file to file. "
        "Exit 0: plan written (see its status); 2: bad input."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, metavar="COHORT.json")
        parser.add_argument("--output", required=True, metavar="PLAN.json", help="'-' writes to stdout")
        parser.add_argument("--method", choices=METHODS, default="cpsat")
        parser.add_argument(
            "--time-limit", type=float, default=60.0, metavar="SECONDS", help="for the whole run (default 60)"
        )
        parser.add_argument("--seed", type=int, default=0, metavar="N")
        parser.add_argument("--workers", type=int, default=2, metavar="N", help="CP-SAT threads (default 2)")
        parser.add_argument(
            "--candidates",
            type=int,
            default=Options.candidates,
            metavar="N",
            help="candidate units per trainee and category besides wished-for ones; 0 = all",
        )
        parser.add_argument(
            "--max-delay",
            type=int,
            default=Options.max_delay,
            metavar="MONTHS",
            help="months a plan may end after its on-time end; -1 = up to the horizon's end",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="every trainee must be placed, else the result is infeasible with no plan",
        )
        parser.add_argument(
            "--weight",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"weight of a soft term ({', '.join(WEIGHT_NAMES)}); repeatable",
        )

    def handle(self, *args, **opts):
        cohort = self._read(opts["input"])
        weights = cohort.weights
        for item in opts["weight"]:
            name, _, value = item.partition("=")
            try:
                weights = parse_weights({name.strip(): int(value)}, "--weight", base=weights)
            except ValueError as exc:
                raise _bad(
                    exc if isinstance(exc, CohortFormatError) else f"--weight: expected NAME=INTEGER, got {item!r}"
                ) from None
        if opts["time_limit"] <= 0:
            raise _bad("--time-limit: must be positive")
        if opts["workers"] < 1:
            raise _bad("--workers: must be at least 1")
        if opts["candidates"] < 0:
            raise _bad("--candidates: must not be negative")
        max_delay = None if opts["max_delay"] is not None and opts["max_delay"] < 0 else opts["max_delay"]
        options = Options(
            time_limit=opts["time_limit"],
            seed=opts["seed"],
            workers=opts["workers"],
            candidates=opts["candidates"],
            max_delay=max_delay,
            allow_unassigned=not opts["strict"],
            weights=weights,
        )
        solution = solve(cohort, opts["method"], options=options)
        text = json.dumps(solution.to_dict(), ensure_ascii=False, indent=1) + "\n"
        if opts["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                with open(opts["output"], "w", encoding="utf-8") as f:
                    f.write(text)
            except OSError as exc:
                raise _bad(f"{opts['output']}: cannot write file: {exc.strerror or exc}") from None
            placed = len(cohort.trainees) - len(solution.unassigned)
            gap = "" if solution.gap is None else f", bound {solution.bound:g}, gap {solution.gap * 100:.1f} %"
            self.stderr.write(
                f"{solution.status}: {placed} of {len(cohort.trainees)} trainees placed, objective "
                f"{solution.objective}{gap}, {solution.seconds:.1f} s -> {opts['output']}"
            )

    def _read(self, path: str) -> Cohort:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise _bad(f"{path}: cannot read file: {reason}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        try:
            return Cohort.from_dict(data)
        except CohortFormatError as exc:
            raise _bad(f"{path}: {exc}") from None
