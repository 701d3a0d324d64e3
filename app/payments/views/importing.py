"""A statement file uploaded by an officer: read, imported, and summed up in flash messages."""

from __future__ import annotations

from typing import Any

from flask import flash

from app.accounts.models import User
from app.catalogue.models import CollectionAccount
from app.core.errors import Invalid
from app.payments.operations.transfers import Imported, import_statement
from app.payments.statements import StatementError, read_statement

PROBLEMS_SHOWN = 10


def import_uploaded(account: CollectionAccount, upload: Any, limit: int, staff: User) -> Imported:
    """Import ``upload`` (a werkzeug FileStorage) as a statement of ``account``. Raises
    Invalid on the form's file field when the file cannot be read at all."""
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Invalid("Tệp sao kê quá lớn. Vui lòng tách theo từng tháng.", "statement")
    try:
        statement = read_statement(data)
    except StatementError as error:
        raise Invalid(error.message, "statement") from error
    result = import_statement(account, statement, staff, upload.filename or "")
    _tell(result)
    return result


def _tell(result: Imported) -> None:
    flash(
        f"Đã nhập sao kê: {result.new} giao dịch mới ({result.matched} khớp tự động, "
        f"{result.review} cần đối soát), {result.known} giao dịch đã có từ trước, "
        f"{result.skipped} dòng không phải tiền vào.",
        "success",
    )
    for line, why in result.problems[:PROBLEMS_SHOWN]:
        flash(f"Dòng {line} không đọc được: {why}.", "error")
    if len(result.problems) > PROBLEMS_SHOWN:
        flash(f"Và {len(result.problems) - PROBLEMS_SHOWN} dòng khác không đọc được.", "error")
