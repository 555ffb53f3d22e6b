"""The IUP: drafted by the trainee, reviewed by the huvudhandledare, every revision kept."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from core.locking import StaleEdit
from portfolio import services
from portfolio.models import IUP, IUPEvent, IUPGoalPlan, IUPRevision, IUPStatus

from .factories import goal

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _edit(client, trainee, code, version, activities="Akutmottagning 3 mån", methods="Mini-CEX x2"):
    return client.post(
        reverse("portfolio:iup_goal_edit", args=[trainee.pk, code]),
        {"activities": activities, "assessment_methods": methods, "version": version},
        **EN,
    )


def _version(trainee) -> int:
    return IUP.objects.get(trainee=trainee).version


def test_it_creates_one_plan_per_delmal(world):
    iup = services.get_or_create_iup(world.trainee)
    codes = list(iup.goal_plans.order_by("goal__number").values_list("goal__code", flat=True))
    assert codes == [f"BT{n}" for n in range(1, 19)]
    assert services.get_or_create_iup(world.trainee).pk == iup.pk
    assert IUPGoalPlan.objects.filter(iup=iup).count() == 18
    assert iup.status == IUPStatus.DRAFT and not iup.started


def test_it_runs_draft_submitted_approved_with_revisions_kept(client, world):
    t = world.trainee
    client.force_login(world.users["bt_lakare"])
    assert client.get(reverse("portfolio:iup", args=[t.pk])).status_code == 200
    assert _edit(client, t, "BT1", _version(t)).status_code == 302
    iup = IUP.objects.get(trainee=t)
    assert iup.started
    assert client.post(reverse("portfolio:iup_submit", args=[t.pk]), {"version": iup.version}).status_code == 302
    iup.refresh_from_db()
    assert iup.status == IUPStatus.SUBMITTED and iup.submitted_at

    # While submitted, the trainee cannot change the plan.
    response = _edit(client, t, "BT2", iup.version)
    assert response.status_code == 302
    assert IUPGoalPlan.objects.get(iup=iup, goal=goal("BT2")).activities == ""

    client.force_login(world.users["huvudhandledare"])
    body = client.get(reverse("portfolio:iup", args=[t.pk]), **EN).content.decode()
    assert 'data-testid="iup-approve"' in body and 'data-testid="iup-return"' in body
    response = client.post(
        reverse("portfolio:iup_approve", args=[t.pk]), {"version": iup.version, "comment": "Bra plan"}
    )
    assert response.status_code == 302
    iup.refresh_from_db()
    assert iup.approved and iup.approved_by == world.users["huvudhandledare"] and iup.review_comment == "Bra plan"
    body = client.get(reverse("portfolio:iup", args=[t.pk]), **EN).content.decode()
    assert "IUP approved" in body and "IUP started" in body

    revisions = list(IUPRevision.objects.filter(iup=iup).order_by("number"))
    assert [(r.number, r.event, r.status) for r in revisions] == [
        (1, "submitted", "submitted"),
        (2, "approved", "approved"),
    ]
    assert revisions[0].snapshot[0] == {
        "goal": "BT1",
        "activities": "Akutmottagning 3 mån",
        "assessment_methods": "Mini-CEX x2",
    }
    assert len(revisions[0].snapshot) == 18

    # Every revision can be read, by the trainee and the supervisor alike.
    for user in ("bt_lakare", "huvudhandledare"):
        client.force_login(world.users[user])
        listing = client.get(reverse("portfolio:iup_revisions", args=[t.pk])).content.decode()
        assert reverse("portfolio:iup_revision", args=[t.pk, 2]) in listing
        detail = client.get(reverse("portfolio:iup_revision", args=[t.pk, 1]))
        assert detail.status_code == 200 and "Akutmottagning 3 mån" in detail.content.decode()


def test_a_change_after_approval_reopens_the_iup_and_keeps_the_approved_revision(world):
    t, me, hhl = world.trainee, world.users["bt_lakare"], world.users["huvudhandledare"]
    iup = services.get_or_create_iup(t)
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A", assessment_methods="M", expected_version=iup.version, by=me
    )
    services.submit_iup(iup, by=me)
    services.approve_iup(iup, by=hhl, comment="")
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A2", assessment_methods="M", expected_version=iup.version, by=me
    )
    iup.refresh_from_db()
    assert iup.status == IUPStatus.DRAFT and not iup.approved
    events = list(iup.revisions.order_by("number").values_list("event", "status"))
    assert events == [("submitted", "submitted"), ("approved", "approved"), ("reopened", "draft")]
    approved = iup.revisions.get(event=IUPEvent.APPROVED)
    assert approved.snapshot[0]["activities"] == "A"
    assert iup.revisions.get(event=IUPEvent.REOPENED).snapshot[0]["activities"] == "A2"


def test_saving_an_unchanged_plan_keeps_the_approval(world):
    t, me = world.trainee, world.users["bt_lakare"]
    iup = services.get_or_create_iup(t)
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A", assessment_methods="", expected_version=iup.version, by=me
    )
    services.submit_iup(iup, by=me)
    services.approve_iup(iup, by=world.users["huvudhandledare"], comment="")
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A ", assessment_methods="", expected_version=iup.version, by=me
    )
    iup.refresh_from_db()
    assert iup.approved


def test_the_supervisor_returns_the_iup_with_a_comment(client, world):
    t, me = world.trainee, world.users["bt_lakare"]
    iup = services.get_or_create_iup(t)
    services.save_goal_plan(
        iup, goal=goal("BT3"), activities="Kurs", assessment_methods="", expected_version=iup.version, by=me
    )
    services.submit_iup(iup, by=me)
    client.force_login(world.users["huvudhandledare"])
    # A return needs a comment.
    client.post(reverse("portfolio:iup_return", args=[t.pk]), {"version": iup.version, "comment": ""})
    iup.refresh_from_db()
    assert iup.status == IUPStatus.SUBMITTED
    client.post(reverse("portfolio:iup_return", args=[t.pk]), {"version": iup.version, "comment": "Komplettera BT2"})
    iup.refresh_from_db()
    assert iup.status == IUPStatus.DRAFT and iup.review_comment == "Komplettera BT2"
    assert iup.revisions.get(number=2).event == IUPEvent.RETURNED
    client.force_login(me)
    assert "Komplettera BT2" in client.get(reverse("portfolio:iup", args=[t.pk])).content.decode()


def test_a_stale_iup_edit_is_refused_and_nothing_is_saved(client, world):
    t = world.trainee
    client.force_login(world.users["bt_lakare"])
    client.get(reverse("portfolio:iup", args=[t.pk]))
    stale = _version(t)
    assert _edit(client, t, "BT1", stale, activities="Första").status_code == 302
    response = _edit(client, t, "BT2", stale, activities="Andra")
    assert response.status_code == 400
    assert "Someone else changed this IUP" in response.content.decode()
    assert IUPGoalPlan.objects.get(iup__trainee=t, goal=goal("BT2")).activities == ""
    assert _version(t) == stale + 1


def test_a_post_without_its_version_is_stale_and_changes_nothing(client, world):
    t, me = world.trainee, world.users["bt_lakare"]
    client.force_login(me)
    client.get(reverse("portfolio:iup", args=[t.pk]))
    url = reverse("portfolio:iup_goal_edit", args=[t.pk, "BT2"])
    for version in ({}, {"version": ""}, {"version": "x"}):
        response = client.post(url, {"activities": "Andra", **version}, **EN)
        assert response.status_code == 400
        # Said above the form (the hidden field shows no errors of its own).
        assert "Someone else changed this IUP" in response.content.decode()
    assert IUPGoalPlan.objects.get(iup__trainee=t, goal=goal("BT2")).activities == ""
    assert _edit(client, t, "BT1", _version(t)).status_code == 302
    response = client.post(reverse("portfolio:iup_submit", args=[t.pk]), {}, follow=True, **EN)
    assert "Someone else changed this IUP" in response.content.decode()
    assert IUP.objects.get(trainee=t).status == IUPStatus.DRAFT
    client.post(reverse("portfolio:iup_submit", args=[t.pk]), {"version": _version(t)})
    client.force_login(world.users["huvudhandledare"])
    response = client.post(reverse("portfolio:iup_approve", args=[t.pk]), {"comment": "Bra"}, follow=True, **EN)
    assert "Someone else changed this IUP" in response.content.decode()
    assert IUP.objects.get(trainee=t).status == IUPStatus.SUBMITTED


def test_a_stale_approval_is_refused(world):
    t, me = world.trainee, world.users["bt_lakare"]
    iup = services.get_or_create_iup(t)
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A", assessment_methods="", expected_version=iup.version, by=me
    )
    services.submit_iup(iup, by=me)
    with pytest.raises(StaleEdit):
        services.approve_iup(iup, by=world.users["huvudhandledare"], comment="", expected_version=iup.version - 1)
    iup.refresh_from_db()
    assert iup.status == IUPStatus.SUBMITTED and iup.revisions.count() == 1


def test_an_empty_iup_cannot_be_submitted(world):
    iup = services.get_or_create_iup(world.trainee)
    with pytest.raises(DomainError):
        services.submit_iup(iup, by=world.users["bt_lakare"])
    iup.refresh_from_db()
    assert iup.status == IUPStatus.DRAFT and iup.version == 0 and not iup.revisions.exists()


def test_only_the_main_supervisor_approves_and_only_a_submitted_iup(world):
    t, me = world.trainee, world.users["bt_lakare"]
    iup = services.get_or_create_iup(t)
    with pytest.raises(DomainError):
        services.approve_iup(iup, by=world.users["huvudhandledare"], comment="")  # still a draft
    services.save_goal_plan(
        iup, goal=goal("BT1"), activities="A", assessment_methods="", expected_version=iup.version, by=me
    )
    services.submit_iup(iup, by=me)
    with pytest.raises(DomainError):
        services.approve_iup(iup, by=me, comment="")
    with pytest.raises(DomainError):
        services.submit_iup(iup, by=me)  # already submitted


def test_a_viewer_does_not_create_the_iup(client, world):
    client.force_login(world.users["studierektor"])
    body = client.get(reverse("portfolio:iup", args=[world.trainee.pk]), **EN).content.decode()
    assert "IUP not started" in body and "BT18" in body
    assert not IUP.objects.filter(trainee=world.trainee).exists()
