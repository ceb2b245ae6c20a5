"""Neo4j Browser on the test server (issue 23): a named query of ours, run in Neo4j Browser on a
graph our ingest wrote, shows the nodes the CLI finds.

Neo4j Browser 5.24.0 (`org.neo4j.client:neo4j-browser`, the last on Maven Central) is on the
class path of our Neo4j launcher (tests/neo4j-launcher/pom.xml), and the server's browser
module serves it at /browser. Debian's chromium drives it through Playwright, launched as
tests/test_web_browser.py launches it. It needs the server tests/bootstrap.py starts (a
NEO4J_URI of your own has no known Browser address: the test says so and fails).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bootstrap
from graph.backends import open_store
from queries import library
from test_web_browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SHOTS = ROOT / "build" / "screenshots"


def _one_line(cypher: str) -> str:
    """The query without comments, on one line (Browser's editor runs a line at Enter)."""
    lines = [ln.split("//", 1)[0].strip() for ln in cypher.splitlines()]
    return " ".join(ln for ln in lines if ln)


@pytest.mark.parametrize("backend", ["neo4j"], indirect=True)
def test_a_named_query_in_neo4j_browser_shows_the_sanctioned_vessels(backend, db_path):
    env = bootstrap.neo4j_env()
    server = bootstrap._Neo4j.server
    if server is None:
        pytest.fail("NEO4J_URI is set to a server of your own: its Neo4j Browser address is unknown; "
                    "unset NEO4J_URI to run this test on the server the test run starts.")
    from ingest.pipeline import ingest_paths

    with open_store(env["NEO4J_URI"]) as store:
        store.run("MATCH (n) DETACH DELETE n", write=True)
        summary = ingest_paths(store, [str(EXAMPLES)])
        assert summary.new > 0
        query = library.load_all()["sanctioned"]
        expected = sorted({row["name"] for row in store.run(query.text("neo4j"), {"label": "Vessel"}).rows})
    assert expected, "the example articles name sanctioned vessels"

    from playwright.sync_api import sync_playwright

    url = f"http://{server.http}/browser/?dbms=bolt://{server.bolt}&preselectAuthMethod=NATIVE"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, timeout=120_000)
            # Username / Password: choosing it shows the two fields.
            page.get_by_test_id("authenticationMethod").select_option(value="NATIVE", timeout=120_000)
            page.get_by_test_id("username").fill(env["NEO4J_USERNAME"])
            page.get_by_test_id("password").fill(env["NEO4J_PASSWORD"])
            page.get_by_test_id("connect").click()
            page.get_by_text("You are connected as user").first.wait_for(timeout=60_000)
            for line in (":param label => 'Vessel'", _one_line(query.text("neo4j"))):
                editor = page.get_by_test_id("activeEditor")
                editor.click()
                page.keyboard.type(line)
                page.keyboard.press("Enter")
                page.wait_for_timeout(1000)  # the next line goes to a fresh editor
            frame = page.get_by_test_id("frame").first  # the newest frame is on top
            for name in expected:
                frame.get_by_text(re.compile(re.escape(name))).first.wait_for(timeout=60_000)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "neo4j-browser.png"))
        finally:
            b.close()
