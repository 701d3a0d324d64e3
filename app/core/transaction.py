"""One transaction per request, committed or rolled back in one place.

Operations only flush. After the view, the request's changes are committed when the response
is a success (status below 400) and rolled back otherwise; a :class:`~app.core.errors.DomainError`
that reaches Flask rolls back and answers an error page with its status. A form view that
must keep what was valid while it shows errors (the journey keeps every valid answer) calls
:func:`keep_changes`.

:func:`domain_errors` is the form view's side: the operation runs in a savepoint, and a
refusal undoes only the operation and goes onto the form, so the view answers 422 with the
form, everything typed still in it.

:func:`read_only` marks a view that only reads (the public look-up, the catalogue): its
statements run outside any transaction, which saves the BEGIN and COMMIT round trips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, g, has_app_context, render_template
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.core.errors import DomainError, Invalid
from app.extensions import db

_KEEP = "keep_changes"
_READ_ONLY = "read_only_request"
V = TypeVar("V", bound=Callable[..., Any])


def keep_changes() -> None:
    """Commit this request's changes even though its response reports an error (4xx)."""
    g.setdefault(_KEEP, True)


def read_only(view: V) -> V:
    """The view only reads: its statements run in autocommit, one round trip each, instead of
    BEGIN, the statements and COMMIT (on a one-query page, three round trips become one).
    PostgreSQL's READ COMMITTED already gives each statement its own snapshot, so a page that
    reads twice sees what it would in one transaction. When something earlier in the request
    (signing in a user, the idle sign-out) has begun a transaction, the view runs inside it as
    usual. A read-only view that flushes a change is a bug and raises."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not db.session().in_transaction():
            g.setdefault(_READ_ONLY, True)
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _refuse_writes_in_read_only(session: Session, flush_context: Any, instances: Any) -> None:
    if (
        has_app_context()
        and g.get(_READ_ONLY)
        and (session.new or session.dirty or session.deleted)
    ):
        raise RuntimeError("a view marked read_only tried to write")


def abandon() -> None:
    """Forget what a failed request left in its session (a 500's error page must be able to
    read again): after a lost connection the session refuses every statement until rolled
    back, and the rollback itself may fail on the dead connection (then it is closed)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def init_app(app: Flask) -> None:
    if not event.contains(Session, "before_flush", _refuse_writes_in_read_only):
        event.listen(Session, "before_flush", _refuse_writes_in_read_only)

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if not db.session.registry.has():  # nothing read nor written: no session was made
            return response
        if g.pop(_READ_ONLY, False):
            # No transaction to end: this gives the connection back to the pool (in autocommit
            # it sends nothing) and leaves the session as a transactional request would.
            db.session.rollback()
            return response
        if response.status_code < 400 or (response.status_code < 500 and g.get(_KEEP)):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def forget_read_only(error: BaseException | None) -> None:
        g.pop(_READ_ONLY, None)

    @app.errorhandler(DomainError)
    def refused(error: DomainError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        title = "Thao tác không thực hiện được" if error.status == 409 else "Chưa thực hiện được"
        return render_template(
            "errors/error.html", code=error.status, title=title, message=error.message
        ), error.status


def put_on_form(form: Any, error: DomainError) -> None:
    """Each message next to the field it names; the rest at the top of the form."""
    for name, message in error.errors.items():
        field = form[name] if name and name in form else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@dataclass
class Refusal:
    """What :func:`refusals` caught: ``error`` is ``None`` when the block went through."""

    error: DomainError | None = None


@contextmanager
def refusals(*kinds: type[DomainError]) -> Iterator[Refusal]:
    """Run the block in a savepoint; a refusal of ``kinds`` (default: :class:`Invalid`, what was
    entered is wrong) undoes just the block and is kept on the :class:`Refusal` it yields, for
    the view to answer its own way. Any other refusal (a :class:`~app.core.errors.Conflict`:
    someone acted first) goes on to Flask, which answers its page."""
    refusal, caught = Refusal(), kinds or (Invalid,)
    savepoint = db.session.begin_nested()
    try:
        yield refusal
    except caught as error:
        if savepoint.is_active:
            savepoint.rollback()
        refusal.error = error
    else:
        if savepoint.is_active:
            savepoint.commit()


@contextmanager
def domain_errors(form: Any, *kinds: type[DomainError]) -> Iterator[None]:
    """:func:`refusals` whose refusal goes onto ``form``, next to the field it names.

    The block usually ends by returning the view's redirect; when it is refused, the view goes
    on after the ``with`` and answers the form again, with :func:`form_status`."""
    with refusals(*kinds) as refusal:
        yield
    if refusal.error is not None:
        put_on_form(form, refusal.error)


def form_status(form: Any) -> int:
    """422 when the form carries errors, else 200."""
    return 422 if form.errors else 200
