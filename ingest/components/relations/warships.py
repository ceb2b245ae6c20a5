"""Warships and fleets: OPERATED_BY for a ship named with the navy or coast guard that runs it
("<navy> frigate X", "X, a <navy> destroyer", "the Navy dispatched X") and for a ship named
right after its company ("the <company> tanker X"). Warships seen are never sanction targets.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.components.common import span_text
from ingest.components.relations.context import DEPLOY_VERBS, SHIP_NOUNS, SHIP_NOUNS_HEAD, SentenceContext, Slot, word_re


class Warships(SentenceContext):
    EMITS = ('OPERATED_BY',)

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        self.navy_re = word_re(w.lower() for w in r["navy_words"])
        self.warship_words = {w.lower() for w in r["warship_words"]}
        self.warship_prefixes = set(r["warship_prefixes"])

    def _is_navy(self, doc: Doc, slot: Slot) -> bool:
        return slot.label == "Agency" and bool(self.navy_re.search(span_text(doc, slot.start, slot.end).lower()))

    def _class_gap(self, doc: Doc, a: int, b: int, joins=False) -> bool:
        """Whether tokens a..b only name a kind of warship ("frigate", "Offshore Patrol Vessel",
        "HMS"), and with joins=True also the commas and "and" of a list."""
        for t in doc[a:b]:
            low = t.lower_
            if low in self.warship_words or t.text in self.warship_prefixes or low in ("-", "'s", "\u2019s"):
                continue
            if joins and low in (",", "and", "the"):
                continue
            return False
        return True

    def _warship(self, doc, sent, slots, out, state) -> None:
        """A ship named with the navy or coast guard that runs it is OPERATED_BY that navy:
        "<navy> frigate X", "X of the <navy>", "X, a <navy> destroyer", "A and B ... as <navy>
        vessels"; the names listed after the first warship share its navy."""
        lo, hi = sent.start, sent.end
        navies = [s for s in slots if self._is_navy(doc, s)]
        if not navies:
            return
        vessels = [s for s in slots if s.label == "Vessel" and s.keys == [(s.start, s.end)]]
        found: list[tuple[Slot, Slot]] = []
        for v in vessels:
            navy = None
            before = [n for n in navies if n.end <= v.start and v.start - n.end <= 5]
            if before and self._class_gap(doc, before[-1].end, v.start):
                navy = before[-1]
            elif found and found[-1][0].end <= v.start and self._class_gap(doc, found[-1][0].end, v.start, joins=True) \
                    and not any(found[-1][0].end <= n.start < v.start for n in slots):
                navy = found[-1][1]
            else:
                after = [n for n in navies if n.start >= v.end and n.start - v.end <= 5]
                gap = [t.lower_ for t in doc[v.end:after[0].start]] if after else []
                if after and (gap in (["of", "the"], ["of"], ["("], [",", "a"], [",", "an"], [",", "the"])
                              or (gap[:2] in ([",", "a"], [",", "an"]) and after[0].end < hi and self._class_gap(doc, after[0].end, after[0].end + 1))):
                    navy = after[0]
            if navy is not None:
                found.append((v, navy))
        # "A and B will patrol ... as <navy> vessels": the subject of the verb "as" hangs on.
        if doc.has_annotation("DEP"):
            for n in navies:
                if n.start > lo and doc[n.start - 1].lower_ == "as" and n.end < hi and doc[n.end].lower_ in self.warship_words:
                    head = doc[n.start - 1].head
                    subj = self._subject(doc, head.i) if head.pos_ in ("VERB", "AUX") else None
                    if subj is not None:
                        for v in self._conjoined(doc, slots, subj, {"Vessel"}):
                            if not any(f[0] is v for f in found):
                                found.append((v, n))
            # "The Royal Navy dispatched the frigate HMS X and the patrol ship HMS Y": a navy
            # that sends ships runs them.
            for n in navies:
                head = next((t for t in doc[n.start:n.end] if t.dep_ == "nsubj"), None)
                if head is None or head.head.lemma_ not in DEPLOY_VERBS:
                    continue
                obj = next((c for c in head.head.children if c.dep_ == "dobj"), None)
                for v in (self._conjoined(doc, slots, obj, {"Vessel"}) if obj is not None else []):
                    if not any(f[0] is v for f in found):
                        found.append((v, n))
        for v, navy in found:
            state["warships"].add((v.start, v.end))
            self._emit(out, "OPERATED_BY", [v], [navy], sent, role="operator", cue="warship")

    def _fleet_ship(self, doc, sent, slots, out) -> None:
        """"the National Iranian Tanker Company vessel X", "a Polar Sun Shipping tanker, the X":
        a company named right before a ship noun and the ship's name runs that ship."""
        for v in slots:
            if v.label != "Vessel" or v.keys != [(v.start, v.end)]:
                continue
            co = next((c for c in slots if c.label == "Company" and c.end < v.start and v.start - c.end <= 3), None)
            if co is None:
                continue
            gap = [t.lower_ for t in doc[co.end:v.start]]
            if gap and gap[-1] in (",", "the"):
                gap = gap[:-1] if gap[-1] == "the" else gap
                gap = [g for g in gap if g != ","]
            if gap and all(g in SHIP_NOUNS for g in gap) and gap[-1] in SHIP_NOUNS_HEAD:
                self._emit(out, "OPERATED_BY", [v], [co], sent, at=v.start, role="operator", cue="fleet")
