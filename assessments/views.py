"""Assessment pages. Thin views: fetch through the permission layer, validate, call one service.

The assessor's page (`assess`) is public: the token in the link finds the request, and signing
needs either the assessor's own login or the PIN from the email.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission, public
from assessments import cadence, instruments, services
from assessments.forms import AddendumForm, AssessForm, CommentForm, RequestForm
from assessments.models import Assessment, AssessmentRequest, RequestStatus, hash_secret
from assessments.offline import allow_offline_copy
from assessments.permissions import ASSESS, CONFIRM_ASSESSOR, REQUEST, VIEW, VIEW_ASSESSMENT, addressed_requests
from core.errors import DomainError
from trainees.models import Trainee
from trainees.permissions import own_trainee

_SESSION_KEY = "assessment_link_{}"


def _trainee_for(request, pk, perm=VIEW):
    return perm.get_object(request.user, Trainee.objects.select_related("user", "main_supervisor"), pk=pk)


def _request_for(request, pk, perm):
    return perm.get_object(
        request.user,
        AssessmentRequest.objects.select_related("trainee__user", "placement__unit", "assessor"),
        via="trainee",
        pk=pk,
    )


@permission(ASSESS)
def index(request):
    """The trainee's own assessments, or the assessor's list."""
    trainee = own_trainee(request.user).first()
    if trainee is not None:
        return redirect("assessments:trainee", pk=trainee.pk)
    return redirect("assessments:inbox")


@permission(VIEW)
def trainee_assessments(request, pk):
    trainee = _trainee_for(request, pk)
    today = timezone.localdate()
    items = cadence.due_items(trainee, today=today)
    is_self = trainee.user_id == request.user.pk
    return render(
        request,
        "assessments/trainee.html",
        {
            "trainee": trainee,
            "items": items,
            "attention": [i for i in items if i.open],
            "done_count": sum(1 for i in items if not i.open),
            "requests": trainee.assessment_requests.exclude(status=RequestStatus.SIGNED).select_related("placement"),
            "assessments": trainee.assessments.filter(signed_at__isnull=False).select_related("placement"),
            "can_request": REQUEST.allows(request.user, trainee),
            "is_self": is_self,
            "today": today,
        },
    )


@permission(REQUEST)
@require_http_methods(["GET", "POST"])
def request_new(request):
    trainee = REQUEST.get_object(
        request.user,
        Trainee.objects.select_related("user", "main_supervisor"),
        user_id=request.user.pk,
    )
    assessors = services.assessor_choices(trainee)
    initial = {k: request.GET[k] for k in ("instrument", "placement") if k in request.GET}
    form = RequestForm(
        request.POST if request.method == "POST" else None, trainee=trainee, assessors=assessors, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            issued = services.create_request(
                trainee,
                by=request.user,
                instrument=d["instrument"],
                assessor=d.get("assessor"),
                assessor_name=d.get("assessor_name", ""),
                assessor_email=d.get("assessor_email", ""),
                placement=d.get("placement"),
                goals=d.get("goals") or (),
                message=d.get("message", ""),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            request.session[_SESSION_KEY.format(issued.request.pk)] = issued.token
            messages.success(
                request, _("The request was sent to %(email)s.") % {"email": issued.request.assessor_email}
            )
            return redirect(issued.request)
    return render(
        request,
        "assessments/request_form.html",
        {
            "trainee": trainee,
            "form": form,
            "instruments": instruments.INSTRUMENTS.values(),
            "request_days": settings.ASSESSMENT_REQUEST_DAYS,
        },
    )


@permission(VIEW)
def request_detail(request, pk):
    req = _request_for(request, pk, VIEW)
    link = qr = ""
    is_self = req.trainee.user_id == request.user.pk
    token = request.session.get(_SESSION_KEY.format(req.pk), "") if is_self else ""
    # The raw token lives only in the trainee's session right after sending (the database has its hash).
    if token and hash_secret(token) == req.token_hash and req.status == RequestStatus.OPEN and not req.expired:
        link = services.link_for(token)
        qr = services.qr_svg(link)
    elif token:
        request.session.pop(_SESSION_KEY.format(req.pk), None)  # signed, cancelled, expired or replaced
    return render(
        request,
        "assessments/request_detail.html",
        {"req": req, "link": link, "qr": qr, "can_manage": is_self and req.resendable},
    )


@permission(REQUEST)
@require_POST
def request_resend(request, pk):
    req = _request_for(request, pk, REQUEST)
    try:
        issued = services.resend_request(req, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        request.session[_SESSION_KEY.format(req.pk)] = issued.token
        messages.success(
            request,
            _("A new link was sent to %(email)s; the old link no longer works.") % {"email": req.assessor_email},
        )
    return redirect(req)


@permission(REQUEST)
@require_POST
def request_cancel(request, pk):
    req = _request_for(request, pk, REQUEST)
    try:
        services.cancel_request(req, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        request.session.pop(_SESSION_KEY.format(req.pk), None)
        messages.success(request, _("The request was cancelled."))
    return redirect(req)


def _state_page(request, req, error, status):
    return render(
        request, "assessments/link_state.html", {"req": req, "message": str(error), "error": error}, status=status
    )


_STATE_STATUS = {services.AlreadySigned: 200}


def _form_page(request, req, form, by_login):
    """The assessor's form; its blank page (GET) may be kept on the device for a reload offline."""
    response = render(request, "assessments/assess.html", {"req": req, "form": form, "by_login": by_login})
    return allow_offline_copy(response) if request.method == "GET" else response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def assess(request, token):
    """The assessor's page behind the link or QR code."""
    req = services.find_request(token)
    if req is None:
        return render(request, "assessments/link_invalid.html", status=404)
    if req.status == RequestStatus.SIGNED and request.GET.get("done"):
        return render(request, "assessments/signed.html", {"req": req})
    try:
        services.check_signable(req)
    except DomainError as error:
        return _state_page(request, req, error, _STATE_STATUS.get(type(error), 410))
    by_login = ASSESS.allows(request.user, req)
    form = AssessForm(request.POST if request.method == "POST" else None, request_obj=req, need_pin=not by_login)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_request(
                req, data=form.sign_data(), by=request.user if by_login else None, pin=form.cleaned_data.get("pin", "")
            )
        except services.WrongPin as error:
            form.add_error("pin", str(error))
        except (
            services.AlreadySigned,
            services.LinkExpired,
            services.RequestCancelled,
            services.RequestLocked,
        ) as error:
            return _state_page(request, req, error, _STATE_STATUS.get(type(error), 410))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect(reverse("assessments:assess", args=[token]) + "?done=1")
    return _form_page(request, req, form, by_login)


@permission(ASSESS)
def inbox(request):
    """Requests waiting for the logged-in assessor, and what is due for the trainees they supervise."""
    waiting = (
        addressed_requests(request.user)
        .filter(status=RequestStatus.OPEN, expires_at__gt=timezone.now())
        .select_related("trainee__user", "placement__unit")
        .order_by("expires_at")
    )
    return render(
        request,
        "assessments/inbox.html",
        {
            "waiting": waiting,
            "signed": Assessment.objects.filter(assessor=request.user, signed_at__isnull=False).select_related(
                "trainee__user"
            )[:20],
            "due": cadence.supervised_items(request.user),
        },
    )


@permission(ASSESS)
@require_http_methods(["GET", "POST"])
def assess_logged_in(request, pk):
    """The same form for a logged-in assessor working through their list: signs with the login."""
    req = ASSESS.get_object(
        request.user, AssessmentRequest.objects.select_related("trainee__user", "placement__unit"), pk=pk
    )
    try:
        services.check_signable(req)
    except DomainError as error:
        return _state_page(request, req, error, _STATE_STATUS.get(type(error), 410))
    form = AssessForm(request.POST if request.method == "POST" else None, request_obj=req, need_pin=False)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.sign_as_assessor(req, data=form.sign_data(), by=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assessment is signed. Thank you!"))
            # To what was signed: its assessor may always see it (VIEW_ASSESSMENT), with or without the trainee.
            return redirect(assessment)
    return _form_page(request, req, form, True)


def _assessment_for(request, pk):
    # Those who may see the trainee, and the assessor who signed it.
    return VIEW_ASSESSMENT.get_object(
        request.user,
        Assessment.objects.select_related("trainee__user", "placement__unit", "assessor"),
        pk=pk,
        signed_at__isnull=False,
    )


@permission(VIEW_ASSESSMENT)
def detail(request, pk):
    assessment = _assessment_for(request, pk)
    goals = list(assessment.goals.order_by("number"))
    items = [
        (
            item.label,
            assessment.ratings.get(item.key),
            instruments.LEVEL_LABELS.get(assessment.ratings.get(item.key), ""),
        )
        for item in instruments.items_for(assessment.instrument, goals)
    ]
    text_items = (
        instruments.get(assessment.instrument).text_fields if assessment.instrument in instruments.INSTRUMENTS else ()
    )
    details = [(i.label, assessment.details.get(i.key, "")) for i in text_items if assessment.details.get(i.key)]
    may_comment = assessment.trainee.user_id == request.user.pk
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "trainee": assessment.trainee,
            "goals": goals,
            "items": items,
            "details": details,
            "addenda": assessment.addenda.all(),
            "comments": assessment.trainee_comments.select_related("author"),
            "addendum_form": AddendumForm() if services.may_add_addendum(request.user, assessment) else None,
            "comment_form": CommentForm() if may_comment else None,
            "can_view_trainee": VIEW.allows(request.user, assessment.trainee),
            "may_confirm_assessor": assessment.assessor_unverified
            and CONFIRM_ASSESSOR.allows(request.user, assessment.trainee),
        },
    )


@permission(VIEW_ASSESSMENT)
@require_POST
def add_addendum(request, pk):
    assessment = _assessment_for(request, pk)
    if not services.may_add_addendum(request.user, assessment):
        raise PermissionDenied
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(assessment, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("The addendum was added."))
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Write the addendum."))
    return redirect(assessment)


@permission(REQUEST)
@require_POST
def add_comment(request, pk):
    assessment = REQUEST.get_object(
        request.user, Assessment.objects.select_related("trainee"), via="trainee", pk=pk, signed_at__isnull=False
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(assessment, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Your comment was added."))
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Write your comment."))
    return redirect(assessment)


@permission(CONFIRM_ASSESSOR)
@require_POST
def confirm_assessor(request, pk):
    assessment = CONFIRM_ASSESSOR.get_object(
        request.user, Assessment.objects.select_related("trainee"), via="trainee", pk=pk, signed_at__isnull=False
    )
    try:
        services.confirm_assessor(assessment, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The assessor is confirmed; the assessment now counts as evidence."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(assessment)
