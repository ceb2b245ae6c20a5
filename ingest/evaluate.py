"""Scoring extraction against a hand-written gold set (examples/gold.yaml).

Per article, a gold entity is found when a predicted entity of the same label shares a
normalised key with it (one prediction matches one gold item); a gold relation is found when
a predicted relation of the same type joins entities matching its source and target.
Precision, recall and F1 are micro-averaged per entity label and per relation type.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from graph.errors import InputError
from ingest.model import Document
from ingest.resolve import entity_keys


def _keys(label: str, gold: str) -> set[str]:
    names = [n.strip() for n in str(gold).split("|") if n.strip()]
    out: set[str] = set()
    for n in names:
        out.update(entity_keys(label, n, []))
    return out


def _score(gold: int, predicted: int, correct: int) -> dict:
    p = correct / predicted if predicted else (1.0 if not gold else 0.0)
    r = correct / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": gold, "predicted": predicted, "correct": correct, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate(articles_dir: str | Path, gold_path: str | Path, nlp=None) -> dict:
    """Precision / recall / F1 per entity label and relation type, plus what was missed."""
    from ingest.extract import extract_documents
    from ingest.nlp import load
    from ingest.readers import read_paths

    try:
        gold = yaml.safe_load(Path(gold_path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Cannot read the gold file {gold_path}: {exc}") from None
    labels = gold.get("scored_entities") or ["Vessel", "Port", "Company", "Agency"]
    rtypes = gold.get("scored_relations") or ["CALLED_AT", "OWNED_BY", "SANCTIONED_BY"]
    docs: list[Document] = []
    for name in gold["articles"]:
        items = list(read_paths([Path(articles_dir) / name]))
        found = [i for i in items if isinstance(i, Document)]
        if not found:
            raise InputError(f"Gold names {name!r} but it cannot be read from {articles_dir}: {items[0].reason if items else 'missing'}.")
        docs.extend(found[:1])
    counts = {("e", x): [0, 0, 0] for x in labels} | {("r", x): [0, 0, 0] for x in rtypes}
    misses: list[dict] = []
    for name, result in zip(gold["articles"], extract_documents(docs, nlp or load())):
        spec = gold["articles"][name] or {}
        ents = [(e, set(entity_keys(e.label, e.name, e.aliases))) for e in result.entities]
        by_name = {(e.label, e.name): keys for e, keys in ents}
        for label in labels:
            preds = [(e, k) for e, k in ents if e.label == label]
            golds = (spec.get("entities") or {}).get(label) or []
            used: set[int] = set()
            for g in golds:
                gk = _keys(label, g)
                hit = next((i for i, (_, k) in enumerate(preds) if i not in used and k & gk), None)
                if hit is None:
                    misses.append({"article": name, "kind": "missed entity", "what": f"{label} {g}"})
                else:
                    used.add(hit)
            for i, (e, _) in enumerate(preds):
                if i not in used:
                    misses.append({"article": name, "kind": "extra entity", "what": f"{label} {e.name}"})
            c = counts[("e", label)]
            c[0] += len(golds)
            c[1] += len(preds)
            c[2] += len(used)
        pred_rels = {}
        for r in result.relations:
            if r.type in rtypes:
                pred_rels.setdefault((r.type, r.source_label, r.source, r.target_label, r.target), r)
        pred_list = list(pred_rels)
        used_r: set[int] = set()
        gold_rels = [g for g in spec.get("relations") or [] if g[0] in rtypes]
        for g in gold_rels:
            rtype, src, tgt = g[0], g[1], g[2]
            hit = None
            for i, (t, sl, s, tl, tt) in enumerate(pred_list):
                if i in used_r or t != rtype:
                    continue
                if by_name.get((sl, s), set()) & _keys(sl, src) and by_name.get((tl, tt), set(entity_keys(tl, tt, []))) & _keys(tl, tgt):
                    hit = i
                    break
            if hit is None:
                misses.append({"article": name, "kind": "missed relation", "what": f"{rtype} {src} -> {tgt}"})
            else:
                used_r.add(hit)
        for i, (t, _, s, _, tt) in enumerate(pred_list):
            if i not in used_r:
                misses.append({"article": name, "kind": "extra relation", "what": f"{t} {s} -> {tt}"})
        for rtype in rtypes:
            c = counts[("r", rtype)]
            c[0] += sum(1 for g in gold_rels if g[0] == rtype)
            c[1] += sum(1 for p in pred_list if p[0] == rtype)
            c[2] += sum(1 for i in used_r if pred_list[i][0] == rtype)
    return {
        "articles": len(docs),
        "entities": {x: _score(*counts[("e", x)]) for x in labels},
        "relations": {x: _score(*counts[("r", x)]) for x in rtypes},
        "errors": misses,
    }
