"""What extraction hands on: ExtractionResults or Skipped values, and entity props that hold
only ontology properties (no private keys riding along for the resolver or the writer)."""

from __future__ import annotations

import spacy
from spacy.language import Language

from graph.ontology import load as load_ontology
from ingest.model import Document, ExtractionResult, Skipped
from ingest.nlp import add_components
from ingest.parallel import extract_stream
from ingest.resolve import Resolver

TEXT = (
    "The bulk carrier Sea Example (IMO 1234567), a Panama-flagged vessel, called at the port of "
    "Exampleton on 3 March 2024. It is owned by Examplecorp LLC, a Russian company."
)


@Language.component("test_contract_refuses")
def _refuses(doc):
    if "REFUSE" in doc.text:
        raise RuntimeError("refused for the test")
    return doc


def _nlp():
    nlp = add_components(spacy.blank("en"), model_ner=False)
    nlp.add_pipe("test_contract_refuses", first=True)
    return nlp


def test_results_and_failures_are_typed_values():
    docs = [Document(text=TEXT, path="good.txt"), Document(text=TEXT + " REFUSE", path="bad.txt")]
    out = dict((d.path, r) for d, r in extract_stream(docs, _nlp()))
    assert isinstance(out["good.txt"], ExtractionResult)
    assert out["bad.txt"] == Skipped("bad.txt", "RuntimeError: refused for the test")


def test_entity_props_hold_only_declared_properties_and_keys_are_a_field():
    [(_, result)] = list(extract_stream([Document(text=TEXT)], _nlp()))
    assert any(e.label == "Vessel" for e in result.entities)
    Resolver().resolve(result.entities)
    onto = load_ontology()
    for e in result.entities:
        assert set(e.props) <= set(onto.label(e.label).properties), (e.label, e.props)
        assert e.keys and e.id
        assert "keys" not in e.to_dict()  # resolver state, not part of what was extracted


def test_relation_candidates_and_dark_activity_are_typed_values():
    from ingest.model import DarkActivity, RelationCandidate

    nlp = _nlp()
    doc = nlp(TEXT + " Two days later the Sea Example switched off its AIS transponder.")
    cands = doc._.skg_relations
    assert cands and all(isinstance(c, RelationCandidate) for c in cands)
    onto = load_ontology()
    assert {c.type for c in cands} <= set(onto.relationships)  # no pseudo types among relations
    owned = next(c for c in cands if c.type == "OWNED_BY")
    assert doc[slice(*owned.sources[0])].text == "Sea Example"
    assert doc[slice(*owned.targets[0])].text == "Examplecorp LLC"
    [dark] = doc._.skg_dark
    assert isinstance(dark, DarkActivity) and doc[slice(*dark.vessels[0])].text == "Sea Example"
    # what the components keep in user_data is plain data that msgpack can carry
    import srsly

    assert srsly.msgpack_loads(srsly.msgpack_dumps(doc.user_data["skg_dark"]))
    [(_, result)] = list(extract_stream([Document(text=doc.text, published="2024-03-01")], nlp))
    [vessel] = [e for e in result.entities if e.label == "Vessel"]
    assert vessel.props["ais_dark"][0]["cue"] and not any(r.type not in onto.relationships for r in result.relations)
