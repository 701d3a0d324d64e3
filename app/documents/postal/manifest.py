"""“Biên bản giao nhận”: the hand-over record between the post office and the receiving unit
(leg A step 5, and leg B), A4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.documents.pdf import render_pdf
from app.documents.postal.common import (
    POSTAL_OPERATOR,
    CountedLine,
    FeeAndPostage,
    amount_in_words,
    count_copies,
    date_line,
    format_money,
)
from app.documents.receipt import format_vn_time

TEMPLATE_MANIFEST = "pdf/postal/manifest.html"
MANIFEST_TITLES = {
    "to_agency": "Biên bản giao nhận hồ sơ thủ tục hành chính",
    "from_agency": "Biên bản giao nhận kết quả giải quyết thủ tục hành chính",
}


@dataclass(frozen=True)
class ManifestLine(FeeAndPostage):
    """One item handed over: the papers of a dossier (leg A) or its result (leg B)."""

    item_number: str
    dossier_code: str
    applicant_name: str
    procedure_name: str
    documents: tuple[CountedLine, ...]  # leg A: the papers; leg B: one line for the result
    fee: int
    postage: int
    received: bool | None  # None: not yet counted by the receiving side; False: flagged missing
    note: str = ""
    # The dossier's fee receipts (biên lai thu phí) for the cash in ``fee``: what the officer
    # receives with the papers.
    fee_receipts: tuple[str, ...] = ()

    @property
    def originals(self) -> int:
        return count_copies(self.documents, original=True)

    @property
    def copies(self) -> int:
        return count_copies(self.documents, original=False)

    @property
    def received_text(self) -> str:
        if self.received is None:
            return ""
        return "Đủ" if self.received else "THIẾU"


@dataclass(frozen=True)
class ManifestDocument:
    """ "Biên bản giao nhận" between the post office and the receiving unit, A4.

    ``to_agency``: the post office hands dossiers to the unit (Leg A step 5);
    ``from_agency``: the unit hands results to the post office (Leg B).
    """

    number: str
    direction: str  # "to_agency" | "from_agency"
    post_office: str
    post_office_address: str
    unit: str
    unit_address: str
    created_at: datetime
    worker_name: str
    officer_name: str  # "" until confirmed
    lines: tuple[ManifestLine, ...]
    confirmed_at: datetime | None
    operator: str = POSTAL_OPERATOR

    def __post_init__(self) -> None:
        if self.direction not in MANIFEST_TITLES:
            raise ValueError(f"Unknown direction {self.direction!r}")

    @property
    def title(self) -> str:
        return MANIFEST_TITLES[self.direction]

    @property
    def to_agency(self) -> bool:
        return self.direction == "to_agency"

    def _post_side(self) -> dict[str, str]:
        return {
            "organisation": self.post_office,
            "address": self.post_office_address,
            "person": self.worker_name,
            "position": "Nhân viên bưu điện",
        }

    def _unit_side(self) -> dict[str, str]:
        return {
            "organisation": self.unit,
            "address": self.unit_address,
            "person": self.officer_name,
            "position": "Công chức tiếp nhận và trả kết quả",
        }

    @property
    def giver(self) -> dict[str, str]:
        """Bên giao: the post office for dossiers, the unit for results."""
        return self._post_side() if self.to_agency else self._unit_side()

    @property
    def taker(self) -> dict[str, str]:
        """Bên nhận: the unit for dossiers, the post office for results."""
        return self._unit_side() if self.to_agency else self._post_side()

    @property
    def created_at_text(self) -> str:
        return format_vn_time(self.created_at)

    @property
    def date_line(self) -> str:
        return date_line(self.created_at)

    @property
    def confirmed_at_text(self) -> str:
        return format_vn_time(self.confirmed_at) if self.confirmed_at else ""

    @property
    def items(self) -> int:
        return len(self.lines)

    @property
    def originals(self) -> int:
        return sum(line.originals for line in self.lines)

    @property
    def copies(self) -> int:
        return sum(line.copies for line in self.lines)

    @property
    def fees(self) -> int:
        return sum(line.fee for line in self.lines)

    @property
    def postage(self) -> int:
        return sum(line.postage for line in self.lines)

    @property
    def fees_text(self) -> str:
        return format_money(self.fees)

    @property
    def fee_receipts(self) -> int:
        return sum(len(line.fee_receipts) for line in self.lines)

    @property
    def fees_in_words(self) -> str:
        return amount_in_words(self.fees)

    @property
    def postage_text(self) -> str:
        return format_money(self.postage)

    @property
    def received_count(self) -> int:
        return sum(1 for line in self.lines if line.received is True)

    @property
    def flagged_count(self) -> int:
        return sum(1 for line in self.lines if line.received is False)

    @property
    def uncounted_count(self) -> int:
        return sum(1 for line in self.lines if line.received is None)


def render_manifest(doc: ManifestDocument) -> bytes:
    """The hand-over record as an A4 portrait PDF; a long table runs on to further pages with
    its header repeated, the totals and signatures kept together at the end."""
    return render_pdf(TEMPLATE_MANIFEST, doc)
