"""Back-office queues and the register (Mẫu 07): filtered, scoped to the officer's units, paged.

Pages are keyset-paged on (due date, id) for queues and (submitted at, id) for the register, so
page 400 costs what page 1 costs; with ``ix_dossiers_queue`` and ``ix_dossiers_register`` the
database reads only the rows it shows (the bench checks the PostgreSQL plan on a million rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from app.core.bounds import parse_day, parse_id
from app.core.identity import normalise_phone
from app.core.text import fold
from app.dossiers.deadlines import WorkingCalendar, add_working_days
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db

PAGE_SIZE = 25

S = DossierStatus


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    statuses: tuple[DossierStatus, ...]
    # Only dossiers due within this many working days (None: any).
    due_within: int | None = None


QUEUES = (
    Queue("moi", "Hồ sơ mới nộp", (S.SUBMITTED,)),
    Queue("xu-ly", "Đang xử lý", (S.RECEIVED, S.PROCESSING)),
    Queue("den-han", "Đến hạn, quá hạn", (S.RECEIVED, S.PROCESSING), due_within=2),
    Queue("cho-bo-sung", "Chờ người dân bổ sung", (S.SUPPLEMENT_REQUESTED,)),
    Queue("tra-ket-qua", "Chờ trả kết quả", (S.RESULT_READY,)),
)
QUEUE_BY_SLUG = {q.slug: q for q in QUEUES}


@dataclass
class Filters:
    procedure_id: int | None = None
    status: str = ""
    commune: str = ""
    intake_channel: str = ""
    return_channel: str = ""
    q: str = ""

    def as_args(self) -> dict[str, str]:
        args = {
            "thu-tuc": str(self.procedure_id or ""),
            "trang-thai": self.status,
            "xa": self.commune,
            "gui": self.intake_channel,
            "nhan": self.return_channel,
            "q": self.q,
        }
        return {k: v for k, v in args.items() if v}


def filters_from(args) -> Filters:  # type: ignore[no-untyped-def]
    return Filters(
        procedure_id=parse_id(args.get("thu-tuc")),
        status=args.get("trang-thai", "")[:20],
        commune=args.get("xa", "")[:10],
        intake_channel=args.get("gui", "")[:12],
        return_channel=args.get("nhan", "")[:12],
        q=" ".join(args.get("q", "").split())[:80],
    )


_CODE_LIKE = re.compile(r"^[\d.A-Za-z-]*\d[\d.A-Za-z-]*$")


def _search(stmt: Select, q: str) -> Select:
    """Code (or its tail), phone number, or applicant name without diacritics."""
    if not q:
        return stmt
    phone = normalise_phone(q)
    if phone:
        return stmt.where(Dossier.applicant_phone == phone)
    if _CODE_LIKE.match(q) and ("-" in q or "." in q or len(q) >= 4):
        code = q.upper()
        return stmt.where(or_(Dossier.code == code, Dossier.code.like(f"%{code}")))
    return stmt.where(Dossier.applicant_name_folded.contains(fold(q), autoescape=True))


def _apply_filters(stmt: Select, filters: Filters) -> Select:
    if filters.procedure_id:
        stmt = stmt.where(Dossier.procedure_id == filters.procedure_id)
    if filters.status:
        stmt = stmt.where(Dossier.status == filters.status)
    if filters.commune:
        stmt = stmt.where(Dossier.address_commune_code == filters.commune)
    if filters.intake_channel:
        stmt = stmt.where(Dossier.intake_channel == filters.intake_channel)
    if filters.return_channel:
        stmt = stmt.where(Dossier.return_channel == filters.return_channel)
    return _search(stmt, filters.q)


def _scope(stmt: Select, unit_ids: frozenset[int]) -> Select:
    """Dossiers held by one of the officer's units.

    An assignee always belongs to the unit holding the dossier (assigning checks it, forwarding
    clears it), so no ``OR assignee_id = …`` is needed, and without it PostgreSQL can walk
    ``ix_dossiers_queue`` (unit, status, due date, id) in order and stop after one page.
    """
    return stmt.where(Dossier.current_unit_id.in_(sorted(unit_ids) or [-1]))


def queue_statement(
    queue: Queue,
    unit_ids: frozenset[int],
    filters: Filters,
    today: date,
    calendar: WorkingCalendar,
) -> Select:
    stmt = select(Dossier).where(Dossier.status.in_([s.value for s in queue.statuses]))
    stmt = _scope(stmt, unit_ids)
    if queue.due_within is not None:
        stmt = stmt.where(Dossier.due_date <= add_working_days(today, queue.due_within, calendar))
    return _apply_filters(stmt, filters)


@dataclass
class Page:
    rows: list[Dossier]
    next_cursor: str = ""


def _parse_cursor(cursor: str) -> tuple[str, int] | None:
    key, _, ident = (cursor or "").partition("_")
    row_id = parse_id(ident)
    if row_id is None or not key:
        return None
    return key, row_id


def _keyset_page(
    stmt: Select,
    column,  # type: ignore[no-untyped-def]
    parse,  # type: ignore[no-untyped-def]
    cursor: str,
    size: int,
    newest_first: bool,
) -> Page:
    """One page ordered on (``column``, id); ``cursor`` names the last row of the page before.

    The cursor is compared as a row value, which PostgreSQL turns into an index range, so a
    deep page costs what the first one costs. A malformed cursor gives the first page.
    """
    parsed = _parse_cursor(cursor)
    if parsed:
        try:
            key = parse(parsed[0])
        except ValueError:
            key = None
        if key is not None:
            row, after = tuple_(column, Dossier.id), (key, parsed[1])
            stmt = stmt.where(row < after if newest_first else row > after)
    order = (column.desc(), Dossier.id.desc()) if newest_first else (column, Dossier.id)
    stmt = stmt.order_by(*order).limit(size + 1).options(joinedload(Dossier.procedure))
    rows = list(db.session.scalars(stmt).unique())
    if len(rows) <= size:
        return Page(rows)
    last = rows[size - 1]
    value = getattr(last, column.key)
    return Page(rows[:size], f"{value.isoformat()}_{last.id}" if value else "")


def queue_page(stmt: Select, cursor: str = "", size: int = PAGE_SIZE) -> Page:
    """One page of a queue, most urgent first."""
    return _keyset_page(stmt, Dossier.due_date, date.fromisoformat, cursor, size, False)


def queue_counts(
    unit_ids: frozenset[int], today: date, calendar: WorkingCalendar
) -> dict[str, int]:
    counts = {}
    for queue in QUEUES:
        stmt = queue_statement(queue, unit_ids, Filters(), today, calendar)
        counts[queue.slug] = db.session.scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        )
    return counts


# --- the register (Mẫu 07) ------------------------------------------------------------------


@dataclass
class RegisterFilters(Filters):
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        args = super().as_args()
        if self.date_from:
            args["tu"] = self.date_from.isoformat()
        if self.date_to:
            args["den"] = self.date_to.isoformat()
        return args


def register_filters_from(args) -> RegisterFilters:  # type: ignore[no-untyped-def]
    base = filters_from(args)
    return RegisterFilters(
        **base.__dict__,
        date_from=parse_day(args.get("tu"), "tu"),
        date_to=parse_day(args.get("den"), "den"),
    )


def register_statement(unit_ids: frozenset[int], filters: RegisterFilters) -> Select:
    stmt = select(Dossier).where(
        Dossier.receiving_unit_id.in_(sorted(unit_ids) or [-1]),
        Dossier.status != DossierStatus.DRAFT,
    )
    if filters.date_from:
        stmt = stmt.where(
            Dossier.submitted_at >= datetime.combine(filters.date_from, datetime.min.time())
        )
    if filters.date_to:
        stmt = stmt.where(
            Dossier.submitted_at < datetime.combine(filters.date_to, datetime.max.time())
        )
    return _apply_filters(stmt, filters)


def register_page(stmt: Select, cursor: str = "", size: int = 50) -> Page:
    """One page of the register, newest first."""
    return _keyset_page(stmt, Dossier.submitted_at, datetime.fromisoformat, cursor, size, True)


def register_all(unit_ids: frozenset[int], filters: RegisterFilters) -> Iterator[Dossier]:
    """Every row of the register in the order it was submitted, fetched 500 at a time when the
    CSV is streamed (the query runs when the first row is asked for)."""
    stmt = register_statement(unit_ids, filters).order_by(Dossier.submitted_at, Dossier.id)
    yield from db.session.scalars(stmt.execution_options(yield_per=500))
