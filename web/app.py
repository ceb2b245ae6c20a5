"""The web explorer: a Starlette app over the graph store (run it with `sanctions-kg serve`).

Pages (static HTML + JS in web/static/, talking to the JSON API in web/api.py):
  /            Cypher console: editor with history and parameters, table and graph
  /entity/ID   the report on one entity, with the evidence behind each fact
  /search      typo-tolerant search over names and aliases
  /queries     the named queries as buttons with parameter forms

Safety, besides the read-only layers in web/api.py:
- pages load scripts from this server only (Content-Security-Policy), and link articles only
  by http(s) addresses, so text from an ingested article cannot run in the browser;
- bound to 127.0.0.1 by default, and then only Host names of this machine are answered
  (so a web page elsewhere cannot reach the explorer through DNS rebinding);
- bound to any other address, a token is required: `Authorization: Bearer <token>`, or
  `?token=<token>` once in the browser, which sets a SameSite=Strict cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from contextlib import asynccontextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.errors import ConfigError
from graph.settings import Settings

STATIC = Path(str(resources.files("web").joinpath("static")))
TOKEN_COOKIE = "sanctions_kg_token"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
CONCURRENT_QUERIES = 4


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None) -> tuple[str | None, bool]:
    """The token the server will require, and whether it was generated here.

    Loopback binds need none unless one is given; any other bind always gets one.
    """
    if token:
        return token, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(24), True


class TokenMiddleware:
    """Refuse every request that does not carry the token (header, cookie or ?token=)."""

    def __init__(self, app, token: str):
        self.app = app
        self.token = token

    def _ok(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode(), self.token.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        auth = request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if self._ok(bearer) or self._ok(request.cookies.get(TOKEN_COOKIE)):
            return await self.app(scope, receive, send)
        if self._ok(request.query_params.get("token")):
            if request.method == "GET" and not request.url.path.startswith("/api/"):
                # Drop the token from the address bar; the cookie carries it from now on.
                params = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                query = urlencode(params)
                target = request.url.path + (f"?{query}" if query else "")
                response: Response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return await response(scope, receive, send)
            return await self.app(scope, receive, send)
        message = (
            "A token is required: this server is reachable from other machines. Open the "
            "address `sanctions-kg serve` printed (it ends in ?token=...), or send "
            "`Authorization: Bearer <token>`."
        )
        if request.url.path.startswith("/api/"):
            response = JSONResponse({"error": {"kind": "unauthorized", "message": message}}, status_code=401)
        else:
            response = PlainTextResponse(message, status_code=401)
        return await response(scope, receive, send)


SECURITY_HEADERS = [
    # Scripts only from this server (the vendored graph library included): an article's text
    # or address shown on a page can never run as code.
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)


@cache
def _render(name: str, title: str) -> str:
    """A page: the shared frame (static/layout.html) around static/<name>.html, with its script."""
    layout = (STATIC / "layout.html").read_text("utf-8")
    main = (STATIC / f"{name}.html").read_text("utf-8")
    return layout.replace("{title}", title).replace("{script}", name).replace("{main}", main)


def _page(name: str, title: str):
    async def endpoint(request: Request) -> HTMLResponse:
        return HTMLResponse(_render(name, title), headers={"Cache-Control": "no-cache"})

    return endpoint


def create_app(
    settings: Settings,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    store: Any = None,
    close_store: bool | None = None,
) -> Starlette:
    """The explorer app for `settings` (the store is opened at start-up unless given).

    `host` is the address the server binds to: anything but loopback requires `token`.
    `close_store`: close the store when the server shuts down (default: only one the app
    opened). The server's shutdown is the last code that runs on SIGTERM: uvicorn re-raises
    the signal afterwards, so a caller's `with` block around it never exits normally.
    """
    from web.api import Api, _Handled

    if token is None and not is_loopback(host):
        raise ConfigError(
            f"Serving on {host} makes the explorer reachable from other machines: give a "
            "token (--token), or bind to 127.0.0.1."
        )

    owns_store = store is None if close_store is None else close_store

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if app.state.store is None:
            from graph.backends import open_store

            app.state.store = open_store(settings=settings)
        try:
            yield
        finally:
            if owns_store and app.state.store is not None:
                app.state.store.close()
                app.state.store = None

    middleware = [Middleware(SecurityHeadersMiddleware)]
    if is_loopback(host):
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES))
    if token:
        middleware.append(Middleware(TokenMiddleware, token=token))

    async def handled(request: Request, exc: _Handled) -> Response:
        return exc.response

    app = Starlette(
        routes=[],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={_Handled: handled},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.slots = threading.BoundedSemaphore(CONCURRENT_QUERIES)
    api = Api(app.state)
    pages = [
        Route("/", _page("console", "Cypher console"), include_in_schema=False),
        Route("/console", _page("console", "Cypher console"), include_in_schema=False),
        Route("/search", _page("search", "Search"), include_in_schema=False),
        Route("/queries", _page("queries", "Named queries"), include_in_schema=False),
        Route("/entity/{ref:path}", _page("entity", "Entity"), include_in_schema=False),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app.router.routes.extend(api.routes() + pages)
    return app


def check_port(host: str, port: int) -> None:
    """Fail with the fix before starting when the address cannot be listened on."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ConfigError(
                f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Pick another --port or --host."
            ) from None
