"""The post office's refusals: a rule said no (:class:`PostalError`), or the slot was taken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.errors import Conflict, Invalid

if TYPE_CHECKING:
    from app.postal.queries.slots import OfferedSlot


class PostalError(Invalid):
    """A refusal with a polite Vietnamese message (shown beside the form)."""


class SlotFull(Conflict):
    """The slot has no place left (or was closed); ``alternatives`` are open slots to offer."""

    def __init__(self, alternatives: list[OfferedSlot]) -> None:
        super().__init__("Khung giờ này vừa hết chỗ. Vui lòng chọn khung giờ khác.", "slot")
        self.alternatives = alternatives
