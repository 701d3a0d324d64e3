"""Demo collection accounts: every unit gets one, so every demo dossier with a fee shows a
VietQR code a banking app can read. Demo mode only.

The banks are real (their NAPAS BINs, app/catalogue/banks.py: a banking app recognises
them); the account numbers are made up from the unit's position (``99`` and eleven digits), so a
transfer from a demo QR fails at the bank rather than reaching a real account.
"""

from __future__ import annotations

from app.catalogue.operations import save_collection_account
from app.catalogue.queries import all_units

# The four State-owned banks where the State Treasury holds its collection accounts.
DEMO_BANKS = ("970405", "970418", "970415", "970436")


def demo_account_number(index: int) -> str:
    """A made-up 13-digit account number for the ``index``-th unit (0-based)."""
    return f"99{index:011d}"


def create_demo_collection_accounts() -> int:
    """A collection account for every unit that has none; returns how many were added."""
    units = all_units()
    added = 0
    for index, unit in enumerate(units):
        if unit.collection_account is not None:
            continue
        save_collection_account(
            unit,
            bank_bin=DEMO_BANKS[index % len(DEMO_BANKS)],
            account_number=demo_account_number(index),
            account_name=(unit.parent_name or unit.name)[:60],
        )
        added += 1
    return added
