"""What happens to a dossier that other domains may act on, announced without importing them.

Dossiers sits below the post office and the community teams (tests/test_architecture.py): it
never imports them. When a dossier changes in a way they care about, it sends one of these
blinker signals (the sender is the dossier); they connect their receivers in their own
``init_app``. Receivers run synchronously, inside the request's transaction: what they write
is committed or rolled back with the dossier's own change, and a refusal they raise
(a :class:`~app.core.errors.DomainError`) refuses the whole action.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A draft was submitted. ``actor``: who submitted it (the citizen, or a helper); ``ip``.
submitted = _signals.signal("dossier-submitted")
#: The draft's way of sending papers changed. ``actor``; ``previous``: the intake channel before.
intake_changed = _signals.signal("dossier-intake-changed")
#: The dossier ended before anyone carried its papers (refused, withdrawn, stopped) or a
#: forgotten draft was purged. ``actor`` (``None`` for the system); ``ip``.
closed = _signals.signal("dossier-closed")
#: The result was approved and waits at the receiving unit. No keyword arguments.
result_ready = _signals.signal("dossier-result-ready")
#: The result was handed over and the dossier closed. ``actor``; ``via``: online, counter or
#: post; ``ip``.
result_returned = _signals.signal("dossier-result-returned")
