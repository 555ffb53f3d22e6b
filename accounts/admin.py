from allauth.socialaccount.admin import SocialAppAdmin, SocialAppForm
from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import sso
from accounts.models import LoginEvent, RoleAssignment, SupervisorProfile, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "hsa_id"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "personnummer", "hsa_id")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [RoleInline]
    history_list_display = ["first_name", "last_name", "email"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "region", "unit", "valid_from", "valid_to"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "region", "unit"]


@admin.register(SupervisorProfile)
class SupervisorProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "specialty", "specialist_since", "supervisor_training_date", "bt_supervisor_training_date"]
    search_fields = ["user__email", "user__last_name", "specialty"]
    autocomplete_fields = ["user", "workplace"]


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """The login log: read-only (written by the login adapters)."""

    list_display = ["at", "outcome", "reason", "method", "provider", "identifier", "user", "ip_address"]
    list_filter = ["outcome", "reason", "method", "provider", "at"]
    search_fields = ["identifier", "user__email", "user__last_name", "ip_address", "provider"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in LoginEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------------------
# Identity providers: allauth's "social applications" with BT-portalen's part as form fields
# ---------------------------------------------------------------------------


class IdentityProviderForm(SocialAppForm):
    """allauth's form plus the fields of the app's `btportal` settings block (accounts/sso.py)."""

    bt_region = forms.CharField(label=_("region (short name)"), required=False, help_text=_("E.g. vgr."))
    bt_personnummer = forms.CharField(
        label=_("claim or attribute with the personnummer"),
        required=False,
        help_text=_("Empty: personalIdentityNumber (OpenID Connect) or urn:oid:1.2.752.29.4.13 (SAML)."),
    )
    bt_hsa_id = forms.CharField(
        label=_("claim or attribute with the HSA-id"),
        required=False,
        help_text=_("Empty: employeeHsaId (OpenID Connect) or urn:oid:1.2.752.29.6.2.1 (SAML)."),
    )
    bt_assurance = forms.CharField(
        label=_("claim or attribute with the assurance level"),
        required=False,
        help_text=_("Empty: acr (OpenID Connect) or the assertion's AuthnContextClassRef (SAML)."),
    )
    bt_required_assurance = forms.CharField(
        label=_("required assurance level"),
        required=False,
        initial=sso.LOA3,
        help_text=_(
            "Higher levels of the same scheme are accepted too. Empty: no level required (and the login is then not a second factor)."
        ),
    )
    bt_accepted_assurance = forms.CharField(
        label=_("also accepted levels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: levels of other schemes that meet the requirement."),
    )
    bt_contact = forms.CharField(
        label=_("whom to contact"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Shown to a person who logs in but is not registered in BT-portalen, e.g. the BT office's email address."
        ),
    )

    FIELDS = {
        "bt_region": "region",
        "bt_personnummer": "personnummer",
        "bt_hsa_id": "hsa_id",
        "bt_assurance": "assurance",
        "bt_required_assurance": "required_assurance",
        "bt_contact": "contact",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [c for c in self.fields["provider"].choices if c[0] in sso.PROTOCOLS]
        conf = (self.instance.settings or {}).get(sso.BT_KEY) or {}
        if self.instance.pk:
            for field, key in self.FIELDS.items():
                self.initial[field] = conf.get(key, sso.LOA3 if key == "required_assurance" else "")
            self.initial["bt_accepted_assurance"] = "\n".join(conf.get("accepted_assurance", []))

    def clean(self):
        cleaned = super().clean()
        settings = dict(cleaned.get("settings") or {})
        conf = {key: cleaned[field].strip() for field, key in self.FIELDS.items() if cleaned.get(field, "").strip()}
        conf.setdefault("required_assurance", "")  # an empty field means: no level required
        accepted = [line.strip() for line in cleaned.get("bt_accepted_assurance", "").splitlines() if line.strip()]
        if accepted:
            conf["accepted_assurance"] = accepted
        settings[sso.BT_KEY] = conf
        cleaned["settings"] = settings
        return cleaned


admin.site.unregister(SocialApp)


@admin.register(SocialApp)
class IdentityProviderAdmin(SocialAppAdmin):
    form = IdentityProviderForm
    list_display = ("name", "provider", "provider_id", "client_id")
    fieldsets = (
        (None, {"fields": ("provider", "provider_id", "name", "client_id", "secret", "key", "settings")}),
        (
            _("BT-portalen"),
            {
                "fields": (
                    "bt_region",
                    "bt_personnummer",
                    "bt_hsa_id",
                    "bt_assurance",
                    "bt_required_assurance",
                    "bt_accepted_assurance",
                    "bt_contact",
                )
            },
        ),
    )
