"""Generated graph rows, valid against graph/ontology.yaml, for the write and query benchmarks.

`generate(entities, relationships, seed)` returns node rows per label and relationship rows per
type in the flat shape our writer takes (`store.batch()` → `b.upsert_nodes(label, rows)`):
node rows {"id", "name", "aliases", "keys", ...}, relationship rows {"start", "end", "key",
"articles", "evidence", "methods", ...}. Degrees are skewed as in real reporting: a few ports,
countries and agencies collect most edges; vessels form ownership chains
vessel → company → company → agency/state.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from bench.corpus import imo_check_digit

SEED = 7

# Share of the entities per label (Article nodes come on top, one per ~5 entities).
_SHARES = {
    "Vessel": 0.40,
    "Company": 0.30,
    "Person": 0.08,
    "Location": 0.10,
    "Organization": 0.07,
    "Port": 0.03,
    "Agency": 0.018,
    "Country": 0.002,
}
# Share of the relationships per type.
_REL_SHARES = {
    "MENTIONS": 0.36,
    "CALLED_AT": 0.24,
    "OWNED_BY": 0.12,
    "OPERATED_BY": 0.07,
    "SANCTIONED_BY": 0.07,
    "ASSOCIATED_WITH": 0.08,
    "LOCATED_IN": 0.04,
    "PART_OF": 0.02,
}


# Control edges (followed upwards by the ownership chain) form no cycles, as in corporate
# registers: within one label they always point to an earlier id.


@dataclass
class GraphRows:
    nodes: dict[str, list[dict]] = field(default_factory=dict)
    rels: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def n_entities(self) -> int:
        return sum(len(v) for k, v in self.nodes.items() if k != "Article")

    @property
    def n_nodes(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    @property
    def n_rels(self) -> int:
        return sum(len(v) for v in self.rels.values())


def _skewed(rng: random.Random, ids: list[str], alpha: float = 1.1) -> str:
    """Pick from `ids` with a heavy head (Pareto-like), so hubs exist."""
    i = int(rng.paretovariate(alpha)) - 1
    return ids[i % len(ids)]


def _imo(rng: random.Random, used: set[str]) -> str:
    while True:
        six = f"{rng.choice('6789')}{rng.randint(0, 99999):05d}"
        imo = six + str(imo_check_digit(six))
        if imo not in used:
            used.add(imo)
            return imo


def generate(entities: int = 100_000, relationships: int = 500_000, seed: int = SEED) -> GraphRows:
    from graph.ontology import load

    control = load().ownership_types  # control points to earlier ids of the same label: no cycles
    rng = random.Random(seed)
    out = GraphRows()
    ids: dict[str, list[str]] = {}
    imos: set[str] = set()
    counts = {label: max(3, int(entities * share)) for label, share in _SHARES.items()}
    counts["Vessel"] += max(0, entities - sum(counts.values()))  # rounding remainder
    for label, n in counts.items():
        rows = []
        for i in range(n):
            name = f"{label} {i:06d}"
            row = {
                "id": f"{label.lower()}:{i:06d}",
                "name": name,
                "aliases": [name] + ([f"{label[:3]} {i}"] if rng.random() < 0.3 else []),
                "keys": [name.lower()],
                "source": "article",
                "mention_count": rng.randint(1, 20),
            }
            if label == "Vessel":
                imo = _imo(rng, imos)
                row.update(id=f"imo:{imo}", imo=imo, vessel_type=rng.choice(["cargo ship", "tanker"]),
                           flag=rng.choice(["Russia", "Panama", "Togo", "Cameroon"]))
                if rng.random() < 0.1:
                    row["ais_dark"] = [json.dumps({"article": "a" * 64, "date": "2023-08-01"})]
            elif label == "Company":
                row["legal_form"] = rng.choice(["OOO", "LLC", "JSC", "Ltd"])
            elif label == "Country":
                row["iso2"] = f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
            rows.append(row)
        out.nodes[label] = rows
        ids[label] = [r["id"] for r in rows]
    n_articles = max(3, entities // 5)
    out.nodes["Article"] = [
        {"id": f"{i:064x}", "title": f"Article {i}", "source": "bench",
         "published": f"20{rng.randint(20, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
         "complete": True}
        for i in range(n_articles)
    ]
    ids["Article"] = [r["id"] for r in out.nodes["Article"]]

    def provenance() -> dict:
        arts = [rng.choice(ids["Article"]) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        return {
            "articles": arts,
            "evidence": [json.dumps({"article": a, "sentence": f"Sentence {rng.randint(0, 10**6)} states the fact.",
                                     "method": "rule"}) for a in arts],
            "methods": ["rule"],
        }

    def pick(labels: tuple[str, ...], skew: bool) -> str:
        label = rng.choice(labels)
        return _skewed(rng, ids[label]) if skew else rng.choice(ids[label])

    entity_labels = tuple(_SHARES)
    plans = {
        # type: (source labels, source skewed, target labels, target skewed)
        "MENTIONS": (("Article",), False, entity_labels, True),
        "CALLED_AT": (("Vessel",), False, ("Port", "Port", "Port", "Location"), True),
        "OWNED_BY": (("Vessel", "Company", "Company"), False, ("Company", "Company", "Agency", "Country"), False),
        "OPERATED_BY": (("Vessel",), False, ("Company",), False),
        "SANCTIONED_BY": (("Vessel", "Company", "Person"), False, ("Agency", "Country"), True),
        "ASSOCIATED_WITH": (entity_labels, False, entity_labels, False),
        "LOCATED_IN": (("Port", "Location", "Company"), False, ("Country",), True),
        "PART_OF": (("Agency", "Organization", "Company"), False, ("Country", "Agency", "Organization"), True),
    }
    for rel, share in _REL_SHARES.items():
        src_labels, src_skew, dst_labels, dst_skew = plans[rel]
        n = int(relationships * share)
        rows: list[dict] = []
        seen: set[tuple[str, str, str]] = set()
        while len(rows) < n:
            a, b = pick(src_labels, src_skew), pick(dst_labels, dst_skew)
            row: dict = {"start": a, "end": b, "key": ""}
            if rel == "CALLED_AT":
                row["date"] = f"20{rng.randint(20, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                row["key"] = row["date"]
                row["activity"] = rng.choice(["loaded", "docked", "arrived", "departed"])
            elif rel == "SANCTIONED_BY":
                row["year"] = rng.randint(2014, 2024)
            elif rel == "MENTIONS":
                row["count"] = rng.randint(1, 5)
            if rel in control and a.split(":")[0] == b.split(":")[0] and a < b:
                a, b = b, a  # control points to earlier ids of the same label: no cycles
                row.update(start=a, end=b)
            if a == b or (a, b, row["key"]) in seen:
                continue
            seen.add((a, b, row["key"]))
            row.update(provenance())
            rows.append(row)
        out.rels[rel] = rows
    _ownership_chains(rng, out, ids)
    return out


def _ownership_chains(rng: random.Random, out: GraphRows, ids: dict[str, list[str]]) -> None:
    """Deep chains for the ownership query: vessel → company → … → agency → country."""
    companies = ids["Company"]
    for k in range(max(5, min(500, len(ids["Vessel"]) // 80))):
        owners = sorted(rng.sample(companies, 4), reverse=True)  # later → earlier ids: acyclic
        chain = [ids["Vessel"][k]] + owners + [rng.choice(ids["Agency"])]
        for a, b in zip(chain, chain[1:]):
            out.rels["OWNED_BY"].append({"start": a, "end": b, "key": "", "articles": [ids["Article"][0]],
                                         "evidence": [], "methods": ["rule"]})
