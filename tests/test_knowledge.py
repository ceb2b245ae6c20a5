"""Knowledge-aware extraction and re-scans (ingest/knowledge.py, sanctions_kg_known_v1) on a
real embedded store: names the graph holds are recognised in new articles, stored articles
that mention newly known names are extracted again, and the order of articles and lists does
not change the graph. Every text and list entry here is made up for these tests."""

from __future__ import annotations

import spacy
from click.testing import CliRunner

from ingest.knowledge import KnownName, NameMatcher, article_keys, mentions, name_key
from ingest.lists.importer import import_sanctions
from ingest.nlp import add_components
from ingest.pipeline import ingest_paths

from _lists_fixtures import snapshot

IMO = "9312341"  # 9*7+3*6+1*5+2*4+3*3+4*2 = 111: check digit 1
SDN = (
    f'97001,"SILVER LARCH","vessel","IRAN-EO13846","-0- ","-0- ","Crude Oil Tanker","-0- ","-0- ","Comoros",'
    f'"-0- ","Vessel Registration Identification IMO {IMO}."\n'
    '97002,"LARCHWOOD MARITIME LTD","-0- ","IRAN-EO13846","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ",'
    '"Organization Type: Management of ships."\n'
)
# No cue says what Silver Larch is: only the list can.
UNCUED = """Published: 2025-03-10
Port workers in Fujairah said Silver Larch took on fuel oil there on Monday before sailing east.
Traders expect the cargo to reach buyers in Asia within weeks.
"""
# The same ship with a cue but no IMO number, and the manager by its legal form.
CUED = """Published: 2025-03-12
The tanker Silver Larch switched off its transponder after leaving the Gulf of Oman, analysts said.
Records show the ship is managed by Larchwood Maritime Ltd, a firm registered in Dubai.
"""
UNRELATED = """Published: 2025-03-11
The Sri Lankan coast guard inspected a fishing trawler near Galle and found nothing unusual.
"""


def _write(folder, **texts):
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text)
    return folder


def _list(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_text(SDN)
    return path


def _mentioned(store, label: str) -> dict[str, set[str]]:
    """Article path -> ids of the entities of `label` it mentions."""
    res = store.run(f"MATCH (a:Article)-[:MENTIONS]->(n:{label}) RETURN a.path AS path, n.id AS id")
    out: dict[str, set[str]] = {}
    for r in res:
        out.setdefault(r["path"].rsplit("/", 1)[-1], set()).add(r["id"])
    return out


def test_article_before_list_gains_the_listed_vessel_and_others_are_not_rescanned(tmp_path, store):
    articles = _write(tmp_path / "a", uncued=UNCUED, unrelated=UNRELATED)
    ingest_paths(store, [str(articles)])
    assert f"imo:{IMO}" not in _mentioned(store, "Vessel").get("uncued.txt", set())
    before = store.run("MATCH (a:Article) RETURN a.path AS p, a.ingested_at AS t, a.name_keys AS k").rows
    summary = import_sanctions(store, _list(tmp_path))
    # Only the article that mentions a listed name is extracted again; the other is untouched.
    assert summary.rescanned == 1
    vessels = _mentioned(store, "Vessel")
    assert f"imo:{IMO}" in vessels["uncued.txt"]
    assert "unrelated.txt" not in vessels
    ship = store.run("MATCH (v:Vessel {id: $id}) RETURN v.imo AS imo, v.listed AS listed", {"id": f"imo:{IMO}"}).rows
    assert ship == [{"imo": IMO, "listed": True}]
    after = store.run("MATCH (a:Article) RETURN a.path AS p, a.ingested_at AS t, a.name_keys AS k").rows
    assert {r["p"]: r["k"] for r in after} == {r["p"]: r["k"] for r in before}
    # A second import learns nothing new, so nothing is extracted again.
    assert import_sanctions(store, _list(tmp_path)).rescanned == 0


def _graph(store):
    nodes, rels = snapshot(store)
    # When an article was written is the only thing the order may change.
    nodes = [(i, labels, tuple(p for p in props if p[0] != "ingested_at")) for i, labels, props in nodes]
    return nodes, rels


def test_articles_then_list_equals_list_then_articles(tmp_path, store):
    articles = _write(tmp_path / "a", uncued=UNCUED, cued=CUED, unrelated=UNRELATED)
    sdn = _list(tmp_path)
    ingest_paths(store, [str(articles)])
    import_sanctions(store, sdn)
    graph_first = _graph(store)
    # The other order, from an empty graph again (one store: Neo4j is one shared database).
    store.run("MATCH (n) DETACH DELETE n", write=True)
    assert _graph(store) == ([], [])
    import_sanctions(store, sdn)
    ingest_paths(store, [str(articles)])
    graph_second = _graph(store)
    if graph_first != graph_second:
        _print_diff(graph_first, graph_second)  # shown by pytest with the failure
    assert graph_first == graph_second
    nodes = {n[0] for n in graph_first[0]}
    # One ship node, with the list's IMO number, whichever came first; no name-only twin.
    assert f"imo:{IMO}" in nodes and "vessel:silver-larch" not in nodes
    mentions = {(r[1], r[2]) for r in graph_first[1] if r[0] == "MENTIONS"}
    assert sum(1 for _, end in mentions if end == f"imo:{IMO}") == 2


def test_a_name_one_article_types_is_known_in_later_and_earlier_articles(tmp_path, store):
    cue = "Published: 2025-04-02\nThe bulk carrier Quiet Meadow Star loaded coal at a northern port last week.\n"
    later = "Published: 2025-04-09\nInsurers declined to cover Quiet Meadow Star after the voyage, brokers said.\n"
    earlier = "Published: 2025-03-20\nQuiet Meadow Star appeared near the strait again, according to shipping data.\n"
    s = ingest_paths(store, [str(_write(tmp_path / "e", earlier=earlier))])
    assert not _mentioned(store, "Vessel")  # nothing says it is a ship yet
    s = ingest_paths(store, [str(_write(tmp_path / "c", cue=cue))])
    assert s.rescan.rescanned == 1  # the earlier article, found through its keys
    s = ingest_paths(store, [str(_write(tmp_path / "l", later=later))])
    assert s.rescan.rescanned == 0
    vessels = _mentioned(store, "Vessel")
    assert vessels == {name: {"vessel:quiet-meadow-star"} for name in ("cue.txt", "later.txt", "earlier.txt")}


def test_a_version_replaced_in_the_same_run_is_not_brought_back_by_the_rescan(tmp_path, store):
    """Two versions of one article (one URL) and an article that types the ship both name, in
    one ingest into an empty store: the re-scan (which finds this run's articles in memory)
    re-scans the newer version only; the older one, withdrawn when the newer replaced it, stays
    withdrawn, as the store's own lookup would leave it."""
    import json

    rows = [{"text": f"Harbour pilots said Corvel Dawn waited off Brindle Point on {day}.",
             "url": "https://example.org/pilots", "published": f"2025-01-0{i}"}
            for i, day in ((1, "Monday"), (2, "Tuesday"))]
    rows.append({"text": "The tanker Corvel Dawn loaded fuel oil at Fujairah, brokers said.",
                 "url": "https://example.org/tanker", "published": "2025-01-03"})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    s = ingest_paths(store, [str(tmp_path / "in")])
    assert (s.new, s.replaced, s.rescan.rescanned) == (2, 1, 1)
    arts = store.run("MATCH (a:Article) RETURN a.published AS p ORDER BY p").rows
    assert [a["p"] for a in arts] == ["2025-01-02", "2025-01-03"]
    ship = store.run("MATCH (a:Article)-[:MENTIONS]->(:Vessel {id: 'vessel:corvel-dawn'}) RETURN a.published AS p "
                     "ORDER BY p").rows
    assert [a["p"] for a in ship] == ["2025-01-02", "2025-01-03"]  # both articles, the ship typed in each


def test_reprocess_replaces_an_articles_facts_and_unchanged_reingest_is_a_noop(tmp_path, store):
    articles = _write(tmp_path / "a", cued=CUED)
    ingest_paths(store, [str(articles)])
    graph = _graph(store)
    again = ingest_paths(store, [str(articles)])
    assert (again.new, again.unchanged, again.rescan.rescanned) == (0, 1, 0)
    redo = ingest_paths(store, [str(articles)], reprocess=True)
    assert (redo.new, redo.reprocessed) == (0, 1)  # not counted as new (issue 24)
    assert _graph(store) == graph


def test_cli_import_sanctions_says_how_many_articles_were_rescanned(tmp_path):
    from cli import main

    db = str(tmp_path / "kg.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "ingest", str(_write(tmp_path / "a", uncued=UNCUED))]).exit_code == 0
    result = runner.invoke(main, ["--db", db, "import-sanctions", str(_list(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "re-scanned: 1 stored article mentioning newly known names" in result.output


# -- the component and the keys, without a store -------------------------------------------


def _blank_with(entries):
    nlp = add_components(spacy.blank("en"), model_ner=False)
    nlp.get_pipe("sanctions_kg_known_v1").set_index(entries)
    return nlp


def _found(nlp, text):
    doc = nlp(text)
    return [(e.text, e.label_, (e._.skg.get("identifiers") or {}).get("imo")) for e in doc.ents]


def test_known_names_match_in_name_case_only_and_not_inside_longer_names():
    nlp = _blank_with([
        KnownName("Vessel", "Silver Larch", ("SILVER LARCH",), f"imo:{IMO}", IMO),
        KnownName("Vessel", "Tavrida", (), "ofac:1", listed=True),
        KnownName("Vessel", "Bearing", (), "vessel:bearing"),  # one word only an article calls a ship
        KnownName("Company", "Larchwood Maritime Ltd", (), "company:larchwood-maritime"),
    ])
    assert ("SILVER LARCH", "Vessel", IMO) in _found(nlp, "Officials boarded SILVER LARCH at dawn.")
    assert ("Silver Larch", "Vessel", IMO) in _found(nlp, "They said Silver Larch was empty.")
    assert _found(nlp, "the silver larch forests were dry.") == []
    assert ("SILVER LARCH", "Vessel", IMO) in _found(nlp, "Crews left the Panama-flagged SILVER LARCH (IMO 9312341) idle.")
    assert ("Silver Larch", "Vessel", IMO) in _found(nlp, "The Russian Silver Larch IMO 9312341 sailed.")
    assert not any(e[1] == "Vessel" for e in _found(nlp, "Silver Larch Holdings paid the crew."))
    assert ("Tavrida", "Vessel", None) in _found(nlp, "They said Tavrida was empty.")
    assert _found(nlp, "They said Bearing was empty.") == []
    assert not any(e[1] == "Vessel" for e in _found(nlp, "Tavrida was empty."))  # one word opening a sentence
    assert not any(e[1] == "Vessel" for e in _found(nlp, "They met Tavrida Petrova yesterday."))
    assert ("Larchwood Maritime Ltd", "Company", None) in _found(nlp, "Payments went to Larchwood Maritime Ltd in May.")


# What follows a known name in "They said Silver Larch...", and whether it makes it another ship's name.
HULL_SHAPES = [
    (" 7 was empty.", True), (" 7, the tanker, was empty.", True), (" 7.", True), (" 117 was empty.", True),
    (" 7-year charter ended.", True), (" 7) was empty.", True), (" 7's crew left.", True),
    (" 7.5 tonnes were lost.", False), (" 7,000 tonnes were lost.", False), (" 7th voyage ended.", False),
    (" 2023 voyage ended.", False), ("  7 was empty.", False), (" was empty.", False), (", 7 crew said.", False),
]


def test_a_known_name_followed_by_a_hull_number_is_another_ship_and_the_rescan_test_agrees():
    """"Silver Larch 7" is not the known Silver Larch. The re-scan's text test (mentions) must
    never refuse a mention the component takes (that article would miss the new name); it
    refuses the common shapes of a hull number, so their articles are not extracted again."""
    nlp = _blank_with([KnownName("Vessel", "Silver Larch", (), f"imo:{IMO}", IMO)])
    for tail, other_ship in HULL_SHAPES:
        text = "They said Silver Larch" + tail
        taken = ("Silver Larch", "Vessel", IMO) in _found(nlp, text)
        assert taken is not other_ship, text
        if taken:
            assert mentions(text, "silver larch"), text
    for tail in (" 7 was empty.", " 7, the tanker, was empty.", " 7.", " 117 was empty.", " 7-year charter ended."):
        assert not mentions("They said Silver Larch" + tail, "silver larch"), tail


def test_one_matcher_for_all_names_agrees_with_mentions_name_by_name():
    """The re-scan's one automaton (NameMatcher) finds exactly the names mentions() accepts,
    on the hull-number shapes and the other shapes mentions() reads."""
    names = ["silver larch", "larchwood maritime", "sea fox", "tavrida", "north  wind"]
    matcher = NameMatcher(names)
    texts = ["They said Silver Larch" + tail for tail, _ in HULL_SHAPES] + [
        "They said Silver  Larch\nwas empty.", "the silver larch forests were dry.", "SILVER LARCH (IMO 9312341) sailed.",
        "Big Silver Larch Holdings paid.", "Payments went to Larchwood Maritime in May.", "Seafox and Sea Foxes met.",
        "IMO Sea Fox sailed; M/T Tavrida too.", "_Sea Fox_ and Sea Fox_ and xSea Fox.", "North Wind was late.",
        "They said Sea Fox. Tavrida Petrova left.", "Straße Sea Fox left İstanbul.", "", "Tavrida",
    ]
    for text in texts:
        want = {n for n in names if mentions(text, n)}
        assert matcher.found(text) == {" ".join(n.split()) for n in want}, text
    assert NameMatcher([]).found("They said Silver Larch was empty.") == set()


def test_fragments_of_sentences_and_legal_forms_are_not_known_names():
    nlp = _blank_with([KnownName("Vessel", "Nordic With", (), "vessel:nordic-with"),
                       KnownName("Company", "Pte Ltd", (), "company:pte-ltd"),
                       KnownName("Company", "Harbour Glass Ltd", ("Ltd", "Harbour Glass Ltd. Harbour Glass Ltd"),
                                 "company:harbour-glass")])
    assert len(nlp.get_pipe("sanctions_kg_known_v1")) == 1  # Harbour Glass Ltd only


def test_a_name_two_kinds_of_entity_share_is_left_to_the_text():
    nlp = _blank_with([KnownName("Vessel", "Blue Falcon", (), "vessel:blue-falcon"),
                       KnownName("Company", "Blue Falcon", (), "company:blue-falcon")])
    assert _found(nlp, "They said Blue Falcon was empty.") == []
    assert len(nlp.get_pipe("sanctions_kg_known_v1")) == 0


def test_keys_of_an_article_hold_the_key_of_every_capitalised_name_in_it():
    keys = set(article_keys("Officials boarded the SILVER LARCH and later the Maia-1 near Rason."))
    assert {name_key("Silver Larch"), name_key("Maia-1"), name_key("Rason")} <= keys
    assert "the northern" not in keys and "officials boarded" in keys


def _print_diff(a, b):
    """What one graph holds and the other does not."""
    sa, sb = set(a[0]), set(b[0])
    for x in sorted(sa ^ sb):
        print("NODE", "first" if x in sa else "second", x)
    ra, rb = set(a[1]), set(b[1])
    for x in sorted(ra ^ rb):
        print("REL", "first" if x in ra else "second", x)


def test_replacing_an_articles_facts_removes_only_its_share(store):
    """write_article(replace=True) with a re-extraction that no longer states a relationship:
    the relationship only this article stated goes; one another article also states keeps
    that article's evidence (only edges between entities the article mentions are touched)."""
    import dataclasses

    from ingest.extract import build_result
    from ingest.model import Document
    from ingest.nlp import load
    from ingest.pipeline import article_resolver, write_article

    nlp = load()
    one = Document(text="The tanker Amber Quill docked at Port Rellis in May. Amber Quill is owned by Quill Holdings LLC.",
                   path="one.txt")
    two = Document(text="The tanker Amber Quill is owned by Quill Holdings LLC, filings show.", path="two.txt")
    results = [build_result(d, nlp(d.text)) for d in (one, two)]
    resolver = article_resolver(store)
    for r in results:
        resolver.resolve(r.entities)
        write_article(store, r)

    def edges():
        res = store.run("MATCH (a)-[r:CALLED_AT|OWNED_BY]->(b) RETURN type(r) AS t, r.articles AS arts")
        return {row["t"]: sorted(row["arts"]) for row in res}

    before = edges()
    assert before["OWNED_BY"] == sorted([one.id, two.id]) and before["CALLED_AT"] == [one.id]
    write_article(store, dataclasses.replace(results[0], relations=[]), replace=True)
    assert edges() == {"OWNED_BY": [two.id]}
