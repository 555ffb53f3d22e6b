import pytest
from django.urls import reverse

import rules
from goals.models import Goal


@pytest.mark.django_db
def test_the_18_goals_are_loaded_by_migration():
    goals = list(Goal.objects.filter(regulation="HSLF-FS 2021:8"))
    assert [g.code for g in goals] == [f"BT{i}" for i in range(1, 19)]
    for goal in goals:
        assert goal.title_sv and goal.title_en and goal.requirements
        assert all(r["sv"] and r["en"] for r in goal.requirements)


@pytest.mark.django_db
def test_the_database_matches_the_rules_module():
    for source in rules.goals("HSLF-FS 2021:8"):
        goal = Goal.objects.get(regulation="HSLF-FS 2021:8", code=source.id)
        assert goal.title_sv == source.title_sv
        assert len(goal.requirements) == len(source.requirements)


@pytest.mark.django_db
def test_goal_titles_follow_the_language(client, world):
    client.force_login(world.users["bt_lakare"])
    sv = client.get(reverse("goals:detail", args=["BT18"]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Dödsbevis och dödsorsaksintyg" in sv
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("goals:detail", args=["BT18"])).content.decode()
    assert "Dödsbevis och dödsorsaksintyg" not in en
    assert Goal.objects.get(code="BT18").title_en in en


@pytest.mark.django_db
def test_an_unknown_goal_is_404(client, world):
    client.force_login(world.users["bt_lakare"])
    assert client.get(reverse("goals:detail", args=["BT99"])).status_code == 404


@pytest.mark.django_db
def test_the_list_cites_the_regulation_by_its_title(client, world):
    client.force_login(world.users["bt_lakare"])
    sv = client.get(reverse("goals:list"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert (
        "Socialstyrelsens föreskrifter och allmänna råd (HSLF-FS 2021:8) om läkarnas specialiseringstjänstgöring" in sv
    )
    assert "om läkarnas bastjänstgöring" not in sv
