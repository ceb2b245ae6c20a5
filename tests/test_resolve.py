"""Resolution: one node per real thing across two articles; name normalisation."""

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load
from ingest.normalize import name_keys, normalize_name
from ingest.resolve import Resolver, entity_keys

FIRST = ("The cargo ship Lady R (IMO 9161003) took on containers at Rajin on Tuesday. "
         "Orion Freight LLC, the firm that manages the Lady R, declined to comment.")
SECOND = ("Satellite photos show the vessel Lady R moored at Najin again, and later at Vostochny Port. "
          "The ship is operated by Orion Freight, according to port records.")


def test_normalize_name():
    assert normalize_name("The U.S.") == "us"
    assert normalize_name("Russian Ministry of Defense") == normalize_name("russian ministry of defence")
    assert normalize_name("North Korea\u2019s") == "north korea"
    assert "oboronlogistika" in name_keys("Oboronlogistika OOO")
    assert "rason" in name_keys("Rason Port")


def test_remembered_keys_come_as_a_new_list_each_time():
    # entity_keys remembers its answers; a caller changing the list it got must not change them
    keys = entity_keys("Port", "Port of Exampleton", ["Exampleton Harbour"])
    assert keys == ["exampleton", "exampleton harbor", "port of exampleton"]
    keys.append("changed")
    assert entity_keys("Port", "Port of Exampleton", ("Exampleton Harbour",)) == [
        "exampleton", "exampleton harbor", "port of exampleton"]


def test_same_things_across_two_articles_get_one_id():
    nlp = load()
    resolver = Resolver()
    ids = []
    for text in (FIRST, SECOND):
        r = build_result(Document(text=text), nlp(text))
        resolver.resolve(r.entities)
        ids.append({(e.label, e.name): e.id for e in r.entities})
    first, second = ids
    # The second article gives no IMO, yet its Lady R is the ship with IMO 9161003.
    assert first[("Vessel", "Lady R")] == second[("Vessel", "Lady R")] == "imo:9161003"
    # Rajin and Najin are one port, named by the alias table.
    assert first[("Port", "Rason")] == second[("Port", "Rason")] == "port:rason"
    # "Orion Freight LLC" and "Orion Freight" are one company.
    assert first[("Company", "Orion Freight LLC")] == "company:orion-freight"


def test_same_name_different_imo_stays_apart():
    resolver = Resolver()
    from ingest.model import Entity

    a = Entity(label="Vessel", name="Maria", aliases=["Maria"], identifiers={"imo": "9234563"})
    b = Entity(label="Vessel", name="Maria", aliases=["Maria"], identifiers={"imo": "9312781"})
    resolver.resolve([a, b])
    assert a.id == "imo:9234563" and b.id == "imo:9312781"
