"""Who may use the REST routes, and as whom: with a password set (WORKBENCH_AUTH) a request
gets through with HTTP basic credentials (`curl -u user:password`) or the session cookie of a
browser signed in on the app's login page. Gradio guards only its own routes.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from fastapi import HTTPException, Request

REALM = "Finance LLM Workbench"


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def _session_user(request: Request) -> str | None:
    """The user whose session cookie the request carries, signed in through the app's login page
    (Gradio keeps the sessions on its app, token -> user; read defensively, they are its own)."""
    app = request.app
    tokens, cookie_id = getattr(app, "tokens", None), getattr(app, "cookie_id", None)
    if not isinstance(tokens, dict) or not cookie_id:
        return None
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        if (token := request.cookies.get(name)) in tokens:
            return str(tokens[token])
    return None


def signed_in_user(request: Request) -> str | None:
    """Who a request signs in as: the user of its app session, else of its basic credentials
    (None without either). Asked only once login_required has let the request through."""
    if session := _session_user(request):  # checked by login_required; basic credentials may not be
        return session
    given = _basic_credentials(request)
    return given[0] if given else None


def judge_of(request: Request, judge: str | None) -> str | None:
    """Whose verdicts a route shows: `judge` when the request names one (`?judge=NAME`), else the
    user it signs in as; None for those given without a sign-in."""
    return (judge if judge is not None else signed_in_user(request)) or None


def login_required(auth: list[tuple[str, str]] | None):
    """A dependency that lets a request through only with one of the app's users and its password."""

    def check(request: Request) -> None:
        if auth is None or _session_user(request) is not None:
            return
        given = _basic_credentials(request)
        if given is not None:
            # every pair compared, user and password both, in time that does not depend on where they differ
            matches = [secrets.compare_digest(given[0].encode(), user.encode())
                       & secrets.compare_digest(given[1].encode(), password.encode()) for user, password in auth]
            if any(matches):
                return
        raise HTTPException(401, detail="this app asks for a user and password: send them as HTTP "
                            "basic credentials (curl -u user:password), or sign in on its page first",
                            headers={"WWW-Authenticate": f'Basic realm="{REALM}"'})

    return check
