"""The review cycle: one audited function per transition, refused out of order or without what it needs."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from btportal import factories as f
from core.errors import DomainError
from quality import services
from quality.models import ActionKind, Review, ReviewState

from .factories import advance_to, make_review, make_reviewer, staffed_review


@pytest.fixture
def unit(db):
    return f.make_unit(f.region("vgr"), "Medicinkliniken")


def test_it_keeps_the_catalogue_it_started_with(unit):
    review = make_review(unit)
    first = review.catalogue
    services.make_current(services.copy_catalogue(first, version="BT-SPUR 2027:1", by=None), by=None)
    review.refresh_from_db()
    assert review.catalogue == first
    assert first.areas.count() == 8
    assert sorted(first.areas.values_list("code", flat=True)) == list("ABCDEFGH")


def test_it_refuses_to_edit_a_catalogue_in_use(unit):
    review = make_review(unit)
    statement = review.catalogue.areas.first().statements.first()
    statement.text = "Ändrad"
    with pytest.raises(DomainError):
        services.save_statement(statement, by=None)


def test_it_walks_the_whole_cycle_and_audits_each_step(unit):
    review, coordinator = staffed_review(unit)
    advance_to(review, ReviewState.CALIBRATED, by=coordinator)
    services.publish_review(review, by=coordinator)
    review.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED and review.report_pdf
    assert review.report_pdf.read()[:4] == b"%PDF"
    services.start_follow_up(review, by=coordinator)
    services.close_review(review, by=coordinator)
    reasons = list(review.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert "planned → surveys_open" in reasons and "follow_up → closed" in reasons
    assert all(h.history_user == coordinator for h in review.history.exclude(history_change_reason="planned"))


def test_it_refuses_steps_out_of_order(unit):
    review, coordinator = staffed_review(unit)
    with pytest.raises(DomainError):
        services.start_visit(review, by=coordinator)
    with pytest.raises(DomainError):
        services.publish_review(review, by=coordinator)
    assert Review.objects.get(pk=review.pk).state == ReviewState.PLANNED


def test_it_needs_two_reviewers_documents_and_grades(unit):
    coordinator = f.make_user(role=Role.KOORDINATOR)
    review = make_review(unit, by=coordinator)
    with pytest.raises(DomainError):
        services.open_surveys(review, by=coordinator)
    review, coordinator = staffed_review(unit)
    services.open_surveys(review, by=coordinator)
    with pytest.raises(DomainError):
        services.mark_documents_in(review, by=coordinator)
    services.upload_document(review, title="Plan", file=SimpleUploadedFile("a.txt", b"x"), by=coordinator)
    services.mark_documents_in(review, by=coordinator)
    services.start_visit(review, by=coordinator)
    with pytest.raises(DomainError):
        services.submit_preliminary(review, by=coordinator)


def test_it_refuses_a_reviewer_from_the_unit_and_asks_a_reason_for_the_same_region(unit):
    review = make_review(unit)
    own = make_reviewer(unit.region)
    f.grant(own, Role.STUDIEREKTOR, unit=unit)
    with pytest.raises(DomainError):
        services.assign_reviewer(review, own, by=None)
    same_region = make_reviewer(unit.region)
    with pytest.raises(DomainError):
        services.assign_reviewer(review, same_region, by=None)
    a = services.assign_reviewer(review, same_region, by=None, reason="Ingen annan tillgänglig")
    assert a.conflicts == ["same_region"]
    assert services.reviewer_conflicts(review, make_reviewer(f.region("gavleborg"))) == []


def test_it_refuses_a_third_reviewer_and_a_person_who_is_no_reviewer(unit):
    review, coordinator = staffed_review(unit)
    with pytest.raises(DomainError):
        services.assign_reviewer(review, make_reviewer(f.region("gavleborg")), by=coordinator)
    with pytest.raises(DomainError):
        services.assign_reviewer(make_review(unit), f.make_user(), by=coordinator)


def test_a_requirement_needs_a_due_date_and_is_followed_up_before_closing(unit):
    review, coordinator = staffed_review(unit)
    advance_to(review, ReviewState.VISIT, by=coordinator)
    statement = review.catalogue.areas.get(code="E").statements.first()
    with pytest.raises(DomainError):
        services.judge_statement(
            review,
            statement,
            fulfilment="not_met",
            action=ActionKind.REQUIREMENT,
            action_text="Åtgärda",
            by=coordinator,
        )
    finding = services.judge_statement(
        review,
        statement,
        fulfilment="not_met",
        action=ActionKind.REQUIREMENT,
        action_text="Åtgärda",
        due_date=datetime.date(2027, 6, 30),
        by=coordinator,
    )
    advance_to(review, ReviewState.FOLLOW_UP, by=coordinator)
    with pytest.raises(DomainError):
        services.close_review(review, by=coordinator)
    with pytest.raises(DomainError):
        services.accept_remedy(finding, by=coordinator)  # nothing reported yet
    services.report_remedy(finding, evidence="Handledarmöten varannan vecka", by=coordinator)
    services.accept_remedy(finding, by=coordinator)
    services.close_review(review, by=coordinator)
    assert Review.objects.get(pk=review.pk).state == ReviewState.CLOSED


def test_it_refuses_documents_of_other_kinds_and_sizes(unit):
    review, coordinator = staffed_review(unit)
    with pytest.raises(DomainError):
        services.upload_document(review, title="Skript", file=SimpleUploadedFile("x.html", b"<script>"), by=coordinator)
    with pytest.raises(DomainError):
        services.upload_document(review, title=" ", file=SimpleUploadedFile("a.pdf", b"%PDF"), by=coordinator)
    big = SimpleUploadedFile("big.pdf", b"0" * (services.MAX_DOCUMENT_BYTES + 1))
    with pytest.raises(DomainError):
        services.upload_document(review, title="Stor", file=big, by=coordinator)


def test_the_catalogue_is_copied_edited_and_made_current_on_its_page(client, unit):
    from django.urls import reverse

    from quality.models import Catalogue

    review = make_review(unit)
    admin = f.make_user(role=Role.ADMIN)
    client.force_login(admin)
    first = review.catalogue
    page = client.get(reverse("quality:catalogue", args=[first.pk])).content.decode()
    assert ("E1" in page and "Föreskrift" in page) or "Binding" in page
    client.post(reverse("quality:catalogue_copy", args=[first.pk]), {"version": "BT-SPUR 2027:1"})
    new = Catalogue.objects.get(version="BT-SPUR 2027:1")
    statement = new.areas.get(code="E").statements.get(code="E1")
    prefix = f"s{statement.pk}"
    client.post(
        reverse("quality:catalogue", args=[new.pk]),
        {
            "statement": statement.pk,
            f"{prefix}-text": "Ny lydelse",
            f"{prefix}-kind": "advice",
            f"{prefix}-source": "Lipus",
            f"{prefix}-roles": ["bt_lakare"],
        },
    )
    statement.refresh_from_db()
    assert (statement.text, statement.kind, statement.roles) == ("Ny lydelse", "advice", ["bt_lakare"])
    client.post(reverse("quality:catalogue_current", args=[new.pk]))
    assert make_review(unit).catalogue == new and Catalogue.objects.filter(is_current=True).count() == 1
    old = first.areas.get(code="E").statements.get(code="E1")
    client.post(
        reverse("quality:catalogue", args=[first.pk]),
        {"statement": old.pk, f"s{old.pk}-text": "X", f"s{old.pk}-kind": "advice", f"s{old.pk}-source": "Y"},
    )
    old.refresh_from_db()
    assert old.text != "X"  # in use: unchanged
