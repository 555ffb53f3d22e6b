import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

import rules
from accounts.forms import PersonnummerField
from accounts.models import User
from core import programmes
from core.forms import BootstrapFormMixin, DateInput, VersionedFormMixin, VersionField
from organisations.models import Unit
from trainees.models import BtType, Credit, Leave, Placement, PlanCategory
from trainees.services import STALE_PLAN


def supervisors_in(region) -> QuerySet[User]:
    return (
        User.objects.filter(supervisor_profile__isnull=False)
        .filter(Q(supervisor_profile__workplace__region=region) | Q(supervisor_profile__workplace__isnull=True))
        .order_by("last_name", "first_name")
    )


#: The most matches the supervisor search lists.
SEARCH_MATCHES = 20
_EMAIL_IN_LABEL = re.compile(r"<([^<>\s]+)>\s*$")


def supervisor_label(user) -> str:
    """How a supervisor is written in the search field: "Anna Berg <anna.berg@example.se>"."""
    return f"{user.get_full_name() or user.email} <{user.email}>"


def search_supervisors(queryset: QuerySet[User], text: str, limit: int = SEARCH_MATCHES) -> list[User]:
    """The supervisors of `queryset` whose name or email contains every word of `text`.

    Each word is also tried capitalised and in lower case: SQLite folds the case of ASCII
    letters only, and "åberg" must find "Åberg" there too."""
    for word in text.split()[:5]:
        variants = {word, word.lower(), word.capitalize()}
        match = Q()
        for v in variants:
            match |= Q(first_name__icontains=v) | Q(last_name__icontains=v) | Q(email__icontains=v)
        queryset = queryset.filter(match)
    return list(queryset.order_by("last_name", "first_name", "pk")[:limit])


class SearchInput(forms.TextInput):
    """A text field that lists the matches of what is typed (a `<datalist>` filled by htmx from
    `search_url`): a choice among thousands without sending them all. Without JavaScript the
    person types a name or an email, which the field resolves on the server."""

    template_name = "trainees/widgets/search_input.html"

    def __init__(self, attrs=None, search_url: str = ""):
        super().__init__(attrs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context


class SearchChoiceField(forms.ModelChoiceField):
    """One object of the field's queryset chosen by typing (with a `<datalist>` of matches that htmx
    fills), validated within the queryset: text that names nothing in it, or more than one thing, is
    an invalid choice. Subclasses say how an object is shown (`shown(obj)`) and which objects of the
    queryset a text names (`find(text)`: at most two, the text stripped and not empty)."""

    widget = SearchInput
    model = None
    placeholder = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", self.model.objects.none())
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "placeholder": self.placeholder}

    def label_from_instance(self, obj):
        return self.shown(obj)

    def prepare_value(self, value):
        if isinstance(value, self.model):
            return self.shown(value)
        if value in self.empty_values:
            return ""
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            obj = self.queryset.filter(pk=value).first()
            return self.shown(obj) if obj else ""
        return value  # what was typed, shown again with the error

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        found = self.find(text)
        if len(found) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial)) != str(data or "")


class SupervisorField(SearchChoiceField):
    """A supervisor chosen by typing (name or email, or picking a match), validated within the
    field's queryset: a name or address outside it is an invalid choice, never another region's."""

    model = User
    placeholder = _("Type a name or email")
    default_error_messages = {
        "ambiguous": _("Several supervisors match “%(value)s”: choose one from the list or type the email."),
    }

    def shown(self, obj) -> str:
        return supervisor_label(obj)

    def find(self, text: str) -> list:
        if text.isdigit():  # a chosen id (the API of the page before the search field)
            return list(self.queryset.filter(pk=int(text))[:1])
        email = _EMAIL_IN_LABEL.search(text)
        if email or "@" in text:
            return list(self.queryset.filter(email__iexact=email.group(1) if email else text)[:2])
        wanted = " ".join(text.casefold().split())
        return [u for u in search_supervisors(self.queryset, text) if u.get_full_name().casefold() == wanted] or (
            search_supervisors(self.queryset, text, limit=2)
        )


class RegistrationForm(BootstrapFormMixin, forms.Form):
    """Register a BT-läkare: the person and their BT, in one step."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    personnummer = PersonnummerField()
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    bt_type = forms.ChoiceField(label=_("BT type"), choices=BtType.choices)
    st_specialty = forms.CharField(
        label=_("ST specialty"), max_length=120, required=False, help_text=_("Required for BT integrated in ST.")
    )
    home_unit = forms.ModelChoiceField(label=_("Home unit"), queryset=Unit.objects.none())
    programme = forms.ChoiceField(
        label=_("Programme"), required=False, help_text=_("Empty: the home unit region's programme.")
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput)
    licence_date = forms.DateField(label=_("Date of licence (legitimation)"), widget=DateInput, required=False)
    degree_country = forms.CharField(label=_("Country of medical degree"), max_length=80, required=False)
    degree_date = forms.DateField(label=_("Date of medical degree"), widget=DateInput, required=False)
    draft_plan = forms.BooleanField(
        label=_("Start a draft plan from the programme template"), required=False, initial=True
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = units.select_related("region").order_by("region__name", "path")
        self.fields["programme"].choices = [("", "—"), *programmes.programme_choices()]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A person with this email address is already registered."))
        return email

    def clean_personnummer(self):
        value = self.cleaned_data["personnummer"]
        if value and User.objects.filter(personnummer=value).exists():
            raise forms.ValidationError(_("Another person is already registered with this personnummer."))
        return value

    def clean(self):
        data = super().clean()
        unit = data.get("home_unit")
        if unit and not data.get("programme"):
            data["programme"] = unit.region.programme
        if data.get("bt_type") == BtType.INTEGRATED and not data.get("st_specialty"):
            self.add_error("st_specialty", _("Give the ST specialty for BT integrated in ST."))
        programme = data.get("programme")
        if programme and data.get("bt_type") and not rules.load_programme(programme).offers(data["bt_type"]):
            self.add_error(
                "bt_type",
                _("The programme %(programme)s does not offer this BT type.")
                % {"programme": programmes.programme_name(programme)},
            )
        licence, start = data.get("licence_date"), data.get("planned_start")
        if licence and start and licence > start:
            self.add_error("planned_start", _("BT cannot start before the licence (legitimation) date."))
        degree = data.get("degree_date")
        if degree and licence and degree > licence:
            self.add_error("degree_date", _("The medical degree must come before the licence."))
        return data


#: Bilaga 1 has three licence rows: the Swedish licence and up to two from other countries.
OTHER_LICENCE_ROWS = 2


class DetailsForm(BootstrapFormMixin, forms.Form):
    """The facts about a BT-läkare's qualifications that the rules and Bilaga 1 need: the licence
    (legitimation) and licences from other countries, the medical degree, and for BT integrated in
    ST the start of the ST employment."""

    licence_date = forms.DateField(label=_("Date of licence (legitimation)"), widget=DateInput, required=False)
    degree_country = forms.CharField(label=_("Country of medical degree"), max_length=80, required=False)
    degree_date = forms.DateField(label=_("Date of medical degree"), widget=DateInput, required=False)
    st_start = forms.DateField(
        label=_("Start of the ST employment"),
        widget=DateInput,
        required=False,
        help_text=_(
            "For BT integrated in ST: BT should be finished within the first two years of ST, counted from here."
        ),
    )

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee = trainee
        others = list(trainee.other_licences.all())
        for n in range(OTHER_LICENCE_ROWS):
            # Added after BootstrapFormMixin styled the declared fields: styled here.
            self.fields[f"other_country_{n}"] = forms.CharField(
                label=_("Licence in another country %(number)s: country") % {"number": n + 1},
                max_length=80,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"other_date_{n}"] = forms.DateField(
                label=_("Licence in another country %(number)s: date") % {"number": n + 1},
                widget=DateInput(attrs={"class": "form-control"}),
                required=False,
            )
            if n < len(others):
                self.initial.setdefault(f"other_country_{n}", others[n].country)
                self.initial.setdefault(f"other_date_{n}", others[n].date)
        for name in ("licence_date", "degree_country", "degree_date", "st_start"):
            self.initial.setdefault(name, getattr(trainee, name))
        if trainee.bt_type != BtType.INTEGRATED:
            del self.fields["st_start"]

    def clean(self):
        data = super().clean()
        licence, degree = data.get("licence_date"), data.get("degree_date")
        if degree and licence and degree > licence:
            self.add_error("degree_date", _("The medical degree must come before the licence."))
        st_start = data.get("st_start")
        if st_start and st_start > self.trainee.planned_start:
            self.add_error("st_start", _("BT integrated in ST starts within the ST employment, not before it."))
        data["other_licences"] = []
        for n in range(OTHER_LICENCE_ROWS):
            country, day = (data.get(f"other_country_{n}") or "").strip(), data.get(f"other_date_{n}")
            if bool(country) != bool(day):
                self.add_error(
                    f"other_country_{n}" if not country else f"other_date_{n}", _("Give both country and date.")
                )
            elif country:
                data["other_licences"].append((country, day))
        return data


class VersionedForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Carries the plan version the user saw, so concurrent edits are detected (a form without
    it is refused as stale)."""

    plan_version = VersionField(stale_message=STALE_PLAN)

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee = trainee
        self.fields["plan_version"].initial = trainee.plan_version

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


def _search_url(trainee, field: str) -> str:
    from django.urls import reverse

    return reverse("trainees:supervisor_search", args=[trainee.pk]) + f"?field={field}"


def _unit_search_url(trainee) -> str:
    from django.urls import reverse

    return reverse("trainees:unit_search", args=[trainee.pk])


_ID_IN_LABEL = re.compile(r"\(#(\d+)\)\s*$")


def placement_units(region) -> QuerySet[Unit]:
    """The units a placement of a BT-läkare of `region` may be at: the region's placement units."""
    return Unit.objects.filter(region=region).exclude(category="")


def unit_label(unit) -> str:
    """How a unit is written in the search field: "Sahlgrenska – Akutkliniken, akut (#12)" (the id
    tells apart units of the same name)."""
    return f"{unit}, {unit.get_category_display()} (#{unit.pk})"


def search_units(queryset: QuerySet[Unit], text: str, limit: int = SEARCH_MATCHES) -> list[Unit]:
    """The units of `queryset` whose name or parent's name contains every word of `text` (each
    word also capitalised and in lower case, as `search_supervisors`)."""
    for word in text.split()[:5]:
        match = Q()
        for v in {word, word.lower(), word.capitalize()}:
            match |= Q(name__icontains=v) | Q(parent__name__icontains=v)
        queryset = queryset.filter(match)
    return list(queryset.select_related("parent").order_by("path", "pk")[:limit])


class UnitField(SearchChoiceField):
    """A placement unit chosen by typing (its name, or picking a match), validated within the
    field's queryset (the trainee's region): the region's ~150 units are not all sent with the page."""

    model = Unit
    placeholder = _("Type the name of the unit")
    default_error_messages = {
        "ambiguous": _("Several units match “%(value)s”: choose one from the list."),
    }

    def shown(self, obj) -> str:
        return unit_label(obj)

    def find(self, text: str) -> list:
        chosen = _ID_IN_LABEL.search(text)
        if text.isdigit() or chosen:  # an id (a match picked from the list, or the form's old select)
            return list(self.queryset.filter(pk=int(text if text.isdigit() else chosen.group(1)))[:1])
        wanted = " ".join(text.casefold().split())
        return [
            u for u in search_units(self.queryset, text) if wanted in (u.name.casefold(), str(u).casefold())
        ] or search_units(self.queryset, text, limit=2)


class PlacementForm(VersionedForm):
    unit = UnitField(label=capfirst(Placement._meta.get_field("unit").verbose_name), required=False)
    supervisor = SupervisorField(label=_("supervisor (handledare)"), required=False)

    class Meta:
        model = Placement
        fields = ["unit", "category", "start", "end", "extent", "supervisor", "note"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {
            "category": _(
                "Set from the unit; choose it yourself only for an introduction or a placement without a unit yet."
            )
        }

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, trainee=trainee, **kwargs)
        self.fields["unit"].queryset = placement_units(trainee.region) | Unit.objects.filter(
            pk=self.instance.unit_id or 0
        ).exclude(category="")
        self.fields["unit"].widget.search_url = _unit_search_url(trainee)
        self.fields["supervisor"].queryset = supervisors_in(trainee.region) | User.objects.filter(
            pk=self.instance.supervisor_id or 0
        )
        self.fields["supervisor"].widget.search_url = _search_url(trainee, "supervisor")
        self.fields["category"].required = False

    def clean(self):
        data = super().clean()
        unit, category = data.get("unit"), data.get("category")
        if unit and category != PlanCategory.INTRODUCTION:
            data["category"] = unit.category
        elif not category:
            self.add_error("category", _("Choose a unit or a category."))
        return data


class LeaveForm(VersionedForm):
    extend_plan = forms.BooleanField(
        label=_("Extend the plan by the leave"),
        required=False,
        initial=True,
        help_text=_("Parental, sick and unpaid leave must be made up: later placements move accordingly."),
    )

    class Meta:
        model = Leave
        fields = ["kind", "start", "end", "note"]
        widgets = {"start": DateInput, "end": DateInput}


class CreditForm(VersionedForm):
    class Meta:
        model = Credit
        fields = ["category", "months", "kind", "note"]


class MainSupervisorForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    """The huvudhandledare belongs to the plan: the form carries the plan version, so a choice
    made on a stale page does not overwrite a newer one."""

    main_supervisor = SupervisorField(label=_("Main supervisor (huvudhandledare)"), required=False)
    plan_version = VersionField(stale_message=STALE_PLAN)

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].initial = trainee.plan_version
        self.fields["main_supervisor"].queryset = supervisors_in(trainee.region) | User.objects.filter(
            pk=trainee.main_supervisor_id or 0
        )
        self.fields["main_supervisor"].widget.search_url = _search_url(trainee, "main_supervisor")
        self.fields["main_supervisor"].initial = trainee.main_supervisor_id


class StatusForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=datetime.date.today)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices
