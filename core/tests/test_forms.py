"""Form helpers (`core.forms`): the date picker, the table upload field."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core.forms import BootstrapFormMixin, DateInput, TableFileField
from core.tables import ACCEPT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class _Form(BootstrapFormMixin, forms.Form):
    day = forms.DateField(widget=DateInput)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_date_picker_writes_iso_dates_in_every_language(language):
    with translation.override(language):
        html = _Form(initial={"day": datetime.date(2027, 4, 5)}).as_p()
    assert 'type="date"' in html and 'value="2027-04-05"' in html and 'class="form-control"' in html


def test_the_table_file_field_offers_csv_and_xlsx():
    field = TableFileField(label="File")
    assert field.widget.attrs["accept"] == ACCEPT == ".csv,.xlsx,.txt,text/csv"
    assert field.required
