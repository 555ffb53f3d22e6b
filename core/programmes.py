"""The regions' BT programmes as Django sees them: choices with names, and one loader with its fallback.

The programmes themselves are data in the rules module (`rules/data/programmes/*.json`); a trainee's
and a region's `programme` field holds one of their ids (choices, so an unknown id is refused on input).
"""

from django.utils import translation
from django.utils.functional import lazy

import rules

#: The programme every installation has; used when a stored id is not (or no longer) known.
FALLBACK = "national"


def programme_name(programme_id: str) -> str:
    """The programme's name in the active language (its id when it is unknown)."""
    try:
        programme = rules.load_programme(programme_id)
    except rules.UnknownProgrammeError:
        return programme_id
    return programme.name_sv if (translation.get_language() or "sv").startswith("sv") else programme.name_en


programme_label = lazy(programme_name, str)


def programme_choices() -> list[tuple[str, str]]:
    """(id, name) of every programme, the national one first; names follow the active language."""
    return [(pid, programme_label(pid)) for pid in rules.programme_ids()]


def load_or_fallback(programme_id: str) -> rules.Programme:
    """The programme with this id, or the national one when the id is unknown."""
    try:
        return rules.load_programme(programme_id)
    except rules.UnknownProgrammeError:
        return rules.load_programme(FALLBACK)
