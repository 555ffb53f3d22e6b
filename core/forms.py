"""Form helpers every app uses: Bootstrap classes, the date picker, the hidden version of
optimistic locking, the file input of a table upload."""

import datetime

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.locking import STALE, bump_version
from core.tables import ACCEPT
from core.textlimits import MAX_TEXT  # the longest free text a form takes when its field names no limit

#: Dates a person may enter anywhere: nothing in BT-portalen happened before 1900 or is planned after 2100.
#: Tighter bounds (an assessment not in the future) belong to the form or the rule that knows why.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
#: Whole numbers a form takes when its field names no bounds: what a PostgreSQL `integer` column holds.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


def harden(form) -> None:
    """Bound every field of `form` that has no bounds of its own: dates to MIN_DATE..MAX_DATE, whole numbers
    to what the database holds, text to MAX_TEXT characters. A hostile value (year 1, 10**30, a megabyte of
    text) becomes a form error instead of a database error or a stored monster."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)):
            # The range itself is checked after the field's own checks (`check_date_bounds`), so that a
            # form's more specific message ("cannot be in the future") wins.
            if isinstance(field.widget, forms.DateInput):
                field.widget.attrs.setdefault("min", MIN_DATE.isoformat())
                field.widget.attrs.setdefault("max", MAX_DATE.isoformat())
        elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
            if field.max_value is None:
                field.max_value = MAX_INT
                field.validators.append(MaxValueValidator(MAX_INT))
                field.widget.attrs.setdefault("max", MAX_INT)
            if field.min_value is None:
                field.min_value = MIN_INT
                field.validators.append(MinValueValidator(MIN_INT))
        elif isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = MAX_TEXT
            field.validators.append(MaxLengthValidator(MAX_TEXT))
            field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))


MAX_ID = 2**63 - 1


def object_id(value) -> int:
    """An object id posted outside a form field (a name like "unit-12"): a whole number 1..2**63-1, else
    ValueError — a huge one would not even reach the database (SQLite: OverflowError)."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"not an object id: {value!r}")
    return number


def check_date_bounds(form) -> None:
    """After the fields' own checks: every date of `form` within MIN_DATE..MAX_DATE (datetimes by their date)."""
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not isinstance(field, (forms.DateField, forms.DateTimeField)) or value is None:
            continue
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day < MIN_DATE:
            form.add_error(
                name, forms.ValidationError(_("Enter a date on or after %(date)s."), params={"date": MIN_DATE})
            )
        elif day > MAX_DATE:
            form.add_error(
                name, forms.ValidationError(_("Enter a date on or before %(date)s."), params={"date": MAX_DATE})
            )


# A multiple-choice widget (checkboxes, radio buttons) as a list of labelled choices, each label
# a tap target of at least 44 × 44 px that ticks its own box (site.css, `.choice-list`). The
# Bootstrap class goes on each input, never on the list's wrapper: `form-check-input` on the
# wrapper collapsed the whole list into one 16 px box that other elements then covered.
CHOICE_LIST_TEMPLATE = "core/widgets/choice_list.html"
CHOICE_OPTION_TEMPLATE = "core/widgets/choice_option.html"


def as_choice_list(widget):
    """Render a CheckboxSelectMultiple or RadioSelect as `.choice-list` (in place; returns it)."""
    widget.template_name = CHOICE_LIST_TEMPLATE
    widget.option_template_name = CHOICE_OPTION_TEMPLATE
    return widget


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes so templates can render fields plainly, and bound every field
    (`harden`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        harden(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                as_choice_list(widget)
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def _clean_fields(self):
        super()._clean_fields()
        check_date_bounds(self)


class LongSelect(forms.Select):
    """A `<select>` for a long list (a region's hundred units): the same markup as Django's Select,
    its options written here instead of by a template each (a template per option took most of the
    time of a page with one such list). For a plain list of choices: its options carry no attributes
    other than `selected`."""

    template_name = "core/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, group_choices, _index in context["widget"]["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        context["widget"]["options_html"] = mark_safe("".join(parts))
        return context


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (YYYY-MM-DD), whatever the language,
    since that is the only format `<input type="date">` reads."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class VersionField(forms.IntegerField):
    """The hidden version of the record a form edits (optimistic locking, `core.locking`).

    Required: a POST without it, or with a malformed one, is stale, with the same plain words as
    a version someone else has moved on from. With `VersionedFormMixin` the words are shown above
    the form (a hidden field shows no errors of its own)."""

    widget = forms.HiddenInput

    def __init__(self, *, stale_message=None, **kwargs):
        message = stale_message or STALE
        kwargs.setdefault("min_value", 0)
        kwargs["error_messages"] = dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)
        super().__init__(**kwargs)


class VersionedFormMixin:
    """A form with a `VersionField`: its errors become errors of the form as a whole."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, VersionField) and name in self._errors:
                for error in self._errors.pop(name).as_data():
                    self.add_error(None, error)
        return data


class TableFileField(forms.FileField):
    """The file of a table upload (`core.tables`): CSV or an Excel workbook."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    """A model form over a shared record with a `version` column (optimistic locking, one
    mechanism with `core.locking`): editing a stored record, the form carries the version it
    was shown with, and `save()` claims the next one with `bump_version` in the transaction that
    saves, or raises `StaleEdit` and saves nothing. A version-less POST is stale too. A new
    record has no version to check. Show the record as it is now with `current_form`."""

    version = VersionField()
    stale_message = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
            if self.stale_message:
                self.fields["version"].error_messages.update(
                    dict.fromkeys(("required", "invalid", "min_value"), self.stale_message)
                )

    def save(self, commit=True):
        if self.instance.pk is None or not commit:
            return super().save(commit)
        with transaction.atomic():
            self.instance.version = bump_version(
                type(self.instance)._base_manager.filter(pk=self.instance.pk),
                expected=self.cleaned_data["version"],
                message=self.stale_message,
            )
            return super().save(commit)


def current_form(form_class, instance, error, **kwargs):
    """After a stale edit: the form again, showing the record as it is stored now, with the
    plain words of `error` above it."""
    current = type(instance)._base_manager.get(pk=instance.pk)
    form = form_class(instance=current, **kwargs)
    form.cleaned_data = {}  # an unbound form takes errors once it has (empty) cleaned data
    form.add_error(None, str(error))
    return form
