"""The JSON API under /api/ that the explorer's pages use (documented at /api/openapi.json).

Every endpoint goes through the same store interface and the same report and named-query
functions as the CLI (queries/report.py, queries/library.py); nothing here builds a report
of its own. User Cypher is read-only in layers, as datasette does it:

1. a statement check refuses write clauses before anything reaches the database, with a
   clear message (a convenience: it is not what keeps the graph safe);
2. the store runs every console query read-only (FalkorDB GRAPH.RO_QUERY, a Neo4j READ
   session), so the database itself refuses what the check misses;
3. a time limit (SANCTIONS_KG_QUERY_TIMEOUT / --timeout) on every request, whatever number
   of queries it runs (graph/store.py, deadline), a row limit (SANCTIONS_KG_MAX_ROWS /
   --max-rows) that the database itself stops at (the rest is never fetched), and a memory
   bound per console query (SANCTIONS_KG_CONSOLE_MEMORY, held on the server per query, so
   another command's settings cannot lift it; a range() too large for it is refused before
   it runs, graph/ranges.py); the error names the limit hit and the setting that raises it.

A report reaching more than MAX_OPEN_HOPS hops (its cost grows with each hop) needs the
console token too, as a query does.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from queries import library as named_queries, report as reports
from graph.errors import (
    BadReference,
    LookupFailed,
    QueryError,
    QueryMemoryError,
    QueryTimeout,
    ReadOnlyError,
    RowLimitError,
    SanctionsKGError,
    StoreUnavailable,
)
from graph.cypher import check_no_fetch
from graph.ontology import Ontology
from graph.view import display_name, is_node, is_relationship, node_label

MAX_QUERY_CHARS = 100_000
MAX_OPEN_HOPS = 2  # hops a report may reach without the console token
SEARCH_LIMIT = 20
SEARCH_CUTOFF = 75  # rapidfuzz WRatio, 0-100: below it partial matches are mostly noise
NAME_INDEX_TTL = 30.0  # seconds a cached name index is trusted without a recount


# -- errors -------------------------------------------------------------------------------
class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.kind, self.extra = status, kind, extra


def _error_body(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, **extra}}


def error_response(exc: Exception, settings=None) -> JSONResponse:
    """The one JSON shape every failure takes: {"error": {"kind", "message", ...}}."""
    if isinstance(exc, ApiError):
        return JSONResponse(_error_body(exc.kind, str(exc), **exc.extra), status_code=exc.status)
    if isinstance(exc, ReadOnlyError):
        return JSONResponse(_error_body("read_only", str(exc)), status_code=403)
    if isinstance(exc, QueryTimeout):
        extra = {"limit": "time", "setting": "SANCTIONS_KG_QUERY_TIMEOUT", "option": "--timeout"}
        if settings is not None:
            extra["value"] = settings.query_timeout
        return JSONResponse(_error_body("timeout", str(exc), **extra), status_code=422)
    if isinstance(exc, RowLimitError):
        extra = {"limit": "rows", "setting": "SANCTIONS_KG_MAX_ROWS", "option": "--max-rows"}
        if settings is not None:
            extra["value"] = settings.max_rows
        return JSONResponse(_error_body("row_limit", str(exc), **extra), status_code=422)
    if isinstance(exc, QueryMemoryError):
        from graph.limits import limits

        return JSONResponse(_error_body("memory_limit", str(exc), limit="memory", setting="SANCTIONS_KG_CONSOLE_MEMORY",
                                        value=limits().console_memory), status_code=422)
    if isinstance(exc, LookupFailed):
        return JSONResponse(
            _error_body("not_found", str(exc), candidates=_jsonable(exc.candidates)), status_code=404
        )
    if isinstance(exc, BadReference):
        return JSONResponse(_error_body("bad_reference", str(exc)), status_code=400)
    if isinstance(exc, StoreUnavailable):
        return JSONResponse(_error_body("unavailable", str(exc)), status_code=503)
    if isinstance(exc, QueryError):
        return JSONResponse(_error_body("query", str(exc)), status_code=400)
    if isinstance(exc, SanctionsKGError):
        return JSONResponse(_error_body("error", str(exc)), status_code=400)
    raise exc


# -- statement check (layer 1 of 3) -------------------------------------------------------
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# A clause keyword, not a property (`n.set`), parameter (`$set`) or label (`:Set`).
_WRITE_CLAUSE = re.compile(
    r"(?<![.$:\w])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH)\b", re.I
)


READ_ONLY_MESSAGE = (
    "This query writes to the graph{what} and was refused: the web console is read-only. "
    "Use `uv run sanctions-kg query --write` on the command line to change the graph."
)


def check_read_only(query: str) -> None:
    """Refuse a statement that plainly writes, before it reaches the database.

    Names in backticks, strings and comments are blanked first, so `RETURN 'SET'` passes.
    The database's read-only mode stays the real guard; this only gives a clear message
    early.
    """
    check_no_fetch(query)  # LOAD CSV: refused for what it is (it fetches), before the write check
    text = _COMMENTS.sub(" ", _STRINGS.sub("''", query))
    m = _WRITE_CLAUSE.search(text)
    if m:
        raise ReadOnlyError(READ_ONLY_MESSAGE.format(what=f" ({m.group(1).upper()})"))


# -- results as plain JSON and as a graph -------------------------------------------------
def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    return str(v)  # dates, neo4j temporal and spatial values


def edge_id(rel: dict[str, Any]) -> str:
    key = (rel.get("properties") or {}).get("key") or ""
    return f"{rel['start']}|{rel['type']}|{key}|{rel['end']}"


def result_graph(rows: list[dict[str, Any]], onto: Ontology) -> tuple[dict[str, dict], dict[str, dict]]:
    """Every node and relationship found anywhere in the rows (also inside paths and lists)."""
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}

    def walk(v: Any) -> None:
        if is_node(v):
            nid = str(v["id"])
            nodes[nid] = {
                "id": nid,
                "label": node_label(v["labels"], onto),
                "labels": v["labels"],
                "name": display_name(v["properties"], v["id"]),
            }
        elif is_relationship(v):
            eid = edge_id(v)
            edges[eid] = {
                "id": eid,
                "type": v["type"],
                "source": str(v["start"]),
                "target": str(v["end"]),
                "key": (v.get("properties") or {}).get("key") or "",
                "evidence_count": len((v.get("properties") or {}).get("evidence") or []),
            }
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    for row in rows:
        walk(row)
    return nodes, edges


# -- the search index ---------------------------------------------------------------------
@dataclass
class _Names:
    count: int
    built: float
    entities: list[dict[str, Any]]
    choices: list[str]  # one per name or alias
    owners: list[int]  # index into entities, parallel to choices


class NameIndex:
    """Names and aliases of every entity, cached; rebuilt when the entity count changes."""

    def __init__(self, ttl: float = NAME_INDEX_TTL):
        self.ttl = ttl
        self._names: _Names | None = None
        self._lock = threading.Lock()

    def _current(self, store) -> _Names:
        with self._lock:
            names = self._names
            if names is not None and time.monotonic() - names.built < self.ttl:
                return names
            view = store.view()
            count = view.entity_count()
            if names is not None and names.count == count:
                names.built = time.monotonic()
                return names
            entities, choices, owners = [], [], []
            for n in view.names():
                entity = {
                    "id": n.id,
                    "label": node_label(n.labels, store.ontology),
                    "name": n.name or n.id,
                    "aliases": [a for a in n.aliases if a != n.name],
                }
                entities.append(entity)
                for text in {n.name or "", *n.aliases}:
                    if text:
                        choices.append(text)
                        owners.append(len(entities) - 1)
            self._names = _Names(len(entities), time.monotonic(), entities, choices, owners)
            return self._names

    def search(self, store, q: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        from rapidfuzz import fuzz, process, utils

        from graph.lookup import identifier_ref

        ident = identifier_ref(q, store.ontology)  # "9161003", "IMO 9161003": BadReference when the check digit fails
        if ident is not None:
            view = store.view()
            return [{"id": e.id, "label": e.label, "name": e.name or e.id,
                     "aliases": [a for a in e.aliases if a != e.name], "matched": str(ident), "score": 100.0}
                    for e in view.entities_by_identifier(ident.label, ident.prop, ident.value)][:limit]
        names = self._current(store)
        query = utils.default_process(q)
        if not query:
            return []
        best: dict[int, tuple[float, str]] = {}
        for text, score, i in process.extract(
            query,
            names.choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=None,
            score_cutoff=SEARCH_CUTOFF,
        ):
            owner = names.owners[i]
            # Whole-string similarity breaks ties that partial matching scores alike
            # ("lady r" is 100 against both "Lady R" and "Lady Rose" under WRatio).
            exact = fuzz.ratio(query, utils.default_process(text))
            rank = score * 1000 + exact
            if owner not in best or rank > best[owner][0]:
                best[owner] = (rank, text)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
        out = []
        for owner, (rank, text) in ranked:
            entity = dict(names.entities[owner])
            entity["matched"] = text
            entity["score"] = round(rank / 1000, 1)
            out.append(entity)
        return out


# -- named queries as JSON -----------------------------------------------------------------
def describe_named(q) -> dict[str, Any]:
    """A named query (queries.library.NamedQuery) as JSON for the parameter forms."""
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "example": q.example,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": _jsonable(p.default),
                "example": _jsonable(p.example),
                "doc": p.doc,
                "minimum": p.minimum,
                "maximum": p.maximum,
            }
            for p in q.params
        ],
    }


def _console_memory_error() -> QueryMemoryError:
    from graph.limits import limits

    return QueryMemoryError(
        f"The query needed more than the {limits().console_memory} MB one console query may use on "
        "the server and was stopped. Narrow it (e.g. a smaller range or list), or raise "
        "SANCTIONS_KG_CONSOLE_MEMORY (MB)."
    )


# -- endpoints ----------------------------------------------------------------------------
class Api:
    """The endpoints, bound to one open store and its settings."""

    def __init__(self, app_state):
        self.state = app_state
        self.names = NameIndex()

    @property
    def store(self):
        return self.state.store

    @property
    def settings(self):
        return self.state.settings

    def _limited(self, fn, *args, **kwargs):
        # A few queries at a time: one slow query must not block the others, and many at
        # once must not starve a small machine. Each is bounded by the time limit anyway.
        from graph.store import deadline

        with self.state.slots, deadline(self.settings.query_timeout):
            return fn(*args, **kwargs)

    def _has_token(self, request: Request) -> bool:
        from web.tokens import carries_token

        auth = self.state.auth_token
        return carries_token(request, self.state.console_token.encode(), auth.encode() if auth else None)

    async def _call(self, fn, *args, **kwargs):
        try:
            return await run_in_threadpool(self._limited, fn, *args, **kwargs)
        except (ApiError, SanctionsKGError) as exc:
            raise _Handled(error_response(exc, self.settings)) from None

    async def query(self, request: Request) -> JSONResponse:
        """
        summary: Run a read-only Cypher query
        description: >
          Runs `query` with `params` read-only, within the time limit
          (SANCTIONS_KG_QUERY_TIMEOUT) and the row limit (SANCTIONS_KG_MAX_ROWS). Returns
          the rows and the nodes and relationships found in them, as a graph. Errors
          have kind read_only (403), timeout or row_limit (422, naming the limit and its
          setting) or query (400).
        requestBody:
          required: true
          content:
            application/json:
              schema:
                type: object
                required: [query]
                properties:
                  query: {type: string, example: "MATCH (v:Vessel)-[r:CALLED_AT]->(p:Port) RETURN v, r, p LIMIT 25"}
                  params: {type: object, example: {}}
        responses:
          200:
            description: columns, rows, graph {nodes, edges}, elapsed_ms
          403: {description: the query writes; refused}
          422: {description: the time limit or the row limit was hit}
        """
        body = await _json_body(request)
        query = body.get("query")
        params = body.get("params") or {}
        if not isinstance(query, str) or not query.strip():
            return error_response(ApiError(400, "bad_request", 'Send {"query": "<Cypher>", "params": {...}}.'))
        if len(query) > MAX_QUERY_CHARS:
            return error_response(ApiError(400, "bad_request", f"The query is longer than {MAX_QUERY_CHARS} characters."))
        if not isinstance(params, dict):
            return error_response(ApiError(400, "bad_request", "params must be a JSON object, e.g. {\"name\": \"Lady R\"}."))
        from graph.limits import limits, out_of_int64
        from graph.ranges import check_ranges

        if out_of_int64(params) is not None:  # the database would clamp it silently
            return error_response(ApiError(400, "bad_request", f"params hold {out_of_int64(params)}, outside the "
                                           "64-bit integer range the graph stores; send it as a string."))
        try:
            check_read_only(query)
            check_ranges(query, params, limits().console_memory * 1024 * 1024, "SANCTIONS_KG_CONSOLE_MEMORY")
        except (ReadOnlyError, QueryMemoryError) as exc:
            return error_response(exc)
        started = time.perf_counter()
        result = await self._call(self._run_user_query, query, params)
        return JSONResponse(self._result_json(result, started))

    def _run_user_query(self, query: str, params: dict[str, Any]):
        from graph.limits import limits

        try:
            result = self.store.run(
                query,
                params,
                write=False,
                timeout=self.settings.query_timeout,
                max_rows=self.settings.max_rows,
                memory_mb=limits().console_memory,
            )
        except ReadOnlyError:
            # Refused by the database itself: say so in the console's terms.
            raise ReadOnlyError(READ_ONLY_MESSAGE.format(what="")) from None
        except QueryMemoryError:
            raise _console_memory_error() from None
        return self._with_graph(result)

    def _with_graph(self, result):
        """The result with the nodes and edges to draw, end nodes fetched when not returned."""
        nodes, edges = result_graph(result.rows, self.store.ontology)
        missing = {e["source"] for e in edges.values()} | {e["target"] for e in edges.values()}
        missing -= set(nodes)
        if missing:
            nodes.update(self._fetch_nodes(sorted(missing)))
        return result, nodes, edges

    def _fetch_nodes(self, ids: list[str]) -> dict[str, dict]:
        """Endpoints of returned relationships that the query did not return itself."""
        found: dict[str, dict] = {}
        for n in self.store.view().nodes(ids, max_rows=len(ids)):
            found[n.id] = {
                "id": n.id,
                "label": n.label,
                "labels": list(n.labels),
                "name": n.name,
                "context": True,  # not in the result; drawn so the edge has its ends
            }
        for nid in ids:
            found.setdefault(nid, {"id": nid, "label": "", "labels": [], "name": nid, "context": True})
        return found

    def _result_json(self, computed, started: float) -> dict[str, Any]:
        result, nodes, edges = computed
        return {
            "columns": result.columns,
            "rows": _jsonable(result.rows),
            "stats": _jsonable(result.stats),
            "graph": {"nodes": list(nodes.values()), "edges": list(edges.values())},
            "limits": {"timeout": self.settings.query_timeout, "max_rows": self.settings.max_rows},
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    async def entity(self, request: Request) -> JSONResponse:
        """
        summary: The report on one entity
        description: >
          The same report as `sanctions-kg report`: status line, aliases, identifiers,
          sanctions (direct, then exposure through others), ownership chain, port calls,
          calls made at a port (incoming_calls), relationships with evidence, articles.
          Every relationship carries its stored `source` and `target`, which the pages
          draw. `ref` is an entity id (e.g. imo:9161003), an IMO number (9161003, IMO 9161003)
          or a name; an IMO number whose check digit fails is a 400 (kind bad_reference).
          Every fact carries `claim` (independent sources, hedged, denied, first and last
          reported, contradicted, summary) and `denials`; `denied` lists denials of facts
          no source states.
        parameters:
          - {name: ref, in: path, required: true, schema: {type: string}}
          - {name: hops, in: query, required: false, schema: {type: integer, default: 2},
             description: "1..6; more than 2 needs the console token (X-Sanctions-KG-Console) or the Bearer token"}
          - {name: min_sources, in: query, required: false, schema: {type: integer, default: 0}}
          - {name: sort, in: query, required: false, schema: {type: string, enum: [sources]}}
        responses:
          200: {description: the report}
          400: {description: an IMO number whose check digit fails}
          404: {description: no such entity; candidates listed}
        """
        ref = request.path_params["ref"]
        try:
            hops = int(request.query_params.get("hops", 2))
        except ValueError:
            return error_response(ApiError(400, "bad_request", "hops must be a whole number, e.g. 2."))
        if not 1 <= hops <= 6:
            return error_response(ApiError(400, "bad_request", "hops must be between 1 and 6."))
        if hops > MAX_OPEN_HOPS and not self._has_token(request):
            return error_response(ApiError(
                403, "console_token", f"A report of more than {MAX_OPEN_HOPS} hops costs the database much: it needs "
                "the console token (X-Sanctions-KG-Console header, sent by the explorer's pages) or the server's token "
                "as `Authorization: Bearer <token>`."))
        try:
            min_sources = int(request.query_params.get("min_sources", 0))
        except ValueError:
            min_sources = -1
        if min_sources < 0:
            return error_response(ApiError(400, "bad_request", "min_sources must be a whole number, 0 or more, e.g. 2."))
        sort = request.query_params.get("sort") or None
        if sort not in (None, "sources"):
            return error_response(ApiError(400, "bad_request", "sort must be 'sources' (best corroborated first) or absent."))
        report = await self._call(self._report, ref, hops, min_sources, sort)
        return JSONResponse(_jsonable(report))

    def _report(self, ref: str, hops: int, min_sources: int = 0, sort: str | None = None) -> dict[str, Any]:
        return reports.build_report(self.store, ref, hops=hops, min_sources=min_sources, sort=sort)

    async def search(self, request: Request) -> JSONResponse:
        """
        summary: Typo-tolerant search over entity names and aliases, or by IMO number
        description: >
          An IMO number ("9161003", "IMO 9161003", "imo:9161003") finds the ship holding it;
          one whose check digit fails is a 400 (kind bad_reference) that says so.
        parameters:
          - {name: q, in: query, required: true, schema: {type: string}, example: lady r}
          - {name: limit, in: query, required: false, schema: {type: integer, default: 20}}
        responses:
          200: {description: "results: [{id, label, name, aliases, matched, score}], best first"}
        """
        q = request.query_params.get("q", "").strip()
        try:
            limit = max(1, min(100, int(request.query_params.get("limit", SEARCH_LIMIT))))
        except ValueError:
            limit = SEARCH_LIMIT
        if not q:
            return JSONResponse({"query": q, "results": []})
        results = await self._call(self.names.search, self.store, q, limit)
        return JSONResponse({"query": q, "results": _jsonable(results)})

    async def queries(self, request: Request) -> JSONResponse:
        """
        summary: The named queries (queries/*.cypher) with their parameters
        responses:
          200: {description: "queries: [{name, summary, description, example, params: [{name, type, required, default, example, doc, minimum, maximum}]}]"}
        """
        listed = await self._call(lambda: [describe_named(q) for q in named_queries.load_all().values()])
        return JSONResponse({"queries": listed})

    async def run_query(self, request: Request) -> JSONResponse:
        """
        summary: Run one named query with parameters
        description: Read-only, with the same time and row limits as /api/query.
        parameters:
          - {name: name, in: path, required: true, schema: {type: string}}
        requestBody:
          content:
            application/json:
              schema: {type: object, properties: {params: {type: object}}}
        responses:
          200: {description: columns, rows, graph, elapsed_ms}
          400: {description: a parameter is missing or of the wrong type}
          404: {description: no query of that name, or an entity parameter matched nothing}
        """
        name = request.path_params["name"]
        body = await _json_body(request, allow_empty=True)
        params = body.get("params") or {}
        if not isinstance(params, dict):
            return error_response(ApiError(400, "bad_request", "params must be a JSON object."))
        started = time.perf_counter()
        computed = await self._call(self._run_named, name, params)
        return JSONResponse(self._result_json(computed, started))

    def _run_named(self, name: str, params: dict[str, Any]):
        from graph.limits import limits

        try:
            result = named_queries.run_named(
                self.store,
                name,
                params,
                timeout=self.settings.query_timeout,
                max_rows=self.settings.max_rows,
                memory_mb=limits().console_memory,
            )
        except QueryMemoryError:
            raise _console_memory_error() from None
        return self._with_graph(result)

    async def edge(self, request: Request) -> JSONResponse:
        """
        summary: One relationship with its evidence sentences and articles
        parameters:
          - {name: start, in: query, required: true, schema: {type: string}}
          - {name: type, in: query, required: true, schema: {type: string}}
          - {name: end, in: query, required: true, schema: {type: string}}
          - {name: key, in: query, required: false, schema: {type: string}}
        responses:
          200: {description: "{type, start, end, properties, evidence: [{article, sentence, method, title, source, published, url, list_name, list_entry, cite}]}"}
          404: {description: no such relationship}
        """
        qp = request.query_params
        start, rtype, end = qp.get("start"), qp.get("type"), qp.get("end")
        if not (start and rtype and end):
            return error_response(ApiError(400, "bad_request", "Give start, type and end (and key when the edge has one)."))
        if rtype not in self.store.ontology.relationships:
            return error_response(
                ApiError(400, "bad_request", f"Unknown relationship type {rtype!r}. Known: {', '.join(self.store.ontology.relationships)}.")
            )
        found = await self._call(self._edge, start, rtype, end, qp.get("key"))
        return JSONResponse(_jsonable(found))

    def _edge(self, start: str, rtype: str, end: str, key: str | None) -> dict[str, Any]:
        found = self.store.view().edge(start, rtype, end, key, max_rows=1000)
        if found is None:
            raise ApiError(404, "not_found", f"No {rtype} relationship from {start} to {end}.")
        return {
            "type": found.type,
            "start": {"id": start, "name": found.start.name, "label": found.start.label},
            "end": {"id": end, "name": found.end.name, "label": found.end.label},
            "properties": found.properties,
            # The same evidence items as reports: article fields joined, list entries named, `cite`.
            "evidence": found.evidence,
        }

    async def openapi(self, request: Request) -> JSONResponse:
        """
        summary: This API's OpenAPI description
        responses:
          200: {description: an OpenAPI 3.0 document}
        """
        from starlette.schemas import SchemaGenerator

        generator = SchemaGenerator(
            {
                "openapi": "3.0.0",
                "info": {
                    "title": "sanctions-kg explorer API",
                    "version": "1",
                    "description": "Read-only access to the sanctions knowledge graph. When the "
                    "server is bound beyond 127.0.0.1, send the token as "
                    "`Authorization: Bearer <token>`.",
                },
            }
        )
        return JSONResponse(generator.get_schema(routes=request.app.routes))

    def routes(self) -> list[Route]:
        return [
            Route("/api/query", self.query, methods=["POST"]),
            Route("/api/entity/{ref:path}", self.entity, methods=["GET"]),
            Route("/api/search", self.search, methods=["GET"]),
            Route("/api/queries", self.queries, methods=["GET"]),
            Route("/api/queries/{name}", self.run_query, methods=["POST"]),
            Route("/api/edge", self.edge, methods=["GET"]),
            Route("/api/openapi.json", self.openapi, methods=["GET"], include_in_schema=False),
        ]


class _Handled(Exception):
    """Carries a finished error response out of a helper (see app.py's handler)."""

    def __init__(self, response: JSONResponse):
        self.response = response


async def _json_body(request: Request, allow_empty: bool = False) -> dict[str, Any]:
    raw = await request.body()
    if not raw and allow_empty:
        return {}
    try:
        import json

        body = json.loads(raw)
    except ValueError:
        raise _Handled(error_response(ApiError(400, "bad_request", "The request body is not valid JSON."))) from None
    if not isinstance(body, dict):
        raise _Handled(error_response(ApiError(400, "bad_request", "The request body must be a JSON object.")))
    return body
