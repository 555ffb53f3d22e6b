"""The request → sign workflow at the service level: links, PINs, expiry, re-sending, locking."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentRequest, RequestStatus, hash_secret
from core.errors import DomainError

pytestmark = pytest.mark.django_db

SIGN = {"overall": 3}


def test_it_stores_only_hashes_and_emails_the_link_and_pin(world, external, mailoutbox, settings):
    req = external.request
    assert req.token_hash == hash_secret(external.token)
    assert external.token not in req.token_hash and external.pin not in req.pin_hash
    assert len(external.pin) == 6 and external.pin.isdigit()
    assert req.assessor is None and req.status == RequestStatus.OPEN
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["extern.lakare@example.org"]
    assert external.url in mail.body and external.pin in mail.body
    assert external.url.startswith(settings.SITE_ROOT)
    assert "Extern Läkare" in mail.body


def test_it_expires_after_the_configured_days(world, make_request, settings):
    settings.ASSESSMENT_REQUEST_DAYS = 3
    req = make_request().request
    assert abs(req.expires_at - (timezone.now() + datetime.timedelta(days=3))) < datetime.timedelta(minutes=1)


def test_it_links_an_assessor_who_has_an_account_by_email(world, make_request):
    req = make_request(assessor_name="Hl", assessor_email="HANDLEDARE@example.se").request
    assert req.assessor == world.users["handledare"]


def test_it_refuses_a_request_without_assessor_or_with_a_strange_placement(world, make_request):
    with pytest.raises(DomainError):
        make_request(assessor_name="", assessor_email="")
    from trainees.models import Placement

    other = Placement.objects.create(
        trainee=world.other_trainee, category="akut", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31)
    )
    with pytest.raises(DomainError):
        make_request(placement=other)
    assert AssessmentRequest.objects.count() == 0


def test_it_fills_the_goals_of_the_placement_for_a_final_assessment(world, make_request):
    req = make_request(instrument="placement_final").request
    # VGR's programme expects BT1, BT17 and BT18 in akut placements.
    assert set(req.goals.values_list("code", flat=True)) >= {"BT1", "BT18"}


def test_it_signs_with_the_pin(world, external):
    assessment = services.sign_request(external.request, data=SIGN, pin=external.pin)
    assert assessment.signed and assessment.sign_method == Assessment.SIGN_PIN
    assert assessment.assessor_name == "Extern Läkare" and assessment.overall == 3
    assert AssessmentRequest.objects.get().status == RequestStatus.SIGNED


def test_it_signs_with_the_login_of_the_addressed_assessor(world, make_request):
    issued = make_request()
    assessment = services.sign_request(issued.request, data=SIGN, by=world.users["handledare"])
    assert assessment.sign_method == Assessment.SIGN_LOGIN
    assert assessment.assessor == world.users["handledare"]


def test_another_logged_in_user_still_needs_the_pin(world, make_request):
    issued = make_request()
    with pytest.raises(services.WrongPin):
        services.sign_request(issued.request, data=SIGN, by=world.users["studierektor"], pin="")
    with pytest.raises(services.NotYourRequest):
        services.sign_as_assessor(issued.request, data=SIGN, by=world.users["kansli"])
    assert Assessment.objects.count() == 0


def test_a_wrong_pin_changes_nothing_but_the_counter(world, external):
    wrong = "000000" if external.pin != "000000" else "111111"
    with pytest.raises(services.WrongPin):
        services.sign_request(external.request, data=SIGN, pin=wrong)
    req = AssessmentRequest.objects.get()
    assert req.pin_failures == 1 and req.status == RequestStatus.OPEN
    assert Assessment.objects.count() == 0


def test_it_locks_after_the_maximum_of_wrong_pins_until_resent(world, external, settings, mailoutbox):
    settings.ASSESSMENT_PIN_MAX_FAILURES = 3
    wrong = "000000" if external.pin != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(services.WrongPin):
            services.sign_request(external.request, data=SIGN, pin=wrong)
    with pytest.raises(services.RequestLocked):
        services.sign_request(external.request, data=SIGN, pin=wrong)
    assert AssessmentRequest.objects.get().status == RequestStatus.LOCKED
    # Even the right PIN does not open a locked request …
    with pytest.raises(services.RequestLocked):
        services.sign_request(external.request, data=SIGN, pin=external.pin)
    # … until the trainee sends it again.
    again = services.resend_request(external.request, by=world.users["bt_lakare"])
    assert again.request.status == RequestStatus.OPEN and again.request.pin_failures == 0
    assert services.sign_request(again.request, data=SIGN, pin=again.pin).signed


def test_an_expired_link_cannot_be_signed(world, external):
    AssessmentRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    req = AssessmentRequest.objects.get()
    with pytest.raises(services.LinkExpired):
        services.sign_request(req, data=SIGN, pin=external.pin)
    assert Assessment.objects.count() == 0 and AssessmentRequest.objects.get().pin_failures == 0


def test_a_reused_link_says_already_signed_and_changes_nothing(world, external):
    first = services.sign_request(external.request, data=SIGN, pin=external.pin)
    with pytest.raises(services.AlreadySigned):
        services.sign_request(AssessmentRequest.objects.get(), data={"overall": 1}, pin=external.pin)
    assert Assessment.objects.get().pk == first.pk and Assessment.objects.get().overall == 3


def test_resending_invalidates_the_old_link(world, external, mailoutbox):
    again = services.resend_request(external.request, by=world.users["bt_lakare"])
    assert services.find_request(external.token) is None
    assert services.find_request(again.token).pk == external.request.pk
    assert again.pin != external.pin or again.token != external.token
    assert len(mailoutbox) == 2 and again.url in mailoutbox[1].body
    assert again.request.send_count == 2
    # The old PIN does not sign the new link (it is bound to the new token).
    if again.pin != external.pin:
        with pytest.raises(services.WrongPin):
            services.sign_request(again.request, data=SIGN, pin=external.pin)


def test_resending_renews_an_expired_request(world, external):
    AssessmentRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    again = services.resend_request(AssessmentRequest.objects.get(), by=world.users["bt_lakare"])
    assert not again.request.expired


def test_a_cancelled_request_cannot_be_signed_or_resent(world, external):
    services.cancel_request(external.request, by=world.users["bt_lakare"])
    req = AssessmentRequest.objects.get()
    with pytest.raises(services.RequestCancelled):
        services.sign_request(req, data=SIGN, pin=external.pin)
    with pytest.raises(DomainError):
        services.resend_request(req, by=world.users["bt_lakare"])


def test_it_audits_the_request_transitions(world, external):
    services.resend_request(external.request, by=world.users["bt_lakare"])
    services.sign_request(
        AssessmentRequest.objects.get(),
        data=SIGN,
        pin=services.resend_request(AssessmentRequest.objects.get(), by=world.users["bt_lakare"]).pin,
    )
    history = AssessmentRequest.history.filter(id=external.request.pk).order_by("history_date")
    assert [h.status for h in history] == ["open", "open", "open", "signed"]
    assert history[1].history_user == world.users["bt_lakare"]


def test_the_overall_level_is_required_and_the_date_not_in_the_future(world, external):
    with pytest.raises(DomainError):
        services.sign_request(external.request, data={}, pin=external.pin)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        services.sign_request(external.request, data={"overall": 2, "performed_on": tomorrow}, pin=external.pin)
    assert Assessment.objects.count() == 0


def test_the_qr_code_is_inline_svg(world):
    svg = services.qr_svg("http://example.org/assessments/a/abc/")
    assert svg.startswith("<svg") and "<path" in svg
    assert "href" not in svg  # nothing fetched from elsewhere
