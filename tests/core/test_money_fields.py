"""Amounts typed by hand: a stuck key (hundreds of digits) gets the form's message, not a 500.
WTForms' NumberRange turns such a number into a float and raises OverflowError; the money
fields use app/core/forms.py: WholeRange, which compares integers."""

from __future__ import annotations

import pytest

from app.payments.refund_form import RefundForm
from app.postal.forms import CollectForm


@pytest.mark.parametrize(
    ("form_class", "field", "typed", "message"),
    [
        (CollectForm, "fee", "9" * 400, "Số tiền phải từ 0 đến 100.000.000 đồng."),
        (CollectForm, "postage", "100000001", "Số tiền phải từ 0 đến 100.000.000 đồng."),
        (CollectForm, "fee", "-1", "Số tiền phải từ 0 đến 100.000.000 đồng."),
        (RefundForm, "amount", "9" * 400, "Số tiền phải từ 1 đến 100.000.000 đồng."),
        (RefundForm, "amount", "0", "Số tiền phải từ 1 đến 100.000.000 đồng."),
    ],
)
def test_an_amount_out_of_range_is_refused_with_its_message(
    app, form_class, field, typed, message
) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context(method="POST", data={field: typed}):
        form = form_class()
        form.validate()
        assert message in form.errors[field]


@pytest.mark.parametrize(("form_class", "field"), [(CollectForm, "fee"), (RefundForm, "amount")])
def test_an_amount_in_range_passes_its_field(app, form_class, field) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context(method="POST", data={field: "26000"}):
        form = form_class()
        form.validate()
        assert field not in form.errors
        assert getattr(form, field).data == 26000
