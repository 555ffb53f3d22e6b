"""Assessment workflows: request → (re-send | cancel | lock) → sign; addenda and comments.

Each transition is one function that runs in one transaction, checks the current state (the
row locked with select_for_update), and is audited: requests keep their history
(django-simple-history, with the acting user), signed assessments, addenda and comments are
append-only rows with author and time.

Secrets: the link carries a random token of which only the SHA-256 is stored; the 6-digit PIN
is stored as an HMAC keyed with SECRET_KEY (a plain hash of six digits is guessed offline in
a moment). The raw token and PIN exist only in the email (and, for the QR code, in the
trainee's session right after sending).
"""

from __future__ import annotations

import datetime
import logging
import re
import secrets
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.identity import check_signing_pin, is_known_supervisor, is_own_address, known_supervisor
from accounts.models import language_for
from assessments import instruments
from assessments.models import (
    Addendum,
    Assessment,
    AssessmentRequest,
    AssessorCheck,
    RequestStatus,
    TraineeComment,
    hash_secret,
    new_token,
)
from assessments.permissions import ASSESS
from core.errors import DomainError
from trainees import versions
from trainees.models import TraineeStatus

log = logging.getLogger(__name__)


class LinkNotValid(DomainError):
    pass


class LinkExpired(DomainError):
    pass


class AlreadySigned(DomainError):
    pass


class RequestCancelled(DomainError):
    pass


class RequestLocked(DomainError):
    pass


class WrongPin(DomainError):
    pass


class NotYourRequest(DomainError):
    pass


@dataclass(frozen=True)
class IssuedLink:
    """What a (re-)sent request gives back once: the raw token and PIN are nowhere else."""

    request: AssessmentRequest
    token: str
    pin: str

    @property
    def url(self) -> str:
        return link_for(self.token)


def link_for(token: str) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse("assessments:assess", args=[token])


def _pin_hash(token_hash: str, pin: str) -> str:
    return salted_hmac("assessments.pin", f"{token_hash}:{pin}", algorithm="sha256").hexdigest()


def _new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.ASSESSMENT_REQUEST_DAYS)


def _audit(obj, user) -> None:
    """django-simple-history takes the acting user from the request; services say it themselves."""
    obj._history_user = user


def find_request(token: str) -> AssessmentRequest | None:
    if not token or len(token) > 100:
        return None
    return (
        AssessmentRequest.objects.select_related("trainee__user", "placement__unit", "assessor")
        .filter(token_hash=hash_secret(token))
        .first()
    )


def check_signable(req: AssessmentRequest) -> None:
    """Raise the domain error that explains why this request cannot be signed now."""
    if req.status == RequestStatus.SIGNED:
        raise AlreadySigned(_("This assessment has already been signed. Nothing was changed."))
    if req.status == RequestStatus.CANCELLED:
        raise RequestCancelled(_("The trainee has cancelled this request."))
    if req.status == RequestStatus.LOCKED:
        raise RequestLocked(_("This request is locked after too many wrong PINs. Ask the trainee to send it again."))
    if req.expires_at <= timezone.now():
        raise LinkExpired(_("This link has expired; ask the trainee to send it again."))


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


def assessor_choices(trainee) -> list:
    """People a trainee may pick by name: their main supervisor and their placements' supervisors."""
    people = []
    if trainee.main_supervisor_id:
        people.append(trainee.main_supervisor)
    for p in trainee.placements.select_related("supervisor").order_by("start"):
        if p.supervisor_id and p.supervisor not in people:
            people.append(p.supervisor)
    return people


def _send_request_email(req: AssessmentRequest, token: str, pin: str) -> None:
    with translation.override(language_for(req.assessor)):
        context = {
            "request": req,
            "trainee": req.trainee,
            "instrument": req.instrument_name,
            "url": link_for(token),
            "pin": pin,
            "expires": timezone.localtime(req.expires_at),
            "resent": req.send_count > 1,
        }
        subject = render_to_string("assessments/email/request_subject.txt", context).strip()
        body = render_to_string("assessments/email/request_body.txt", context)
    try:
        send_mail(subject, body, None, [req.assessor_email])
    except (smtplib.SMTPException, OSError):
        log.exception("assessment request %s: email failed", req.pk)
        raise DomainError(_("The email to the assessor could not be sent. Try again in a while.")) from None


def _issue(req: AssessmentRequest) -> IssuedLink:
    token, pin = new_token(), _new_pin()
    req.token_hash = hash_secret(token)
    req.pin_hash = _pin_hash(req.token_hash, pin)
    req.pin_failures = 0
    req.expires_at = _expiry()
    req.sent_at = timezone.now()
    req.send_count += 1
    req.status = RequestStatus.OPEN
    return IssuedLink(req, token, pin)


@transaction.atomic
def create_request(
    trainee,
    *,
    by,
    instrument: str,
    assessor=None,
    assessor_name: str = "",
    assessor_email: str = "",
    placement=None,
    goals=(),
    message: str = "",
) -> IssuedLink:
    """Create a request to a named assessor and email them the link and PIN."""
    from accounts.models import User

    if instrument not in instruments.INSTRUMENTS:
        raise DomainError(_("Choose an assessment instrument."))
    if trainee.status in (TraineeStatus.COMPLETED, TraineeStatus.DISCONTINUED):
        raise DomainError(_("This BT is closed; no new assessments can be requested."))
    if placement is not None and placement.trainee_id != trainee.pk:
        raise DomainError(_("Choose one of your own placements."))
    if assessor is not None:
        assessor_name, assessor_email = assessor.get_full_name() or assessor.email, assessor.email
    assessor_name, assessor_email = assessor_name.strip(), assessor_email.strip().lower()
    if not assessor_name or not assessor_email:
        raise DomainError(_("Choose an assessor, or give the assessor's name and email address."))
    if is_own_address(trainee.user, assessor_email) or (assessor is not None and assessor.pk == trainee.user_id):
        # Any of the trainee's addresses, a plus-alias of one included: the PIN would reach them.
        raise DomainError(_("You cannot assess yourself: the address is one of yours."))
    if assessor is None:
        # Someone with an account may sign with their login instead of the PIN.
        assessor = User.objects.filter(email__iexact=assessor_email, is_active=True).first()
        if assessor is not None and assessor.pk == trainee.user_id:
            raise DomainError(_("You cannot assess yourself: the address is one of yours."))
    goals = list(goals)
    if instrument == instruments.PLACEMENT_FINAL and not goals and placement is not None:
        goals = _placement_goals(trainee, placement)

    req = AssessmentRequest(
        trainee=trainee,
        instrument=instrument,
        placement=placement,
        assessor=assessor,
        assessor_name=assessor_name,
        assessor_email=assessor_email,
        message=message.strip(),
        created_by=by,
    )
    issued = _issue(req)
    _audit(req, by)
    req.save()
    req.goals.set(goals)
    _send_request_email(req, issued.token, issued.pin)
    return issued


def _placement_goals(trainee, placement) -> list:
    """The delmål the programme expects in this placement's category."""
    from goals.models import Goal

    codes = trainee.programme_rules.goals_for_category(placement.category)
    return list(Goal.objects.filter(code__in=codes).order_by("number"))


@transaction.atomic
def resend_request(req: AssessmentRequest, *, by) -> IssuedLink:
    """A new link, PIN and expiry, emailed again; the old link stops working."""
    current = AssessmentRequest.objects.select_for_update().get(pk=req.pk)
    if not current.resendable:
        raise DomainError(_("Only a request that is not yet signed or cancelled can be sent again."))
    issued = _issue(current)
    _audit(current, by)
    current.save(
        update_fields=["token_hash", "pin_hash", "pin_failures", "expires_at", "sent_at", "send_count", "status"]
    )
    _send_request_email(current, issued.token, issued.pin)
    return issued


@transaction.atomic
def cancel_request(req: AssessmentRequest, *, by) -> AssessmentRequest:
    current = AssessmentRequest.objects.select_for_update().get(pk=req.pk)
    if not current.resendable:
        raise DomainError(_("Only a request that is not yet signed or cancelled can be cancelled."))
    current.status = RequestStatus.CANCELLED
    _audit(current, by)
    current.save(update_fields=["status"])
    return current


# ---------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------


def verify_pin(req: AssessmentRequest, pin: str) -> None:
    """Check the PIN. A wrong PIN is counted (and committed) before WrongPin is raised; the last
    allowed failure locks the request until the trainee re-sends it."""
    with transaction.atomic():
        current = AssessmentRequest.objects.select_for_update().get(pk=req.pk)
        check_signable(current)
        if current.pin_hash and constant_time_compare(
            current.pin_hash, _pin_hash(current.token_hash, (pin or "").strip())
        ):
            return
        if check_signing_pin(current.assessor_email, pin) is not None:
            return  # the addressed supervisor's personal signing PIN: face to face, no email needed
        # The row is locked (select_for_update), so a plain increment cannot lose a count.
        current.pin_failures += 1
        left = settings.ASSESSMENT_PIN_MAX_FAILURES - current.pin_failures
        if left <= 0:
            current.status = RequestStatus.LOCKED
        _audit(current, None)
        current.save(update_fields=["pin_failures", "status"])
    req.pin_failures = current.pin_failures
    req.status = current.status
    if left <= 0:
        raise RequestLocked(_("This request is locked after too many wrong PINs. Ask the trainee to send it again."))
    raise WrongPin(
        _("The PIN is wrong. Check the PIN in the email with the link (%(left)s attempts left).") % {"left": left}
    )


def sign_request(req: AssessmentRequest, *, data: dict, by=None, pin: str = "") -> Assessment:
    """Sign: with the login when `by` is the addressed assessor, otherwise with the PIN.

    `data`: overall (1–4, required), ratings {item: 0–4}, strengths, development, comments,
    details {field: text}, performed_on (date; default today).
    """
    if by is not None and ASSESS.allows(by, req):
        method = Assessment.SIGN_LOGIN
    else:
        verify_pin(req, pin)
        method = Assessment.SIGN_PIN
        by = None
    return _sign(req, data=data, by=by, method=method)


def sign_as_assessor(req: AssessmentRequest, *, data: dict, by) -> Assessment:
    """Sign from the logged-in assessor's own list (no link, no PIN). The request is read, locked,
    through the requests addressed to `by`: one addressed to someone else is not found."""
    if not ASSESS.allows(by):  # a logged-in, active account (no query)
        raise NotYourRequest(_("This request is addressed to someone else."))
    return _sign(req, data=data, by=by, method=Assessment.SIGN_LOGIN, scope=ASSESS.queryset(by))


@transaction.atomic
def _sign(req: AssessmentRequest, *, data: dict, by, method: str, scope=None) -> Assessment:
    # The request's row is locked; its trainee and placement come in the same query (not locked).
    # `scope`: the requests `by` may sign (None: the caller has checked).
    current = (
        (AssessmentRequest.objects.all() if scope is None else scope)
        .select_for_update(of=("self",))
        .select_related("trainee", "placement")
        .filter(pk=req.pk)
        .first()
    )
    if current is None:
        raise NotYourRequest(_("This request is addressed to someone else."))
    check_signable(current)
    overall = data.get("overall")
    if overall not in dict(instruments.LEVELS):
        raise DomainError(_("Choose the overall level of independence."))
    performed_on = data.get("performed_on") or timezone.localdate()
    if performed_on > timezone.localdate():
        raise DomainError(_("The date of the assessment cannot be in the future."))
    if by is not None and by.pk == current.trainee.user_id:
        raise NotYourRequest(_("You cannot assess yourself."))
    # The assessment, the request's history and the trainee's record version: one bump of the version for
    # the whole signing (trainees.versions), made last.
    with versions.one_bump():
        assessment = Assessment.objects.create(
            request=current,
            trainee=current.trainee,
            instrument=current.instrument,
            placement=current.placement,
            performed_on=performed_on,
            assessor=by or current.assessor,
            assessor_name=(by.get_full_name() or by.email) if by else current.assessor_name,
            assessor_email=by.email if by else current.assessor_email,
            ratings={k: int(v) for k, v in (data.get("ratings") or {}).items() if v is not None},
            overall=overall,
            strengths=(data.get("strengths") or "").strip(),
            development=(data.get("development") or "").strip(),
            comments=(data.get("comments") or "").strip(),
            details={k: v.strip() for k, v in (data.get("details") or {}).items() if v and v.strip()},
        )
        # The request's goals, linked in one statement (the new assessment has none to compare with).
        links = Assessment.goals.through
        goal_ids = current.goals.through.objects.filter(assessmentrequest_id=current.pk).values_list(
            "goal_id", flat=True
        )
        links.objects.bulk_create([links(assessment_id=assessment.pk, goal_id=g) for g in goal_ids])
        # The goals are in place; from here on the row is immutable. The update is conditional on the row
        # being unsigned (the guard's check, in the same statement); the database's triggers guard it too.
        signed_at = timezone.now()
        if not Assessment._base_manager.filter(pk=assessment.pk, signed_at__isnull=True).update(
            signed_at=signed_at, sign_method=method
        ):
            raise DomainError(Assessment.refuse_change)
        assessment.signed_at, assessment.sign_method = signed_at, method
        # Logged in: the account signed; with the PIN: whoever reads the address the PIN was sent to.
        known = is_known_supervisor(by) if by is not None else known_supervisor(current.assessor_email) is not None
        if not known:
            # Not a supervisor the portal knows: kept, but not evidence until someone confirms them.
            AssessorCheck.objects.create(assessment=assessment)
        current.status = RequestStatus.SIGNED
        _audit(current, by)
        # Who signed, in the history itself: a PIN signer has no account, so name and address.
        current._change_reason = f"{method}: {assessment.assessor_name} <{assessment.assessor_email}>"[:100]
        current.save(update_fields=["status"])
    req.status = current.status
    return assessment


# ---------------------------------------------------------------------------
# After signing: addenda (assessor, supervisors) and the trainee's comments
# ---------------------------------------------------------------------------


def may_add_addendum(user, assessment: Assessment) -> bool:
    """The assessor, the trainee's main supervisor, or a supervisor of one of their placements."""
    if not getattr(user, "is_authenticated", False) or user.pk == assessment.trainee.user_id:
        return False
    if assessment.assessor_id == user.pk:
        return True
    if (
        not assessment.assessor_id
        and assessment.assessor_email
        and assessment.assessor_email.lower() == user.email.lower()
    ):
        return True
    trainee = assessment.trainee
    return trainee.main_supervisor_id == user.pk or trainee.placements.filter(supervisor=user).exists()


@transaction.atomic
def add_addendum(assessment: Assessment, *, by, text: str) -> Addendum:
    if not assessment.signed:
        raise DomainError(_("Only a signed assessment takes addenda."))
    if not may_add_addendum(by, assessment):
        raise DomainError(_("Only the assessor or the trainee's supervisors may add an addendum."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the addendum."))
    return Addendum.objects.create(
        assessment=assessment, author=by, author_name=by.get_full_name() or by.email, text=text
    )


@transaction.atomic
def add_comment(assessment: Assessment, *, by, text: str) -> TraineeComment:
    if assessment.trainee.user_id != by.pk:
        raise DomainError(_("Only the trainee may comment on their assessment."))
    if not assessment.signed:
        raise DomainError(_("Only a signed assessment takes comments."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."))
    return TraineeComment.objects.create(assessment=assessment, author=by, text=text)


def qr_svg(data: str) -> str:
    """The QR code of `data` as inline SVG (drawn here; no external service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :]
    # Scale with the page (the library writes a fixed size in mm): the viewBox keeps the shape.
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="100%" height="100%" aria-hidden="true" focusable="false"',
        svg,
        count=1,
    )


# ---------------------------------------------------------------------------
# Confirming an assessor not known as a supervisor
# ---------------------------------------------------------------------------


@transaction.atomic
def confirm_assessor(assessment: Assessment, *, by, note: str) -> AssessorCheck:
    """The huvudhandledare or a studierektor confirms who signed (e.g. a locum they know): from
    now on the assessment counts as evidence. Once only; the confirmation never changes."""
    check = AssessorCheck.objects.select_for_update().filter(assessment=assessment).first()
    if check is None or check.confirmed_at is not None:
        raise DomainError(_("This assessor needs no confirmation."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say how you know the assessor (for example: a locum at the clinic I know)."))
    check.confirmed_at, check.confirmed_by, check.note = timezone.now(), by, note[:2000]
    _audit(check, by)
    check.save()
    return check
