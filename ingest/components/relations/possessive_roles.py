"""Roles named through a possessive, as news writes them: "the vessel's Liberian owner X and
Greek operator Y", "its Dubai-based manager, X", "X and its subsidiary Y", "Y, its China-based
subsidiary". A ship's owner or parent company gives OWNED_BY, its manager or operator
OPERATED_BY, its charterer ASSOCIATED_WITH (a looser tie: the dev set's convention), and a
subsidiary is OWNED_BY the possessor.

ownership.py reads the plain phrases ("its owner, X", "X's ship manager, Y", "its subsidiary
Y"); this family reads what they miss: modifiers between the possessive and the role (a
nationality, a place with "-based", an adjective), roles coordinated after the first one with
the same possessor ("... owner X and Greek operator Y"), and a role in apposition after its
holder ("Y, its subsidiary").
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.components.relations.context import PLACE_MODIFIERS, SHIP_NOUNS_HEAD, SentenceContext, Slot

POSSESSIVE_MARKS = {"'s", "\u2019s", "'", "\u2019"}   # (the bare apostrophe only as the parse's possessive: "the vessels' owner")
POSSESSIVE_WORDS = {"its", "their"}
# Subsidiary nouns: the holder is owned by the possessor (the other roles: the possessor is owned
# or run by the holder).
SUBSIDIARY_ROLES = {"subsidiary", "subsidiaries", "affiliate", "unit"}


class PossessiveRoles(SentenceContext):
    EMITS = ('OWNED_BY', 'OPERATED_BY', 'ASSOCIATED_WITH')
    poss_roles: dict[tuple[str, ...], tuple[str, str | None]]
    poss_role_len: int
    poss_holders: set[str]

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        roles: dict[tuple[str, ...], tuple[str, str | None]] = {}
        for w in r["owner_roles"]:
            roles[tuple(w.lower().split())] = ("owner", None)
        for w, role in r["operator_roles"].items():
            roles[tuple(w.lower().split())] = ("operator", role)
        for w in SUBSIDIARY_ROLES:
            roles[(w,)] = ("subsidiary", None)
        self.poss_roles = roles
        # who can hold a role: an owner but a state ("its owner, X")
        self.poss_holders = set(rels["OWNED_BY"].targets) - {"Country"}
        self.poss_role_len = max(len(k) for k in roles)

    def _role_at(self, doc: Doc, j: int, hi: int) -> tuple[int, str, str | None] | None:
        """The longest role noun starting at token j: (end, kind, operator role)."""
        for n in range(self.poss_role_len, 0, -1):
            if j + n > hi:
                continue
            key = tuple(t.lower_ for t in doc[j:j + n])
            if key in self.poss_roles:
                # "owner" in "owner's" or "owner company" is not the role noun of the phrase
                if j + n < hi and (doc[j + n].pos_ == "NOUN" and doc[j + n].is_lower):
                    return None
                return (j + n, *self.poss_roles[key])
        return None

    def _skip_modifiers(self, doc: Doc, slots: list[Slot], j: int, hi: int, names: bool = True) -> tuple[int, int]:
        """Past the modifiers of a role noun ("Liberian", "Greece-based", "Dubai-based new",
        "Hong Kong-registered"): (the first token after them, how many words were skipped)."""
        n = 0
        while j < hi and n < 6:
            t = doc[j]
            place = next((x for x in slots if x.start == j and x.label in ("Country", "Location")), None)
            if place is not None and place.end + 1 < hi and doc[place.end].text == "-" and doc[place.end + 1].lower_ in PLACE_MODIFIERS:
                n += place.end + 2 - j
                j = place.end + 2
                continue
            if t.text == "-" and j + 1 < hi and doc[j + 1].lower_ in PLACE_MODIFIERS:
                j, n = j + 2, n + 2
                continue
            if not names or self._role_at(doc, j, hi) is not None:
                break
            if t.tag_ in ("JJ", "JJR", "JJS", "VBN") or (t.tag_ == "NNP" and t.pos_ == "ADJ") or (t.is_title and t.tag_ in ("NNP", "JJ") and t.lower_.endswith(("an", "ese", "ish", "i"))):
                if any(x.start <= j < x.end and x.label not in ("Country", "Location") for x in slots):
                    break
                j, n = j + 1, n + 1
                continue
            break
        return j, n

    def _holder_after(self, doc: Doc, slots: list[Slot], e: int, hi: int) -> Slot | None:
        """The name right after a role noun ("owner X", "owner, X,", "manager, Dubai-based X")."""
        k = e + 1 if e < hi and doc[e].text == "," else e
        if k < hi and doc[k].lower_ == "the":
            k += 1
        k, _ = self._skip_modifiers(doc, slots, k, hi, names=False)
        return next((x for x in slots if x.start == k and x.label in self.poss_holders), None)

    def _holder_before(self, doc: Doc, slots: list[Slot], k: int, lo: int) -> Slot | None:
        """"X, the tanker's manager": the name before "the <ship noun>'s", set off by a comma."""
        if not (k - 3 >= lo and doc[k - 1].lower_ in SHIP_NOUNS_HEAD and doc[k - 2].lower_ == "the" and doc[k - 3].text == ","):
            return None
        return next((x for x in slots if x.end == k - 3 and x.label in self.poss_holders), None)

    def _ship_of(self, doc: Doc, sent, slots: list[Slot], k: int, last_vessels) -> list[Slot]:
        """The ship a possessive at token k names: the name right before "'s", or "the vessel's"
        / "its" for the one ship this sentence named before (else the one ship named just before
        this sentence)."""
        if doc[k].text in POSSESSIVE_MARKS:
            named = [x for x in slots if x.end == k]
            if named:
                return named if named[0].label == "Vessel" else []
            if not (doc[k - 1].lower_ in SHIP_NOUNS_HEAD and k >= 2 and doc[k - 2].lower_ in ("the", "this", "that")):
                return []
        if doc[k].lower_ in POSSESSIVE_WORDS and self._firm_possessor(slots, k, sent.start):
            return []   # "X Ltd and its manager Y": the firm's, not a ship's
        before = [x for x in slots if x.end <= k and x.label == "Vessel"]
        if before:
            return before[-1:] if len({doc[x.start:x.end].text for x in before}) == 1 or doc[k].lower_ in POSSESSIVE_WORDS else []
        if not last_vessels or len({doc[a:b].text for a, b in last_vessels}) != 1:
            return []
        return [Slot(k, k + 1, "Vessel", last_vessels[-1:])]

    @staticmethod
    def _firm_possessor(slots: list[Slot], k: int, lo: int) -> list[Slot]:
        """The firm "its" stands for when the party named last before it in the sentence is a
        firm ("X Ltd and its parent company Y"), not a ship."""
        before = [x for x in slots if lo <= x.start and x.end <= k and x.label in ("Vessel", "Company", "Organization")]
        return before[-1:] if before and before[-1].label != "Vessel" else []

    def _parent_of(self, doc: Doc, slots: list[Slot], k: int, holder: Slot) -> list[Slot]:
        """Whose subsidiary: the name before "'s"; for "its", the company listed right before
        ("X and its subsidiary Y"; "X and Y, its subsidiary": X), else the company the clause
        names first."""
        if doc[k].text in POSSESSIVE_MARKS:
            return [x for x in slots if x.end == k and x.label in ("Company", "Organization")]
        firms = [x for x in slots if x.end <= k and x.label in ("Company", "Organization") and x is not holder and x.end <= holder.start]
        if not firms:
            return []
        return firms[-1:]

    def _possessive_roles(self, doc, sent, slots, out, last_vessels) -> None:
        if not slots:
            return
        lo, hi = sent.start, sent.end
        for k in range(lo, hi - 1):
            t = doc[k]
            if not (t.text in POSSESSIVE_MARKS or t.lower_ in POSSESSIVE_WORDS):
                continue
            if t.text in ("'", "\u2019") and t.tag_ != "POS":
                continue
            j = k + 1
            first = True
            while True:
                start, skipped = self._skip_modifiers(doc, slots, j, hi)
                role = self._role_at(doc, start, hi)
                if role is None:
                    break
                e, kind, op_role = role
                holder = self._holder_after(doc, slots, e, hi)
                appos = None
                if holder is None and first and k - 2 >= lo and doc[k - 1].text == "," and t.lower_ in POSSESSIVE_WORDS \
                        and (e >= hi or doc[e].text in (",", ".", ";", ")") or doc[e].lower_ in ("and", "which", "that")):
                    # "Y, its China-based subsidiary, ...": the role in apposition after its holder
                    appos = next((x for x in slots if x.end == k - 1 and x.label in self.poss_holders), None)
                    holder = appos
                if holder is None and first and t.text in POSSESSIVE_MARKS and (e >= hi or doc[e].text in (",", ".", ";")):
                    # "X, the tanker's manager, said ...": the role in apposition after its holder
                    appos = self._holder_before(doc, slots, k, lo)
                    holder = appos
                if holder is None:
                    break
                # (the plain phrase, "its owner, X", is ownership.py's too: extract keeps one of the two)
                self._possessive_role(doc, sent, slots, out, last_vessels, k, kind, op_role, holder, at=start)
                first = False
                # "... owner X and Greek operator Y": the next role shares the possessive
                j = holder.end
                if j < hi and doc[j].text == ",":
                    j += 1
                if j < hi and doc[j].lower_ == "and":
                    j += 1
                else:
                    break
                if appos is not None:
                    break

    def _possessive_role(self, doc, sent, slots, out, last_vessels, k, kind, op_role, holder, at) -> None:
        cue = "possessive " + kind
        if kind == "subsidiary":
            parent = self._parent_of(doc, slots, k, holder)
            if holder.label in ("Company", "Organization"):
                self._emit(out, "OWNED_BY", [holder], parent, sent, at=at, how="a subsidiary named with its parent's possessive", cue=cue)
            return
        if holder.label == "Agency" and kind == "owner":
            return
        ship = self._ship_of(doc, sent, slots, k, last_vessels)
        if not ship and kind == "owner":
            # "X Ltd's parent company Y" / "X Ltd and its owner Y": a company's owner
            ship = [x for x in slots if x.end == k and x.label in ("Company", "Organization")] if doc[k].text in POSSESSIVE_MARKS \
                else self._firm_possessor(slots, k, sent.start)
            ship = [x for x in ship if x.keys != holder.keys]
        if kind == "owner":
            self._emit(out, "OWNED_BY", ship, [holder], sent, at=at, how="role noun after a possessive, with modifiers or in a list", cue=cue)
        elif op_role == "charterer":
            self._emit(out, "ASSOCIATED_WITH", [x for x in ship if x.label == "Vessel"], [holder], sent, at=at, how="chartered ship", cue=cue)
        else:
            self._emit(out, "OPERATED_BY", [x for x in ship if x.label == "Vessel"], [holder], sent, at=at,
                       how="role noun after a possessive, with modifiers or in a list", role=op_role, cue=cue)
