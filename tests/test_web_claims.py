"""Claims and ship histories on the entity page, in a real browser (Debian's chromium via
Playwright, as tests/test_web_browser.py): `sanctions-kg serve` over examples/claims and
examples/identity, and a list of our own (tests/data/lists/identity_ofac); the page shows each fact's claim, the denial against it, the contradiction,
the denied-only sanction, the identity timeline and its conflicts (a list's names with their dates too, as the JSON
holds them), and passes ?min_sources on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_web_browser import CHROMIUM, ROOT, browser, page, serving  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install chromium: apt-get install -y chromium")
    from graph.backends import open_store
    from ingest.pipeline import ingest_paths

    db = str(tmp_path_factory.mktemp("claims-browser") / "graph.db")
    with open_store(db) as store:
        assert ingest_paths(store, [str(ROOT / "examples" / "claims"), str(ROOT / "examples" / "identity")]).ok
        from ingest.lists.importer import import_sanctions

        import_sanctions(store, ROOT / "tests" / "data" / "lists" / "identity_ofac", "ofac")
    with serving(db, tmp_path_factory.mktemp("log")) as base:
        yield base


def test_entity_page_weighs_each_fact(server, page):
    page.goto(server + "/entity/imo:9300013")
    owner = page.locator("#ownership > li").first
    claim = owner.locator(".claim")
    assert claim.inner_text() == "corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source; contradicted"
    assert "contradicted" in (claim.get_attribute("class") or "")
    assert "A spokesman for the firm denied" in owner.locator(".denials").inner_text()
    denied = page.locator("#denied > li")
    assert denied.count() == 1 and "SANCTIONED_BY" in denied.inner_text() and "European Union" in denied.inner_text()
    assert page.locator("#sanctions-direct > li .claim").inner_text() == "reported by 1 source since 2024-05"
    # The page passes min_sources on to the API: the single-source sanction is not listed.
    page.goto(server + "/entity/imo:9300013?min_sources=2")
    page.locator("#ownership").wait_for()
    assert page.locator("#sanctions-direct").count() == 0
    assert page.locator("#ownership > li .claim").inner_text().startswith("corroborated by 3 sources")


def test_entity_page_shows_the_ship_history(server, page):
    page.goto(server + "/entity/imo:9300025")
    timeline = page.locator("#identity li")
    timeline.first.wait_for()
    texts = timeline.all_inner_texts()
    assert texts[0] == "2022-03-10 · former name Orchid Bay (reported until 2023-06-01)"
    assert "2023 · renamed to Sable Crest (reported until 2023-07-15)" in texts
    kinds = page.locator("#identity-conflicts li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["same_imo_new_name", "same_name_other_imo", "two_flags"]


def test_entity_page_shows_a_list_s_names_with_their_dates(server, page):
    import json
    import urllib.request

    page.goto(server + "/entity/imo:9315044")
    timeline = page.locator("#identity li")
    timeline.first.wait_for()
    texts = timeline.all_inner_texts()
    assert texts[:2] == ["2021-07-14 · former name GREY LANTERN (us-ofac-sdn:39001)",
                         "2021-07-14 · renamed to KESTREL DAWN (us-ofac-sdn:39001)"]
    with urllib.request.urlopen(server + "/api/entity/imo:9315044") as resp:
        events = json.load(resp)["identity"]["events"]
    assert len(texts) == len(events) and texts[0].endswith(events[0]["what"])
