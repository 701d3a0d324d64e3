"""An officer's form shows what was typed wrong; any other refusal keeps its own page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.core.errors import DomainError
from app.core.transaction import put_on_form
from app.dossiers.operations.transitions import InvalidInput
from app.extensions import db


@contextmanager
def input_refusals(form: Any, kind: type[DomainError] = InvalidInput) -> Iterator[None]:
    """:func:`~app.core.transaction.domain_errors` for ``kind`` only: the block runs in a
    savepoint, and a ``kind`` refusal undoes it and goes on ``form``. Any other refusal (the
    dossier moved meanwhile: 409) reaches Flask, which rolls back and answers its page."""
    savepoint = db.session.begin_nested()
    try:
        yield
    except kind as error:
        if savepoint.is_active:
            savepoint.rollback()
        put_on_form(form, error)
    else:
        if savepoint.is_active:
            savepoint.commit()
