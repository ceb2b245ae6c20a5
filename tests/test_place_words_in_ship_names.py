"""Ships whose names hold a place word ("Harbour", "Port", "Bay", "Haven"): the ship's name is
one Vessel, the place word inside it makes no Port, within one article and across articles
ingested in one run or in several runs over parts (ingest/components/entities.py,
_propagate_vessels; ingest/knowledge.py re-scans). Every name and text here is made up."""

from __future__ import annotations

import spacy

from ingest.nlp import add_components
from ingest.pipeline import ingest_paths

from _lists_fixtures import snapshot


def _imo(six: str) -> str:
    return six + str(sum(int(d) * w for d, w in zip(six, (7, 6, 5, 4, 3, 2))) % 10)


SHIPS = [("Wrenfield Harbour", _imo("930101"), "tanker", "Pellmoor Shipping LLC"),
         ("Port Ostrel Star", _imo("930102"), "container ship", "Pellmoor Shipping LLC"),
         ("Amberlin Bay", _imo("930103"), "bulk carrier", "Caddow Marine Ltd"),
         ("North Tamsin Haven", _imo("930104"), "cargo ship", "Caddow Marine Ltd")]
PORTS = ["Rason", "Nampo", "Kozmino", "Primorsk"]


def _articles() -> dict[str, str]:
    """Each ship named by IMO number in one article and bare in a later one."""
    out = {}
    for i, (name, imo, kind, owner) in enumerate(SHIPS):
        out[f"intro{i}"] = (f"Published: 2024-03-{i + 2:02d}\n{name} reported at {PORTS[i]}\n\n"
                            f"The {kind} {name} (IMO {imo}) called at {PORTS[i]} on March {i + 1}, 2024. "
                            f"{name} is owned by {owner}.\n")
        port = PORTS[(i + 1) % len(PORTS)]
        out[f"later{i}"] = (f"Published: 2024-04-{i + 2:02d}\n{name} seen again\n\n"
                            f"{name} called at {port} on April {i + 1}, 2024. The United States sanctioned {name} "
                            f"in 2023. Later {name} left {port}.\n")
    return out


def _write(folder, texts):
    folder.mkdir()
    paths = []
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text)
        paths.append(str(folder / f"{name}.txt"))
    return paths


def _graph(store):
    nodes, rels = snapshot(store)
    nodes = [(i, labels, tuple(p for p in props if p[0] != "ingested_at")) for i, labels, props in nodes]
    return nodes, rels


def _labelled(store, label: str) -> set[str]:
    return {r["name"] for r in store.run(f"MATCH (n:{label}) RETURN n.name AS name")}


def test_a_place_word_in_a_ship_named_in_the_same_article_makes_no_port():
    nlp = spacy.blank("en")
    add_components(nlp)
    texts = _articles()
    for key in ("intro0", "intro1"):
        doc = nlp(texts[key])
        ents = {(e.text, e.label_) for e in doc.ents}
        name = SHIPS[int(key[-1])][0]
        assert (name, "Vessel") in ents, ents
        assert not [e for e in doc.ents if e.label_ in ("Port", "Location") and e.text in name], ents
        assert sum(1 for e in doc.ents if e.text == name) == 3  # headline, IMO sentence, owner sentence


def test_one_run_and_consecutive_runs_over_parts_give_one_graph_without_ports_inside_ship_names(tmp_path, store):
    paths = _write(tmp_path / "a", _articles())
    ingest_paths(store, paths)
    whole = _graph(store)
    assert _labelled(store, "Vessel") == {s[0] for s in SHIPS}
    assert _labelled(store, "Port") == set(PORTS)
    for shares in ([paths[:4], paths[4:]], [paths[5:], paths[2:5], paths[:2]]):
        store.run("MATCH (n) DETACH DELETE n", write=True)
        for share in shares:
            ingest_paths(store, share)
        assert _graph(store) == whole
