"""The timeline, the world map and the alerts page in a real browser (Debian's chromium through
Playwright, launched as tests/test_web_browser.py does, over the example graph).

Every request a page makes is recorded (page.on("request")): nothing may leave 127.0.0.1 (the
world outline and the map's scripts are vendored; ports are placed from ingest/data/ports.yaml).
Writes build/screenshots/map.png for the guide (docs/generate.py copies it into docs/).
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from graph import evidence
from graph.backends import open_store
from queries.events import place_of
from test_web_browser import DOCS, NO_NULL, RASON_CALL, _get_json, browser, page, server  # noqa: F401  (fixtures)

LADY_R_CALLS = "MATCH (v:Vessel {id: $id})-[c:CALLED_AT]->(p) RETURN p.id AS port, p.name AS name, c.date AS date"


@pytest.fixture
def requests(page):  # noqa: F811
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url))
    return seen


def _local_only(urls: list[str]) -> None:
    assert urls, "no request recorded"
    outside = [u for u in urls if urllib.parse.urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert not outside, f"requests outside 127.0.0.1: {outside}"


def _lady_r(base: str) -> str:
    hits = _get_json(base + "/api/search?q=lady%20r")["results"]
    assert hits and hits[0]["name"] == "Lady R"
    return hits[0]["id"]


def test_lady_r_port_calls_on_the_map_and_the_timeline(server, page, requests):  # noqa: F811
    base, db = server
    vessel = _lady_r(base)
    with open_store(db) as store:
        calls = store.run(LADY_R_CALLS, {"id": vessel}).rows
        rason_sentences = [e["sentence"] for e in evidence.decode_all(store.run(RASON_CALL, {"id": vessel}).rows[0]["evidence"])]
    names = {c["name"] for c in calls}
    assert {"Rason", "Vostochny"} <= names, calls

    page.goto(base + "/entity/" + urllib.parse.quote(vessel, safe=""))
    page.locator("#event-map g.port").first.wait_for()

    # The map: a marker at each port it called at, placed from the package's coordinates.
    markers = page.locator("#event-map g.port")
    shown = {m.get_attribute("data-port"): m for m in markers.all()}
    port_ids = {c["name"]: c["port"] for c in calls}
    for name in ("Rason", "Vostochny"):
        m = shown[port_ids[name]]
        where = place_of([name])
        assert (float(m.get_attribute("data-lat")), float(m.get_attribute("data-lon"))) == (where["lat"], where["lon"])
    # ... and drawn where they lie: Rason west and south of Vostochny.
    rason = shown[port_ids["Rason"]].locator("circle").bounding_box()
    vost = shown[port_ids["Vostochny"]].locator("circle").bounding_box()
    assert rason["x"] < vost["x"] and rason["y"] > vost["y"]
    assert page.locator("#event-map path.land").count() == 1

    # The timeline: every port call, in date order.
    items = page.locator("#event-timeline > li")
    dates = [d for d in items.evaluate_all("els => els.map(e => e.dataset.date)") if d]
    assert dates == sorted(dates) and dates
    on_timeline = items.evaluate_all("els => els.filter(e => e.dataset.port).map(e => e.dataset.port)")
    assert sorted(on_timeline) == sorted(c["port"] for c in calls)
    rason_first = items.evaluate_all("els => els.map(e => e.dataset.port)").index(port_ids["Rason"])
    vost_first = items.evaluate_all("els => els.map(e => e.dataset.port)").index(port_ids["Vostochny"])
    rason_date = next(c["date"] for c in calls if c["name"] == "Rason")
    vost_date = next(c["date"] for c in calls if c["name"] == "Vostochny")
    assert (rason_first < vost_first) == ((rason_date or "~") < (vost_date or "~"))

    # Clicking the Rason call shows its sentence, and marks its port on the map.
    items.filter(has_text="Rason").first.click()
    box = page.locator("#event-evidence")
    box.wait_for()
    for sentence in rason_sentences:
        assert f"“{sentence}”" in box.locator(".sentence").all_inner_texts()
    assert shown[port_ids["Rason"]].get_attribute("class") == "port selected"
    # Clicking a marker selects that port's first event.
    shown[port_ids["Vostochny"]].locator("circle").click()
    assert "Vostochny" in page.locator("#event-evidence h3").inner_text() or \
        "Vostochny" in page.locator("#event-evidence").inner_text()

    assert not re.search(NO_NULL, page.locator("#events").inner_text())
    DOCS.mkdir(parents=True, exist_ok=True)
    page.locator("#events").screenshot(path=str(DOCS / "map.png"))
    _local_only(requests)


def test_port_page_shows_its_calls_on_the_map(server, page, requests):  # noqa: F811
    base, _ = server
    page.goto(base + "/entity/" + urllib.parse.quote("port:rason", safe=""))
    page.locator("#event-map g.port").first.wait_for()
    assert [m.get_attribute("data-port") for m in page.locator("#event-map g.port").all()] == ["port:rason"]
    kinds = page.locator("#event-timeline > li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds and set(kinds) <= {"port_call", "loading", "designation"}
    _local_only(requests)


def test_console_map_tab_shows_the_query_port_calls(server, page, requests):  # noqa: F811
    base, _ = server
    query = "MATCH (v:Vessel)-[c:CALLED_AT]->(p:Port) RETURN v, c, p"
    page.goto(base + "/?" + urllib.parse.urlencode({"q": query}))
    page.locator("#tab-map").click()
    page.locator("#console-map g.port").first.wait_for()
    ports = {m.get_attribute("data-port") for m in page.locator("#console-map g.port").all()}
    assert "port:rason" in ports
    # Ports close together overlap at this scale: each is a button too.
    page.locator("#console-map-ports button[data-port='port:rason']").click()
    assert page.locator("#console-map g.port[data-port='port:rason']").get_attribute("class") == "port selected"
    rows = page.locator("#console-calls > li")
    assert rows.count() >= 1 and all(p == "port:rason" for p in rows.evaluate_all("els => els.map(e => e.dataset.port)"))
    rows.first.click()
    page.locator("#map-panel .sentence").first.wait_for()
    assert "Rason" in page.locator("#map-panel").inner_text()
    page.locator("#tab-graph").click()
    assert page.locator("#graph").is_visible()
    _local_only(requests)


def test_alerts_page_lists_unseen_alerts_with_evidence(server, page, requests, tmp_path):  # noqa: F811
    """Last in this module: it changes the graph (a watch, an article)."""
    base, db = server
    from queries.watchlist import watch as add_watch
    from ingest.pipeline import ingest_paths

    article = tmp_path / "later.txt"
    article.write_text("Cargo ship returns\nPublished: 2024-09-02\n\n"
                       "The cargo ship Lady R called at the port of Tartus on 28 August 2024, port records showed.\n",
                       "utf-8")
    with open_store(db) as store:
        add_watch(store, "Lady R", by="tester")
        summary = ingest_paths(store, [str(article)])
    assert summary.alerts >= 1

    page.goto(base + "/alerts")
    page.locator("#alert-list > li").first.wait_for()
    calls = page.locator("#alert-list > li[data-kind='port_call']")
    assert calls.count() == 1
    assert "called at the port of Tartus on 28 August 2024" in calls.locator(".sentence").inner_text()
    assert "Lady R" in page.locator("#watchlist").inner_text()
    page.locator("#mark-all").click()
    page.locator("#no-alerts").wait_for()
    page.goto(base + "/alerts?all=1")
    page.locator("#alert-list > li.seen").first.wait_for()  # the list is filled by the page's fetch
    assert page.locator("#alert-list > li.seen").count() >= 1
    _local_only(requests)
