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


SPLIT_FILE = Path(__file__).parent / "data" / "devset_split.yaml"


def heldout_names(split_path: str | Path | None = None) -> set[str]:
    """File names of the held-out part of the real-text dev set (ingest/data/devset_split.yaml)."""
    path = Path(split_path) if split_path else SPLIT_FILE
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Cannot read the split file {path}: {exc}. Give a YAML file with a 'heldout:' list of article file names.") from None
    return {str(n) for n in data.get("heldout") or []}


def evaluate(articles_dir: str | Path, gold_path: str | Path, nlp=None, split_path: str | Path | None = None) -> dict:
    """Precision / recall / F1 per entity label and relation type, plus what was missed.

    When some of the gold's articles are named in the held-out split, the result also has
    `parts`: the same scores for the tuning part and the held-out part separately.
    """
    from ingest.extract_many import extract_documents
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
    heldout = heldout_names(split_path) & set(gold["articles"])
    parts = {"all": _Tally(labels, rtypes)}
    if heldout:
        parts |= {"tune": _Tally(labels, rtypes), "heldout": _Tally(labels, rtypes)}
    misses: list[dict] = []
    for name, result in zip(gold["articles"], extract_documents(docs, nlp or load())):
        tallies = [parts["all"]]
        if heldout:
            tallies.append(parts["heldout" if name in heldout else "tune"])
        found = _score_article(name, gold["articles"][name] or {}, result, labels, rtypes, tallies)
        # Each miss names its part, so work on the extractor can read the tuning part's errors only.
        misses += [m | {"part": "heldout" if name in heldout else "tune"} for m in found]
    report = {"articles": len(docs), **parts["all"].scores(), "errors": misses}
    if heldout:
        report["parts"] = {
            part: {"articles": sorted(heldout) if part == "heldout" else sorted(set(gold["articles"]) - heldout), **parts[part].scores()}
            for part in ("tune", "heldout")
        }
    return report


class _Tally:
    """Gold / predicted / correct counts per entity label and relation type."""

    def __init__(self, labels: list[str], rtypes: list[str]) -> None:
        self.labels, self.rtypes = labels, rtypes
        self.counts = {("e", x): [0, 0, 0] for x in labels} | {("r", x): [0, 0, 0] for x in rtypes}

    def add(self, kind: str, name: str, gold: int, predicted: int, correct: int) -> None:
        c = self.counts[(kind, name)]
        c[0] += gold
        c[1] += predicted
        c[2] += correct

    def scores(self) -> dict:
        return {
            "entities": {x: _score(*self.counts[("e", x)]) for x in self.labels},
            "relations": {x: _score(*self.counts[("r", x)]) for x in self.rtypes},
        }


def _score_article(name: str, spec: dict, result, labels, rtypes, tallies: list[_Tally]) -> list[dict]:
    misses: list[dict] = []
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
        for t in tallies:
            t.add("e", label, len(golds), len(preds), len(used))
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
        for t in tallies:
            t.add("r", rtype, sum(1 for g in gold_rels if g[0] == rtype), sum(1 for p in pred_list if p[0] == rtype),
                  sum(1 for i in used_r if pred_list[i][0] == rtype))
    return misses
