"""The explorer's timeline, map and alerts endpoints (queries/events.py, graph/watch.py).

Bound to web/api.py's Api (its store, its limits, its error handling): `routes(api)` is added
to the API's routes. Reads are GET; marking alerts seen is the one write, a POST, so it takes
the console token like every POST (web/app.py's ConsoleGuardMiddleware).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from web.api import Api

MAX_PLACES = 500


def routes(api: Api) -> list[Route]:
    from web.api import ApiError, _json_body, _jsonable, error_response

    async def events(request: Request) -> JSONResponse:
        """
        summary: A vessel's or port's dated events, for the timeline and the map
        description: >
          Port calls, loadings, ship-to-ship transfers, AIS gaps and designations, oldest first
          (undated last), each with its evidence; `places` gives the latitude and longitude of
          the ports they happened at (from ingest/data/ports.yaml, shipped with the package).
        parameters:
          - {name: ref, in: path, required: true, schema: {type: string}}
        responses:
          200: {description: "{entity, events: [{n, kind, date, text, vessel, port, evidence}], places: {port id: {id, name, lat, lon}}}"}
          404: {description: no such entity}
        """
        from queries.events import timeline

        found = await api._call(timeline, api.store, request.path_params["ref"])
        return JSONResponse(_jsonable(found))

    async def places(request: Request) -> JSONResponse:
        """
        summary: Where ports lie (latitude, longitude), for the console's map
        parameters:
          - {name: id, in: query, required: true, schema: {type: array, items: {type: string}}, description: port ids, repeated}
        responses:
          200: {description: "{places: {port id: {id, name, lat, lon}}}; ports the package does not place are left out"}
        """
        from queries.events import places as find

        ids = request.query_params.getlist("id")
        if len(ids) > MAX_PLACES:
            return error_response(ApiError(400, "bad_request", f"Ask for at most {MAX_PLACES} ports at a time."))
        found = await api._call(find, api.store, ids)
        return JSONResponse({"places": _jsonable(found)})

    async def alerts(request: Request) -> JSONResponse:
        """
        summary: The unseen alerts about watched items, with their evidence
        description: >
          What `sanctions-kg alerts` lists (raised at the end of each ingest and list import,
          and by that command): by watched item, kind and date. `all=1` adds those seen.
        parameters:
          - {name: all, in: query, required: false, schema: {type: integer, default: 0}}
        responses:
          200: {description: "{alerts: [{id, watch, watch_name, kind, subject, summary, date, evidence, raised_at, seen}], watches: [...]}"}
        """
        from graph import watch

        include = request.query_params.get("all", "0") not in ("0", "", "false")

        def read() -> dict[str, Any]:
            return {"alerts": [a.as_dict() for a in watch.list_alerts(api.store, include_seen=include)],
                    "watches": [w.as_dict() for w in watch.list_watches(api.store)]}

        return JSONResponse(_jsonable(await api._call(read)))

    async def seen(request: Request) -> JSONResponse:
        """
        summary: Mark alerts seen
        description: 'The body is {"ids": [alert ids]}; the answer says how many were unseen.'
        responses:
          200: {description: "{marked: n}"}
        """
        from graph import watch

        body = await _json_body(request)
        ids = body.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > 10_000:
            return error_response(ApiError(400, "bad_request", 'Send {"ids": ["<alert id>", ...]}.'))
        marked = await api._call(watch.mark_seen, api.store, ids)
        return JSONResponse({"marked": marked})

    return [
        Route("/api/events/{ref:path}", events, methods=["GET"]),
        Route("/api/places", places, methods=["GET"]),
        Route("/api/alerts", alerts, methods=["GET"]),
        Route("/api/alerts/seen", seen, methods=["POST"]),
    ]
