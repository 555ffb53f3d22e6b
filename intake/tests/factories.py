"""Small factories for intake tests."""

import datetime

from django.utils import timezone

from btportal import factories as f
from intake.models import Application, ApplicationStatus, ChecklistItem, Confirmation, Round, SupervisorStatement


def make_round(region, *, places=5, name=None, **fields):
    fields.setdefault("opens_on", datetime.date(2026, 4, 1))
    fields.setdefault("closes_on", datetime.date(2030, 4, 30))
    fields.setdefault("bt_start", datetime.date(2027, 1, 4))
    return Round.objects.create(
        region=region, name=name or f"April {Round.objects.count() + 1}", places=places, **fields
    )


def make_application(round, *, unit=None, status=ApplicationStatus.SUBMITTED, **fields):
    fields.setdefault("bt_type", "fristaende")
    fields.setdefault("first_name", "Ada")
    fields.setdefault("last_name", "Sökande")
    fields.setdefault("email", f"applicant{Application.objects.count() + 1}@example.se")
    fields.setdefault("personnummer", f.make_personnummer(datetime.date(1991, 3, 3)))
    return Application.objects.create(round=round, unit=unit, status=status, **fields)


def complete_manual_items(application, by=None, skip=()):
    for item in (
        ChecklistItem.LANGUAGE,
        ChecklistItem.CONTRACT,
        ChecklistItem.MEDICAL_LEVEL,
        ChecklistItem.REFERENCES,
        ChecklistItem.CRIMINAL_RECORD,
    ):
        if item in skip:
            continue
        Confirmation.objects.create(application=application, item=item, done_on=timezone.localdate(), confirmed_by=by)
    SupervisorStatement.objects.create(
        application=application,
        supervisor_name="Hanna Handledare",
        given_on=timezone.localdate(),
        medical_knowledge="God",
        independence="God",
        communication="God",
        quality_safety="God",
        scientific_approach="God",
        ethics="God",
        leadership="God",
        laws="God",
    )


def add_assessments(trainee, instruments=("mini_cex", "dops", "cbd", "specialistkollegium"), signed=True):
    from assessments.models import Assessment

    for instrument in instruments:
        Assessment.objects.create(
            trainee=trainee,
            instrument=instrument,
            performed_on=datetime.date(2026, 3, 1),
            assessor_name="Bo Bedömare",
            signed_at=timezone.now() if signed else None,
        )


def start_iup(trainee):
    from goals.models import Goal
    from portfolio.models import IUP, IUPGoalPlan

    iup = IUP.objects.create(trainee=trainee)
    IUPGoalPlan.objects.create(iup=iup, goal=Goal.objects.order_by("number").first(), activities="Läsa riktlinjer")
    return iup
