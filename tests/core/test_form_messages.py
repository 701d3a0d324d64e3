"""WTForms' own refusals are in Vietnamese on every form of the app (issue 11: an officer who
sent an unknown assignee read "Invalid Choice: could not coerce.")."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import wtforms
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length

import app as app_package
from app.core.form_messages import MESSAGES
from app.core.forms import AppForm

WTFORMS_POT = re.compile(r'^msgid(?:_plural)? "(.+)"$', re.MULTILINE)


class Sample(AppForm):
    class Meta:
        csrf = False

    chosen = SelectField(choices=[(1, "Một")], coerce=int)
    picked = SelectField(choices=[("a", "A")])
    many = SelectMultipleField(choices=[("a", "A")])
    day = DateField()
    count = IntegerField()
    name = StringField(validators=[InputRequired(), Length(max=3)])


def test_every_message_wtforms_can_give_has_a_vietnamese_one() -> None:
    pot = (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text("utf-8")
    known = set(WTFORMS_POT.findall(pot)) - {"Invalid field name '%s'."}
    missing = {m for m in known if m not in MESSAGES and "IP" not in m and "Mac" not in m}
    missing -= {"Invalid UUID.", "Not a valid week value."}
    assert missing == set()


def test_refusals_of_wtforms_itself_are_vietnamese(app: Flask) -> None:
    posted = MultiDict(
        {"chosen": "abc", "picked": "z", "many": "z", "day": "31/02/2026", "count": "1e309"}
        | {"name": "Nguyễn"}
    )
    with app.test_request_context(method="POST", data=posted):
        form = Sample()
        assert not form.validate()
    assert form.errors == {
        "chosen": ["Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."],
        "picked": ["Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."],
        "many": ["Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."],
        "day": ["Ngày chưa đúng. Hãy nhập theo dạng ngày/tháng/năm."],
        "count": ["Vui lòng nhập một số nguyên."],
        "name": ["Tối đa 3 ký tự."],
    }


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct} | _subclasses(direct)}


def test_every_form_of_the_app_speaks_vietnamese() -> None:
    """A form made straight from FlaskForm would answer in English: each one derives from
    AppForm."""
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    ours = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("app.")}
    assert len(ours) >= 30
    assert {c for c in ours if not issubclass(c, AppForm)} == set()
