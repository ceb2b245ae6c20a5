"""The web explorer: a Starlette app over the graph store (run it with `sanctions-kg serve`).

Pages (static HTML + JS in web/static/, talking to the JSON API in web/api.py):
  /            Cypher console: editor with history and parameters, table and graph
  /entity/ID   the report on one entity, with the evidence behind each fact
  /search      typo-tolerant search over names and aliases
  /queries     the named queries as buttons with parameter forms
  /alerts      the unseen alerts about watched items, with their evidence

Safety, besides the read-only layers in web/api.py:
- pages load scripts from this server only (Content-Security-Policy), and link articles only
  by http(s) addresses, so text from an ingested article cannot run in the browser;
- bound to 127.0.0.1 by default, and then only Host names of this machine are answered
  (so a web page elsewhere cannot reach the explorer through DNS rebinding);
- bound to any other address, a token is required: `Authorization: Bearer <token>`, or
  `?token=<token>` once in the browser, which sets a SameSite=Strict cookie;
- the API answers no cross-site request (Sec-Fetch-Site, Origin), and a request that runs a
  query (POST) must be JSON (Content-Type application/json), carry this server's console token
  (a random value made at start-up and embedded in every page, sent back by the pages'
  script in the X-Sanctions-KG-Console header; scripts may send the --token as a Bearer
  token instead), and fit SANCTIONS_KG_MAX_REQUEST_BYTES and SANCTIONS_KG_MAX_JSON_DEPTH —
  even on loopback, so a page on another site cannot make the explorer run a query.
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
from web.tokens import CONSOLE_HEADER, carries_token

STATIC = Path(str(resources.files("web").joinpath("static")))
CONSOLE_META = "sanctions-kg-console"
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
            "address `uv run sanctions-kg serve` printed (it ends in ?token=...), or send "
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


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"kind": kind, "message": message}}, status_code=status)


class ConsoleGuardMiddleware:
    """The API answers the explorer's own pages (and scripts), never another web site.

    Every /api/ request: refused when the browser says it comes from another site
    (Sec-Fetch-Site) or another origin (Origin). Every request that runs something (POST):
    JSON only, with the console token (or the server's Bearer token), a body within
    SANCTIONS_KG_MAX_REQUEST_BYTES and JSON within SANCTIONS_KG_MAX_JSON_DEPTH.
    """

    SAFE_METHODS = ("GET", "HEAD")

    def __init__(self, app, console_token: str, auth_token: str | None = None):
        self.app = app
        self.console_token = console_token.encode()
        self.auth_token = auth_token.encode() if auth_token else None

    @staticmethod
    def _same_origin(origin: str, request: Request) -> bool:
        host = request.headers.get("host", "")
        return origin.rstrip("/").lower() == f"{request.url.scheme}://{host}".lower()

    def _has_token(self, request: Request) -> bool:
        return carries_token(request, self.console_token, self.auth_token)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        from graph.limits import env_name, limits, size_text
        from graph.safe_load import json_depth_ok

        request = Request(scope)
        site = request.headers.get("sec-fetch-site")
        origin = request.headers.get("origin")
        if (site and site not in ("same-origin", "none")) or (origin and not self._same_origin(origin, request)):
            response = _error(403, "cross_site", "Requests from other web sites are refused: use the explorer's own pages.")
            return await response(scope, receive, send)
        if request.method in self.SAFE_METHODS:
            return await self.app(scope, receive, send)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            response = _error(415, "bad_request", "Send the request as JSON (Content-Type: application/json).")
            return await response(scope, receive, send)
        if not self._has_token(request):
            response = _error(403, "console_token", f"This request lacks the console token ({CONSOLE_HEADER} header): "
                              "send it from the explorer's pages, or reload the page if the server was restarted.")
            return await response(scope, receive, send)
        limit = limits().max_request_bytes
        too_big = _error(413, "too_large", f"The request body is over {size_text(limit)} "
                         f"({env_name('max_request_bytes')}).")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await too_big(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, receive, send)  # disconnected
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await too_big(scope, receive, send)
        if not json_depth_ok(body, limits().max_json_depth):
            response = _error(400, "bad_request", f"The request's JSON is nested deeper than {limits().max_json_depth} "
                              f"levels ({env_name('max_json_depth')}).")
            return await response(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


def console_headers(app) -> dict[str, str]:
    """The headers a client of `app` sends with POST requests (the pages' script sends the same)."""
    return {CONSOLE_HEADER: app.state.console_token}


@cache
def _render(name: str, title: str) -> str:
    """A page: the shared frame (static/layout.html) around static/<name>.html, with its script."""
    layout = (STATIC / "layout.html").read_text("utf-8")
    main = (STATIC / f"{name}.html").read_text("utf-8")
    return layout.replace("{title}", title).replace("{script}", name).replace("{main}", main)


def _page(name: str, title: str):
    async def endpoint(request: Request) -> HTMLResponse:
        # The console token goes into the page (the pages' script sends it back with every
        # request); another site cannot read the page, so it cannot learn the token.
        meta = f'<meta name="{CONSOLE_META}" content="{request.app.state.console_token}">\n'
        html = _render(name, title).replace("</head>", meta + "</head>", 1)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

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
        # Re-open the store on the next request when its server goes away (`stop --force`).
        app.state.store.reconnect = True
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
    console_token = secrets.token_urlsafe(32)
    middleware.append(Middleware(ConsoleGuardMiddleware, console_token=console_token, auth_token=token))

    async def handled(request: Request, exc: _Handled) -> Response:
        return exc.response

    app = Starlette(
        routes=[],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={_Handled: handled},
    )
    app.state.settings = settings
    app.state.console_token = console_token
    app.state.auth_token = token
    app.state.store = store
    app.state.slots = threading.BoundedSemaphore(CONCURRENT_QUERIES)
    api = Api(app.state)
    pages = [
        Route("/", _page("console", "Cypher console"), include_in_schema=False),
        Route("/console", _page("console", "Cypher console"), include_in_schema=False),
        Route("/search", _page("search", "Search"), include_in_schema=False),
        Route("/queries", _page("queries", "Named queries"), include_in_schema=False),
        Route("/entity/{ref:path}", _page("entity", "Entity"), include_in_schema=False),
        Route("/alerts", _page("alerts", "Alerts"), include_in_schema=False),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    from web import watch_api

    # The timeline, map and alerts endpoints (web/watch_api.py) after the API's own.
    app.router.routes.extend(api.routes() + watch_api.routes(api) + pages)
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
