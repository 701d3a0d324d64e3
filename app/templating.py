"""Jinja filters and globals shared by pages and PDFs."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup, escape

from app import geo
from app.core.dates import PARTS, split_value
from app.core.htmx import is_htmx
from app.core.roles import has_permission
from app.dossiers.statuses import (
    EVENT_LABELS,
    INTAKE_CHANNEL_LABELS,
    RETURN_CHANNEL_LABELS,
    STATUS_LABELS,
)
from app.dossiers.uploads import human_size
from app.postal.schedule import WEEKDAY_LABELS


def money(amount: int | None) -> str:
    """A fee as the citizen reads it: nothing to pay is "Miễn phí"."""
    if not amount:
        return "Miễn phí"
    return vnd(amount)


def vnd(amount: int | None) -> str:
    """An amount of money as it is counted (a cash report): ``135.000 đ``, ``0 đ``."""
    return f"{amount or 0:,}".replace(",", ".") + " đ"


def code_breaks(code: str | None) -> Markup:
    """A dossier code that wraps after its dots and hyphens, never inside a number (line
    breaking forbids a break between "-" and a digit, so a long code otherwise splits
    mid-number; in a narrow table column it would wrap two characters a line)."""
    text = str(escape(code or ""))
    return Markup(re.sub(r"([.-])", r"\1<wbr>", text))


def vn_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def vn_datetime(value: datetime | None) -> str:
    return value.strftime("%H:%M, %d/%m/%Y") if value else ""


def date_boxes(value: Any) -> list[tuple[str, str, str]]:
    """(suffix, word, value) for the three boxes of a date answer (components/forms.html)."""
    return list(zip(PARTS, ("Ngày", "Tháng", "Năm"), split_value(value), strict=True))


def upload_limit_words() -> str:
    """The largest file a citizen may send, as they read it ("5 MB")."""
    return human_size(current_app.config["UPLOAD_MAX_BYTES"])


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, vnd=vnd, vn_date=vn_date, vn_datetime=vn_datetime, code_breaks=code_breaks
    )
    app.jinja_env.globals.update(
        commune_name=_commune_name,
        address_line=geo.address_line,
        commune_list=_commune_list,
        commune_of=geo.commune,
        commune_lookup=geo.lookup,
        is_htmx=is_htmx,
        answer_text=answer_text,
        date_boxes=date_boxes,
        intake_labels=INTAKE_CHANNEL_LABELS,
        return_labels=RETURN_CHANNEL_LABELS,
        event_labels=EVENT_LABELS,
        has_permission=has_permission,
        htmx_request=is_htmx,
        status_label=lambda s: STATUS_LABELS.get(s, s),
        weekday_label=lambda d: WEEKDAY_LABELS[d.weekday()],
        upload_limit_words=upload_limit_words,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _commune_list(selected: str | None, default_province: int) -> tuple[geo.Commune, ...]:
    place = geo.commune(selected)
    return geo.communes(place.province_code if place else default_province)


def answer_text(field: dict[str, Any], value: Any) -> str:
    """A citizen's answer as it reads on the page and on paper."""
    if value in (None, ""):
        return "—"
    kind = field.get("type")
    if kind == "yesno":
        return "Có" if value else "Không"
    if kind == "choice":
        return dict(map(tuple, field.get("choices", []))).get(value, str(value))
    if kind == "commune":
        return _commune_name(str(value)) or str(value)
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def _commune_name(code: str) -> str:
    place = geo.commune(code)
    return place.full_name if place else ""
