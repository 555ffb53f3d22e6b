"""What the readiness page shows and to whom, pinned while it is made cheaper to compute: the register
of approved assessors as the choices of the assign form (for the kansli only, without computing each
one's conflicts), and a blocker's link only for those whose permission opens that page — the same
answer for every blocker linking the same page (the page resolves each page once)."""

import pytest
from django.urls import reverse

from certificates import services

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _page(client, user, trainee) -> str:
    client.force_login(user)
    response = client.get(reverse("certificates:readiness", args=[trainee.pk]), **EN)
    assert response.status_code == 200
    return response.content.decode()


def _plan_blockers(trainee) -> list:
    plan = reverse("trainees:plan", args=[trainee.pk])
    return [b for b in services.readiness(trainee).blockers if b.fix_url == plan]


def test_the_kansli_sees_every_link_to_the_plan_and_chooses_among_the_register(client, world, approved_assessor):
    t = world.trainee
    linked = _plan_blockers(t)
    assert len(linked) >= 2  # the plan's errors (and the service not ended) all link to the plan
    body = _page(client, world.users["kansli"], t)
    plan = reverse("trainees:plan", args=[t.pk])
    assert body.count(f'<a href="{plan}">Open the plan</a>') == len(linked)
    name = approved_assessor.user.get_full_name()
    assert f'<option value="{approved_assessor.pk}">{name} – Allmänmedicin (trained 2024-03-01)</option>' in body
    assert 'name="assessor"' in body and 'data-testid="empty-register"' not in body


def test_a_link_to_a_part_of_a_page_is_shown_to_those_who_may_open_the_page(client, world):
    """The final assessment not started links to its section of the readiness page itself (#fragment)."""
    t = world.trainee
    (blocker,) = [b for b in services.readiness(t).blockers if b.code == "FINAL_NOT_STARTED"]
    assert blocker.fix_url.endswith("#final-assessment")
    body = _page(client, world.users["kansli"], t)
    assert f'<a href="{blocker.fix_url}">Start the final assessment</a>' in body


@pytest.mark.parametrize("role", ["bt_lakare", "huvudhandledare"])
def test_others_see_the_reasons_without_the_links_they_may_not_open(client, world, approved_assessor, role):
    t = world.trainee
    linked = _plan_blockers(t)
    body = _page(client, world.users[role], t)
    assert reverse("trainees:plan", args=[t.pk]) not in body  # the plan editor is the managers'
    for blocker in linked:
        assert f'data-code="{blocker.code}">' in body  # the reason is still shown
    assert 'name="assessor"' not in body and approved_assessor.user.get_full_name() not in body


@pytest.mark.parametrize("language, met, not_met", [("en", "Met", "Not met"), ("sv", "Uppfyllt", "Ej uppfyllt")])
def test_the_goals_and_requirements_say_met_or_not_with_the_evidence_dated(client, world, language, met, not_met):
    """The words "Met" and "Not met" are translated once for the whole table; each goal lists its
    evidence with ISO dates, in either language."""
    from .conftest import add_evidence

    t = world.trainee
    add_evidence(t, codes=["BT1"])
    client.force_login(world.users["kansli"])
    body = client.get(reverse("certificates:readiness", args=[t.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    bt1 = body.split('data-goal="BT1">')[1].split("</tr>")[0]
    bt2 = body.split('data-goal="BT2">')[1].split("</tr>")[0]
    assert f"✓ {met}" in bt1 and "<li>Akutmottagning – jour (2026-12-01)</li>" in bt1
    assert "Mini-CEX 2026-12-05 – Dr Åsa Öberg" in bt1
    assert f"✗ {not_met}<br>" in bt2 and "<li>" not in bt2
    requirements = body.split('data-testid="requirements"')[1].split("</table>")[0]
    assert f"✓ {met}" in requirements or f"✗ {not_met}" in requirements
