"""A small, realistic sanctions graph written straight through the store API.

The Lady R story from the sample articles: four Russian cargo ships that carried North Korean
containers from Rason to Vostochny and Dunay, operated by Oboronlogistika OOO (owned by the
Russian Ministry of Defence, part of Russia), sanctioned by the United States in 2022.
Used by the query, report and CLI tests until (and besides) the ingest pipeline's own graph.
"""

from __future__ import annotations

from graph.evidence import encode
from ingest.normalize import name_keys

NKPRO = "art:nkpro-2023-10-13"
RUSI = "art:rusi-2023-08-30"
TREASURY = "art:treasury-2022-05-08"

ARTICLES = [
    {"id": NKPRO, "title": "Russian ships ferry North Korean containers to Vostochny",
     "source": "NK Pro", "published": "2023-10-13", "url": "https://example.org/nkpro/lady-r", "complete": True},
    {"id": RUSI, "title": "Lady R: a sanctioned ship's trips to Rason",
     "source": "RUSI", "published": "2023-08-30", "url": "https://example.org/rusi/lady-r", "complete": True},
    {"id": TREASURY, "title": "Treasury designates Russian military shipping",
     "source": "US Treasury", "published": "2022-05-08", "url": "https://example.org/treasury/2022", "complete": True},
]


def _entity(id_: str, name: str, aliases: tuple[str, ...] = (), **props) -> dict:
    names = [name, *aliases]
    return {"id": id_, "name": name, "aliases": names, "keys": name_keys(name, aliases),
            "source": "article", **props}


ENTITIES = {
    "Vessel": [
        _entity("imo:9161003", "Lady R", imo="9161003", flag="Russia", vessel_type="cargo ship",
                mention_count=3,
                ais_dark=[encode(RUSI, "The Lady R did not turn on its AIS transponder between Rason and Vostochny.",
                                 "rule", date="2023-08-22")]),
        _entity("vessel:angara", "Angara", vessel_type="cargo ship", mention_count=2),
        _entity("vessel:maia-1", "Maia-1", ("Maia",), vessel_type="cargo ship", mention_count=1),
        _entity("vessel:maria", "Maria", vessel_type="cargo ship", mention_count=1),
    ],
    "Company": [_entity("company:oboronlogistika-ooo", "Oboronlogistika OOO", ("Oboronlogistika",),
                        legal_form="OOO", mention_count=2)],
    "Agency": [_entity("agency:russian-ministry-of-defence", "Russian Ministry of Defence",
                       ("Russian Ministry of Defense", "Ministry of Defence"), mention_count=1)],
    "Organization": [_entity("org:rusi", "RUSI", ("Royal United Services Institute",), mention_count=1),
                     _entity("org:nk-pro", "NK Pro", mention_count=1)],
    "Port": [
        _entity("port:rason", "Rason", ("Rajin", "Najin"), mention_count=2),
        _entity("port:vostochny", "Vostochny", mention_count=2),
        _entity("port:dunay", "Dunay", mention_count=1),
    ],
    "Country": [
        _entity("country:ru", "Russia", iso2="RU", mention_count=2),
        _entity("country:us", "United States", ("US", "U.S."), iso2="US", mention_count=2),
        _entity("country:kp", "North Korea", ("DPRK",), iso2="KP", mention_count=2),
    ],
    # Angara is also a Siberian river: the same name on two entities, for the ambiguity tests.
    "Location": [_entity("location:angara", "Angara", mention_count=1)],
}

S_RASON_LOAD = "The Lady R loaded containers at Rason on August 20."
S_VOST = "Satellite images show the Lady R docked at Vostochny on August 23."
S_ANGARA = "The Angara has made at least 11 trips between Rason and Russian ports since August."
S_OPERATED = "The Lady R, Angara, Maia-1 and Maria are operated by Oboronlogistika OOO."
S_OWNED = "Oboronlogistika OOO is owned by the Russian Ministry of Defence."
S_SANCTIONED = "The United States sanctioned the Lady R, Angara, Maia-1 and Maria in 2022."


def _rel(start: str, end: str, article: str, sentence: str, method: str = "rule", **props) -> dict:
    return {"start": start, "end": end, "articles": [article],
            "evidence": [encode(article, sentence, method)], "methods": [method], **props}


SHIPS = ["imo:9161003", "vessel:angara", "vessel:maia-1", "vessel:maria"]

RELATIONSHIPS = {
    "CALLED_AT": [
        _rel("imo:9161003", "port:rason", RUSI, S_RASON_LOAD, key="2023-08-20", date="2023-08-20", activity="loaded"),
        _rel("imo:9161003", "port:vostochny", NKPRO, S_VOST, key="2023-08-23", date="2023-08-23", activity="docked"),
        _rel("vessel:angara", "port:rason", NKPRO, S_ANGARA, key="2023-09-02", date="2023-09-02", activity="called"),
        _rel("vessel:angara", "port:dunay", NKPRO, S_ANGARA, activity="called"),
        _rel("vessel:maia-1", "port:vostochny", NKPRO, "Maia-1 unloaded at Vostochny on October 5.",
             key="2023-10-05", date="2023-10-05", activity="unloaded"),
    ],
    "OPERATED_BY": [
        _rel(ship, "company:oboronlogistika-ooo", NKPRO, S_OPERATED, role="operator") for ship in SHIPS
    ],
    "OWNED_BY": [_rel("company:oboronlogistika-ooo", "agency:russian-ministry-of-defence", TREASURY, S_OWNED)],
    "PART_OF": [_rel("agency:russian-ministry-of-defence", "country:ru", TREASURY,
                     "the Russian Ministry of Defence", "model")],
    "SANCTIONED_BY": [
        _rel(ship, "country:us", TREASURY, S_SANCTIONED, year=2022, date="2022-05-08",
             program="RUSSIA-EO14024", list_name="SDN") for ship in SHIPS
    ],
    "LOCATED_IN": [
        _rel("port:rason", "country:kp", RUSI, "Rason, North Korea's northernmost port"),
        _rel("port:vostochny", "country:ru", NKPRO, "the Russian port of Vostochny"),
        _rel("port:dunay", "country:ru", NKPRO, "the Russian naval port of Dunay"),
    ],
    "ASSOCIATED_WITH": [
        _rel("org:rusi", "imo:9161003", RUSI, "RUSI tracked the Lady R with satellite images.", "model",
             cue="tracked"),
    ],
}

MENTIONS = {
    NKPRO: ["imo:9161003", "vessel:angara", "vessel:maia-1", "vessel:maria", "company:oboronlogistika-ooo",
            "port:rason", "port:vostochny", "port:dunay", "country:ru", "country:kp", "org:nk-pro"],
    RUSI: ["imo:9161003", "port:rason", "port:vostochny", "org:rusi", "country:kp"],
    TREASURY: ["imo:9161003", "vessel:angara", "company:oboronlogistika-ooo",
               "agency:russian-ministry-of-defence", "country:us", "country:ru", "country:us"],
}


def build(store) -> None:
    """Write the sample graph into `store` (idempotent: every write is an upsert)."""
    with store.batch() as b:
        b.upsert_nodes("Article", ARTICLES)
        for label, rows in ENTITIES.items():
            b.upsert_nodes(label, rows)
        for rel_type, rows in RELATIONSHIPS.items():
            b.upsert_relationships(rel_type, rows)
        b.upsert_relationships("MENTIONS", [
            {"start": art, "end": ent, "articles": [art], "count": 1}
            for art, ents in MENTIONS.items() for ent in dict.fromkeys(ents)
        ])
