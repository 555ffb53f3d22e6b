"""Reminders about due and overdue assessments, and the trainee's iCal feed.

`send_reminders(today=…)` is the whole reminder job (notifications.tasks): for every trainee in
training it asks `assessments.cadence` what is due, and emails the trainee, their main
supervisor and the placement's supervisor about items that are overdue or due within the
person's notice period. Before an email goes out, one `NotificationLog` row per (person, item,
kind) is claimed (the unique constraint makes the claim atomic), so a second run — or two at
once — sends nothing new. If the email fails, the claims are released for the next run.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import language_for, settings_for
from assessments import cadence
from assessments.models import Assessment
from notifications.models import CalendarFeed, NotificationKind, NotificationLog, new_feed_token
from trainees.models import Placement, Trainee, TraineeStatus

log = logging.getLogger(__name__)

IN_TRAINING = [TraineeStatus.PLANNED, TraineeStatus.ACTIVE]


def _recipients(item) -> list:
    people = [item.trainee.user, item.trainee.main_supervisor]
    if item.placement is not None:
        people.append(item.placement.supervisor)
    out = []
    for person in people:
        if person is not None and person.is_active and person.email and person not in out:
            out.append(person)
    return out


def _reminder_kind(item, *, today: datetime.date, lead_days: int) -> str | None:
    if item.status == cadence.OVERDUE:
        return NotificationKind.OVERDUE
    if item.status == cadence.DUE and (item.due_date - today).days <= lead_days:
        return NotificationKind.DUE_SOON
    return None


def _claim(user, item, kind) -> bool:
    try:
        with transaction.atomic():
            NotificationLog.objects.create(user=user, item_key=item.key, kind=kind)
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Email each person once about each due-soon or overdue item; returns the number of emails."""
    today = today or timezone.localdate()
    pending: dict = defaultdict(list)  # user → [(item, kind)]
    trainees = (
        Trainee.objects.filter(status__in=IN_TRAINING)
        .select_related("user__notification_setting", "main_supervisor__notification_setting")
        .prefetch_related(
            Prefetch(
                "placements", queryset=Placement.objects.select_related("unit", "supervisor__notification_setting")
            ),
            "leave",
            Prefetch("assessments", queryset=Assessment.objects.evidence(), to_attr="signed_assessments"),
        )
        .order_by("pk")
    )
    for trainee in trainees.iterator(chunk_size=500):
        items = cadence.due_items(
            trainee,
            today=today,
            placements=list(trainee.placements.all()),
            leave=list(trainee.leave.all()),
            assessments=trainee.signed_assessments,
        )
        for item in items:
            if not item.open:
                continue
            for person in _recipients(item):
                prefs = settings_for(person)
                if not prefs.email_reminders:
                    continue
                kind = _reminder_kind(item, today=today, lead_days=prefs.lead_days)
                if kind:
                    pending[person].append((item, kind))

    sent = 0
    for person, entries in pending.items():
        claimed = [(item, kind) for item, kind in entries if _claim(person, item, kind)]
        if not claimed:
            continue
        try:
            _send_reminder(person, claimed, today=today)
        except (smtplib.SMTPException, OSError):
            log.exception("reminder to %s failed; will retry on the next run", person.pk)
            NotificationLog.objects.filter(user=person, item_key__in=[i.key for i, _ in claimed]).delete()
            continue
        sent += 1
    return sent


def _send_reminder(person, claimed, *, today) -> None:
    overdue = [item for item, kind in claimed if kind == NotificationKind.OVERDUE]
    due_soon = [item for item, kind in claimed if kind == NotificationKind.DUE_SOON]
    trainees = {item.trainee for item, _ in claimed}
    root = settings.SITE_ROOT.rstrip("/")
    with translation.override(language_for(person)):
        context = {
            "person": person,
            "overdue": overdue,
            "due_soon": due_soon,
            "today": today,
            "links": [(t, root + reverse("assessments:trainee", args=[t.pk])) for t in sorted(trainees, key=str)],
            "settings_url": root + reverse("notifications:settings"),
        }
        subject = render_to_string("notifications/email/reminder_subject.txt", context).strip()
        body = render_to_string("notifications/email/reminder_body.txt", context)
    send_mail(subject, body, None, [person.email])


# ---------------------------------------------------------------------------
# iCal feed
# ---------------------------------------------------------------------------


def feed_for(trainee) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(trainee=trainee)
    return feed


def feed_url_for(trainee) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse("notifications:ical", args=[feed_for(trainee).token])


@transaction.atomic
def regenerate_feed(trainee, *, by) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_for(trainee)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar(trainee, *, today: datetime.date | None = None) -> bytes:
    """The trainee's placements (all-day events) and open due assessments, as iCalendar."""
    from icalendar import Calendar, Event

    today = today or timezone.localdate()
    host = settings.SITE_ROOT.split("//")[-1].split("/")[0] or "btportal"
    placements = list(trainee.placements.select_related("unit"))
    with translation.override(language_for(trainee.user)):
        cal = Calendar()
        cal.add("prodid", "-//BT-portalen//assessments//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"BT – {trainee}")
        stamp = timezone.now()
        for p in placements:
            event = Event()
            event.add("uid", f"placement-{p.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", f"{p.get_category_display()}{f' – {p.unit}' if p.unit else ''}")
            event.add("dtstart", p.start)
            event.add("dtend", p.end + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
        for item in cadence.due_items(trainee, today=today, placements=placements):
            if not item.open:
                continue
            event = Event()
            event.add("uid", f"due-{item.key.replace(':', '-')}@{host}")
            event.add("dtstamp", stamp)
            summary = f"{item.label}{f' {item.number}' if item.kind == cadence.REGULAR else ''}"
            if item.status == cadence.OVERDUE:
                summary = f"{summary} ({item.status_label})"
            event.add("summary", summary)
            if item.placement is not None:
                event.add("description", str(item.placement))
            event.add("dtstart", item.due_date)
            event.add("dtend", item.due_date + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
        return cal.to_ical()
