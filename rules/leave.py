"""Leave (ledighet): which kinds count as service and which must be made up — as data.

The kinds are the regulation's data (``make_up_leave``, ``counts_as_service_leave`` in
``data/regulations/*.json``); the one threshold, the *short sick leave* that need not be made up,
is the regulation's ``short_sick_leave_days`` unless the programme sets its own
(``leave.short_sick_leave_days`` in ``data/programmes/<id>.json``). Sources and the uncertainty
are written next to the numbers in those files (see also rules/README.md, "Leave").

A sick-leave *spell* is one continuous period of sick leave (overlapping or adjacent sick-leave
entries are one spell). A spell of at most ``short_sick_leave_days`` calendar days counts as
service; a longer one is deducted in full (the whole spell must be made up, not the part beyond
the threshold — as the AT guidance reads "longer sick leave must be made up").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .dates import merge_ranges
from .model import LEAVE_KINDS, Leave

SICK = "sick"


@dataclass(frozen=True)
class LeavePolicy:
    """How leave is counted for one trainee: the regulation's kinds, the programme's threshold."""

    make_up: frozenset[str]
    counts_as_service: frozenset[str] = frozenset()
    #: Sick-leave spells of at most this many calendar days count as service (0: none do).
    short_sick_leave_days: int = 0

    def deducted(self, leave: Iterable[Leave]) -> list[tuple[date, date]]:
        """Merged day ranges of leave that does not count as service (it must be made up)."""
        leave = list(leave)
        ranges = [(x.start, x.end) for x in leave if x.kind in self.make_up and x.kind != SICK]
        if SICK in self.make_up:
            spells = merge_ranges([(x.start, x.end) for x in leave if x.kind == SICK])
            ranges += [(a, b) for a, b in spells if (b - a).days + 1 > self.short_sick_leave_days]
        return merge_ranges(ranges)

    def must_make_up(self, kind: str) -> bool:
        """Whether leave of this kind is (at least sometimes) deducted and must be made up."""
        return kind in self.make_up


#: The conservative default when no regulation is at hand: parental, sick and unpaid leave are made up.
DEFAULT_POLICY = LeavePolicy(
    make_up=frozenset({"parental", "sick", "unpaid"}), counts_as_service=frozenset({"vacation"})
)


def leave_policy(regulation, programme=None) -> LeavePolicy:
    """The policy of a regulation version, with the programme's own short-sick-leave threshold if it
    sets one (``None`` in the programme's data: the regulation's)."""
    days = regulation.short_sick_leave_days
    own = getattr(programme, "short_sick_leave_days", None) if programme is not None else None
    if own is not None:
        days = own
    return LeavePolicy(
        make_up=regulation.make_up_leave,
        counts_as_service=regulation.counts_as_service_leave,
        short_sick_leave_days=days,
    )


def check_kinds(make_up: frozenset[str], counts: frozenset[str]) -> bool:
    """Every leave kind is classified exactly once (made up or counted as service)."""
    return not (make_up & counts) and (make_up | counts) == set(LEAVE_KINDS)
