"""The API token page: a person makes (the secret shown once), lists and revokes their tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from api import tokens
from api.forms import TokenForm
from api.models import ApiToken
from api.permissions import TOKENS
from core.errors import DomainError


@permission(TOKENS)
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = tokens.create_token(
                request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at,
            )
            form = TokenForm()
        except DomainError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "secret": secret,
            "tokens": TOKENS.queryset(request.user),
        },
    )


@permission(TOKENS)
@require_POST
def token_revoke(request, pk):
    token = TOKENS.get_object(request.user, ApiToken.objects.all(), pk=pk)
    try:
        tokens.revoke_token(token)
        messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("api:tokens")
