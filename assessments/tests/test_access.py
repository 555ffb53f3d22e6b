"""Who may see, request, sign and annotate assessments: every world persona against the pages."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Addendum, Assessment, AssessmentRequest, RequestStatus, TraineeComment
from btportal.factories import PERSONAS

pytestmark = pytest.mark.django_db

ALL = PERSONAS
# The world trainee's home unit is the VGR clinic; the handledare supervises their placement.
VIEWERS = {"bt_lakare", "handledare", "huvudhandledare", "studierektor", "verksamhetschef", "kansli", "admin"}


@pytest.fixture
def signed(world, make_request):
    issued = make_request()
    return services.sign_request(issued.request, data={"overall": 2}, by=world.users["handledare"])


@pytest.mark.parametrize("role", ALL)
def test_the_trainee_page_by_role(client, world, placement, role):
    client.force_login(world.users[role])
    response = client.get(reverse("assessments:trainee", args=[world.trainee.pk]))
    assert response.status_code == (200 if role in VIEWERS else 403)


@pytest.mark.parametrize("role", ALL)
def test_only_the_trainee_may_ask_for_an_assessment(client, world, placement, role):
    client.force_login(world.users[role])
    assert client.get(reverse("assessments:request_new")).status_code == (200 if role == "bt_lakare" else 403)


@pytest.mark.parametrize("role", ALL)
def test_the_signed_assessment_by_role(client, world, signed, role):
    client.force_login(world.users[role])
    response = client.get(signed.get_absolute_url())
    assert response.status_code == (200 if role in VIEWERS else 403)


@pytest.mark.parametrize("role", ALL)
def test_the_request_page_by_role(client, world, external, role):
    client.force_login(world.users[role])
    response = client.get(external.request.get_absolute_url())
    assert response.status_code == (200 if role in VIEWERS else 403)


def test_another_trainees_data_is_forbidden(client, world, placement):
    from btportal import factories as f

    other_user = f.make_user(personnummer=f.make_personnummer())
    f.make_trainee(other_user, home_unit=world.clinic)
    client.force_login(other_user)
    assert client.get(reverse("assessments:trainee", args=[world.trainee.pk])).status_code == 403
    assert client.get(reverse("assessments:trainee", args=[world.other_trainee.pk])).status_code == 403


def test_a_trainee_cannot_resend_or_cancel_another_trainees_request(client, world, external):
    from btportal import factories as f

    other_user = f.make_user(personnummer=f.make_personnummer())
    f.make_trainee(other_user, home_unit=world.clinic)
    client.force_login(other_user)
    assert client.post(reverse("assessments:request_resend", args=[external.request.pk])).status_code == 403
    assert client.post(reverse("assessments:request_cancel", args=[external.request.pk])).status_code == 403
    assert AssessmentRequest.objects.get().send_count == 1


def test_the_trainee_creates_a_request_and_sees_the_qr_code(client, world, placement, mailoutbox):
    client.force_login(world.users["bt_lakare"])
    response = client.post(
        reverse("assessments:request_new"),
        {
            "instrument": "mini_cex",
            "assessor": world.users["handledare"].pk,
            "placement": placement.pk,
            "message": "Tack!",
        },
    )
    req = AssessmentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["handledare@example.se"]
    page = client.get(req.get_absolute_url()).content.decode()
    assert "<svg" in page and 'data-testid="assess-link"' in page
    # The PIN is for the assessor only: it is not on the trainee's page.
    pin_line = next(line for line in mailoutbox[0].body.splitlines() if line.strip() and line.strip()[-6:].isdigit())
    assert pin_line.strip()[-6:] not in page


def test_the_request_form_asks_for_an_assessor(client, world, placement):
    client.force_login(world.users["bt_lakare"])
    response = client.post(
        reverse("assessments:request_new"),
        {"instrument": "mini_cex", "placement": placement.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and AssessmentRequest.objects.count() == 0
    assert "Choose an assessor, or give the assessor&#x27;s name and email address." in response.content.decode()


def test_others_see_the_request_but_not_its_qr_code(client, world, external):
    client.force_login(world.users["bt_lakare"])
    client.post(reverse("assessments:request_resend", args=[external.request.pk]))
    client.force_login(world.users["kansli"])
    page = client.get(external.request.get_absolute_url()).content.decode()
    assert "<svg" not in page


def test_studierektor_and_kansli_cannot_sign_someone_elses_request(client, world, make_request):
    issued = make_request()
    for role in ("studierektor", "kansli"):
        client.force_login(world.users[role])
        url = reverse("assessments:assess_logged_in", args=[issued.request.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"overall": "3"}).status_code == 403
        # Through the link they are asked for the PIN, like anyone else.
        response = client.post(reverse("assessments:assess", args=[issued.token]), {"overall": "3"})
        assert response.status_code == 200
    assert Assessment.objects.count() == 0
    assert AssessmentRequest.objects.get().status == RequestStatus.OPEN


def test_the_addressed_assessor_signs_from_their_list(client, world, make_request):
    issued = make_request()
    client.force_login(world.users["handledare"])
    inbox = client.get(reverse("assessments:inbox")).content.decode()
    assert reverse("assessments:assess_logged_in", args=[issued.request.pk]) in inbox
    response = client.post(reverse("assessments:assess_logged_in", args=[issued.request.pk]), {"overall": "4"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and assessment.sign_method == "login" and assessment.overall == 4


def test_the_addressed_assessor_signs_through_the_link_with_their_login(client, world, make_request):
    issued = make_request()
    client.force_login(world.users["handledare"])
    page = client.get(reverse("assessments:assess", args=[issued.token])).content.decode()
    assert 'name="pin"' not in page
    client.post(reverse("assessments:assess", args=[issued.token]), {"overall": "2"})
    assert Assessment.objects.get().sign_method == "login"


def test_addenda_by_assessor_and_supervisors_only(client, world, signed):
    url = reverse("assessments:addendum", args=[signed.pk])
    for role in ("handledare", "huvudhandledare"):
        client.force_login(world.users[role])
        assert client.post(url, {"text": f"Tillägg av {role}"}).status_code == 302
    for role in ("bt_lakare", "studierektor", "kansli", "granskare", "outsider"):
        client.force_login(world.users[role])
        assert client.post(url, {"text": "Nej"}).status_code == 403
    assert list(Addendum.objects.values_list("author__email", flat=True)) == ["handledare@example.se", "hhl@example.se"]
    assert Assessment.objects.get().overall == 2


def test_only_the_trainee_comments(client, world, signed):
    url = reverse("assessments:comment", args=[signed.pk])
    for role in ("handledare", "huvudhandledare", "kansli", "granskare"):
        client.force_login(world.users[role])
        assert client.post(url, {"text": "Nej"}).status_code == 403
    client.force_login(world.users["bt_lakare"])
    assert client.post(url, {"text": "Jag håller med."}).status_code == 302
    assert TraineeComment.objects.get().author == world.users["bt_lakare"]
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Jag håller med." in page


def test_no_view_changes_a_signed_assessment(client, world, signed):
    """Posting the form again — by link or from the list — leaves the signed row as it was."""
    before = Assessment.objects.values().get()
    client.force_login(world.users["handledare"])
    response = client.post(
        reverse("assessments:assess_logged_in", args=[signed.request.pk]), {"overall": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "already been signed" in response.content.decode()
    assert Assessment.objects.values().get() == before
    assert Assessment.objects.count() == 1


def test_the_index_leads_trainees_to_their_page_and_others_to_their_list(client, world, placement):
    client.force_login(world.users["bt_lakare"])
    assert client.get(reverse("assessments:index"))["Location"] == reverse(
        "assessments:trainee", args=[world.trainee.pk]
    )
    client.force_login(world.users["handledare"])
    assert client.get(reverse("assessments:index"))["Location"] == reverse("assessments:inbox")


def test_the_home_page_links_to_requests_and_the_inbox(client, world):
    client.force_login(world.users["bt_lakare"])
    assert reverse("assessments:request_new") in client.get(reverse("home")).content.decode()
    client.force_login(world.users["handledare"])
    assert reverse("assessments:inbox") in client.get(reverse("home")).content.decode()


def test_the_trainee_record_links_to_the_assessments(client, world):
    client.force_login(world.users["kansli"])
    page = client.get(world.trainee.get_absolute_url()).content.decode()
    assert reverse("assessments:trainee", args=[world.trainee.pk]) in page
