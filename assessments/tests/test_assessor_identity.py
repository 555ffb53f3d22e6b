"""Who may sign an assessment: never the trainee (any address of theirs, plus-aliases included);
a known supervisor's signature is evidence at once; anyone else's is kept, marked "assessor not
verified", and counts only once the huvudhandledare or a studierektor confirms the assessor."""

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.identity import is_own_address, known_supervisor, normalised
from assessments import services
from assessments.models import Assessment, AssessorCheck
from core.errors import DomainError
from goals.models import Goal
from portfolio.progress import goal_states, progress

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def request_to(world, email, name="Någon", goals=("BT1",)):
    return services.create_request(
        world.trainee,
        by=world.users["bt_lakare"],
        instrument="mini_cex",
        assessor_name=name,
        assessor_email=email,
        goals=list(Goal.objects.filter(code__in=goals)),
    )


def test_addresses_are_compared_without_case_and_plus_alias():
    assert normalised("Anna.B+bt@Example.SE") == "anna.b@example.se"
    assert normalised("no-at-sign") == "no-at-sign"


@pytest.mark.parametrize("email", ["bt@example.se", "BT+mini@example.se", "bt+x@EXAMPLE.se", "privat@gmail.com"])
def test_a_request_to_an_address_of_the_trainee_is_refused(world, email):
    EmailAddress.objects.create(user=world.users["bt_lakare"], email="privat@gmail.com", verified=False)
    with pytest.raises(DomainError, match="yourself"):
        request_to(world, email)
    assert not world.trainee.assessment_requests.exists()


def test_an_address_from_the_trainees_application_is_theirs(world):
    from accounts.identity import remember_address

    remember_address(world.users["bt_lakare"], "Ansokan+x@hotmail.com")
    assert is_own_address(world.users["bt_lakare"], "ansokan@hotmail.com")
    with pytest.raises(DomainError):
        request_to(world, "ansokan+bt@hotmail.com")


def test_a_known_supervisor_is_a_supervisor_role_or_in_the_register(world):
    from btportal import factories as f

    assert known_supervisor("handledare@example.se") == world.users["handledare"]
    assert known_supervisor("HHL@example.se") == world.users["huvudhandledare"]
    assert known_supervisor("kansli@example.se") is None  # an account, but no supervisor
    assert known_supervisor("okand@example.org") is None
    assert known_supervisor("bt@example.se") is None
    f.make_user("handledare+alias@example.se")
    assert known_supervisor("handledare+alias@example.se") is None  # the register knows exact addresses


def test_a_known_supervisors_pin_signature_is_evidence(world):
    issued = request_to(world, "handledare@example.se", name="Hanna Handledare")
    assessment = services.sign_request(issued.request, data={"overall": 3}, pin=issued.pin)
    assert not assessment.assessor_unverified and assessment.counts_as_evidence
    assert Assessment.objects.evidence().filter(pk=assessment.pk).exists()


def test_an_unknown_signer_is_kept_but_not_evidence_until_confirmed(client, world):
    issued = request_to(world, "locum@example.org", name="Lars Locum")
    assessment = services.sign_request(issued.request, data={"overall": 3}, pin=issued.pin)
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.signed and assessment.assessor_unverified
    assert not Assessment.objects.evidence().filter(pk=assessment.pk).exists()
    bt1 = next(gp for gp in progress(world.trainee) if gp.goal.code == "BT1")
    assert not bt1.signed_assessments and bt1.unsigned_assessments == [assessment]
    assert goal_states([world.trainee])[world.trainee.pk]["BT1"] == bt1.state  # the dashboards agree

    # The trainee sees the mark; they cannot confirm their own assessor.
    client.force_login(world.users["bt_lakare"])
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert 'data-testid="assessor-unverified"' in page and "confirm-note" not in page
    confirm = reverse("assessments:confirm_assessor", args=[assessment.pk])
    assert client.post(confirm, {"note": "jag"}).status_code == 403

    # The huvudhandledare confirms, with how they know the assessor.
    client.force_login(world.users["huvudhandledare"])
    assert "confirm-note" in client.get(assessment.get_absolute_url()).content.decode()
    client.post(confirm, {"note": "Lars är stafettläkare på vårdcentralen"})
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.counts_as_evidence
    assert assessment.assessor_check.confirmed_by == world.users["huvudhandledare"]
    bt1 = next(gp for gp in progress(world.trainee) if gp.goal.code == "BT1")
    assert bt1.signed_assessments == [assessment]
    assert 'data-testid="assessor-confirmed"' in client.get(assessment.get_absolute_url()).content.decode()


def test_a_confirmation_is_final_and_no_check_is_deleted(world):
    issued = request_to(world, "locum@example.org")
    assessment = services.sign_request(issued.request, data={"overall": 3}, pin=issued.pin)
    check = AssessorCheck.objects.get(assessment=assessment)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessorCheck.objects.filter(pk=check.pk).delete()  # would make it count unconfirmed
    with pytest.raises(DomainError):
        services.confirm_assessor(assessment, by=world.users["studierektor"], note="")
    services.confirm_assessor(assessment, by=world.users["studierektor"], note="Känd underläkare")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessorCheck.objects.filter(pk=check.pk).update(confirmed_at=None)
    with pytest.raises(DomainError):
        services.confirm_assessor(assessment, by=world.users["studierektor"], note="igen")


def test_a_supervisor_signing_logged_in_is_evidence(world):
    issued = request_to(world, "handledare@example.se")
    assessment = services.sign_as_assessor(issued.request, data={"overall": 2}, by=world.users["handledare"])
    assert assessment.counts_as_evidence


def test_a_registered_supervisor_signs_face_to_face_with_a_personal_pin(client, world):
    from accounts.identity import set_signing_pin

    handledare = world.users["handledare"]
    client.force_login(handledare)
    url = reverse("accounts:signing_pin")
    assert client.post(url, {"pin": "111111", "pin_again": "111111"}).status_code == 400  # one digit repeated
    assert client.post(url, {"pin": "482915", "pin_again": "482916"}).status_code == 400
    assert client.post(url, {"pin": "482915", "pin_again": "482915"}).status_code == 302
    stored = world.supervisor_profile.__class__.objects.get(user=handledare).signing_pin
    assert stored and "482915" not in stored  # a hash, never the PIN
    client.logout()

    # The trainee shows the link; the supervisor signs on the trainee's phone with their own PIN.
    issued = request_to(world, "handledare@example.se")
    page = client.post(
        issued.url,
        {"overall": "3", "performed_on": "2026-11-20", "pin": "482915"},
    )
    assert page.status_code in (200, 302)
    assessment = Assessment.objects.get(request=issued.request)
    assert assessment.signed and assessment.counts_as_evidence and assessment.sign_method == "pin"

    # Someone else's personal PIN does not sign a request addressed to this supervisor.
    set_signing_pin(world.users["huvudhandledare"].supervisor_profile, "739164")
    other = request_to(world, "handledare@example.se")
    with pytest.raises(DomainError):
        services.sign_request(other.request, data={"overall": 3}, pin="739164")
    # Nor does a trainee's account get a PIN page.
    client.force_login(world.users["bt_lakare"])
    assert client.get(url).status_code == 403
