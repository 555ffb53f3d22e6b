"""Every portfolio page against every persona: allowed → 200/302, denied → 403, anonymous → login."""

import pytest
from django.urls import reverse

from btportal.factories import PERSONAS
from portfolio import services
from portfolio.models import IUP, Activity, Evidence, SupervisionMeeting

from .factories import goal, make_activity, make_placement, pdf

ALL = PERSONAS
VIEWERS = {"bt_lakare", "huvudhandledare", "studierektor", "verksamhetschef", "kansli", "admin"}
EDITORS = {"bt_lakare"}
REVIEWERS = {"huvudhandledare", "admin"}
NOTES = {"bt_lakare", "huvudhandledare", "admin"}


@pytest.fixture
def portfolio(world):
    t = world.trainee
    iup = services.get_or_create_iup(t)
    services.save_goal_plan(
        iup,
        goal=goal("BT1"),
        activities="A",
        assessment_methods="",
        expected_version=iup.version,
        by=world.users["bt_lakare"],
    )
    services.submit_iup(iup, by=world.users["bt_lakare"])
    activity = make_activity(t, "BT1")
    evidence = services.attach_evidence(activity, files=[pdf()], by=world.users["bt_lakare"])[0]
    return iup, activity, evidence


def _views(t, activity, evidence):
    a = [t.pk, activity.pk]
    return {
        "iup": (reverse("portfolio:iup", args=[t.pk]), VIEWERS),
        "iup_goal_edit": (reverse("portfolio:iup_goal_edit", args=[t.pk, "BT2"]), EDITORS),
        "iup_revisions": (reverse("portfolio:iup_revisions", args=[t.pk]), VIEWERS),
        "iup_revision": (reverse("portfolio:iup_revision", args=[t.pk, 1]), VIEWERS),
        "activities": (reverse("portfolio:activities", args=[t.pk]), VIEWERS),
        "activity": (reverse("portfolio:activity", args=a), VIEWERS),
        "activity_add": (reverse("portfolio:activity_add", args=[t.pk]), EDITORS),
        "activity_edit": (reverse("portfolio:activity_edit", args=a), EDITORS),
        "evidence": (reverse("portfolio:evidence", args=a + [evidence.pk]), VIEWERS),
        "progress": (reverse("portfolio:progress", args=[t.pk]), VIEWERS),
        "supervision": (reverse("portfolio:supervision", args=[t.pk]), NOTES),
    }


CASES = [
    (view, persona)
    for view in [
        "iup",
        "iup_goal_edit",
        "iup_revisions",
        "iup_revision",
        "activities",
        "activity",
        "activity_add",
        "activity_edit",
        "evidence",
        "progress",
        "supervision",
    ]
    for persona in ALL
]


@pytest.mark.django_db
@pytest.mark.parametrize("view,persona", CASES)
def test_it_applies_the_access_matrix_to_every_page(client, world, portfolio, view, persona):
    _iup, activity, evidence = portfolio
    url, allowed = _views(world.trainee, activity, evidence)[view]
    client.force_login(world.users[persona])
    response = client.get(url)
    expected = 200 if persona in allowed else 403
    if view == "iup_goal_edit" and persona in allowed:
        expected = 302  # the IUP is submitted: the trainee is sent back to it with a message
    assert response.status_code == expected, f"{persona} on {view}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view", ["iup", "iup_goal_edit", "activities", "activity", "evidence", "progress", "supervision"]
)
def test_it_sends_anonymous_users_to_login(client, world, portfolio, view):
    _iup, activity, evidence = portfolio
    url, _ = _views(world.trainee, activity, evidence)[view]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_bt_doctor_cannot_open_another_trainees_portfolio(client, world):
    other = world.other_trainee
    activity = make_activity(other, "BT1")
    client.force_login(world.users["bt_lakare"])
    for url in [
        reverse("portfolio:iup", args=[other.pk]),
        reverse("portfolio:activities", args=[other.pk]),
        reverse("portfolio:activity", args=[other.pk, activity.pk]),
        reverse("portfolio:progress", args=[other.pk]),
        reverse("portfolio:supervision", args=[other.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("portfolio:activity_add", args=[other.pk]), {"kind": "course", "title": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_activity_of_another_trainee_is_not_found_through_this_one(client, world):
    activity = make_activity(world.other_trainee, "BT1")
    client.force_login(world.users["bt_lakare"])
    assert client.get(reverse("portfolio:activity", args=[world.trainee.pk, activity.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ALL)
def test_only_the_main_supervisor_can_approve(client, world, portfolio, persona):
    iup, _activity, _evidence = portfolio
    client.force_login(world.users[persona])
    response = client.post(reverse("portfolio:iup_approve", args=[world.trainee.pk]), {"version": iup.version})
    assert response.status_code == (302 if persona in REVIEWERS else 403)
    iup.refresh_from_db()
    assert iup.approved == (persona in REVIEWERS)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["huvudhandledare", "studierektor", "kansli", "admin"])
def test_others_cannot_change_the_portfolio(client, world, portfolio, persona):
    iup, activity, evidence = portfolio
    t = world.trainee
    client.force_login(world.users[persona])
    posts = [
        (reverse("portfolio:iup_goal_edit", args=[t.pk, "BT2"]), {"activities": "x", "version": iup.version}),
        (reverse("portfolio:iup_submit", args=[t.pk]), {"version": iup.version}),
        (
            reverse("portfolio:activity_add", args=[t.pk]),
            {"kind": "course", "title": "x", "start": "2026-12-01", "goals": [goal("BT3").pk]},
        ),
        (
            reverse("portfolio:activity_edit", args=[t.pk, activity.pk]),
            {"kind": "course", "title": "x", "start": "2026-12-01", "goals": [goal("BT3").pk]},
        ),
        (reverse("portfolio:evidence_delete", args=[t.pk, activity.pk, evidence.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Activity.objects.filter(trainee=t).count() == 1 and Evidence.objects.count() == 1
    assert IUP.objects.get(trainee=t).version == iup.version


@pytest.mark.django_db
def test_a_placement_supervisor_may_view_and_write_supervision_notes(client, world):
    make_placement(world.trainee, unit=world.clinic, supervisor=world.users["handledare"])
    client.force_login(world.users["handledare"])
    t = world.trainee
    assert client.get(reverse("portfolio:progress", args=[t.pk])).status_code == 200
    assert client.get(reverse("portfolio:iup", args=[t.pk])).status_code == 200
    assert client.get(reverse("portfolio:activity_add", args=[t.pk])).status_code == 403
    response = client.post(
        reverse("portfolio:supervision", args=[t.pk]),
        {"date": "2026-12-01", "supervisor": world.users["handledare"].pk, "notes": "Bra första månad."},
    )
    assert response.status_code == 302
    meeting = SupervisionMeeting.objects.get(trainee=t)
    assert meeting.author == world.users["handledare"] and meeting.supervisor == world.users["handledare"]


@pytest.mark.django_db
def test_supervision_notes_are_private(client, world):
    t = world.trainee
    SupervisionMeeting.objects.create(
        trainee=t, date="2026-12-01", notes="Privat anteckning", author=world.users["huvudhandledare"]
    )
    client.force_login(world.users["bt_lakare"])
    assert "Privat anteckning" in client.get(reverse("portfolio:supervision", args=[t.pk])).content.decode()
    for persona in ("studierektor", "kansli", "verksamhetschef", "granskare"):
        client.force_login(world.users[persona])
        assert client.get(reverse("portfolio:supervision", args=[t.pk])).status_code == 403
        assert (
            client.post(reverse("portfolio:supervision", args=[t.pk]), {"date": "2026-12-02", "notes": "x"}).status_code
            == 403
        )
        # …and the pages they may see do not link to the notes.
        body = client.get(reverse("portfolio:iup", args=[t.pk])).content.decode()
        assert reverse("portfolio:supervision", args=[t.pk]) not in body
    assert SupervisionMeeting.objects.count() == 1


@pytest.mark.django_db
def test_a_supervision_note_needs_text_and_a_supervisor_of_the_trainee(client, world):
    t = world.trainee
    client.force_login(world.users["bt_lakare"])
    url = reverse("portfolio:supervision", args=[t.pk])
    assert client.post(url, {"date": "2026-12-01", "notes": ""}).status_code == 400
    assert (
        client.post(url, {"date": "2026-12-01", "notes": "x", "supervisor": world.users["kansli"].pk}).status_code
        == 400
    )
    assert not SupervisionMeeting.objects.exists()
    assert (
        client.post(
            url, {"date": "2026-12-01", "notes": "x", "supervisor": world.users["huvudhandledare"].pk}
        ).status_code
        == 302
    )
