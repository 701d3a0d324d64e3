"""Every write of accounts, by topic. Operations check the rules, flush only (the request or the
CLI commits) and refuse with a :class:`~app.core.errors.DomainError` on a form field.

* ``citizens``: a citizen's account (registered, or opened by a helper) and their consent;
* ``registration``: registering, the phone proved with a code first;
* ``credentials``: passwords: changed, or set with a code (claiming, resetting);
* ``sessions``: the signed-in sessions kept on the server, begun and ended;
* ``signin``: wrong passwords in a row per phone, and the wait they cost;
* ``pending_secrets``: a secret shown once to the administrator who made it;
* ``staff``: staff accounts, by the administrator.
"""

from app.accounts.operations.citizens import (
    PRIVACY_NOTICE_VERSION,
    AccountExists,
    record_consent,
    register_citizen,
    register_on_behalf,
)
from app.accounts.operations.credentials import (
    change_password,
    claim_by_code,
    reset_by_code,
    send_claim_code,
    send_reset_code,
)
from app.accounts.operations.staff import create_staff, reset_password, update_staff

__all__ = [
    "PRIVACY_NOTICE_VERSION",
    "AccountExists",
    "change_password",
    "claim_by_code",
    "create_staff",
    "record_consent",
    "register_citizen",
    "register_on_behalf",
    "reset_by_code",
    "reset_password",
    "send_claim_code",
    "send_reset_code",
    "update_staff",
]
