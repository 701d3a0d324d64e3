"""The one family of refusals a rule raises, with the HTTP status it answers.

Pure: no Flask, no database. Operations raise a :class:`DomainError` with a polite Vietnamese
message; the request's transaction rolls back (app/core/transaction.py), a form view puts the
message next to the field it names (``field``, or ``errors`` for several fields at once), and
any other request gets an error page with :attr:`DomainError.status`.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the operation. ``message`` is written for the person who asked."""

    status = 422

    def __init__(
        self, message: str, field: str = "", *, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # field name ("" for the whole form) -> message
        self.errors = errors if errors is not None else {field: message}


class Invalid(DomainError):
    """What was entered cannot be accepted (422)."""

    status = 422


class Conflict(DomainError):
    """The world changed under the request: someone else acted first, a place was taken (409)."""

    status = 409
