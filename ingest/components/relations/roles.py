"""People's roles and the use of ships and firms: ASSOCIATED_WITH.

- A register entry about a person (a numbered heading "12. Name SURNAME", then fields) gives
  the person's roles in its fields: "Position: CEO and General Director of X", "Reasons:
  Commanding officer of the patrol boat 'Y' ...", "He commanded the ship 'Y' ...": the person
  of the heading is ASSOCIATED_WITH the body or ship (ownership.py reads the roles a sentence
  states with its own subject: "X is the CEO of Y").
- "X used the tanker Y" / "... using the Y": a ship or firm that a party used is
  ASSOCIATED_WITH it (the ship is the source; between a person and a firm, the person).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc

from ingest.components.relations.context import SHIP_NOUNS, SentenceContext, Slot

FIELD_LABELS = ("Position", "Reasons", "Function", "Title")
HEADING = re.compile(r"^\s*\d+\.\s")
COMMAND_VERBS = {"command", "head", "lead", "chair", "direct"}
USE_FORMS = {"used", "using", "uses", "use"}
# Words that may stand in a role besides the role nouns ("the Assistant Attorney General", "its owner and CEO").
ROLE_FILLERS = {"the", "a", "an", "its", "their", "his", "her", "and", "&", "former", "then", "current", "acting", "senior", "deputy", "chief", "assistant", "under", "special", "principal"}
TITLE_WORDS = {"attorney", "general", "assistant", "under", "deputy", "acting", "senior", "chief", "special", "principal", "u.s.", "us"}
# How far back (lines) a field may stand from its entry's numbered heading.
ENTRY_LINES = 12


class Roles(SentenceContext):
    EMITS = ('ASSOCIATED_WITH',)
    # The labels a role's body may have (read per call: a class attribute, not a module constant).
    BODIES = frozenset({"Company", "Organization", "Agency", "Vessel"})

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        self.role_words_person = {w for p in r["person_roles"] for w in p.lower().split()}
        # the words that make a role ("director", "spokesperson", "attorney"): not "general", "vice"
        self.role_heads = {p.lower().split()[-1] for p in r["person_roles"]} | {"attorney"}

    # -- the person an entry is about ---------------------------------------------------------
    def _entry_person(self, doc: Doc, at: int) -> list[Slot]:
        """The person named on the numbered heading of the register entry that token `at` is
        in ("12. Name SURNAME", at most ENTRY_LINES lines above), or []."""
        text = doc.text
        pos = doc[at].idx
        for _ in range(ENTRY_LINES):
            start = text.rfind("\n", 0, pos) + 1
            stop = text.find("\n", start)
            stop = len(text) if stop < 0 else stop
            if HEADING.match(text[start:stop]):
                chars, ents = self._ent_index(doc)
                k = bisect_left(chars, start)
                names = []
                while k < len(chars) and chars[k] < stop:
                    names.append(ents[k])
                    k += 1
                if len(names) == 1 and names[0].label_ == "Person":
                    return [Slot(at, at + 1, "Person", [(names[0].start, names[0].end)])]
                return []
            if start == 0:
                return []
            pos = start - 1
        return []

    def _ent_index(self, doc: Doc):
        """The document's entities with their start offsets, read once per document."""
        if getattr(self, "_ents_doc", None) is not doc:
            ents = list(doc.ents)
            self._ents_doc, self._ents_by_char = doc, ([e.start_char for e in ents], ents)
        return self._ents_by_char

    def _field_opening(self, doc: Doc, lo: int, s: int) -> bool:
        """Whether the role at s opens an entry's field: only the label ("Position:"), role words,
        "and", articles and commas before it on its line."""
        words = [t for t in doc[lo:s] if not (t.is_space or t.is_punct or t.lower_ in ("the", "a", "an", "and", "deputy"))]
        if not words or words[0].text not in FIELD_LABELS or words[0].i + 1 >= len(doc) or doc[words[0].i + 1].text != ":":
            return False
        return all(t.lower_ in self.role_words_person for t in words[1:]) and len(words) <= 6

    def _body_after(self, doc: Doc, slots: list[Slot], e: int, hi: int) -> Slot | None:
        """The body or ship a role phrase names right after its preposition: "of X", "of the
        border patrol boat 'X'" (a ship's kind and quotes may stand between)."""
        for x in slots:
            if x.start < e:
                continue
            gap = doc[e:x.start]
            if len(gap) > 5 or any(not (t.is_punct or t.lower_ in ("the", "a") or t.lower_ in SHIP_NOUNS or t.lower_ in
                                        ("border", "patrol", "anti", "submarine", "-", "guard", "armed", "missile")) for t in gap):
                return None
            if any(t.lower_ in SHIP_NOUNS for t in gap) and x.label != "Vessel":
                return None
            return x if x.label in self.BODIES else None
        return None

    @staticmethod
    def _role_body(doc: Doc, slots: list[Slot], body: Slot) -> Slot:
        """The one body a role ties its holder to, read along the role's chain of "of": a unit
        named together with its agency as one name ("Head of the Border Unit of the Federal
        Service") is the unit (its full name ends with the agency); a unit the phrase qualifies
        before naming its agency ("Head of the Harbour Office for the Northern District of the
        Federal Service", "Deputy Head of the Border Unit - Head of the Patrol Section of the
        Federal Service") is a section of that agency, and the role is the agency's. Only for an
        agency as the first body, up to the clause's end (a comma, a full stop or a semicolon)."""
        if body.label != "Agency":
            return body
        last = next(iter(Roles._last_agency(doc, slots, body.end)), None)
        if last is None or last is body:
            return body
        between = [t.lower_ for t in doc[body.end:last.start]]
        return body if between in (["of"], ["of", "the"]) else last

    @staticmethod
    def _last_agency(doc: Doc, slots: list[Slot], at: int) -> list[Slot]:
        """The last agency named after "of" from token `at` to the clause's end."""
        last = None
        for x in slots:
            if x.start < at:
                continue
            if any(t.text in (",", ".", ";") for t in doc[at:x.start]) or x.start - at > 25:
                break
            k = x.start - 1
            if k >= 0 and doc[k].lower_ == "the":
                k -= 1
            if x.label == "Agency" and k >= 0 and doc[k].lower_ == "of":
                last = x
        return [last] if last is not None else []

    def _roles(self, doc, sent, slots, dates, hits, out) -> None:
        lo, hi = sent.start, sent.end
        starts = self._hit_at[bisect_left(self._hit_at, lo):bisect_left(self._hit_at, hi)]
        done: set[int] = set()
        for i in starts:
            for kind, s, e in hits.get(i, []):
                if kind != "ROLE_OF" or doc[e - 1].lower_ != "of" or e in done:
                    continue
                if not self._field_opening(doc, lo, s):
                    continue
                body = self._body_after(doc, slots, e, hi)
                if body is None:
                    # "Head of the Border Directorate of the X Service": a unit the text does not
                    # name as an entity; the agency it belongs to is named at the end.
                    body = next(iter(self._last_agency(doc, slots, e)), None)
                if body is None:
                    continue
                person = self._entry_person(doc, s)
                if person:
                    done.add(e)
                    bodies = [self._role_body(doc, slots, body)]
                    self._emit(out, "ASSOCIATED_WITH", person, bodies, sent, at=e - 2,
                               how="role noun opening a field of a person's register entry; the entry's heading names the person",
                               cue=doc[s:e].text.lower())
        self._titled(doc, sent, slots, out)
        if doc.has_annotation("DEP"):
            self._commanded(doc, sent, slots, out)
            self._used(doc, sent, slots, out)

    def _role_words_only(self, toks, head_needed: bool = True) -> bool:
        """Whether the tokens only name a person's role ("the CEO", "a spokesperson", "owner and
        CEO", "Assistant Attorney General"), with at least one role noun."""
        words = [t for t in toks if not (t.lower_ in ROLE_FILLERS or t.text in ("/", "-"))]
        return bool(words) and all(t.lower_ in self.role_words_person or t.lower_ in TITLE_WORDS for t in words) and (
            not head_needed or any(t.lower_ in self.role_heads for t in words))

    def _role_phrase(self, toks):
        """The words of an apposition that name a role ("the CEO", "a spokesperson", "two senior
        officials", "analytic director"): the role words, after an article or a number and at
        most two lower-case modifiers; None when the words name no role."""
        words = [t for t in toks if not (t.lower_ in ("the", "a", "an") or t.like_num or t.lower_ == "both")]
        lead = [t for t in toks if t.like_num or t.lower_ == "both"]
        k = 0
        while k < len(words) and k < 2 and words[k].is_lower and words[k].is_alpha and words[k].pos_ in ("ADJ", "NOUN") \
                and self._singular(words[k]) not in self.role_words_person and words[k].lower_ not in ROLE_FILLERS:
            k += 1
        rest = words[k:]
        if not rest or (k and not all(t.is_lower for t in rest)):
            return None
        ok = all(self._singular(t) in self.role_words_person or t.lower_ in TITLE_WORDS or t.lower_ in ROLE_FILLERS or t.text in ("/", "-")
                 for t in rest) and self._singular(rest[-1]) in self.role_heads
        return lead + rest if ok else None

    @staticmethod
    def _singular(t) -> str:
        low = t.lower_
        return low[:-1] if low.endswith("s") and len(low) > 3 and low not in ("chairs",) else low

    def _body_at(self, doc: Doc, slots: list[Slot], k: int, hi: int) -> Slot | None:
        """The body named at token k (after an optional "the"); through a possessive chain, the
        last one ("the Justice Department's National Security Division")."""
        if k < hi and doc[k].lower_ == "the":
            k += 1
        body = next((x for x in slots if x.start == k and x.label in self.BODIES), None)
        if body is None or (body.end < hi and doc[body.end].is_title and not doc[body.end].is_stop):
            return None   # none, or only the start of a longer name ("the X Coast Guard Cutter Y")
        chain = self._possessor_chain([body], slots, doc, hi)
        return chain[0] if chain else body

    def _titled(self, doc, sent, slots, out) -> None:
        """A person named with a role in a body: "X, the CEO of Y", "X, a spokesperson for Y",
        "Chief Executive X of Y": the person is ASSOCIATED_WITH the body (a ship only for its
        captain or master; an agency not for a title before the name, which names an official);
        "X and Y, two senior officials at Z" ties both; "Z's chief executive X" / "Z spokesperson
        X" ties X to a firm or organisation Z ("Treasury Deputy Secretary X", an agency's
        official, is left out: measured on the dev set, the gold does not tie officials so)."""
        lo, hi = sent.start, sent.end
        for p in slots:
            if p.label != "Person" or p.keys != [(p.start, p.end)]:
                continue
            body = None
            how = ""
            # "X, the CEO of Y" / "X, a spokesperson for Y"
            holders = [p]
            if p.end < hi and doc[p.end].text == ",":
                prep = next((k for k in range(p.end + 1, min(p.end + 8, hi)) if doc[k].lower_ in ("of", "for", "at")), None)
                role = self._role_phrase(doc[p.end + 1:prep]) if prep is not None else None
                if role is not None:
                    body = self._body_at(doc, slots, prep + 1, hi)
                    how = "role noun in apposition to the person"
                    if role[:1] and (role[0].like_num or role[0].lower_ == "both"):
                        # "X and Y, two directors of Z": the persons listed before
                        holders = [x for x in self._group_left(slots, p.end, {"Person"}, doc) if x.keys == [(x.start, x.end)]] or [p]
            if body is None and p.start - 1 > lo:
                # "Z's chief executive X" / "Z spokesperson X": a firm's role before the name
                k = p.start
                while k - 1 > lo and (doc[k - 1].lower_ in self.role_words_person or doc[k - 1].lower_ in ROLE_FILLERS - {"and", "&", "the", "a", "an", "its", "their", "his", "her"}):
                    k -= 1
                j = k - 1 if k - 1 > lo and doc[k - 1].text in ("'s", "\u2019s", "'", "\u2019") else k
                owner = next((x for x in slots if x.end == j and x.label in ("Company", "Organization")), None)
                if k < p.start and owner is not None and self._role_words_only(doc[k:p.start]):
                    body, how = owner, "the body's role before the person's name"
            # "Assistant Attorney General X of Y"
            if body is None and p.end + 1 < hi and doc[p.end].lower_ == "of":
                k = p.start
                while k - 1 >= lo and (doc[k - 1].lower_ in self.role_words_person or doc[k - 1].lower_ in TITLE_WORDS) and doc[k - 1].text[:1].isupper():
                    k -= 1
                if k < p.start and self._role_words_only(doc[k:p.start]):
                    body = self._body_at(doc, slots, p.end + 1, hi)
                    how = "title before the person's name"
                    if body is not None and body.label == "Agency":
                        # "Assistant Attorney General X of the Y Division", "Under Secretary X of
                        # the Treasury": an official's title; the dev gold ties no official so
                        body = None
            if body is None or (body.label == "Vessel" and not any(t.lower_ in ("captain", "master", "commander") for t in doc[p.start - 4 if p.start >= 4 else 0:body.start])):
                continue
            # (a role named with the name is stated, whatever the sentence goes on to say about the person)
            self._emit(out, "ASSOCIATED_WITH", holders, [body], sent, how=how, cue="role")

    def _commanded(self, doc, sent, slots, out) -> None:
        """"He commanded the ship 'X' ..." in a person's register entry: the person of the entry
        is ASSOCIATED_WITH the ship or body the verb governs."""
        for t in doc[sent.start:sent.end]:
            if t.pos_ != "VERB" or t.lemma_.lower() not in COMMAND_VERBS:
                continue
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if subj is None or obj is None or subj.lower_ not in ("he", "she"):
                continue
            body = self._slot_at(slots, obj, self.BODIES) or next(
                (x for x in slots if x.label in self.BODIES and any(x.start <= c.i < x.end for c in obj.children if c.dep_ in ("appos", "compound"))), None)
            person = self._entry_person(doc, t.i) if body is not None else []
            if person:
                self._emit(out, "ASSOCIATED_WITH", person, [body], sent, at=t.i, how="a person's register entry: 'he' is the entry's person",
                           cue=t.lemma_.lower())

    def _used(self, doc, sent, slots, out) -> None:
        """"X used the tanker Y to ...", "... delivered LPG using the Y": the ship (or the firm a
        person used) is ASSOCIATED_WITH the party that used it; a possessive object ("his
        companies") is ownership, not read here."""
        for t in doc[sent.start:sent.end]:
            if t.lower_ not in USE_FORMS or t.pos_ != "VERB":
                continue
            if any(c.dep_ == "auxpass" for c in t.children):
                self._used_by(doc, sent, slots, out, t, self._subject(doc, t.i))
                continue
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if obj is None or any(c.dep_ == "poss" for c in obj.children):
                continue
            used = self._conjoined(doc, slots, obj, self.BODIES | {"Person"})
            if not used and obj.lower_ in SHIP_NOUNS:
                # "using the tanker X": the parse may not hang the name on the noun.
                used = [x for x in slots if x.start == obj.i + 1 and x.label == "Vessel"]
            verb = t
            if t.tag_ == "VBG" and t.dep_ in ("advcl", "xcomp", "acl", "pcomp") and not any(c.dep_ == "nsubj" for c in t.children):
                verb = t.head   # "... delivered LPG using the Y": the subject of the verb it hangs on
            subj = self._subject(doc, verb.i)
            if subj is None or any(c.dep_ == "auxpass" for c in verb.children):
                continue
            users = self._conjoined(doc, slots, subj, self.BODIES | {"Person"})
            if not users and subj.dep_ == "attr" and subj.head.lemma_ == "be":
                # "X is a shipping firm which used the Y": the firm the copula describes
                cop = next((c for c in subj.head.children if c.dep_ == "nsubj"), None)
                users = self._conjoined(doc, slots, cop, self.BODIES | {"Person"}) if cop is not None else []
            for u in users:
                for x in used:
                    if x is u:
                        continue
                    if x.label == "Vessel" and u.label != "Vessel":
                        self._emit(out, "ASSOCIATED_WITH", [x], [u], sent, at=t.i, how="a ship the party used", cue="used")
                    elif u.label == "Person" and x.label in ("Company", "Organization"):
                        self._emit(out, "ASSOCIATED_WITH", [u], [x], sent, at=t.i, how="a firm the person used", cue="used")
                    elif x.label == "Person" and u.label in ("Agency", "Organization", "Company"):
                        self._emit(out, "ASSOCIATED_WITH", [x], [u], sent, at=t.i, how="a person the body used", cue="used")

    def _used_by(self, doc, sent, slots, out, t, subj) -> None:
        """"The tanker Y was used by X to ship coal": the ship is ASSOCIATED_WITH its user (the
        agent of the passive, named right after "by"); "was used to ship" names no user."""
        agent = next((c for c in t.children if c.dep_ == "agent"), None)
        obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if obj is None or subj is None:
            return
        users = [x for x in self._conjoined(doc, slots, obj, self.BODIES | {"Person"}) if x.label != "Vessel"]
        ships = [x for x in self._conjoined(doc, slots, subj, {"Vessel"}) if x.label == "Vessel"] \
            or [x for x in [self._slot_at(slots, subj, {"Vessel"})] if x is not None]
        if users and ships and self._agent_named(doc, agent, users[0]):
            self._emit(out, "ASSOCIATED_WITH", ships, users[:1], sent, at=t.i, how="a ship used by the passive's agent", cue="used by")

    @staticmethod
    def _agent_named(doc, agent, user) -> bool:
        """Whether the name follows "by" (after an article at most): "used by a company
        linked to X" names no user."""
        return user.start == agent.i + 1 or (user.start == agent.i + 2 and doc[agent.i + 1].lower_ in ("the", "a", "an"))
