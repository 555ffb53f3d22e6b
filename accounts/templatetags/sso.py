"""`{% identity_providers as idps %}`: the regions' identity providers, for the login page's buttons."""

from allauth.socialaccount.adapter import get_adapter
from django import template

from accounts import sso

register = template.Library()


@register.simple_tag(takes_context=True)
def identity_providers(context):
    request = context["request"]
    providers = [p for p in get_adapter(request).list_providers(request) if p.id in sso.PROTOCOLS]
    return sorted(
        (
            {"id": sso.IdentityProvider.of(p.app).id, "name": p.app.name, "login_url": p.get_login_url(request)}
            for p in providers
        ),
        key=lambda idp: idp["name"],
    )


@register.simple_tag
def staff_password_login():
    from django.conf import settings

    return settings.STAFF_PASSWORD_LOGIN
