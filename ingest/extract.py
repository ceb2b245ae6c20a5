"""Extraction without writes: a Document and a spaCy pipeline in, an ExtractionResult out.

Groups the mentions of doc.ents into one Entity per real thing in the document (by IMO,
then by normalised name through the alias table), resolves relation dates against the
article's date, and keeps only relations the ontology allows.
"""

from __future__ import annotations

import re

from graph import ontology
from ingest import dates as dates_mod
from ingest.model import Document, Entity, ExtractionResult, Relation, Span
from ingest.components.common import INFO, sent_bounds, span_key, span_of_key, span_text
from ingest.resolve import canonical_name, local_key

_SUFFIX_NUM = re.compile(r"^(.+?)[- ]\d+$")


_DOTTED_END = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}$")
_SPACES = re.compile(r"\s+")


_PAIRED = {"\u201d": "\u201c", '"': '"'}


def _clean(text: str) -> str:
    raw = text = _SPACES.sub(" ", text).strip(" ")
    text = text.strip(" ,;:\"'\u201c\u201d")
    # A full stop ends the sentence, not the name, except after a dotted form ("S.A.", "U.S.").
    if not _DOTTED_END.search(text):
        text = text.rstrip(" .,;:\"'\u201c\u201d")
    # A quoted part of the name keeps its closing quote: Limited Liability Company \u201cNorthwind\u201d.
    close = raw[-1:]
    if close in _PAIRED and text[:-1].count(_PAIRED[close]) % 2 == 1 and raw.startswith(text):
        text += close
    if text.lower().startswith("the "):
        text = text[4:]
    return text


def _entities(doc) -> tuple[list[Entity], dict[tuple[int, int], Entity]]:
    by_key: dict[tuple[str, str], Entity] = {}
    by_imo: dict[str, Entity] = {}
    by_span: dict[tuple[int, int], Entity] = {}
    onto = ontology.load()  # once per document: load() looks up the setting on every call
    attributes, identifiers = onto.attributes, onto.identifiers
    info_by_key = doc.user_data.get(INFO, {})  # what span._.skg reads
    # A name recurs in a text: its cleaned form, canonical name and key are worked out once.
    names: dict[tuple[str, str, str | None], tuple[str, str, str]] = {}
    for ent in doc.ents:
        info = info_by_key.get(span_key(ent.start, ent.end), {})
        label, text = ent.label_, span_text(doc, ent.start, ent.end)
        memo = (label, text, info.get("canonical"))
        if memo not in names:
            surface = _clean(text)
            name = canonical_name(label, info.get("canonical") or surface) if surface else ""
            names[memo] = surface, name, local_key(label, name) if surface else ""
        surface, name, local = names[memo]
        if not surface:
            continue
        ids = {k: v for k, v in (info.get("identifiers") or {}).items() if k in identifiers}
        key = (label, local)
        entity = by_imo.get(ids["imo"]) if "imo" in ids else None
        entity = entity or by_key.get(key)
        if entity is None:
            entity = Entity(label=label, name=name, method=info.get("method", "rule"))
            by_key[key] = entity
        if surface not in entity.aliases:
            entity.aliases.append(surface)
        if name not in entity.aliases:
            entity.aliases.append(name)
        # The fuller form a rule read around the name ("Commercial Port of X" for the port X).
        alias = _clean(info["alias"]) if info.get("alias") else ""
        if alias and alias not in entity.aliases:
            entity.aliases.append(alias)
        for k, v in ids.items():
            entity.identifiers.setdefault(k, v)
        if "imo" in entity.identifiers:
            by_imo[entity.identifiers["imo"]] = entity
        if info.get("method") == "rule":
            entity.method = "rule"
        for prop in attributes:
            if info.get(prop) and prop not in entity.props:
                entity.props[prop] = info[prop]
        entity.spans.append(Span(ent.start_char, ent.end_char, text))
        by_span[(ent.start, ent.end)] = entity
    entities = list(dict.fromkeys(by_key.values()))
    entities = _merge_numbered_vessels(entities, by_span)
    entities = _merge_short_agencies(entities, by_span)
    entities = _merge_renamed_vessels(doc, entities, by_span)
    entities = _merge_short_persons(entities, by_span)
    return entities, by_span


def _merge_short_persons(entities: list[Entity], by_span) -> list[Entity]:
    """"Tanvo" or "TANVO" after "Tanvo Lee Marr": one word that starts or ends exactly one longer
    person's name in the text is that person."""
    persons = [e for e in entities if e.label == "Person"]
    drop = set()
    for short in persons:
        if " " in short.name:
            continue
        word = short.name.lower()
        longer = [e for e in persons if e is not short and " " in e.name
                  and word in (e.name.lower().split()[0], e.name.lower().split()[-1])]
        if len(longer) == 1:
            _absorb(longer[0], short, by_span)
            drop.add(id(short))
    return [e for e in entities if id(e) not in drop]


def _absorb(keep: Entity, other: Entity, by_span) -> None:
    """Fold `other`'s mentions into `keep` (one real thing named two ways in one text)."""
    for a in other.aliases:
        if a not in keep.aliases:
            keep.aliases.append(a)
    keep.spans.extend(other.spans)
    for k, v in other.identifiers.items():
        keep.identifiers.setdefault(k, v)
    for k, v in other.props.items():
        keep.props.setdefault(k, v)
    for span_key, ent in list(by_span.items()):
        if ent is other:
            by_span[span_key] = keep


def _merge_short_agencies(entities: list[Entity], by_span) -> list[Entity]:
    """"The Council" after "the Council of the European Union" (or "the Ministry" after "the
    Russian Ministry of Defence") is that body, when exactly one agency in the text has that
    head word."""
    from ingest.components.common import cues

    words = set(cues()["agency_words"])
    agencies = [e for e in entities if e.label == "Agency"]
    drop = set()
    for short in agencies:
        if " " not in short.name and short.name in words:
            longer = [e for e in agencies if e is not short and short.name in e.name.split()]
        else:
            # "the Coast Guard" after "the U.S. Coast Guard": the end of exactly one longer name.
            tail = " " + short.name
            longer = [e for e in agencies if e is not short and any(
                a.endswith(tail) and a[:-len(tail)].split()[-1].lower() not in {"of", "the", "for"} for a in (e.name, *e.aliases))]
        if len(longer) == 1:
            _absorb(longer[0], short, by_span)
            drop.add(id(short))
    return [e for e in entities if id(e) not in drop]


def _merge_renamed_vessels(doc, entities: list[Entity], by_span) -> list[Entity]:
    """A ship's former name ("formerly the X", "ex-X") and its present name in one sentence
    are one ship: the present name keeps the node, the former becomes an alias."""
    info = doc.user_data.get("skg_info", {})
    drop = set()
    for key, meta in info.items():
        role = meta.get("renamed")
        if not role:
            continue
        start, end = span_of_key(key)
        this = by_span.get((start, end))
        if this is None or this.label != "Vessel":
            continue
        lo, hi = sent_bounds(doc, start)
        others = [(abs(s - start), by_span[(s, e)]) for (s, e) in by_span
                  if lo <= s < hi and (s, e) != (start, end) and by_span[(s, e)].label == "Vessel" and by_span[(s, e)] is not this]
        if not others:
            continue
        other = min(others, key=lambda x: x[0])[1]
        if this.identifiers.get("imo") and other.identifiers.get("imo") and this.identifiers["imo"] != other.identifiers["imo"]:
            continue
        keep, old = (other, this) if role == "former" else (this, other)
        if id(keep) in drop:
            continue
        _absorb(keep, old, by_span)
        drop.add(id(old))
        # The rename as a dated fact of the ship's identity (graph/identity.py).
        keep.props.setdefault("former_names", []).append(
            {"name": old.name, "sentence": " ".join(doc[lo:hi].text.split())})
    return [e for e in entities if id(e) not in drop]


def _merge_numbered_vessels(entities: list[Entity], by_span) -> list[Entity]:
    """"Maia" and "Maia-1" in one text are one ship: the text names it both ways."""
    vessels = {local_key("Vessel", e.name): e for e in entities if e.label == "Vessel"}
    drop = set()
    for key, e in vessels.items():
        m = _SUFFIX_NUM.match(key)
        short = vessels.get(m.group(1)) if m else None
        if short is not None and short is not e and not (short.identifiers.get("imo") and e.identifiers.get("imo")):
            for a in short.aliases:
                if a not in e.aliases:
                    e.aliases.append(a)
            e.spans.extend(short.spans)
            for k, v in short.identifiers.items():
                e.identifiers.setdefault(k, v)
            drop.add(id(short))
            for span_key, ent in list(by_span.items()):
                if ent is short:
                    by_span[span_key] = e
    return [e for e in entities if id(e) not in drop]


def build_result(document: Document, doc) -> ExtractionResult:
    """The ExtractionResult of one document processed by the sanctions-kg pipeline."""
    onto = ontology.load()
    entities, by_span = _entities(doc)
    extra: dict[str, Entity] = {}
    base = dates_mod.parse_iso(document.published)
    last = base
    relations: list[Relation] = []
    seen: set[tuple] = set()
    candidates = doc._.skg_relations
    # Relative dates ("two days later") read from the date stated last, in text order: each
    # dark statement comes after `after` relation candidates.
    darks: dict[int, list] = {}
    for d in doc._.skg_dark:
        darks.setdefault(d.after, []).append(d)
    sentences: dict[tuple[int, int], str] = {}  # many statements share a sentence
    first_named: dict[tuple[str, str], Entity] = {}  # (label, name) -> the first such entity, for named targets
    for e in entities:
        first_named.setdefault((e.label, e.name), e)

    def sentence(bounds: tuple[int, int]) -> str:
        if bounds not in sentences:
            sentences[bounds] = " ".join(span_text(doc, bounds[0], bounds[1]).split())
        return sentences[bounds]

    def relate(rtype, source_keys, target_keys, item_props, bounds, when, kind, into) -> None:
        sent = sentence(bounds)
        sources = [by_span.get(k) for k in source_keys]
        targets = []
        for k in target_keys:
            if isinstance(k[0], int):
                targets.append(by_span.get(k))
            else:
                label, name = k
                ent = first_named.get((label, name)) or extra.get(name)
                if ent is None and kind == "stated":  # a denial names no new entity
                    ent = extra[name] = Entity(label=label, name=name, aliases=[name])
                targets.append(ent)
        props = dict(item_props)
        for s in dict.fromkeys(x for x in sources if x is not None):
            for t in dict.fromkeys(x for x in targets if x is not None):
                if s is t or not onto.allows(rtype, s.label, t.label):
                    continue
                date = when.isoformat() if when else None
                if rtype == "SANCTIONED_BY" and not props.get("year") and when:
                    props["year"] = when.year
                sig = (kind, rtype, s.name, s.label, t.name, t.label, date, sent)
                if sig in seen:
                    continue
                seen.add(sig)
                into.append(Relation(
                    type=rtype, source=s.name, target=t.name, source_label=s.label, target_label=t.label,
                    evidence=sent, method="rule", date=date, props=props,
                ))

    for i in range(len(candidates) + 1):
        for dark in darks.get(i, ()):
            sent = sentence(dark.sent)
            when = dates_mod.resolve(dark.date_text, base, last)
            if when:
                last = when
            for v in dict.fromkeys(by_span[k] for k in dark.vessels if k in by_span):
                v.props.setdefault("ais_dark", []).append(
                    {"sentence": sent, "date": when.isoformat() if when else None, "cue": dark.cue}
                )
        if i == len(candidates):
            break
        item = candidates[i]
        when = dates_mod.resolve(item.date_text, base, last)
        if when:
            last = when
        relate(item.type, item.sources, item.targets, item.props, item.sent, when, "stated", relations)
    # ASSOCIATED_WITH is a tie "without a clearer type": none where the same two entities are
    # joined by a typed relation of the article ("HDSL, a front for Y ... HDSL acts on behalf of Y").
    typed = {frozenset(((r.source, r.source_label), (r.target, r.target_label))) for r in relations
             if r.type in ("OWNED_BY", "OPERATED_BY", "PART_OF")}
    relations = [r for r in relations if not (r.type == "ASSOCIATED_WITH" and frozenset(
        ((r.source, r.source_label), (r.target, r.target_label))) in typed)]
    # Denied statements ("was not sanctioned by"), kept aside by the relations component: the
    # same ends and checks, certainty "denied"; they never become relations (graph/claims.py).
    denials: list[Relation] = []
    for item in doc.user_data.get("skg_not_facts", ()):
        if item.get("certainty") == "denied":
            when = dates_mod.resolve(item.get("date_text"), base, base)
            relate(item["type"], item["sources"], item["targets"], {**item.get("props", {}), "certainty": "denied"},
                    item["sent"], when, "denied", denials)
    for e in extra.values():
        if e.label == "Country":
            from ingest.components.common import country_of

            c = country_of(e.name)
            if c:
                e.props["iso2"] = c["iso2"]
    return ExtractionResult(document=document, entities=entities + list(extra.values()), relations=relations,
                            denials=denials)


def pipeline_text(document: Document) -> str:
    """The text spaCy reads for `document`: its text with page furniture blanked out
    (ingest.furniture), the same length, so every offset holds in the original."""
    from ingest.furniture import clean

    return clean(document.text)


def extract_document(doc: Document, nlp) -> ExtractionResult:
    """Extract entities and relations from one Document with the given pipeline (a long one
    parsed in bounded pieces: ingest/chunks.py)."""
    from ingest.chunks import parse

    return build_result(doc, parse(nlp, pipeline_text(doc)))


def explain_document(document: Document, nlp, *, relations: list | None = None) -> tuple[ExtractionResult, list[dict]]:
    """The ExtractionResult of `document` and what was dropped on the way, each with its
    reason: furniture lines blanked before spaCy, candidates the components did not keep,
    relation candidates left out (stage "relation"). With a list as `relations`, it receives
    what made each relation kept: {type, source, target, sentence, structure}."""
    from ingest.components.common import DROPPED
    from ingest.components.relations.context import REL_DROPPED, REL_EXPLAIN
    from ingest.furniture import furniture

    from ingest.chunks import parse

    doc = parse(nlp, pipeline_text(document))
    result = build_result(document, doc)

    def names(keys):
        return ", ".join(doc[k[0]:k[1]].text if isinstance(k[0], int) else k[1] for k in keys) or "(none)"

    if relations is not None:
        for x in doc.user_data.get(REL_EXPLAIN, []):
            relations.append({"type": x["type"], "source": names(x["sources"]), "target": names(x["targets"]),
                              "sentence": doc[x["sent"][0]:x["sent"][1]].text.strip(), "structure": x["structure"]})
    dropped = [{"stage": "furniture", "label": None, "text": f.text, "start": f.start, "end": f.end, "reason": f.reason}
               for f in furniture(document.text)]
    seen = set()
    for start, end, label, why in doc.user_data.get(DROPPED, []):
        span = doc[start:end]
        key = (start, end, label)
        if key in seen:
            continue
        seen.add(key)
        dropped.append({"stage": "candidate", "label": label, "text": span.text, "start": span.start_char, "end": span.end_char, "reason": why})
    for x in doc.user_data.get(REL_DROPPED, []):
        sent = doc[x["sent"][0]:x["sent"][1]]
        dropped.append({"stage": "relation", "label": x["type"], "text": f"{names(x['sources'])} -> {names(x['targets'])}",
                        "start": sent.start_char, "end": sent.end_char, "reason": x["reason"]})
    return result, dropped
