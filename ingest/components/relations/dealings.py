"""Ties through what one party does for another, as news writes them (ASSOCIATED_WITH): "X, a
company that sells oil for Y and Z", "the tanker X carried the cargo for Y", "the transfer was
done on behalf of Y" (the ship whose transfer it was), "X, who helped support Y".

Only named parties on both sides, from the parse: the subject of the trading or supporting verb
(through a relative clause and apposition: "X, a company that sells ...") and the object of its
"for" or of "support". A state is never the other side here ("sells oil for China" names a
buyer or a destination, not a tie); ownership and management words are ownership.py's.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.components.relations.context import PRONOUNS, SHIP_NOUNS_HEAD, SentenceContext, Slot

# Verbs of moving or trading goods: "X sells oil for Y", "the tanker carried cargo for Y".
TRADE_VERBS = {"sell", "ship", "transport", "carry", "move", "smuggle", "deliver", "export", "trade", "market", "haul",
               "procure", "buy", "launder", "broker", "load", "transfer", "supply"}
# Of those, the verbs a firm or person (not a ship) trades with: "X sells oil for Y" (a firm that
# "moved weapons for Y" is a carrier's statement the dev set's gold does not read as a tie).
SALE_VERBS = {"sell", "market", "export", "trade", "broker", "launder", "procure", "buy", "supply"}
# Verbs of backing a party: "X helped support Y", "X financed Y".
SUPPORT_VERBS = {"support", "assist", "aid", "finance", "fund", "bankroll"}
# Nouns for a ship's activity: "the transfer was done on behalf of Y" (the ship's transfer).
ACTIVITY_NOUNS = {"transfer", "transfers", "shipment", "shipments", "delivery", "deliveries", "voyage", "voyages", "cargo",
                  "cargoes", "transport", "operation", "loading", "trip", "run"}
PARTIES = {"Company", "Organization", "Agency", "Person"}
HOLDERS = {"Vessel", "Company", "Organization", "Person"}


class Dealings(SentenceContext):
    EMITS = ('ASSOCIATED_WITH',)

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        """No cue phrases of its own: the verbs above, read from the parse."""

    def _doer(self, doc: Doc, sent, slots: list[Slot], verb, last_vessels) -> list[Slot]:
        """The named party that does what the verb says: its subject in the parse (through a
        relative clause, apposition, coordination, "help" / "xcomp" chains); a ship noun or "it"
        for the one ship just named."""
        v = verb
        subj = None
        for _ in range(4):
            subj = self._subject(doc, v.i)
            if subj is not None or v.dep_ not in ("xcomp", "ccomp", "conj") or v.head is v:
                break
            v = v.head
        if subj is None:
            return []
        if subj.lower_ in ("who", "that", "which"):
            up = v
            while up.dep_ != "relcl" and up.head is not up and up.dep_ in ("xcomp", "ccomp", "conj"):
                up = up.head
            if up.dep_ != "relcl":
                return []
            subj = up.head
        named = self._conjoined(doc, slots, subj, HOLDERS)
        if named:
            return [x for x in named if x.label in HOLDERS]
        hit = self._slot_at(slots, subj, HOLDERS)
        if hit is not None:
            return [hit]
        if subj.pos_ == "NOUN" and subj.dep_ in ("appos", "attr") or any(c.dep_ == "appos" for c in subj.children):
            # "X, a company that sells ...": the name the noun stands in apposition to
            head = subj.head if subj.dep_ == "appos" else subj
            return [x for x in [self._slot_at(slots, head, HOLDERS)] if x is not None] or \
                [x for c in subj.children if c.dep_ == "appos" for x in [self._slot_at(slots, c, HOLDERS)] if x is not None]
        if subj.lower_ in SHIP_NOUNS_HEAD or subj.lower_ == "it":
            return self._one_ship(doc, sent, slots, subj.i, last_vessels)
        return []

    @staticmethod
    def _one_ship(doc: Doc, sent, slots: list[Slot], at: int, last_vessels) -> list[Slot]:
        """The one ship this sentence names (else the one named just before it)."""
        here = [x for x in slots if x.label == "Vessel"]
        if here:
            return here[:1] if len({doc[x.start:x.end].text for x in here}) == 1 else []
        if last_vessels and len({doc[a:b].text for a, b in last_vessels}) == 1:
            return [Slot(at, at + 1, "Vessel", last_vessels[-1:])]
        return []

    def _named_object(self, doc: Doc, slots: list[Slot], tok) -> list[Slot]:
        return [x for x in self._conjoined(doc, slots, tok, PARTIES) if x.label in PARTIES]

    def _dealings(self, doc, sent, slots, out, last_vessels) -> None:
        if not doc.has_annotation("DEP") or len(slots) < 1:
            return
        for t in doc[sent.start:sent.end]:
            lemma = t.lemma_.lower()
            if t.pos_ == "VERB" and lemma in TRADE_VERBS and not any(c.dep_ == "auxpass" for c in t.children):
                # "sells oil for Y" / "carried the cargo for Y" (the parse hangs "for" on the verb or its object)
                obj = next((c for c in t.children if c.dep_ == "dobj"), None)
                preps = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "for"]
                if obj is not None:
                    preps += [c for c in obj.children if c.dep_ == "prep" and c.lower_ == "for"]
                for p in preps:
                    pobj = next((c for c in p.children if c.dep_ == "pobj"), None)
                    theirs = self._named_object(doc, slots, pobj) if pobj is not None else []
                    if not theirs or not self._object_is(doc, p.i, theirs[0]):
                        continue
                    doers = [x for x in self._doer(doc, sent, slots, t, last_vessels)
                             if not any(x.keys == y.keys for y in theirs) and (x.label == "Vessel" or lemma in SALE_VERBS)]
                    self._emit(out, "ASSOCIATED_WITH", doers, theirs, sent, at=t.i, how="goods moved or sold for a named party", cue=f"{lemma} for")
            elif t.pos_ == "VERB" and lemma in SUPPORT_VERBS and not any(c.dep_ == "auxpass" for c in t.children):
                obj = next((c for c in t.children if c.dep_ == "dobj"), None)
                theirs = self._named_object(doc, slots, obj) if obj is not None else []
                if not theirs:
                    continue
                doers = [x for x in self._doer(doc, sent, slots, t, last_vessels)
                         if x.label != "Vessel" and not any(x.keys == y.keys for y in theirs)]
                self._emit(out, "ASSOCIATED_WITH", doers, theirs, sent, at=t.i, how="a party that backs a named party", cue=lemma)
            elif t.lower_ == "behalf" and t.i > sent.start and doc[t.i - 1].lower_ == "on" and t.i + 1 < sent.end and doc[t.i + 1].lower_ == "of":
                self._activity_on_behalf(doc, sent, slots, out, t, last_vessels)

    def _activity_on_behalf(self, doc, sent, slots, out, t, last_vessels) -> None:
        """"The transfer was done on behalf of Y": a ship's activity (the subject noun) done for
        Y ties the ship to Y (ownership.py reads a named subject: "X acted on behalf of Y")."""
        pobj = next((c for c in doc[t.i + 1].children if c.dep_ == "pobj"), None)
        theirs = self._named_object(doc, slots, pobj) if pobj is not None else []
        if not theirs:
            return
        verb = doc[t.i - 1].head
        subj = self._subject(doc, verb.i) if verb.pos_ in ("VERB", "AUX") else None
        if subj is None or subj.lower_ not in ACTIVITY_NOUNS or subj.lower_ in PRONOUNS:
            return
        # "the transfer by the tanker X" / "the tanker X's transfer": the ship the noun names
        ships = [x for c in subj.subtree for x in [self._slot_at(slots, c, {"Vessel"})] if x is not None][:1]
        ships = ships or self._one_ship(doc, sent, slots, subj.i, last_vessels)
        self._emit(out, "ASSOCIATED_WITH", ships, theirs, sent, at=t.i, how="a ship's activity done on a party's behalf", cue="on behalf of")
