"""sanctions_kg_relations_v1: relations between the entities of each sentence.

One module per relation family, each declaring the relationship types it emits (EMITS):
sanctions (SANCTIONED_BY), ownership (OWNED_BY, OPERATED_BY, ASSOCIATED_WITH, PART_OF),
possessive_roles (the same through a possessive with modifiers: "the vessel's Liberian owner X"),
dealings (ASSOCIATED_WITH: "X sells oil for Y", "the tanker carried cargo for Y"), roles
(ASSOCIATED_WITH: people's roles in register entries, ships and firms a party used),
port_calls (CALLED_AT), places (LOCATED_IN, PART_OF), warships (OPERATED_BY), ais (AIS-dark
facts); context holds what they share. Types no family emits are declared in
graph/ontology.yaml under `not_extracted` (tests/test_relation_families.py).

Works sentence by sentence over doc.ents and cue phrases (ingest/data/cues.yaml), reading
voice and position: "X was sanctioned by Y" / "Y sanctioned X"; "X, owned by Y" / "Y owns X";
"V loaded at P". A plural reference ("all of them", "these vessels") stands for the ships
listed last. Sanctions are only emitted when the sentence states them: evasion wording
("evade sanctions") and a cue that names a programme or an enforcer ("sanctions enforcement",
"the Navy") block them, and the sanctioned party must be a named entity.

Every relation carries the certainty of its statement (props["certainty"]), read from the cue
and the words that govern it in the parse: "stated", or "hedged" ("is believed to be owned by",
"allegedly", "suspected of", "may have been"). A denied ("was not sanctioned", "denied that
...") or hypothetical ("could sanction", "plans to designate") statement yields no relation.

Output, as plain data in doc.user_data and as typed values through doc._ (ingest.model):
doc._.skg_relations, RelationCandidates {type, sources: [(start, end)], targets: [(start, end)
| ("Country", name)], sent: (start, end), date_text, props}; doc._.skg_dark, DarkActivity
{vessels, sent, date_text, cue} for ships said to have gone dark. Dates stay as text here:
ingest.extract resolves them against the article's date.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from graph.ontology import path as ontology_path
from ingest.components.common import DARK, DATES, RELATIONS, token_strings
from ingest.components.relations.ais import AisGaps
from ingest.components.relations.context import REL_EXPLAIN, SentenceContext, Slot, inflect
from ingest.components.relations.dealings import Dealings
from ingest.components.relations.groups import find_groups, widen_evidence
from ingest.components.relations.ownership import Ownership
from ingest.components.relations.places import Places
from ingest.components.relations.possessive_roles import PossessiveRoles
from ingest.components.relations.port_calls import PortCalls
from ingest.components.relations.roles import Roles
from ingest.components.relations.sanctions import Sanctions
from ingest.components.relations.warships import Warships

__all__ = ["FAMILIES", "Relations", "SentenceContext", "Slot", "emitted_types", "inflect", "make_relations", "unread_types"]

# Every family, in the order their cues are read (setup) and run on each sentence.
FAMILIES = (Warships, Sanctions, Ownership, PossessiveRoles, Dealings, Roles, PortCalls, Places, AisGaps)


def emitted_types() -> dict[str, list[str]]:
    """Relationship type -> the family modules that emit it."""
    out: dict[str, list[str]] = {}
    for family in FAMILIES:
        for rtype in family.EMITS:
            out.setdefault(rtype, []).append(family.__module__.rsplit(".", 1)[-1])
    return out


def unread_types(ontology_file=None) -> list[str]:
    """The ontology's relationship types that no family emits and that the ontology does not
    declare `not_extracted` (with the reason): each needs a family module or that declaration."""
    raw = yaml.safe_load(Path(ontology_file or ontology_path()).read_text("utf-8"))
    emitted = emitted_types()
    return [name for name, spec in raw["relationships"].items() if name not in emitted and not (spec or {}).get("not_extracted")]


class Relations(*FAMILIES):
    FAMILIES = FAMILIES

    def __call__(self, doc: Doc) -> Doc:
        out: list[dict] = []
        doc.user_data[RELATIONS] = out
        doc.user_data[DARK] = []
        doc.user_data["skg_not_facts"] = []  # denials and plans of this run only (context.py: _emit)
        ents = list(doc.ents)
        if not ents:
            return doc
        # Every token's lower-case form, read once per document for the per-token scans below,
        # and where the words that can start a statement stand: designation cues, owning and
        # operating verbs.
        self._doc, self._lower = doc, token_strings(doc)[1]
        self._cue_at = [i for i, low in enumerate(self._lower) if low in self.sanction_cue_words]
        self._own_at = [i for i, low in enumerate(self._lower) if low in self.owned_active or low in self.operated_active]
        phrase_hits: dict[int, list[tuple[str, int, int]]] = {}
        strings = doc.vocab.strings
        plural = self._plural_refs(doc)
        for match_id, s, e in [*self.phrases(doc), *self.split_cues(doc)]:
            phrase_hits.setdefault(s, []).append((strings[match_id], s, e))
        ais_at = sorted(i for i, hs in phrase_hits.items() if any(h[0] == "AIS" for h in hs))
        self._ais_at, self._hit_at = ais_at, sorted(phrase_hits)
        dates = doc.user_data.get(DATES, [])
        # Per document: the last body that designated (for "the following vessels were
        # designated" without one) and the warships seen (never sanction targets).
        state: dict = {"agent": None, "warships": set()}
        group: list[tuple[int, int]] = []
        last_vessels: list[tuple[int, int]] = []
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        self._topics = []   # (sentence number, slot) of the parties sentences were about
        by_group = find_groups(doc, sents, ents)   # groups that stand for members named later (groups.py)
        ei = 0
        for sent_no, sent in enumerate(sents):
            self._sent_no = sent_no
            lo, hi = sent.start, sent.end
            sent_ents = []
            while ei < len(ents) and ents[ei].start < hi:
                if ents[ei].start >= lo:
                    sent_ents.append(ents[ei])
                ei += 1
            refs = [(s, e) for s, e in plural if lo <= s < hi]
            found = by_group.get(sent_no, [])
            if not sent_ents and not refs and not found:
                self._unnamed_sentence(doc, sent, state)
                # "The ship left its AIS transponder off.": no name, but the last ship named.
                if last_vessels and any(lo <= i < hi for i in ais_at):
                    self._ais(doc, sent, [], dates, phrase_hits, out, last_vessels)
                continue
            slots = [Slot(x.start, x.end, x.label_, [(x.start, x.end)]) for x in sent_ents]
            vessels_here = [x for x in sent_ents if x.label_ == "Vessel"]
            ref_slots = len(slots)
            for s, e in refs:
                # A list in this sentence before the reference wins over earlier ones.
                listed = [(v.start, v.end) for v in vessels_here if v.end <= s]
                members = listed if len({doc[a:b].text for a, b in listed}) >= 2 else group
                if members and not (e < hi and any(v.start in (e, e + 1) for v in vessels_here)):
                    slots.append(Slot(s, e, "Vessel", list(members)))
            # A group wins over a plural reference on the same words; a later reference to a
            # group only where the plural reference found no ships of its own.
            for g, _bounds, is_group in found:
                over = [x for x in slots[ref_slots:] if x.start <= g.start < x.end]
                if over and not is_group:
                    continue
                slots = [x for x in slots if x not in over]
                slots.append(g)
            slots.sort(key=lambda x: x.start)
            since, explain_since = len(out), len(doc.user_data.get(REL_EXPLAIN, []))
            ctx = (doc, sent, slots, dates, phrase_hits, out)
            self._warship(doc, sent, slots, out, state)
            self._fleet_ship(doc, sent, slots, out)
            self._sanctions(*ctx, state)
            self._ownership(*ctx, last_vessels)
            self._possessive_roles(doc, sent, slots, out, last_vessels)
            self._dealings(doc, sent, slots, out, last_vessels)
            self._roles(*ctx)
            # Port calls and AIS gaps take every ship of the sentence: a group only as the subject.
            lumped = (doc, sent, [x for x in slots if not any(x is g and doc[g.start].dep_ not in ("nsubj", "nsubjpass", "ROOT")
                                                               for g, _b, _is in found)], dates, phrase_hits, out)
            self._called_at(*lumped, last_vessels)
            self._places(*ctx)
            self._ais(*lumped, last_vessels)
            widen_evidence(doc, out, since, explain_since, found, sent)
            names = {v.text for v in vessels_here}
            if len(names) >= 2:
                group = [(v.start, v.end) for v in vessels_here]
            self._note_topics(doc, sent, slots, sent_no)
            vessel_slots = [s for s in slots if s.label == "Vessel"]
            if vessel_slots:
                last_vessels = [k for s in vessel_slots for k in s.keys]
        return doc


@Language.factory("sanctions_kg_relations_v1", assigns=["doc.user_data"], default_config={"window": 4})
def make_relations(nlp: Language, name: str, window: int) -> Relations:
    return Relations(nlp, name, window=window)
