"""“Danh mục giấy tờ”: the papers counted with the citizen, signed by the worker and the
citizen (Decision 45/2016, leg A steps 1–3), A5."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.documents.postal.common import (
    POSTAL_OPERATOR,
    CountedLine,
    check_masked_id,
    count_copies,
    date_line,
    render_one_page,
)
from app.documents.receipt import format_vn_time

TEMPLATE_DOCUMENT_LIST = "pdf/postal/document_list.html"


@dataclass(frozen=True)
class DocumentList:
    """ "Danh mục giấy tờ" signed by worker and citizen (Decision 45/2016, Leg A step 2), A5."""

    post_office: str
    post_office_address: str
    dossier_code: str
    item_number: str
    procedure_name: str
    receiving_unit: str
    applicant_name: str
    applicant_id_masked: str  # only the last 4 digits visible
    applicant_address: str
    lines: tuple[CountedLine, ...]
    seal_number: str
    taken_at: datetime
    taken_where: str  # e.g. "Tại nhà người dân" or "Tại quầy Bưu điện xã Mường Xén"
    worker_name: str
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        check_masked_id(self.applicant_id_masked, "applicant_id_masked")

    @property
    def missing(self) -> tuple[CountedLine, ...]:
        return tuple(line for line in self.lines if not line.present)

    @property
    def missing_required(self) -> tuple[CountedLine, ...]:
        return tuple(line for line in self.missing if line.required)

    @property
    def present_count(self) -> int:
        return sum(1 for line in self.lines if line.present)

    @property
    def originals(self) -> int:
        return count_copies(self.lines, original=True)

    @property
    def copies(self) -> int:
        return count_copies(self.lines, original=False)

    @property
    def taken_at_text(self) -> str:
        return format_vn_time(self.taken_at)

    @property
    def date_line(self) -> str:
        return date_line(self.taken_at)


def render_document_list(doc: DocumentList) -> bytes:
    """The document list as an A5 PDF, one page when at all possible (tighter type for long
    lists). Missing documents are marked in the table and listed again under it."""
    return render_one_page(TEMPLATE_DOCUMENT_LIST, doc)
