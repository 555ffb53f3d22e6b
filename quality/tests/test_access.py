"""Who sees what of a review; surveys by link; the anonymity of survey answers; queries that do not grow."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from btportal import factories as f
from quality import anonymity, services
from quality.models import ReviewState, SurveyResponse

from .factories import advance_to, make_reviewer, staffed_review


@pytest.fixture
def review(world):
    review, coordinator = staffed_review(world.clinic)
    review.coordinator = coordinator
    return review


def _answers(review, role, value=4):
    return {s.pk: value for s in services.survey_statements(review, role)}


def test_a_reviewer_sees_only_the_reviews_assigned_to_them(client, world, review):
    outsider_reviewer = make_reviewer(f.region("gavleborg"))
    client.force_login(outsider_reviewer)
    assert client.get(reverse("quality:review", args=[review.pk])).status_code == 403
    assert client.get(reverse("quality:review_results", args=[review.pk])).status_code == 403
    assert str(world.clinic.name) not in client.get(reverse("quality:reviews")).content.decode()
    assigned = review.reviewers.first().reviewer
    client.force_login(assigned)
    assert client.get(reverse("quality:review_results", args=[review.pk])).status_code == 200
    assert client.get(reverse("quality:unit_evaluations", args=[world.clinic.pk])).status_code == 200
    # …and no BT-läkare's record.
    assert client.get(world.trainee.get_absolute_url()).status_code == 403


def test_the_unit_sees_findings_only_once_published(client, world, review):
    advance_to(review, ReviewState.VISIT, by=review.coordinator)
    statement = review.catalogue.areas.get(code="E").statements.first()
    services.judge_statement(
        review,
        statement,
        fulfilment="not_met",
        action="recommendation",
        action_text="Hemlig text",
        by=review.coordinator,
    )
    client.force_login(world.users["verksamhetschef"])
    url = reverse("quality:review", args=[review.pk])
    assert "Hemlig text" not in client.get(url).content.decode()
    assert client.get(reverse("quality:review_findings", args=[review.pk])).status_code == 403
    advance_to(review, ReviewState.PUBLISHED, by=review.coordinator)
    assert "Hemlig text" in client.get(url).content.decode()
    assert client.get(reverse("quality:review_pdf", args=[review.pk])).status_code == 200


def test_the_national_list_shows_only_published_reports(client, world, review):
    client.force_login(world.users["outsider"])
    assert client.get(reverse("quality:review_pdf", args=[review.pk])).status_code == 403
    assert 'data-testid="review-row"' not in client.get(reverse("quality:national")).content.decode()


def test_only_the_coordinator_publishes(client, world, review):
    advance_to(review, ReviewState.CALIBRATED, by=review.coordinator)
    client.force_login(review.reviewers.first().reviewer)
    response = client.post(reverse("quality:review_step", args=[review.pk]), {"step": "publish_review"})
    assert response.status_code == 403
    client.force_login(review.coordinator)
    client.post(reverse("quality:review_step", args=[review.pk]), {"step": "publish_review"})
    review.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED


def test_a_stale_step_is_not_taken(client, world, review):
    client.force_login(review.coordinator)
    client.post(reverse("quality:review_step", args=[review.pk]), {"step": "start_visit"})
    review.refresh_from_db()
    assert review.state == ReviewState.PLANNED


def test_a_survey_link_is_single_use_and_cannot_be_forged(client, world, review):
    services.open_surveys(review, by=review.coordinator)
    token = services.issue_survey_links(review, role="handledare", count=1, by=review.coordinator)[0]
    assert client.get(reverse("quality:survey", args=["forged-token"])).status_code == 404
    url = reverse("quality:survey", args=[token])
    assert client.get(url).status_code == 200
    incomplete = client.post(url, {})
    assert incomplete.status_code == 200 and SurveyResponse.objects.count() == 0
    data = {f"s{pk}": v for pk, v in _answers(review, "handledare").items()}
    assert client.post(url, data).status_code == 200
    assert SurveyResponse.objects.count() == 1
    assert client.post(url, data).status_code == 404
    assert SurveyResponse.objects.count() == 1


def test_survey_answers_of_anonymous_roles_follow_the_threshold(world, review):
    services.open_surveys(review, by=review.coordinator)
    n_min = anonymity.threshold()
    tokens = services.issue_survey_links(review, role="handledare", count=n_min, by=review.coordinator)
    for token in tokens[:-1]:
        services.submit_survey(token, answers=_answers(review, "handledare"), comment="Kommentar")
    head = services.issue_survey_links(review, role="verksamhetschef", count=1, by=review.coordinator)[0]
    services.submit_survey(head, answers=_answers(review, "verksamhetschef", 2))
    results = {r.role: r for r in anonymity.survey_results(review)}
    assert (
        not results["handledare"].shown
        and results["handledare"].statements == {}
        and not results["handledare"].comments
    )
    assert results["verksamhetschef"].shown and results["verksamhetschef"].count == 1
    services.submit_survey(tokens[-1], answers=_answers(review, "handledare"))
    assert {r.role: r for r in anonymity.survey_results(review)}["handledare"].count == n_min


def test_a_survey_refuses_answers_outside_the_role_or_scale(world, review):
    from core.errors import DomainError

    services.open_surveys(review, by=review.coordinator)
    token = services.issue_survey_links(review, role="bt_lakare", count=1, by=review.coordinator)[0]
    bad = _answers(review, "bt_lakare", 5)
    with pytest.raises(DomainError):
        services.submit_survey(token, answers=bad)
    with pytest.raises(DomainError):
        services.submit_survey(token, answers=_answers(review, "verksamhetschef"))
    services.submit_survey(token, answers=_answers(review, "bt_lakare"))


@pytest.mark.parametrize("n", [2, 8])
def test_the_review_list_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, n):
    coordinator = f.make_user(role=Role.KOORDINATOR)
    for _ in range(n):
        staffed_review(f.make_unit(f.region("vgr")))
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:reviews")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:national")).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_review_page_and_indicators_read_a_fixed_number_of_queries(
    client, world, review, django_assert_max_num_queries, n
):
    from .factories import ended_placement

    for _ in range(n):
        ended_placement(f.make_trainee(home_unit=world.clinic), world.clinic)
    client.force_login(review.coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("quality:review", args=[review.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("quality:review_results", args=[review.pk])).status_code == 200


def test_the_unit_reports_a_remedy_and_the_reviewer_accepts_it(client, world, review):
    advance_to(review, ReviewState.VISIT, by=review.coordinator)
    statement = review.catalogue.areas.get(code="E").statements.first()
    finding = services.judge_statement(
        review,
        statement,
        fulfilment="not_met",
        action="requirement",
        action_text="Åtgärda",
        due_date=datetime.date(2027, 6, 30),
        by=review.coordinator,
    )
    advance_to(review, ReviewState.FOLLOW_UP, by=review.coordinator)
    url = reverse("quality:finding_remedy", args=[finding.pk])
    client.force_login(world.users["outsider"])
    assert client.post(url, {f"r{finding.pk}-evidence": "x"}).status_code == 403
    client.force_login(world.users["verksamhetschef"])
    assert f'name="r{finding.pk}-evidence"' in client.get(reverse("quality:review", args=[review.pk])).content.decode()
    client.post(url, {f"r{finding.pk}-evidence": "Schemalagd tid"})
    finding.refresh_from_db()
    assert finding.evidence == "Schemalagd tid" and finding.evidence_by == world.users["verksamhetschef"]
    assert client.post(reverse("quality:finding_accept", args=[finding.pk])).status_code == 403
    client.force_login(review.reviewers.first().reviewer)
    client.post(reverse("quality:finding_accept", args=[finding.pk]))
    finding.refresh_from_db()
    assert finding.remedied_at is not None
