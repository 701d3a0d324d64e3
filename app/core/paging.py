"""Numbered pages of a short list (the administration's lists): ``?trang=2``.

Long lists that grow without bound (queues, the register) page by key instead
(app/dossiers/queries/worklist.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from flask import request
from sqlalchemy import Select, func, select

from app.extensions import db

PAGE_SIZE: Final = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(items[start : start + size], number, len(items), size)


def paginate_query(stmt: Select, number: int, size: int = PAGE_SIZE) -> Page[Any]:
    """:func:`paginate` in SQL: a count, then one page by LIMIT/OFFSET (``stmt`` must be
    ordered, and carry its own eager loads). A page past the end shows the last one."""
    total = int(
        db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )
    number = min(max(1, number), max(1, -(-total // size)))
    items = list(db.session.scalars(stmt.limit(size).offset((number - 1) * size)))
    return Page(items, number, total, size)


def page_number() -> int:
    """The page asked for (``?trang=``), 1 when missing or not a number."""
    try:
        return max(1, int(request.args.get("trang", "1")))
    except ValueError:
        return 1
