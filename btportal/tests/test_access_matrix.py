"""Each role against representative objects: allowed → 200, denied → 403, anonymous → login."""

import pytest
from django.urls import reverse

from btportal.factories import PERSONAS

ALL = PERSONAS
STAFF_VGR = {"admin", "kansli", "studierektor", "verksamhetschef"}


def _quality(w):
    """A review of the VGR clinic with the world's granskare as one of its reviewers (made once per world)."""
    if not hasattr(w, "review"):
        import datetime

        from accounts.models import Role
        from btportal import factories as f
        from quality import services

        coordinator = f.make_user(role=Role.KOORDINATOR)
        w.review = services.plan_review(
            w.clinic, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2026, 6, 30), by=coordinator
        )
        w.review.reviewers.create(reviewer=w.users["granskare"], conflicts=["same_region"], conflict_reason="test")
        w.other_review = services.plan_review(
            w.other_clinic,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2026, 6, 30),
            by=coordinator,
        )
    return w


def _urls(w):
    _quality(w)
    return {
        "home": (reverse("home"), set(ALL)),
        "goals": (reverse("goals:list"), set(ALL)),
        "goal": (reverse("goals:detail", args=["BT2"]), set(ALL)),
        "profile": (reverse("accounts:profile"), set(ALL)),
        "regions": (
            reverse("organisations:regions"),
            STAFF_VGR | {"granskare", "stranger_kansli", "stranger_studierektor"},
        ),
        "region_vgr": (w.vgr.get_absolute_url(), STAFF_VGR | {"granskare"}),
        "unit_clinic": (w.clinic.get_absolute_url(), STAFF_VGR | {"granskare"}),
        # The studierektor's scope is the hospital subtree; the vårdcentral is outside it.
        "unit_health_centre": (w.health_centre.get_absolute_url(), {"admin", "kansli", "granskare"}),
        "unit_other_region": (w.other_clinic.get_absolute_url(), {"admin", "stranger_kansli", "stranger_studierektor"}),
        "trainees": (
            reverse("trainees:list"),
            STAFF_VGR | {"handledare", "huvudhandledare", "stranger_kansli", "stranger_studierektor"},
        ),
        "trainee": (w.trainee.get_absolute_url(), STAFF_VGR | {"bt_lakare", "huvudhandledare"}),
        "other_trainee": (w.other_trainee.get_absolute_url(), {"admin", "stranger_kansli", "stranger_studierektor"}),
        "supervisors": (reverse("accounts:supervisors"), STAFF_VGR | {"stranger_kansli", "stranger_studierektor"}),
        "supervisor": (
            reverse("accounts:supervisor", args=[w.supervisor_profile.pk]),
            STAFF_VGR | {"handledare"},
        ),
        "supervisor_edit": (
            reverse("accounts:supervisor_edit", args=[w.supervisor_profile.pk]),
            STAFF_VGR | {"handledare"},
        ),
        "reports_dashboard": (
            reverse("reports:dashboard"),
            {"admin", "kansli", "studierektor", "stranger_kansli", "stranger_studierektor"},
        ),
        "reports_unit": (reverse("reports:unit", args=[w.clinic.pk]), STAFF_VGR),
        # Statistics hold no personal data: every staff role and the reviewers, whatever their region.
        "reports_statistics": (
            reverse("reports:region_statistics", args=["vgr"]),
            STAFF_VGR | {"granskare", "stranger_kansli", "stranger_studierektor"},
        ),
        "reports_portfolio_pdf": (
            reverse("reports:portfolio_pdf", args=[w.trainee.pk]),
            STAFF_VGR | {"bt_lakare", "huvudhandledare"},
        ),
        # Quality reviews: the unit's managers see their unit's review; the granskare the one they review.
        "quality_reviews": (
            reverse("quality:reviews"),
            STAFF_VGR | {"granskare", "stranger_kansli", "stranger_studierektor"},
        ),
        "quality_review": (
            reverse("quality:review", args=[w.review.pk]),
            {"admin", "kansli", "studierektor", "verksamhetschef", "granskare"},
        ),
        "quality_other_review": (
            reverse("quality:review", args=[w.other_review.pk]),
            {"admin", "stranger_kansli", "stranger_studierektor"},
        ),
        "quality_results": (reverse("quality:review_results", args=[w.review.pk]), {"admin", "granskare"}),
        "quality_findings": (reverse("quality:review_findings", args=[w.review.pk]), {"admin", "granskare"}),
        "quality_draft_pdf": (reverse("quality:review_draft_pdf", args=[w.review.pk]), {"admin", "granskare"}),
        "quality_national": (reverse("quality:national"), set(ALL)),
        "quality_catalogues": (reverse("quality:catalogues"), {"admin"}),
        "quality_evaluations": (reverse("quality:evaluations"), {"bt_lakare"}),
        "quality_evaluation_units": (
            reverse("quality:evaluation_units"),
            STAFF_VGR | {"granskare", "stranger_kansli", "stranger_studierektor"},
        ),
        "quality_unit_evaluations": (
            reverse("quality:unit_evaluations", args=[w.clinic.pk]),
            {"admin", "kansli", "studierektor", "verksamhetschef", "granskare"},
        ),
        # Who changed what: the kansli and studierektor of the trainee's home unit, and the admin.
        "reports_trainee_history": (
            reverse("reports:trainee_history", args=[w.trainee.pk]),
            {"admin", "kansli", "studierektor"},
        ),
    }


CASES = [
    (url_key, persona)
    for url_key in [
        "home",
        "goals",
        "goal",
        "profile",
        "regions",
        "region_vgr",
        "unit_clinic",
        "unit_health_centre",
        "unit_other_region",
        "trainees",
        "trainee",
        "other_trainee",
        "supervisors",
        "supervisor",
        "supervisor_edit",
        "reports_dashboard",
        "reports_unit",
        "reports_statistics",
        "reports_portfolio_pdf",
        "quality_reviews",
        "quality_review",
        "quality_other_review",
        "quality_results",
        "quality_findings",
        "quality_draft_pdf",
        "quality_national",
        "quality_catalogues",
        "quality_evaluations",
        "quality_evaluation_units",
        "quality_unit_evaluations",
        "reports_trainee_history",
    ]
    for persona in ALL
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_key,persona", CASES)
def test_it_applies_the_access_matrix(client, world, url_key, persona):
    url, allowed = _urls(world)[url_key]
    client.force_login(world.users[persona])
    response = client.get(url)
    expected = 200 if persona in allowed else 403
    assert response.status_code == expected, f"{persona} on {url_key} ({url})"


@pytest.mark.django_db
@pytest.mark.parametrize("url_key", ["home", "goals", "regions", "trainee", "supervisor", "unit_clinic"])
def test_it_redirects_anonymous_users_to_login(client, world, url_key):
    url, _ = _urls(world)[url_key]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_it_lists_only_trainees_in_scope(client, world):
    client.force_login(world.users["kansli"])
    body = client.get(reverse("trainees:list")).content.decode()
    assert str(world.trainee.user.last_name) in body
    assert str(world.other_trainee.user.last_name) not in body


@pytest.mark.django_db
def test_it_forgets_expired_roles(client, world):
    import datetime

    from accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=world.users["kansli"]).update(valid_to=datetime.date(2020, 1, 1))
    client.force_login(world.users["kansli"])
    assert client.get(world.trainee.get_absolute_url()).status_code == 403


@pytest.mark.django_db
def test_it_lets_only_admins_into_the_admin_history(client, world):
    url = reverse("admin:trainees_trainee_history", args=[world.trainee.pk])
    client.force_login(world.users["admin"])
    assert client.get(url).status_code == 200
    client.force_login(world.users["kansli"])
    assert client.get(url).status_code == 302  # to the admin login: not staff
