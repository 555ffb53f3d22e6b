"""What a portable record holds, by model: the explicit list of the models that travel with a
BT-läkare (OWNED, in the order they are imported), the models they refer to that are *matched*
in the receiving installation instead of copied (REFERENCES), the fields left out, and the
models related to a trainee that deliberately stay behind (NOT_CARRIED, each with its reason).

Every concrete field of an owned model travels, found by introspection: a field another app adds
to one of these models is carried without a change here. A new *relation* (or a new model that
points at a trainee) needs a line here; `api/tests/test_record_spec.py` fails until it has one.
"""

from __future__ import annotations

from django.apps import apps

#: The models of a record, parents before children, with the lookup from the model to its trainee.
OWNED: list[tuple[str, str]] = [
    ("trainees.trainee", "pk"),
    ("trainees.placement", "trainee"),
    ("trainees.leave", "trainee"),
    ("trainees.otherlicence", "trainee"),
    ("trainees.credit", "trainee"),
    ("trainees.statuschange", "trainee"),
    ("trainees.unitwish", "trainee"),
    ("trainees.assessorassignment", "trainee"),
    ("portfolio.iup", "trainee"),
    ("portfolio.iupgoalplan", "iup__trainee"),
    ("portfolio.iuprevision", "iup__trainee"),
    ("portfolio.activity", "trainee"),
    ("portfolio.evidence", "activity__trainee"),
    ("portfolio.supervisionmeeting", "trainee"),
    ("assessments.assessmentrequest", "trainee"),
    ("assessments.assessment", "trainee"),
    ("assessments.addendum", "assessment__trainee"),
    ("assessments.traineecomment", "assessment__trainee"),
    ("assessments.assessorcheck", "assessment__trainee"),
    ("certificates.readinessoverride", "trainee"),
    ("certificates.finalassessment", "trainee"),
    ("certificates.goaljudgement", "final__trainee"),
    ("certificates.issueddocument", "trainee"),
    ("certificates.servicesignature", "trainee"),
]
OWNED_LABELS = frozenset(label for label, _path in OWNED)

#: Models that are matched in the receiving installation (never copied as rows of the record):
#: label → how a reference to one is written (see `exporting` and docs/record-format.md).
REFERENCES = {
    "accounts.user": "person",
    "organisations.unit": "unit",
    "organisations.region": "region",
    "goals.goal": "goal",
    "accounts.approvedassessor": "assessor",
}

#: Fields of the trainee's own person that travel (the person's record); a supervisor or an
#: assessor travels as a reference (name, email, personnummer) only.
PERSON_EXCLUDED = frozenset({"id", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined"})
REFERENCE_PERSON_FIELDS = ("email", "personnummer", "first_name", "last_name")

#: Fields set only when every row of the record is in: signing last keeps rows that a signature
#: closes (the judgements of a final assessment) insertable in any database that guards signed rows.
#: The database's triggers refuse a goal added to a signed assessment or request, so these are
#: signed after their goals are in too.
SIGN_LAST = {
    "certificates.finalassessment": ("main_signed_at", "external_signed_at"),
    "assessments.assessment": ("signed_at",),
    "assessments.assessmentrequest": ("status",),
}

#: Models that point at a trainee (or at a model of the record) but stay in their installation.
NOT_CARRIED = {
    "scheduling.planningrun": "a cohort planning run of the source region (its proposals are not the plan)",
    "scheduling.acceptedproposal": "a planner's proposal; what was accepted is in the placements",
    "scheduling.proposaledit": "a planner's proposal, not part of the plan",
    "intake.application": "the source region's intake (the admission is done)",
    "notifications.calendarfeed": "a secret feed address of the source installation",
    "quality.evaluationinvitation": "a single-use invitation to evaluate a placement; the evaluation itself is "
    "anonymous and stays with the unit",
}


def model(label: str):
    return apps.get_model(label)


def owned_models():
    return [(model(label), path) for label, path in OWNED]


def label_of(m) -> str:
    return m._meta.label_lower


def is_history(m) -> bool:
    """simple-history's audit tables: the source installation's audit trail stays there; the
    import writes its own entries."""
    return m.__name__.startswith("Historical") and hasattr(m, "history_id")
