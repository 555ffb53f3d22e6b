"""send_reminders: who gets what, once (Django's locmem mail backend)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import NotificationSetting
from assessments.models import Assessment
from core.tests.jobs import run_ready_jobs
from notifications import tasks
from notifications.models import NotificationLog
from notifications.services import send_reminders
from trainees.models import Placement

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2027, 3, 5)


@pytest.fixture
def plan(world):
    """The world trainee on Gävleborg's cadence: one assessment overdue (1 March), more due 31 March."""
    t = world.trainee
    t.programme = "gavleborg"
    t.save(update_fields=["programme"])
    return Placement.objects.create(
        trainee=t,
        category="akut",
        unit=world.clinic,
        start=D(2027, 1, 1),
        end=D(2027, 3, 31),
        supervisor=world.users["handledare"],
    )


def _to(mailoutbox):
    return sorted(addr for m in mailoutbox for addr in m.to)


def test_it_emails_the_trainee_and_both_supervisors_once(world, plan, mailoutbox):
    assert send_reminders(today=TODAY) == 3
    assert _to(mailoutbox) == ["bt@example.se", "handledare@example.se", "hhl@example.se"]
    body = mailoutbox[0].body
    assert "- 2027-01-30" in body and "- 2027-03-01" in body  # both overdue items
    assert "- 2027-03-31" not in body  # not within the default 7 days' notice
    assert f"/assessments/trainee/{world.trainee.pk}/" in body


def test_a_second_run_sends_nothing(world, plan, mailoutbox):
    send_reminders(today=TODAY)
    logged = NotificationLog.objects.count()
    assert send_reminders(today=TODAY) == 0
    assert len(mailoutbox) == 3 and NotificationLog.objects.count() == logged


def test_the_command_queues_a_job_that_the_worker_runs_idempotently(world, plan, mailoutbox, capsys):
    call_command("send_reminders", "--today", "2027-03-05")
    assert "Queued the reminders as job" in capsys.readouterr().out
    assert mailoutbox == []  # the worker sends them
    run_ready_jobs()
    call_command("send_reminders", "--today", "2027-03-05")
    run_ready_jobs()
    assert len(mailoutbox) == 3
    jobs = DBTaskResult.objects.filter(task_path=tasks.send_reminders.module_path).order_by("enqueued_at")
    assert [(j.status, j.return_value) for j in jobs] == [("SUCCESSFUL", 3), ("SUCCESSFUL", 0)]


def test_the_command_sends_here_and_now_when_asked(world, plan, mailoutbox, capsys):
    call_command("send_reminders", "--today", "2027-03-05", "--now")
    call_command("send_reminders", "--today", "2027-03-05", "--now")
    out = capsys.readouterr().out
    assert "Sent 3 reminder email(s)." in out and "Sent 0 reminder email(s)." in out
    assert len(mailoutbox) == 3 and not DBTaskResult.objects.exists()


def test_the_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "5 March")
    assert not DBTaskResult.objects.exists()


def test_due_soon_items_come_with_the_chosen_notice(world, plan, mailoutbox):
    NotificationSetting.objects.create(user=world.users["bt_lakare"], lead_days=30)
    send_reminders(today=TODAY)
    trainee_mail = next(m for m in mailoutbox if m.to == ["bt@example.se"])
    assert "- 2027-03-31" in trainee_mail.body
    hhl_mail = next(m for m in mailoutbox if m.to == ["hhl@example.se"])
    assert "- 2027-03-31" not in hhl_mail.body


def test_an_item_that_becomes_overdue_is_reminded_again(world, plan, mailoutbox):
    NotificationSetting.objects.create(user=world.users["bt_lakare"], lead_days=30)
    NotificationSetting.objects.create(user=world.users["huvudhandledare"], email_reminders=False)
    NotificationSetting.objects.create(user=world.users["handledare"], email_reminders=False)
    send_reminders(today=TODAY)
    assert len(mailoutbox) == 1
    assert send_reminders(today=D(2027, 4, 2)) == 1  # 31 March: was due soon, now overdue
    assert "- 2027-03-31" in mailoutbox[1].body


def test_opting_out_is_respected(world, plan, mailoutbox):
    NotificationSetting.objects.create(user=world.users["handledare"], email_reminders=False)
    send_reminders(today=TODAY)
    assert _to(mailoutbox) == ["bt@example.se", "hhl@example.se"]
    assert not NotificationLog.objects.filter(user=world.users["handledare"]).exists()


def test_done_items_are_not_reminded(world, plan, mailoutbox):
    for day in (D(2027, 1, 20), D(2027, 2, 20)):
        a = Assessment.objects.create(
            trainee=world.trainee, instrument="dops", placement=plan, performed_on=day, assessor_name="A", overall=3
        )
        a.signed_at = a.created_at
        a.save(update_fields=["signed_at"])
    assert send_reminders(today=TODAY) == 0
    assert mailoutbox == []


def test_it_writes_in_the_recipients_language(world, plan, mailoutbox):
    NotificationSetting.objects.create(user=world.users["huvudhandledare"], language="en")
    send_reminders(today=TODAY)
    english = next(m for m in mailoutbox if m.to == ["hhl@example.se"])
    assert "Overdue:" in english.body and english.subject == "BT-portalen: assessments are overdue"


def test_closed_bts_get_no_reminders(world, plan, mailoutbox):
    world.trainee.status = "completed"
    world.trainee.save(update_fields=["status"])
    assert send_reminders(today=TODAY) == 0


def test_a_failed_email_is_retried_next_time(world, plan, mailoutbox, monkeypatch):
    import smtplib

    from notifications import services

    def fail(*args, **kwargs):
        raise smtplib.SMTPException("down")

    monkeypatch.setattr(services, "send_mail", fail)
    assert send_reminders(today=TODAY) == 0
    assert NotificationLog.objects.count() == 0
    monkeypatch.undo()
    assert send_reminders(today=TODAY) == 3
