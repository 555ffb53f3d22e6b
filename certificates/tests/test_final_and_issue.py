"""External assessor (conflicts, limited read-only access), the final assessment (immutable once
both have signed), issuing with verification codes, verification and the application bundle."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from btportal.factories import PASSWORD
from certificates import services
from certificates.models import FinalAssessment, GoalJudgement, IssuedDocument
from core.errors import DomainError
from portfolio.progress import goals_for

from .conftest import sign_bilaga3

pytestmark = pytest.mark.django_db
D = datetime.date


def today():
    return timezone.localdate()


def assign(world, trainee, approved, **kw):
    kw.setdefault("valid_from", today() - datetime.timedelta(days=1))
    kw.setdefault("valid_to", today() + datetime.timedelta(days=30))
    return services.assign_assessor(trainee, approved, by=world.users["kansli"], **kw)


def judge_and_sign(final, user, attained=True, place="Göteborg"):
    goals = dict.fromkeys(goals_for(final.trainee), (attained, "Uppnått – väl dokumenterat"))
    services.record_judgement(final, user=user, judgements=goals, verdict=attained, comment="Godkänd")
    return services.sign_final(final, user=user, place=place)


@pytest.fixture
def signed_final(world, completed, approved_assessor):
    """A BT that has ended, Bilaga 3 signed by the head of the home unit, the final assessment
    signed by both: everything issuing needs."""
    sign_bilaga3(completed, world.users["verksamhetschef"])
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"])
    return judge_and_sign(final, world.users["extern_bedomare"], place="Gävle")


# --- external assessor -----------------------------------------------------------------------


def test_an_independent_assessor_has_no_conflict(world, ready, approved_assessor):
    assert services.assessor_conflicts(ready, approved_assessor) == []


def test_it_finds_a_conflict_at_the_home_unit_a_placement_unit_or_as_supervisor(world, ready, approved_assessor):
    approved_assessor.workplace = world.clinic  # the home unit
    assert "Works at the trainee's home unit." in services.assessor_conflicts(ready, approved_assessor)
    approved_assessor.workplace = world.health_centre  # a placement unit
    assert "Works at one of the trainee's placement units." in services.assessor_conflicts(ready, approved_assessor)
    from accounts.models import ApprovedAssessor

    supervisor = ApprovedAssessor(
        user=world.users["handledare"],
        region=world.vgr,
        specialty="Internmedicin",
        training_date=D(2023, 1, 1),
        workplace=world.other_clinic,
    )
    assert "Has supervised the trainee." in services.assessor_conflicts(ready, supervisor)
    approved_assessor.workplace = world.clinic
    approved_assessor.save()
    with pytest.raises(DomainError):
        assign(world, ready, approved_assessor)
    a = assign(world, ready, approved_assessor, reason="Ingen annan bedömare finns")
    assert a.conflicts and a.conflict_reason


def test_the_assessor_reads_the_portfolio_only_during_the_assignment(client, world, ready, approved_assessor):
    client.login(email=world.users["extern_bedomare"].email, password=PASSWORD)
    urls = [reverse("portfolio:progress", args=[ready.pk]), reverse("certificates:readiness", args=[ready.pk])]
    for url in urls:
        assert client.get(url).status_code == 403
    a = assign(world, ready, approved_assessor)
    for url in urls:
        assert client.get(url).status_code == 200
    # read-only: no portfolio editing, no plan, no other trainee
    assert client.get(reverse("portfolio:activities", args=[ready.pk])).status_code == 200
    assert client.post(reverse("certificates:override", args=[ready.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("certificates:readiness", args=[world.other_trainee.pk])).status_code == 403
    assert client.get(reverse("portfolio:progress", args=[world.other_trainee.pk])).status_code == 403
    # expired
    from trainees.models import AssessorAssignment

    AssessorAssignment.objects.filter(pk=a.pk).update(
        valid_to=today() - datetime.timedelta(days=1), valid_from=today() - datetime.timedelta(days=10)
    )
    for url in urls:
        assert client.get(url).status_code == 403


def test_the_kansli_assigns_through_the_page(client, world, ready, approved_assessor):
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    page = client.get(reverse("certificates:readiness", args=[ready.pk]))
    assert approved_assessor.user.get_full_name() in page.content.decode()
    r = client.post(reverse("certificates:assign", args=[ready.pk]), {"assessor": approved_assessor.pk})
    assert r.status_code == 302 and ready.assessor_assignments.count() == 1
    client.login(email=world.users["stranger_kansli"].email, password=PASSWORD)
    assert (
        client.post(reverse("certificates:assign", args=[ready.pk]), {"assessor": approved_assessor.pk}).status_code
        == 403
    )


# --- final assessment ------------------------------------------------------------------------


def test_the_final_assessment_needs_readiness_or_an_override(world, approved_assessor):
    t = world.trainee
    assign(world, t, approved_assessor)
    with pytest.raises(DomainError):
        services.start_final_assessment(t, by=world.users["kansli"])
    services.override_readiness(t, reason="Beslut", by=world.users["kansli"])
    assert services.start_final_assessment(t, by=world.users["kansli"]).pk


def test_it_is_immutable_once_both_have_signed(world, signed_final):
    fa = FinalAssessment.objects.get(pk=signed_final.pk)
    assert fa.complete and fa.approved
    assert fa.judgements.filter(by_role=GoalJudgement.MAIN).count() == 18
    fa.main_comment = "ändrad"
    with pytest.raises(ValidationError):
        fa.save()
    j = fa.judgements.first()
    j.attained = False
    with pytest.raises(ValidationError):
        j.save()
    with pytest.raises(DomainError):
        services.record_judgement(fa, user=world.users["huvudhandledare"], judgements={}, verdict=False)


def test_signing_needs_every_goal_and_a_verdict(world, ready, approved_assessor):
    assign(world, ready, approved_assessor)
    fa = services.start_final_assessment(ready, by=world.users["kansli"])
    with pytest.raises(DomainError):
        services.sign_final(fa, user=world.users["huvudhandledare"], place="Göteborg")
    with pytest.raises(DomainError):
        services.sign_final(fa, user=world.users["kansli"], place="Göteborg")
    goals = dict.fromkeys(goals_for(ready), (True, ""))
    services.record_judgement(fa, user=world.users["huvudhandledare"], judgements=goals, verdict=True)
    for place in ("", "   ", "x" * 81):  # Bilaga 4 states the place of each signature
        with pytest.raises(DomainError):
            services.sign_final(fa, user=world.users["huvudhandledare"], place=place)
    fa = services.sign_final(fa, user=world.users["huvudhandledare"], place=" Jönköping ")
    assert fa.main_place == "Jönköping" and fa.main_signed_at


def test_the_final_assessment_page(client, world, ready, approved_assessor):
    assign(world, ready, approved_assessor)
    services.start_final_assessment(ready, by=world.users["kansli"])
    url = reverse("certificates:final", args=[ready.pk])
    client.login(email=world.users["extern_bedomare"].email, password=PASSWORD)
    data = {f"goal_BT{i}": "yes" for i in range(1, 19)} | {"verdict": "yes", "action": "save"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {"action": "sign"}).status_code == 302  # no place: refused with a message
    assert not FinalAssessment.objects.get(trainee=ready).external_signed_at
    assert client.post(url, {"action": "sign", "place": "Gävle"}).status_code == 302
    fa = FinalAssessment.objects.get(trainee=ready)
    assert fa.external_signed_at and fa.external_place == "Gävle"
    client.login(email=world.users["handledare"].email, password=PASSWORD)
    assert client.post(url, data).status_code == 403


def test_signing_in_one_submit_saves_every_choice_first(client, world, ready, approved_assessor):
    """Issue 14: filling all 18 delmål and the verdict and tapping "Sign" signs; it does not ask
    for the judgement again with every choice gone."""
    assign(world, ready, approved_assessor)
    services.start_final_assessment(ready, by=world.users["kansli"])
    url = reverse("certificates:final", args=[ready.pk])
    client.login(email=world.users["extern_bedomare"].email, password=PASSWORD)
    data = {f"goal_BT{i}": "yes" for i in range(1, 19)} | {"goal_BT4": "no", "comment_BT4": "Mer träning"}
    data |= {"verdict": "no", "comment": "Nästan", "action": "sign", "place": "Gävle"}
    assert client.post(url, data).status_code == 302
    fa = FinalAssessment.objects.get(trainee=ready)
    assert fa.external_signed_at and fa.external_place == "Gävle"
    assert fa.external_verdict is False and fa.external_comment == "Nästan"
    mine = {j.goal.code: j for j in fa.judgements.filter(by_role=GoalJudgement.EXTERNAL)}
    assert len(mine) == 18 and not mine["BT4"].attained and mine["BT4"].comment == "Mer träning"


def test_a_refused_signature_keeps_the_choices_on_the_page(client, world, ready, approved_assessor):
    assign(world, ready, approved_assessor)
    services.start_final_assessment(ready, by=world.users["kansli"])
    url = reverse("certificates:final", args=[ready.pk])
    client.login(email=world.users["extern_bedomare"].email, password=PASSWORD)
    data = {f"goal_BT{i}": "yes" for i in range(1, 18)} | {"verdict": "yes", "action": "sign", "place": "Gävle"}
    page = client.post(url, data, follow=True).content.decode()  # BT18 left out: refused
    assert not FinalAssessment.objects.get(trainee=ready).external_signed_at
    assert "Judge every goal" in page or "Bedöm varje delmål" in page
    # Every choice made comes back checked; the one left out is still open
    assert page.count('value="yes" autocomplete="off" checked') == 18  # 17 goals + the verdict
    assert 'id="goal_BT18_yes" value="yes" autocomplete="off">' in page
    assert client.post(url, {"goal_BT18": "yes", "action": "sign", "place": "Gävle"}).status_code == 302
    assert FinalAssessment.objects.get(trainee=ready).external_signed_at


# --- issuing and verification ----------------------------------------------------------------


def test_it_issues_only_after_an_approved_final_assessment(world, ready):
    with pytest.raises(DomainError):
        services.issue_certificates(ready, by=world.users["kansli"])


def test_it_refuses_to_issue_without_the_signature_of_bilaga_3(world, completed, approved_assessor):
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"])
    judge_and_sign(final, world.users["extern_bedomare"])
    with pytest.raises(DomainError, match="Bilaga 3 is not signed"):
        services.issue_certificates(completed, by=world.users["kansli"])
    assert not IssuedDocument.objects.exists()
    sign_bilaga3(completed, world.users["verksamhetschef"])
    assert len(services.issue_certificates(completed, by=world.users["kansli"])) == 3


def test_it_refuses_to_issue_before_both_have_signed_bilaga_4(world, completed, approved_assessor):
    sign_bilaga3(completed, world.users["verksamhetschef"])
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"])
    with pytest.raises(DomainError, match="not signed by both"):
        services.issue_certificates(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["extern_bedomare"], attained=False)
    with pytest.raises(DomainError, match="does not find every delmål attained"):
        services.issue_certificates(completed, by=world.users["kansli"])
    assert not IssuedDocument.objects.exists()


def test_issued_pdfs_carry_code_and_qr_and_verify(client, world, signed_final):
    docs = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])
    assert [d.kind for d in docs] == ["bilaga2", "bilaga3", "bilaga4"]
    for d in docs:
        assert not d.file.name.endswith(f"{d.code}.pdf") and d.file.name.startswith("certificates/")
        with d.file.open("rb") as fh:
            data = fh.read()
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert d.code in text and f"/verify/{d.code}/" in text
        assert "UTKAST" not in text  # issued, not a draft
        assert services.verify_bytes(d, data)
    assert docs[1].service_signature == signed_final.trainee.service_signatures.get()
    r = client.get(reverse("verify", args=[docs[1].code]), HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="verify-valid"' in body
    assert "Åke Ängström" in body and "19900517" not in body
    with pytest.raises(ValidationError):
        docs[0].save()
    with pytest.raises(ValidationError):
        IssuedDocument.objects.filter(pk=docs[0].pk).update(sha256="0" * 64)
    with pytest.raises(ValidationError):
        IssuedDocument.objects.filter(pk=docs[0].pk).delete()
    with pytest.raises(DomainError):
        services.issue_certificates(signed_final.trainee, by=world.users["kansli"])


def test_the_verification_page_says_what_was_attested_by_whom_and_when(client, world, signed_final):
    docs = {d.kind: d for d in services.issue_certificates(signed_final.trainee, by=world.users["kansli"])}
    head, main, external = (world.users[r] for r in ("verksamhetschef", "huvudhandledare", "extern_bedomare"))
    b3 = client.get(reverse("verify", args=[docs["bilaga3"].code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in (
        "Sahlgrenska, Medicinkliniken",
        "251001-260131",
        "Psykiatrimottagning Östra",
        "4,50",  # six calendar months at 75 %, as on the certificate
        "12,50",
        f"Head of unit (verksamhetschef): <strong>{head.get_full_name()}</strong> – signed",
        "in Göteborg",
        world.users["kansli"].get_full_name(),
    ):
        assert text in b3, text
    signed_at = timezone.localtime(signed_final.main_signed_at).strftime("%Y-%m-%d %H:%M")
    b4 = client.get(reverse("verify", args=[docs["bilaga4"].code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "attained all goals (delmål) in the curriculum" in b4
    assert f"<strong>{main.get_full_name()}</strong> – signed {signed_at} in Göteborg" in b4
    assert f"<strong>{external.get_full_name()}</strong>" in b4 and "in Gävle" in b4
    b2 = client.get(reverse("verify", args=[docs["bilaga2"].code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "BT1, BT2, BT3" in b2 and "BT18" in b2 and main.get_full_name() in b2


def test_an_issued_bilaga_3_is_not_valid_once_the_placements_change(client, world, signed_final):
    trainee = signed_final.trainee
    docs = {d.kind: d for d in services.issue_certificates(trainee, by=world.users["kansli"])}
    assert services.verify(docs["bilaga3"].code)[0] == services.VerifyState.VALID
    p = trainee.placements.order_by("start").first()
    p.end = p.end - datetime.timedelta(days=3)
    p.save()
    assert services.verify(docs["bilaga3"].code)[0] == services.VerifyState.CHANGED
    body = client.get(reverse("verify", args=[docs["bilaga3"].code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="verify-changed"' in body and "Not valid" in body
    assert "251001-260131" in body  # what was attested, as it was
    # Bilaga 4 attests the final assessment, which has not changed.
    assert services.verify(docs["bilaga4"].code)[0] == services.VerifyState.VALID


def test_a_document_issued_without_its_signature_is_not_valid(client, world, signed_final):
    """A Bilaga 3 issued before issuing required the signature (no attestation recorded)."""
    from django.core.files.base import ContentFile

    trainee = signed_final.trainee
    doc = IssuedDocument(trainee=trainee, kind="bilaga3", subject_name="Åke Ängström", issued_by=world.users["kansli"])
    doc.sha256 = services.sha256(b"%PDF-1.7 old")
    doc.file.save("x.pdf", ContentFile(b"%PDF-1.7 old"), save=False)
    doc.save()
    assert services.verify(doc.code)[0] == services.VerifyState.UNSIGNED
    body = client.get(reverse("verify", args=[doc.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="verify-unsigned"' in body and "without a required signature" in body
    assert "The document is valid" not in body


def test_a_changed_file_fails_verification(client, world, signed_final):
    doc = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])[0]
    with doc.file.open("rb") as fh:
        data = fh.read()
    assert not services.verify_bytes(doc, data + b"%")
    path = default_storage.path(doc.file.name)
    with open(path, "wb") as fh:
        fh.write(data.replace(b"%%EOF", b"%%EOF\n% tampered"))
    r = client.get(reverse("verify", args=[doc.code]))
    assert r.status_code == 200 and 'data-testid="verify-tampered"' in r.content.decode()


def test_revocation_is_recorded_with_a_reason(client, world, signed_final):
    doc = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])[0]
    with pytest.raises(DomainError):
        services.revoke(doc, reason="", by=world.users["kansli"])
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    client.post(reverse("certificates:revoke", args=[doc.trainee_id, doc.pk]), {"reason": "Felaktig period"})
    doc = IssuedDocument.objects.get(pk=doc.pk)
    assert doc.revoked_at and doc.revoked_reason == "Felaktig period"
    client.logout()
    body = client.get(reverse("verify", args=[doc.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="verify-revoked"' in body and "Not valid: the document has been revoked" in body


@pytest.mark.parametrize("code", ["ABCDEFGHJKLMNPQRSTUV", "x", "<script>", "%00%00", "a" * 300, "ÅÄÖ-123"])
def test_unknown_or_malformed_codes_get_a_clear_page(client, db, code):
    r = client.get(f"/verify/{code}/")
    assert r.status_code == 404
    body = r.content.decode()
    assert 'data-testid="verify-unknown"' in body or 'data-testid="verify-malformed"' in body


def test_the_readiness_page_says_what_holds_issuing_back_with_links(client, world, completed, approved_assessor):
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    url = reverse("certificates:readiness", args=[completed.pk])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="cannot-issue"' in body
    assert "Bilaga 3 is not signed by the head of the home unit" in body
    # the link to where it is fixed only for those who may open that page (issue 14: no links to a 403)
    sign_url = reverse("certificates:service_sign", args=[completed.pk])
    assert sign_url not in body
    client.login(email=world.users["verksamhetschef"].email, password=PASSWORD)
    assert client.get(sign_url).status_code == 200
    assert sign_url in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    assert "The final assessment (Bilaga 4) has not started." in body
    assert "Issue the BT certificates" not in body
    sign_bilaga3(completed, world.users["verksamhetschef"])
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bilaga 3 is not signed" not in body
    assert f"waiting for the external assessor {world.users['extern_bedomare'].get_full_name()}" in body
    assert reverse("certificates:final", args=[completed.pk]) in body
    judge_and_sign(final, world.users["extern_bedomare"])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="can-issue"' in body and "Issue the BT certificates" in body


def test_only_the_kansli_issues(client, world, signed_final):
    url = reverse("certificates:issue", args=[signed_final.trainee_id])
    for role in ("bt_lakare", "huvudhandledare", "extern_bedomare", "stranger_kansli"):
        client.login(email=world.users[role].email, password=PASSWORD)
        assert client.post(url).status_code == 403
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    assert client.post(url).status_code == 302
    assert IssuedDocument.objects.filter(trainee=signed_final.trainee).count() == 3


def test_issued_files_are_served_only_with_permission(client, world, signed_final):
    doc = services.issue_certificates(signed_final.trainee, by=world.users["kansli"])[0]
    url = reverse("certificates:issued_file", args=[doc.trainee_id, doc.pk])
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    assert client.get(url).status_code == 200
    client.login(email=world.users["outsider"].email, password=PASSWORD)
    assert client.get(url).status_code == 403


def test_previews_before_issuing_are_marked_as_drafts(client, world, signed_final):
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    trainee = signed_final.trainee
    for kind in ("bilaga2", "bilaga3", "bilaga4"):
        r = client.get(reverse("certificates:document", args=[trainee.pk, kind]))
        text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
        assert "UTKAST – inte utfärdat" in text, kind
    r = client.get(reverse("certificates:document", args=[trainee.pk, "bilaga1"]))
    text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    assert "UTKAST" not in text  # the applicant's own application


# --- application bundle ----------------------------------------------------------------------


def test_the_trainee_downloads_one_bundle_with_bilaga_1_first(client, world, ready):
    from pypdf import PdfReader

    user = ready.user
    user.street_address, user.postal_code, user.city = "Storgatan 1", "411 38", "Göteborg"
    user.save()
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    r = client.get(reverse("certificates:bundle", args=[ready.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    data = r.content
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    low = text.casefold()
    markers = (
        "ansökan",
        "om delmål i bastjänstgöringen",
        "om fullgjord bastjänstgöring",
        "om uppnådd baskompetens",
        "signatures still needed",
    )
    order = [low.index(m) for m in markers]
    assert order == sorted(order)
    assert "☐ needs" in text
    assert len(PdfReader(io.BytesIO(data)).pages) >= 6
    client.login(email=world.users["huvudhandledare"].email, password=PASSWORD)
    assert client.get(reverse("certificates:bundle", args=[ready.pk])).status_code == 403


def test_the_bundle_is_refused_while_the_address_is_missing(client, world, ready):
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    url = reverse("certificates:bundle", args=[ready.pk])
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:profile")  # where it is fixed
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "postal address is missing" in page
    readiness = client.get(reverse("certificates:readiness", args=[ready.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = readiness.content.decode()
    assert 'data-testid="bundle-blockers"' in body and reverse("accounts:profile") in body
    assert url not in body
    # The kansli is told who adds it.
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and r["Location"] == reverse("certificates:readiness", args=[ready.pk])
    user = ready.user
    user.street_address, user.postal_code, user.city = "Storgatan 1", "411 38", ""
    user.save()
    assert client.get(url).status_code == 302  # every part of it
    user.city = "Göteborg"
    user.save()
    assert client.get(url).status_code == 200


def test_the_assessor_sees_their_assignments(client, world, ready, approved_assessor):
    assign(world, ready, approved_assessor)
    client.login(email=world.users["extern_bedomare"].email, password=PASSWORD)
    r = client.get(reverse("certificates:assigned"))
    assert r.status_code == 200 and "Åke Ängström" in r.content.decode()
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    assert client.get(reverse("certificates:assigned")).status_code == 403
