"""The assessment instruments (kompetensvärdering) and their forms, as data.

Every instrument rates on the same scale of *independence* (several regions rate this way
rather than with numbers): an overall level, optional items, strengths, what to develop and
free text; some instruments ask a few extra short text answers (`text_fields`). Only the overall
level is required, so that a Mini-CEX can be signed in a few taps on a phone.

The placement final assessment has no fixed items: its items are the delmål of the placement
(the goals on the request), see `items_for`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

NOT_OBSERVED = 0
LEVELS: tuple[tuple[int, str], ...] = (
    (1, _("Needs step-by-step guidance")),
    (2, _("Needs supervision close at hand")),
    (3, _("Independent with supervision available")),
    (4, _("Fully independent")),
)
LEVEL_LABELS = dict(LEVELS) | {NOT_OBSERVED: _("Not observed")}

PLACEMENT_FINAL = "placement_final"
PANEL_REVIEW = "specialistkollegium"


@dataclass(frozen=True)
class Item:
    key: str
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    description: str
    items: tuple[Item, ...] = ()
    text_fields: tuple[Item, ...] = field(default=())

    def __str__(self):
        return str(self.name)


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in (
        Instrument(
            "mini_cex",
            _("Mini-CEX"),
            _("A short observed patient encounter with immediate feedback."),
            (
                Item("history", _("History taking")),
                Item("examination", _("Physical examination")),
                Item("judgement", _("Clinical judgement")),
                Item("communication", _("Communication")),
                Item("organisation", _("Organisation and efficiency")),
            ),
            (Item("setting", _("Setting and patient problem")),),
        ),
        Instrument(
            "dops",
            _("DOPS"),
            _("Direct observation of a practical procedure."),
            (
                Item("indication", _("Indication, consent and preparation")),
                Item("technique", _("Technical skill")),
                Item("asepsis", _("Asepsis and safety")),
                Item("complications", _("Handling of complications")),
                Item("aftercare", _("Aftercare and documentation")),
            ),
            (Item("procedure", _("Procedure")),),
        ),
        Instrument(
            "cbd",
            _("CBD"),
            _("Case-based discussion of a patient the trainee has managed."),
            (
                Item("records", _("Medical record keeping")),
                Item("assessment", _("Clinical assessment")),
                Item("investigation", _("Investigation and referral")),
                Item("treatment", _("Treatment")),
                Item("reasoning", _("Clinical reasoning")),
                Item("professionalism", _("Professionalism")),
            ),
            (Item("case", _("Case")),),
        ),
        Instrument(
            "consultation",
            _("Consultation assessment (konsultationsmall)"),
            _("An observed consultation assessed with the consultation template."),
            (
                Item("opening", _("Opening and the patient's agenda")),
                Item("history", _("History taking")),
                Item("examination", _("Examination")),
                Item("shared_decision", _("Explanation and shared decision")),
                Item("closing", _("Closing and follow-up")),
            ),
            (Item("setting", _("Setting and patient problem")),),
        ),
        Instrument(
            PANEL_REVIEW,
            _("Specialist panel review (specialistkollegium)"),
            _("A panel of specialists reviews the trainee's progress together."),
            (
                Item("progress", _("Progress towards the goals")),
                Item("clinical", _("Clinical competence")),
                Item("communication", _("Communication and collaboration")),
                Item("professionalism", _("Professionalism")),
            ),
            (Item("panel", _("Members of the panel")),),
        ),
        Instrument(
            "msf360",
            _("Multisource feedback (360°)"),
            _("Feedback from a colleague, nurse or other co-worker."),
            (
                Item("patients", _("Relationship with patients")),
                Item("teamwork", _("Teamwork")),
                Item("communication", _("Communication with colleagues")),
                Item("reliability", _("Reliability and accessibility")),
                Item("professionalism", _("Professionalism")),
            ),
            (Item("rater_role", _("Your role")),),
        ),
        Instrument(
            PLACEMENT_FINAL,
            _("Placement final assessment"),
            _("The supervisor's assessment at the end of a placement, per delmål of the placement."),
        ),
    )
}


def get(code: str) -> Instrument:
    """The instrument with this code; KeyError for an unknown one."""
    return INSTRUMENTS[code]


def choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in INSTRUMENTS.values()]


def name_of(code: str) -> str:
    instrument = INSTRUMENTS.get(code)
    return str(instrument.name) if instrument else code


def items_for(code: str, goals=()) -> tuple[Item, ...]:
    """The rated items of an instrument; for the placement final assessment, one per delmål."""
    if code == PLACEMENT_FINAL:
        return tuple(Item(f"goal_{g.code}", str(g)) for g in goals)
    return get(code).items
