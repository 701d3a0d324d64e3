"""The relying party of OpenID Connect: signing in with the national identity (VNeID).

* The authorization code flow with PKCE (S256), a ``state`` and a ``nonce`` (Authlib makes the
  request and exchanges the code). What a sign-in in progress must remember (state, nonce, code
  verifier) travels in the signed session cookie and is used once; no token ever does.
* The ID token's signature is checked (joserfc) against the provider's published keys (JWKS),
  asymmetric algorithms only; a key id it does not know has the keys fetched again once (the
  provider rotated them). Then its issuer, audience (and ``azp``), expiry, issue time and nonce.
* The claims' names are configuration (``OIDC_CLAIM_*``): providers differ. Those missing from
  the ID token are asked of the userinfo endpoint, whose ``sub`` must be the token's.
* Every call to the provider has a timeout; whatever goes wrong is one :class:`Failure` with a
  kind the error page explains (app/accounts/views/federation.py), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.core import clock
from app.core.identity import normalise_phone

# Why a sign-in failed (the error page says each in Vietnamese).
DOWN = "down"  # the provider did not answer, or too slowly, or not as OpenID Connect says
CANCELLED = "cancelled"  # the person stopped at the provider
REFUSED = "refused"  # a check failed: state, code, token, signature, issuer, audience, expiry
NO_ID_NUMBER = "no_id_number"  # the provider did not say the personal ID number
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, KeySet] = {}


class Failure(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, from verified claims."""

    subject: str
    id_number: str
    full_name: str
    date_of_birth: date | None
    sex: str | None
    phone: str | None
    level: str | None
    id_token: str


def configured() -> bool:
    config = current_app.config
    return bool(config["OIDC_DISCOVERY_URL"] and config["OIDC_CLIENT_ID"])


def external_url(endpoint: str) -> str:
    """This site's full address of ``endpoint`` (PUBLIC_BASE_URL's host when set), as
    registered at the provider."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint) if base else url_for(endpoint, _external=True)


def _origin(url: Any) -> str:
    parts = urlsplit(url if isinstance(url, str) else "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def form_targets(config: Any) -> list[str]:
    """The provider's origins a form of ours may lead to (our logout and "Xong, người tiếp
    theo" answer with a redirect to its end-session endpoint): the discovery document's, and
    the end-session endpoint's once the document is known."""
    url = config["OIDC_DISCOVERY_URL"]
    kept = _metadata.get(url)
    origins = [_origin(url), _origin(kept[1].get("end_session_endpoint")) if kept else ""]
    return sorted({origin for origin in origins if origin})


def _timeout() -> float:
    return current_app.config["OIDC_TIMEOUT_SECONDS"]


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        answer = requests.get(url, timeout=_timeout(), **kwargs)
        answer.raise_for_status()
        value = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise Failure(DOWN, f"{url}: {error}") from error
    if not isinstance(value, dict):
        raise Failure(DOWN, f"{url}: not a JSON object")
    return value


def metadata() -> dict[str, Any]:
    """The provider's discovery document, kept OIDC_METADATA_SECONDS per process."""
    url = current_app.config["OIDC_DISCOVERY_URL"]
    kept = _metadata.get(url)
    if kept and clock.epoch() - kept[0] < current_app.config["OIDC_METADATA_SECONDS"]:
        return kept[1]
    document = _get_json(url)
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if any(not isinstance(document.get(name), str) for name in needed):
        raise Failure(DOWN, f"{url}: the discovery document lacks {needed}")
    _metadata[url] = (clock.epoch(), document)
    return document


def _auth_method(document: dict[str, Any]) -> str:
    """How the client proves itself at the token endpoint: the secret in the Authorization
    header (the default of OpenID Connect) unless the provider takes it only in the form."""
    if not current_app.config["OIDC_CLIENT_SECRET"]:
        return "none"
    offered = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" not in offered and "client_secret_post" in offered:
        return "client_secret_post"
    return "client_secret_basic"


def _session(document: dict[str, Any]) -> OAuth2Session:
    config = current_app.config
    return OAuth2Session(
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"] or None,
        scope=config["OIDC_SCOPES"],
        code_challenge_method="S256",
        token_endpoint_auth_method=_auth_method(document),
    )


def start(redirect_uri: str) -> tuple[str, dict[str, str]]:
    """Where to send the browser, and what the return must match (kept until it comes)."""
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(48),
    }
    document = metadata()
    url, _ = _session(document).create_authorization_url(
        document["authorization_endpoint"],
        redirect_uri=redirect_uri,
        state=pending["state"],
        nonce=pending["nonce"],
        code_verifier=pending["verifier"],
    )
    return url, pending


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def finish(args: dict[str, str], pending: dict[str, str], redirect_uri: str) -> Identity:
    """The provider's answer at the redirect URI, checked, exchanged and verified."""
    if args.get("error"):
        kind = CANCELLED if args["error"] in ("access_denied", "login_required") else REFUSED
        raise Failure(kind, f"the provider answered {args['error']}")
    if not pending or not _same(args.get("state", ""), pending.get("state", "")):
        raise Failure(REFUSED, "state does not match the sign-in this browser began")
    document = metadata()
    if "iss" in args and args["iss"] != document["issuer"]:
        raise Failure(REFUSED, "the iss parameter is not the provider's (RFC 9207)")
    if not args.get("code"):
        raise Failure(REFUSED, "no code")
    token = _exchange(document, args["code"], pending["verifier"], redirect_uri)
    claims = verify_id_token(document, token.get("id_token", ""), pending["nonce"])
    return _identity(document, claims, token)


def _exchange(document: dict[str, Any], code: str, verifier: str, redirect_uri: str) -> dict:
    try:
        return dict(
            _session(document).fetch_token(
                document["token_endpoint"],
                code=code,
                code_verifier=verifier,
                redirect_uri=redirect_uri,
                timeout=_timeout(),
            )
        )
    except requests.RequestException as error:  # Authlib raises a 5xx answer's HTTPError
        raise Failure(DOWN, f"token endpoint: {error}") from error
    except (AuthlibBaseError, ValueError) as error:
        raise Failure(REFUSED, f"token endpoint refused the code: {error}") from error


def _header(token: str) -> dict[str, Any]:
    try:
        encoded = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error, IndexError) as error:
        raise Failure(REFUSED, "the ID token is not a JWT") from error
    if not isinstance(header, dict):
        raise Failure(REFUSED, "the ID token is not a JWT")
    return header


def _key_set(jwks_uri: str, *, fresh: bool) -> KeySet:
    if fresh or jwks_uri not in _keys:
        try:
            _keys[jwks_uri] = KeySet.import_key_set(_get_json(jwks_uri))  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError) as error:
            raise Failure(DOWN, f"{jwks_uri}: unreadable keys") from error
    return _keys[jwks_uri]


def _signing_keys(document: dict[str, Any], kid: str | None) -> KeySet:
    """The provider's keys, fetched again once when they lack ``kid`` (a rotation)."""
    keys = _key_set(document["jwks_uri"], fresh=False)
    if kid is not None and all(key.kid != kid for key in keys.keys):
        keys = _key_set(document["jwks_uri"], fresh=True)
    return keys


def verify_id_token(document: dict[str, Any], token: str, nonce: str) -> dict[str, Any]:
    if not token:
        raise Failure(REFUSED, "no ID token")
    header = _header(token)
    if header.get("alg") not in ASYMMETRIC:
        raise Failure(REFUSED, f"ID token algorithm {header.get('alg')!r} is not accepted")
    keys = _signing_keys(document, header.get("kid"))
    try:
        claims = jwt.decode(token, keys, algorithms=[header["alg"]]).claims
    except JoseError as error:
        raise Failure(REFUSED, f"ID token signature: {error}") from error
    check_claims(claims, issuer=document["issuer"], nonce=nonce)
    return claims


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_claims(claims: dict[str, Any], *, issuer: str, nonce: str) -> None:
    """Issuer, audience (and ``azp`` when there are several), expiry and issue time (a minute's
    leeway for clocks apart), subject, nonce: :class:`Failure` naming the ones that fail."""
    client_id = current_app.config["OIDC_CLIENT_ID"]
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    now = clock.epoch()
    expiry, issued = claims.get("exp"), claims.get("iat")
    failed = {
        "issuer": claims.get("iss") != issuer,
        "audience": client_id not in audiences,
        "azp": len(audiences) > 1 and claims.get("azp") != client_id,
        "expiry": not _number(expiry) or expiry < now - LEEWAY_SECONDS,
        "issue time": not _number(issued) or issued > now + LEEWAY_SECONDS,
        "subject": not isinstance(claims.get("sub"), str) or not claims["sub"],
        "nonce": not _same(str(claims.get("nonce", "")), nonce),
    }
    if wrong := [name for name, failing in failed.items() if failing]:
        raise Failure(REFUSED, f"the ID token fails the check of its {', '.join(wrong)}")


def _userinfo(document: dict[str, Any], token: dict[str, Any], subject: str) -> dict[str, Any]:
    endpoint = document.get("userinfo_endpoint")
    if not endpoint or not token.get("access_token"):
        return {}
    info = _get_json(endpoint, headers={"Authorization": f"Bearer {token['access_token']}"})
    if info.get("sub") != subject:
        raise Failure(REFUSED, "userinfo is about someone else")
    return info


def _identity(document: dict[str, Any], claims: dict[str, Any], token: dict) -> Identity:
    config = current_app.config
    names = {
        key: config[f"OIDC_CLAIM_{key}"]
        for key in ("ID_NUMBER", "NAME", "BIRTHDATE", "GENDER", "PHONE", "LEVEL")
    }
    if any(name and name not in claims for name in names.values()):
        claims = {**_userinfo(document, token, claims["sub"]), **claims}
    id_number = str(claims.get(names["ID_NUMBER"]) or "").strip()
    if not (id_number.isdigit() and len(id_number) == 12):
        raise Failure(NO_ID_NUMBER, "no 12-digit personal ID number among the claims")
    return Identity(
        subject=claims["sub"],
        id_number=id_number,
        full_name=" ".join(str(claims.get(names["NAME"]) or "").split())[:120],
        date_of_birth=_date(claims.get(names["BIRTHDATE"])),
        sex=_sex(claims.get(names["GENDER"])),
        phone=normalise_phone(str(claims.get(names["PHONE"]) or "")),
        level=str(claims[names["LEVEL"]])[:20] if claims.get(names["LEVEL"]) else None,
        id_token=token["id_token"],
    )


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _sex(value: Any) -> str | None:
    words = {"male": "male", "nam": "male", "m": "male", "female": "female", "nữ": "female"}
    words |= {"nu": "female", "f": "female"}
    return words.get(str(value or "").strip().lower())


def logout_url(id_token: str, return_to: str) -> str | None:
    """The provider's end-session address for this sign-in, or None when it has none (or
    cannot be asked now: the sign-out here goes on)."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except Failure:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": return_to,
            "client_id": current_app.config["OIDC_CLIENT_ID"],
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
