"""The administration's home page: one card per thing an administrator manages.

Each domain registers its cards in its ``init_app`` (a template of one ``<li>`` and a function
giving it its counts), so the home page (app/accounts/views/admin.py) imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Card:
    order: int  # place on the page, smallest first
    template: str  # one <li> of the list, e.g. "catalogue/admin/_card_units.html"
    context: Callable[[], dict[str, Any]]  # the variables the template reads


_cards: list[Card] = []


def provide(card: Card) -> None:
    """Show ``card`` on the administration's home page (idempotent)."""
    if card not in _cards:
        _cards.append(card)


def cards() -> list[tuple[str, dict[str, Any]]]:
    """(template, variables) of every card, in order."""
    return [(c.template, c.context()) for c in sorted(_cards, key=lambda c: c.order)]
