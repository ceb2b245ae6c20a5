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
# Verbs of a person's place in a body: "X, who heads Y", "X founded Y" (a person only).
LEAD_VERBS = {"head", "lead", "found", "co-found", "chair", "direct", "run", "manage"}
# Verbs of doing a ship's activity: "the National X Company did the transfer" (the ship's).
ARRANGE_VERBS = {"do", "conduct", "arrange", "organize", "organise", "handle", "oversee", "coordinate", "facilitate", "perform"}
# Goods a party's name can qualify: "the transport of X cargo", "carried X's weapons".
GOODS_NOUNS = {"cargo", "cargoes", "oil", "crude", "fuel", "weapons", "arms", "goods", "shipment", "shipments", "munitions",
               "petroleum", "lpg", "gas", "coal", "missiles", "drones", "components"}
# Nouns of moving goods: "involvement in the transport of X cargo".
MOVE_NOUNS = {"transport", "transportation", "shipment", "shipping", "delivery", "transfer", "smuggling", "carriage"}


class Dealings(SentenceContext):
    EMITS = ('ASSOCIATED_WITH',)
    deal_parties: set[str]
    deal_holders: set[str]

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        """No cue phrases of its own: the verbs above, read from the parse. The parties a tie
        joins come from the ontology: the other side is a body or person (no state, no ship),
        the doer any tie holder but an agency."""
        tie = rels["ASSOCIATED_WITH"]
        self.deal_parties = set(tie.extract_to) - {"Country", "Vessel"}
        self.deal_holders = set(tie.extract_from) - {"Agency"}

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
        named = self._conjoined(doc, slots, subj, self.deal_holders)
        if named:
            return [x for x in named if x.label in self.deal_holders]
        hit = self._slot_at(slots, subj, self.deal_holders)
        if hit is not None:
            return [hit]
        if subj.pos_ == "NOUN" and subj.dep_ in ("appos", "attr") or any(c.dep_ == "appos" for c in subj.children):
            # "X, a company that sells ...": the name the noun stands in apposition to
            head = subj.head if subj.dep_ == "appos" else subj
            return [x for x in [self._slot_at(slots, head, self.deal_holders)] if x is not None] or \
                [x for c in subj.children if c.dep_ == "appos" for x in [self._slot_at(slots, c, self.deal_holders)] if x is not None]
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
        return [x for x in self._conjoined(doc, slots, tok, self.deal_parties) if x.label in self.deal_parties]

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
            elif t.pos_ == "VERB" and lemma in LEAD_VERBS and not any(c.dep_ == "auxpass" for c in t.children):
                obj = next((c for c in t.children if c.dep_ == "dobj"), None)
                theirs = [x for x in self._named_object(doc, slots, obj) if x.label != "Person"] if obj is not None else []
                doers = [x for x in self._doer(doc, sent, slots, t, last_vessels) if x.label == "Person"] if theirs else []
                self._emit(out, "ASSOCIATED_WITH", doers, theirs, sent, at=t.i, how="a person who leads or founded a body", cue=lemma)
            elif t.pos_ == "VERB" and lemma in ARRANGE_VERBS and not any(c.dep_ == "auxpass" for c in t.children):
                self._did_activity(doc, sent, slots, out, t, last_vessels)
            elif t.lower_ in GOODS_NOUNS and t.pos_ == "NOUN":
                self._goods_of(doc, sent, slots, out, t, last_vessels)
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
        if subj is not None and (subj.lower_ in SHIP_NOUNS_HEAD or subj.lower_ == "it") and not self._slot_at(slots, subj, self.deal_holders):
            # "The tanker carried the oil on behalf of Y": the one ship just named
            ships = self._one_ship(doc, sent, slots, subj.i, last_vessels)
            self._emit(out, "ASSOCIATED_WITH", ships, theirs, sent, at=t.i, how="a ship acting on a party's behalf", cue="on behalf of")
            return
        if subj is None or subj.lower_ not in ACTIVITY_NOUNS or subj.lower_ in PRONOUNS:
            return
        # "the transfer by the tanker X" / "the tanker X's transfer": the ship the noun names
        ships = [x for c in subj.subtree for x in [self._slot_at(slots, c, {"Vessel"})] if x is not None][:1]
        ships = ships or self._one_ship(doc, sent, slots, subj.i, last_vessels)
        self._emit(out, "ASSOCIATED_WITH", ships, theirs, sent, at=t.i, how="a ship's activity done on a party's behalf", cue="on behalf of")

    def _goods_of(self, doc, sent, slots, out, noun, last_vessels) -> None:
        """"The tanker X was suspected of involvement in the transport of Y cargo" / "carried Y's
        weapons": goods a named party qualifies, moved by a ship, tie the ship to the party. The
        ship is the subject of the verb the goods hang on (through "of"/"in" phrases), or the one
        ship this sentence names."""
        owner = next((x for c in noun.children if c.dep_ in ("compound", "poss")
                      for x in [self._slot_at(slots, c, self.deal_parties)] if x is not None), None)
        if owner is None or owner.label == "Person":
            return
        tok, moved = noun, False
        for _ in range(8):
            moved = moved or tok.lemma_.lower() in TRADE_VERBS or tok.lower_ in MOVE_NOUNS
            if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod",):
                break
            if tok.head is tok:
                break
            tok = tok.head
        if not moved or tok.pos_ not in ("VERB", "AUX"):
            return
        subj = self._subject(doc, tok.i)
        ships = [x for x in [self._slot_at(slots, subj, {"Vessel"})] if x is not None] if subj is not None else []
        if not ships and subj is not None and (subj.lower_ in SHIP_NOUNS_HEAD or subj.lower_ == "it"):
            ships = self._one_ship(doc, sent, slots, subj.i, last_vessels)
        self._emit(out, "ASSOCIATED_WITH", ships, [owner], sent, at=noun.i, how="a ship that moved a named party's goods",
                   cue=f"{owner.label.lower()} {noun.lower_}")

    def _did_activity(self, doc, sent, slots, out, t, last_vessels) -> None:
        """"It is believed that the National X Company did the transfer": a named party that did
        a ship's activity (the verb's object: transfer, shipment, delivery) is tied to the ship
        (the one this sentence names, else the one named just before)."""
        obj = next((c for c in t.children if c.dep_ == "dobj"), None)
        if obj is None or obj.lower_ not in ACTIVITY_NOUNS:
            return
        subj = self._subject(doc, t.i)
        doer = self._slot_at(slots, subj, {"Company", "Organization", "Person", "Agency"}) if subj is not None else None
        if doer is None:
            return
        named = [x for c in obj.subtree for x in [self._slot_at(slots, c, {"Vessel"})] if x is not None][:1]
        ships = named or self._one_ship(doc, sent, slots, obj.i, last_vessels)
        self._emit(out, "ASSOCIATED_WITH", ships, [doer], sent, at=t.i, how="a party that did a ship's activity", cue=f"{t.lemma_.lower()} the {obj.lower_}")
