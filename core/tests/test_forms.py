"""Form helpers (`core.forms`): the date picker, the hidden version, the table upload field."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core.forms import BootstrapFormMixin, DateInput, LongSelect, TableFileField, VersionedFormMixin, VersionField
from core.tables import ACCEPT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class _Form(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    day = forms.DateField(widget=DateInput)
    version = VersionField(stale_message="Someone else changed it.")
    note = forms.CharField(required=False)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_date_picker_writes_iso_dates_in_every_language(language):
    with translation.override(language):
        html = _Form(initial={"day": datetime.date(2027, 4, 5), "version": 3}).as_p()
    assert 'type="date"' in html and 'value="2027-04-05"' in html and 'class="form-control"' in html


def test_a_correct_version_is_cleaned_to_a_number():
    form = _Form({"day": "2027-04-05", "version": "3"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["version"] == 3


@pytest.mark.parametrize("version", [None, "", "x", "-1", "1.5"])
def test_a_missing_or_malformed_version_is_stale_and_said_above_the_form(version):
    data = {"day": "2027-04-05"} | ({} if version is None else {"version": version})
    form = _Form(data)
    assert not form.is_valid()
    assert "version" not in form.errors  # a hidden field's errors are never shown
    assert form.non_field_errors() == ["Someone else changed it."]


def test_the_version_field_is_hidden_and_says_the_common_words_by_default():
    field = VersionField()
    assert isinstance(field.widget, forms.HiddenInput) and field.required
    with pytest.raises(forms.ValidationError) as error:
        field.clean("")
    assert error.value.messages[0].startswith("Someone else changed this record")


def test_other_errors_stay_on_their_fields():
    form = _Form({"day": "not a date", "version": "1"})
    assert not form.is_valid()
    assert list(form.errors) == ["day"]


def test_the_table_file_field_offers_csv_and_xlsx():
    field = TableFileField(label="File")
    assert field.widget.attrs["accept"] == ACCEPT == ".csv,.xlsx,.txt,text/csv"
    assert field.required


class _Choices(BootstrapFormMixin, forms.Form):
    goals = forms.MultipleChoiceField(choices=[("1", "BT1"), ("2", "BT2")], widget=forms.CheckboxSelectMultiple)
    level = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(required=False)


def test_multiple_choices_are_labelled_boxes_and_the_list_is_not_a_checkbox():
    """Issue 14: `form-check-input` on the list's wrapper collapsed the whole list into one 16 px box."""
    html = str(_Choices()["goals"])
    wrapper = html[: html.index(">") + 1]
    assert 'class="choice-list"' in wrapper and "form-check-input" not in wrapper
    assert html.count('<label class="choice-label" for="id_goals_') == 2
    assert html.count('class="form-check-input"') == 2  # on each box
    # each box sits inside its own label, so tapping the label ticks that box
    for i in (0, 1):
        label = html[html.index(f'for="id_goals_{i}"') :]
        assert label.index(f'id="id_goals_{i}"') < label.index("</label>")
    radios = str(_Choices()["level"])
    assert 'class="choice-list"' in radios and radios.count('type="radio"') == 2
    assert 'class="form-check-input"' in str(_Choices()["agree"])


@pytest.mark.parametrize("value", [None, "", "2", "<b>"])
def test_a_long_select_writes_the_markup_of_djangos_select(value):
    """LongSelect writes its options itself (not by a template each): the same HTML as Django's
    Select, with groups, the chosen option, the empty choice and escaped labels and values."""
    choices = [
        ("", "---------"),
        ("1", "Sahlgrenska – Akuten"),
        ("Göteborg", [("2", "Östra & Västra"), ("<b>", "<i>not bold</i>")]),
    ]

    def render(widget):
        class F(BootstrapFormMixin, forms.Form):
            unit = forms.ChoiceField(choices=choices, widget=widget, required=False)

        return str(F(initial={"unit": value})["unit"])

    plain, long = render(forms.Select), render(LongSelect)
    assert long == plain
    assert "&lt;i&gt;not bold&lt;/i&gt;" in long and 'class="form-select"' in long
    assert long.count(" selected>") == 1
    if value == "2":
        assert '<option value="2" selected>' in long
