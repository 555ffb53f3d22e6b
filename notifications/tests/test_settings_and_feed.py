"""Notification settings for every logged-in user; the trainee's secret iCal feed."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import NotificationSetting
from notifications.models import CalendarFeed
from notifications.services import calendar, feed_for
from trainees.models import Placement

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("role", ["bt_lakare", "handledare", "kansli", "granskare", "outsider"])
def test_every_logged_in_user_has_settings(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(reverse("notifications:settings"), {"lead_days": "14", "language": "en"})
    assert response.status_code == 302
    s = NotificationSetting.objects.get(user=world.users[role])
    assert s.email_reminders is False and s.lead_days == 14 and s.language == "en"


def test_settings_refuse_a_silly_notice(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(reverse("notifications:settings"), {"email_reminders": "on", "lead_days": "400"})
    assert response.status_code == 200 and not NotificationSetting.objects.exists()


@pytest.fixture
def feed_plan(world):
    t = world.trainee
    t.programme = "gavleborg"
    t.save(update_fields=["programme"])
    Placement.objects.create(trainee=t, category="akut", unit=world.clinic, start=D(2027, 1, 1), end=D(2027, 2, 28))
    return t


def test_the_feed_has_placements_and_due_assessments(client, world, feed_plan):
    token = feed_for(feed_plan).token
    response = client.get(reverse("notifications:ical", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    placement = next(e for e in events if str(e["uid"]).startswith("placement-"))
    assert placement.decoded("dtstart") == D(2027, 1, 1) and placement.decoded("dtend") == D(2027, 3, 1)
    due = [e for e in events if str(e["uid"]).startswith("due-")]
    assert len(due) == 3  # two monthly assessments and the final one


def test_the_feed_speaks_the_trainees_language(world, feed_plan):
    NotificationSetting.objects.create(user=world.users["bt_lakare"], language="en")
    text = calendar(feed_plan, today=D(2027, 1, 1)).decode()
    assert "Placement final assessment" in text and "Emergency care" in text


def test_an_unknown_feed_token_is_404(client, world):
    assert client.get(reverse("notifications:ical", args=["nope"])).status_code == 404


def test_the_trainee_sees_and_regenerates_the_feed_address(client, world, feed_plan):
    client.force_login(world.users["bt_lakare"])
    page = client.get(reverse("notifications:settings")).content.decode()
    old = CalendarFeed.objects.get(trainee=feed_plan).token
    assert old in page
    # The assessments page points to the settings page rather than repeating the secret address.
    assessments_page = client.get(reverse("assessments:trainee", args=[feed_plan.pk])).content.decode()
    assert old not in assessments_page and 'data-testid="feed-settings-link"' in assessments_page
    client.post(reverse("notifications:ical_regenerate"))
    new = CalendarFeed.objects.get(trainee=feed_plan).token
    assert new != old
    assert client.get(reverse("notifications:ical", args=[old])).status_code == 404
    assert client.get(reverse("notifications:ical", args=[new])).status_code == 200


@pytest.mark.parametrize("role", ["handledare", "kansli", "granskare"])
def test_only_a_trainee_regenerates_a_feed(client, world, role):
    client.force_login(world.users[role])
    assert client.post(reverse("notifications:ical_regenerate")).status_code == 403
