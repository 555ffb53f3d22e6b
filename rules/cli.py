"""Command line: ``python -m rules check PLAN.json | programmes | template ID``.

``check`` prints the result as JSON and exits 0 (no error finding), 1 (error findings) or
2 (the file cannot be read, is not JSON or does not match the plan format; then one line on
stderr names the problem and no traceback is shown). ``-`` reads the plan from stdin.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .checks import check_plan
from .dates import parse_iso_date
from .messages import render
from .model import BT_TYPES, Plan, PlanFormatError
from .programmes import UnknownProgrammeError, load_programme, programme_ids
from .templates import template_plan

EXIT_OK, EXIT_ERRORS, EXIT_BAD_INPUT = 0, 1, 2


class InputError(Exception):
    """Bad input for the command line: reported as one line on stderr, exit 2."""


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _read_plan(path: str) -> Plan:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{path}: cannot read file: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    try:
        plan = Plan.from_dict(data)
    except PlanFormatError as exc:
        raise InputError(f"{path}: {exc}") from None
    try:
        load_programme(plan.programme)
    except UnknownProgrammeError as exc:
        raise InputError(f"{path}: programme: {exc}") from None
    return plan


def cmd_check(args: argparse.Namespace) -> int:
    result = check_plan(_read_plan(args.plan))
    _dump(result.to_dict(render=render))
    return EXIT_OK if result.valid else EXIT_ERRORS


def cmd_programmes(args: argparse.Namespace) -> int:
    rows = []
    for pid in programme_ids():
        p = load_programme(pid)
        rows.append(
            {"id": p.id, "name_sv": p.name_sv, "name_en": p.name_en, "region": p.region, "bt_types": list(p.bt_types)}
        )
    if args.json:
        _dump(rows)
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['name_en']} ({r['name_sv']})")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    try:
        start = parse_iso_date(args.start)
    except ValueError as exc:
        raise InputError(f"--start: {exc}") from None
    try:
        plan = template_plan(args.programme, args.bt_type, start)
    except UnknownProgrammeError as exc:
        raise InputError(f"programme: {exc}") from None
    except ValueError as exc:
        raise InputError(f"--bt-type: {exc}") from None
    _dump(plan.to_dict())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rules", description="BT rules (HSLF-FS 2021:8).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="check a plan (JSON file, or - for stdin)")
    p.add_argument("plan")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("programmes", help="list programme ids and names")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_programmes)
    p = sub.add_parser("template", help="print a programme's template plan as JSON")
    p.add_argument("programme")
    p.add_argument("--bt-type", default="fristaende", choices=BT_TYPES)
    p.add_argument("--start", required=True, help="YYYY-MM-DD")
    p.set_defaults(func=cmd_template)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
