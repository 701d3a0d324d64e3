"""What other domains add to a dossier's pages, registered by them.

The post office shows where the papers and the result are; the dossier pages include its
templates without importing it. A domain registers, in its ``init_app``, a template and a
function that gives that template its variables for one dossier (or ``None`` to show nothing)
for one of the ``PAGES``; and it may say where a helper who submitted a dossier goes next
(:func:`provide_landing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.dossiers.models import Dossier

#: citizen: the owner's dossier page; staff: the back office's dossier page; check: the
#: journey's last step (a line under "Gửi giấy tờ").
PAGES = ("citizen", "staff", "check")

Provider = Callable[[Dossier], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


_providers: dict[str, list[tuple[str, Provider]]] = {page: [] for page in PAGES}


def provide(page: str, template: str, provider: Provider) -> None:
    """Show ``template`` on ``page`` with the variables ``provider`` gives (idempotent)."""
    if (template, provider) not in _providers[page]:
        _providers[page].append((template, provider))


def panels(page: str, dossier: Dossier) -> list[Panel]:
    """The panels of ``page`` for ``dossier``, in the order they were registered."""
    shown = []
    for template, provider in _providers[page]:
        context = provider(dossier)
        if context is not None:
            shown.append(Panel(template, context))
    return shown


Landing = Callable[[Dossier], str | None]
_landings: list[Landing] = []


def provide_landing(landing: Landing) -> None:
    """``landing(dossier)``: the URL a helper goes to from a dossier they filled in, or None."""
    if landing not in _landings:
        _landings.append(landing)


def landing(dossier: Dossier) -> str | None:
    """The first landing a domain gives for ``dossier``, if any."""
    for find in _landings:
        url = find(dossier)
        if url is not None:
            return url
    return None
