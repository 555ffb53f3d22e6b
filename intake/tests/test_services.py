"""The application state machine, the checklist computed from real rows, and admission."""

import datetime

import pytest
from django.utils import translation

from core.errors import DomainError
from intake import services
from intake.models import Application, ApplicationStatus, ChecklistItem, Confirmation
from intake.tests.factories import add_assessments, complete_manual_items, make_application, make_round, start_iup
from trainees.models import Trainee

S = ApplicationStatus


@pytest.fixture(autouse=True)
def english():
    """The service messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def kansli(world):
    return world.users["kansli"]


def _rows(application):
    return {row.item: row for row in services.checklist(application)}


# --- state machine ----------------------------------------------------------


def test_it_submits_a_draft_and_audits_who(world, kansli):
    app = make_application(make_round(world.vgr), status=S.DRAFT, unit=world.hospital)
    services.submit(app, by=kansli)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert app.history.first().history_user == kansli


def test_it_refuses_to_submit_twice(world, kansli):
    app = make_application(make_round(world.vgr), status=S.DRAFT)
    services.submit(app, by=kansli)
    with pytest.raises(DomainError):
        services.submit(app, by=kansli)


def test_it_refuses_a_decision_without_a_reason(world, kansli):
    app = make_application(make_round(world.vgr), unit=world.hospital)
    with pytest.raises(DomainError, match="reason"):
        services.decline(app, by=kansli, reason="  ")
    with pytest.raises(DomainError, match="reason"):
        services.admit(app, by=kansli, reason="")
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED


def test_it_refuses_admission_without_a_complete_checklist(world, kansli):
    app = make_application(make_round(world.vgr), unit=world.hospital)
    with pytest.raises(DomainError, match="checklist is not complete"):
        services.admit(app, by=kansli, reason="Good candidate")
    with pytest.raises(DomainError):
        services.complete_checklist(app, by=kansli)
    assert not Trainee.objects.filter(user__email=app.email).exists()


def test_it_declines_with_a_reason(world, kansli):
    app = make_application(make_round(world.vgr))
    services.decline(app, by=kansli, reason="Not enough experience")
    app.refresh_from_db()
    assert (app.status, app.decision_reason, app.decided_by) == (S.DECLINED, "Not enough experience", kansli)
    with pytest.raises(DomainError):
        services.withdraw(app, by=kansli)


def test_it_withdraws_an_open_application(world, kansli):
    app = make_application(make_round(world.vgr), status=S.DRAFT)
    services.withdraw(app, by=kansli, reason="Took another job")
    assert Application.objects.get(pk=app.pk).status == S.WITHDRAWN


def test_it_refuses_to_confirm_a_computed_item(world, kansli):
    app = make_application(make_round(world.vgr))
    with pytest.raises(DomainError):
        services.confirm_item(app, item=ChecklistItem.ASSESSMENTS, done_on=datetime.date(2026, 1, 1), by=kansli)


def test_it_keeps_no_content_of_the_criminal_records_check(world, kansli):
    app = make_application(make_round(world.vgr))
    c = services.confirm_item(
        app, item=ChecklistItem.CRIMINAL_RECORD, done_on=datetime.date(2026, 1, 1), note="secret", by=kansli
    )
    assert c.note == "" and c.confirmed_by == kansli and c.done_on == datetime.date(2026, 1, 1)


def test_it_records_who_confirmed_an_item_and_when(world, kansli):
    app = make_application(make_round(world.vgr))
    services.confirm_item(app, item=ChecklistItem.LANGUAGE, done_on=datetime.date(2026, 2, 1), note="Native", by=kansli)
    row = _rows(app)[ChecklistItem.LANGUAGE]
    assert row.met and row.confirmation.confirmed_by == kansli and row.confirmation.confirmed_at
    assert Confirmation.history.count() == 1


# --- checklist computed from data ---------------------------------------------


def test_standalone_bt_has_only_the_recruitment_items(world):
    app = make_application(make_round(world.vgr))
    assert set(_rows(app)) == {"language", "contract", "medical_level", "references", "criminal_record"}


def test_without_a_bt_record_computed_items_are_unavailable(world):
    app = make_application(make_round(world.vgr), bt_type="integrerad", st_specialty="Allmänmedicin")
    rows = _rows(app)
    for item in (ChecklistItem.ASSESSMENTS, ChecklistItem.IUP):
        assert not rows[item].met and not rows[item].available


def test_it_computes_assessments_from_signed_assessments(world):
    trainee = world.trainee
    app = make_application(
        make_round(world.vgr),
        bt_type="integrerad",
        st_specialty="Allmänmedicin",
        trainee=trainee,
        personnummer=trainee.user.personnummer,
        unit=world.clinic,
    )
    add_assessments(trainee, ("mini_cex", "dops", "cbd", "cbd"))
    assert not _rows(app)[ChecklistItem.ASSESSMENTS].met  # four, but no specialistkollegium
    add_assessments(trainee, ("specialistkollegium",), signed=False)
    assert not _rows(app)[ChecklistItem.ASSESSMENTS].met  # an unsigned one does not count
    add_assessments(trainee, ("specialistkollegium",))
    assert _rows(app)[ChecklistItem.ASSESSMENTS].met


def test_three_assessments_are_not_enough(world):
    trainee = world.trainee
    app = make_application(
        make_round(world.vgr), bt_type="integrerad", trainee=trainee, personnummer=trainee.user.personnummer
    )
    add_assessments(trainee, ("mini_cex", "dops", "specialistkollegium"))
    assert not _rows(app)[ChecklistItem.ASSESSMENTS].met


def test_the_list_counts_the_same_assessments_as_one_checklist(world):
    """The round page counts each row's assessments in its own query (`signed_counts`); the counts
    are the ones the checklist of one application reads: signed evidence of the four instruments,
    not unsigned ones, not other instruments, not an assessor still to be confirmed, and nothing
    for an application without a BT record."""
    from django.utils import timezone

    from assessments.models import Assessment, AssessorCheck
    from btportal import factories as f

    round = make_round(world.vgr)
    first = world.trainee
    add_assessments(first, ("mini_cex", "dops", "cbd", "specialistkollegium", "specialistkollegium"))
    add_assessments(first, ("mini_cex",), signed=False)
    add_assessments(first, ("consultation",))
    AssessorCheck.objects.create(assessment=Assessment.objects.get(trainee=first, instrument="dops"))
    add_assessments(first, ("cbd",))
    confirmed = Assessment.objects.filter(trainee=first, instrument="cbd").order_by("-pk").first()
    AssessorCheck.objects.create(assessment=confirmed, confirmed_at=timezone.now(), confirmed_by=world.users["kansli"])
    second = f.make_trainee(home_unit=world.clinic)
    add_assessments(second, ("cbd",))
    apps = [
        make_application(round, bt_type="integrerad", trainee=t, personnummer=t.user.personnummer)
        for t in (first, second)
    ]
    apps.append(make_application(round, bt_type="integrerad", last_name="Utan"))
    listed = {a.pk: a for a in services.signed_counts(round.applications.all())}
    assert [(listed[a.pk].signed_total, listed[a.pk].signed_colleges) for a in apps] == [(5, 2), (1, 0), (0, 0)]
    for a in apps[:2]:
        one = {row.item: row for row in services.checklist(a)}[ChecklistItem.ASSESSMENTS]
        assert (
            one.detail == {row.item: row for row in services.checklist(listed[a.pk])}[ChecklistItem.ASSESSMENTS].detail
        )


def test_it_computes_the_iup_from_the_portfolio(world):
    from portfolio.models import IUP

    trainee = world.trainee
    app = make_application(
        make_round(world.vgr), bt_type="integrerad", trainee=trainee, personnummer=trainee.user.personnummer
    )
    assert not _rows(app)[ChecklistItem.IUP].met
    IUP.objects.create(trainee=trainee)
    assert not _rows(app)[ChecklistItem.IUP].met  # an empty IUP is not started
    IUP.objects.get(trainee=trainee).delete()
    start_iup(trainee)
    trainee.refresh_from_db()
    app.refresh_from_db()
    assert _rows(app)[ChecklistItem.IUP].met


def test_the_statement_needs_all_eight_areas(world, kansli):
    app = make_application(make_round(world.vgr), bt_type="integrerad")
    services.save_statement(
        app, by=kansli, data={"supervisor_name": "H", "given_on": datetime.date(2026, 1, 1), "ethics": "ok"}
    )
    row = _rows(Application.objects.get(pk=app.pk))[ChecklistItem.STATEMENT]
    assert not row.met and "Medical knowledge" in row.detail


# --- admission ------------------------------------------------------------------


def _ready_integrated(world, kansli, round=None):
    trainee = world.trainee
    app = make_application(
        round or make_round(world.vgr),
        bt_type="integrerad",
        st_specialty="Allmänmedicin",
        unit=world.clinic,
        trainee=trainee,
        personnummer=trainee.user.personnummer,
        credited_st_months=8,
    )
    complete_manual_items(app, kansli)
    add_assessments(trainee)
    start_iup(trainee)
    return app


def test_it_admits_a_new_applicant_as_a_bt_doctor_with_a_draft_plan(world, kansli, monkeypatch):
    round = make_round(world.vgr, places=1)
    app = make_application(round, unit=world.hospital, first_name="Nils", last_name="Ny", email="Nils@Example.se")
    services.confirm_item(app, item=ChecklistItem.LANGUAGE, done_on=datetime.date(2026, 1, 1), by=kansli)
    with pytest.raises(DomainError, match="Give a reason for admitting without each missing item"):
        services.admit(app, by=kansli, reason="Good")
    complete_manual_items(app, kansli, skip=(ChecklistItem.LANGUAGE,))
    services.admit(app, by=kansli, reason="Good")
    app.refresh_from_db()
    trainee = app.admitted_trainee
    assert app.status == S.ADMITTED and trainee is not None
    assert trainee.user.email == "nils@example.se" and trainee.user.personnummer == app.personnummer
    assert trainee.home_unit == world.hospital and trainee.planned_start == round.bt_start
    assert trainee.programme == world.vgr.programme
    assert trainee.placements.exists()
    assert services.places_left(round) == 0


def test_it_admits_with_missing_items_only_with_a_reason_for_each(world, kansli):
    round = make_round(world.vgr, places=2)
    app = make_application(round, unit=world.hospital)
    complete_manual_items(app, kansli, skip=(ChecklistItem.REFERENCES, ChecklistItem.CRIMINAL_RECORD))
    # A reason for one of the two missing items is not enough; blank reasons do not count.
    for reasons in (
        {},
        {"references": "Referenser tas efter intervjun."},
        {"references": "x", "criminal_record": "  "},
    ):
        with pytest.raises(DomainError) as refused:
            services.admit(app, by=kansli, reason="Uppfyller kraven", missing_reasons=reasons)
        assert "Check against the criminal-records register done" in str(refused.value)
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED
    services.admit(
        app,
        by=kansli,
        reason="Uppfyller kraven",
        missing_reasons={
            "references": "Referenser tas efter intervjun.",
            "criminal_record": "Utdraget beställt; kontrolleras före BT-start.",
            "language": "ignored: not missing",
        },
    )
    app = Application.objects.get(pk=app.pk)
    assert app.status == S.ADMITTED
    assert app.admitted_without == [
        {"item": "references", "label": "References taken", "reason": "Referenser tas efter intervjun."},
        {
            "item": "criminal_record",
            "label": "Check against the criminal-records register done",
            "reason": "Utdraget beställt; kontrolleras före BT-start.",
        },
    ]
    assert app.history.first().admitted_without == app.admitted_without  # audited


def test_a_complete_checklist_records_nothing_missing_and_the_plan_may_wait_for_the_planner(world, kansli):
    round = make_round(world.vgr, places=1)
    app = make_application(round, unit=world.hospital)
    complete_manual_items(app, kansli)
    services.admit(app, by=kansli, reason="Uppfyller kraven", draft_plan=False)
    app = Application.objects.get(pk=app.pk)
    assert app.admitted_without == [] and not app.admitted_trainee.placements.exists()


def test_it_admits_an_st_doctor_with_an_existing_record_and_keeps_the_credit(world, kansli):
    app = _ready_integrated(world, kansli)
    services.complete_checklist(app, by=kansli)
    assert Application.objects.get(pk=app.pk).status == S.CHECKLIST_COMPLETE
    services.admit(app, by=kansli, reason="All documents in order")
    trainee = Trainee.objects.get(pk=world.trainee.pk)
    assert trainee.bt_type == "integrerad" and trainee.st_specialty == "Allmänmedicin"
    assert trainee.placements.exists()
    assert "8.0 months" in trainee.status_changes.first().reason
    assert Trainee.objects.count() == 2  # nobody registered twice


def test_it_refuses_admission_when_the_places_are_taken(world, kansli):
    round = make_round(world.vgr, places=1)
    first = make_application(round, unit=world.hospital)
    complete_manual_items(first, kansli)
    services.admit(first, by=kansli, reason="ok")
    app = _ready_integrated(world, kansli, round)
    with pytest.raises(DomainError, match="places"):
        services.admit(app, by=kansli, reason="ok")
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED


def test_it_refuses_admission_of_an_already_registered_person_without_a_link(world, kansli, monkeypatch):
    app = make_application(make_round(world.vgr), unit=world.hospital, personnummer=world.trainee.user.personnummer)
    complete_manual_items(app, kansli)
    with pytest.raises(DomainError, match="already registered"):
        services.admit(app, by=kansli, reason="ok")


def test_credit_is_at_most_a_year(world):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    app = make_application(make_round(world.vgr))
    app.credited_st_months = 13
    with pytest.raises(ValidationError):
        app.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        app.save()


def test_it_refuses_a_second_application_for_the_same_person(world, kansli):
    round = make_round(world.vgr)
    app = make_application(round)
    with pytest.raises(DomainError):
        services.create_application(
            round=round,
            by=kansli,
            data={
                "bt_type": "fristaende",
                "first_name": "A",
                "last_name": "B",
                "email": "x@example.se",
                "personnummer": app.personnummer,
            },
        )


@pytest.mark.parametrize(
    "today,expected",
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 4, 15), datetime.date(2026, 11, 1)),
        (datetime.date(2026, 11, 2), datetime.date(2027, 4, 1)),
    ],
)
def test_the_next_round_defaults_to_april_or_november(today, expected):
    defaults = services.next_round_defaults(today)
    assert defaults["opens_on"] == expected and defaults["closes_on"].month == expected.month
