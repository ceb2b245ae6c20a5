"""The console token check shared by the app's guard (web/app.py) and the endpoints that need
the token on a GET (web/api.py)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

CONSOLE_HEADER = "X-Sanctions-KG-Console"


def carries_token(request: Request, console_token: bytes, auth_token: bytes | None) -> bool:
    """Whether `request` carries this server's console token (the pages send it with every
    request) or its --token as a Bearer token (scripts): what a request that may cost the
    database much needs, so that another web site cannot make a browser send it."""
    given = request.headers.get(CONSOLE_HEADER, "").encode()
    if given and hmac.compare_digest(given, console_token):
        return True
    auth = request.headers.get("authorization", "")
    bearer = auth[7:].strip().encode() if auth.lower().startswith("bearer ") else b""
    return bool(auth_token and bearer and hmac.compare_digest(bearer, auth_token))
