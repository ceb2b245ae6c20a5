"""SANCTIONED_BY: who designated whom. "X was sanctioned by Y" / "Y designated X, B and C" / "Y
added X to the SDN List" / "X, a designated ..."; a US legal instrument or the body that
designated in the sentences before stands for an unnamed designator. Evasion wording and a
cue that names a programme or an enforcer block a designation; the party must be named.
Notices: the items of a list a designation announced ("- The X-flagged tanker NAME ..."), a
list counted in the opening ("identified six vessels as blocked property" ... "The following
vessels ...:" and six items), and a passive subject list the parse hung on an apposition.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc

from ingest.components.common import INFO, country_of, span_key
from ingest.components.relations.context import (
    CLAUSE_STOPS, COMPANY_NOUNS, EVASION, IDENTIFY, LAW_WORDS, PLACE_MODIFIERS, SHIP_NOUNS_HEAD, YEAR, SentenceContext, Slot, bare, inflect, list_gap, typed_back_reference, word_re,
)


# "U.S.-sanctioned", "EU-listed", "UN-designated" as one token; "sanctioned" after a "-" token.
HYPHEN_CUE = re.compile(r"^(.+?)-(sanctioned|designated|listed)$", re.IGNORECASE)
HYPHEN_WORDS = {"sanctioned", "designated", "listed"}
# Past and third-person forms of the evasion verbs ("X, which violated US sanctions"), read only
# by this family (context.EVASION holds the forms every family shares).
EVADED = {"violated", "violates", "breached", "breaches", "flouted", "flouts", "skirted", "skirts", "dodged", "dodges",
          "evades", "circumvents", "busted", "undermined", "undermines", "defied", "defying", "defy", "defies"}
# "target" is a designation cue only as a verb whose subject is a body or its act (the
# cue data keeps only "targeted"): "Treasury's action targets A", "the sanctions target B".
TARGET_VERBS = {"target", "targets", "targeting"}
ACTION_NOUNS = {"action", "actions", "move", "sanction", "sanctions", "measure", "measures", "package", "designation",
                "designations", "round", "listing", "listings", "step", "steps", "decision", "order"}
# Words that make a "list" or "register" one of designations: "the EU's sanctions list", "the SDN
# List", "the Entity List", "the UN 1718 list" (a body named before the noun does too).
SANCTION_LIST_WORDS = {"sanctions", "sanction", "sdn", "entity", "consolidated", "designation", "designations",
                       "specially", "1718", "blacklist", "black", "restrictive", "asset-freeze", "freeze"}
# Prepositions that make a sanctions noun the topic of a phrase, not an act: "a panel on North
# Korea sanctions", "talks about sanctions".
TOPIC_PREPS = {"on", "about", "regarding", "concerning", "over", "into", "with"}
# Words that lead from a sanctions noun to its party: "sanctions on X", "designations against X",
# "the designation of X", "sanctions targeting X", "measures imposed on X".
NOUN_TO_PARTY = {"on", "against", "of", "targeting", "target", "targets", "targeted", "including", "include", "includes",
                 "included", ":", "onto", "upon"}
# "The Treasury blocked the tankers A and B", "the EU froze the assets of X": designation verbs
# only with a designating body (or its act) as the subject; "blocked property" and "the navy
# blocked the strait" are not designations.
BODY_VERBS = {"block", "blocks", "blocked", "blocking", "freeze", "freezes", "froze", "frozen", "freezing"}
# Verbs of speaking: their subject is a speaker, never a designated party ("..., Anthony Example
# said"); a designating body that speaks so is the one that designates ("X was listed, the
# Treasury said").
SPEECH_VERBS = {"say", "tell", "add", "state", "announce", "note", "explain", "comment", "warn", "write", "tweet",
                "claim", "declare", "confirm", "stress", "argue", "insist", "acknowledge", "remark"}
# One word that names a kind of thing, not a party: "Fleet" out of "A Fleet and B Fleet".
GENERIC_NAMES = {"fleet", "fleets", "group", "unit", "division", "company", "firm", "network", "shipping", "marine",
                 "maritime", "navigation", "trading", "holding", "holdings", "lines", "line", "management", "services"}
# Words that may stand between two parties of one list besides context.list_gap's: "A, as well as
# the vessel's owner B", "and its charterer, C".
PARTY_GAP_EXTRA = {"'s", "\u2019s", "also", "charterer", "insurer", "subsidiary", "parent", "affiliate", "captain",
                   "master", "owners", "operators", "managers", "company", "firm", "ship"}
# Verbs whose subject opposes, lifts or weighs sanctions rather than imposing them.
OPPOSE_VERBS = {"condemn", "criticize", "criticise", "oppose", "reject", "denounce", "slam", "decry", "protest", "lift",
                "ease", "remove", "suspend", "waive", "relax", "discuss", "debate", "challenge", "contest", "dismiss",
                "fear", "face", "escape", "avoid", "ignore", "defy", "blame", "call", "describe", "label", "term"}
# How many sentences back (every sentence counts, named or not) "the body that designated before"
# reaches for a designation whose sentence names none: a quote or a line of background between
# the act and the list of its parties.
AGENT_REACH = 3
# "froze the assets of X", "blocked the property of X": the owner of the object is the party.
PROPERTY_NOUNS = {"asset", "assets", "property", "properties", "fund", "funds", "holding", "holdings", "interest", "interests"}
# Capitals that news writing uses for their governments: "Washington sanctioned X", "was
# blacklisted by London". Read only as the subject of a designation verb or after its "by".
CAPITALS = {"Washington": "United States", "London": "United Kingdom", "Ottawa": "Canada", "Canberra": "Australia",
            "Tokyo": "Japan", "Wellington": "New Zealand", "Bern": "Switzerland", "Seoul": "South Korea"}


class Sanctions(SentenceContext):
    EMITS = ('SANCTIONED_BY',)

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        self.sanction_targets, self.sanction_agents = set(rels["SANCTIONED_BY"].extract_from), set(rels["SANCTIONED_BY"].targets)
        self.sanction_forms = {f for v in r["sanction_verbs"] for f in inflect(v)} | set(r["sanction_nouns"])
        self.add_forms = {f for v in r["sanction_add_verbs"] for f in inflect(v)}
        self.list_nouns = set(r["sanction_list_nouns"])
        self.programme_words = set(r["sanction_programme_words"])
        self.agent_excluded = [w.lower() for w in r["sanction_agent_excluded"]]
        self.agent_excluded_re = word_re(self.agent_excluded)
        self.sanction_bodies_re = word_re(w.lower() for w in r["sanction_bodies"])
        self.not_named = {w.lower() for w in r["not_named"]}
        self.us_instruments = [w.lower() for w in r["us_instruments"]]
        self.blocked_property = [tuple(w.split()) for w in r["blocked_property"]]
        # Words a designation cue can be (see _sanction_cue): _sanctions looks at these tokens only.
        self.sanction_cue_words = self.add_forms | IDENTIFY | {"list", "freeze", "ban", "measures"} | self.sanction_forms | TARGET_VERBS | BODY_VERBS | {"action", "actions"}

    def _is_sanctioner(self, doc: Doc, slot: Slot) -> bool:
        """A state, or an agency that designates: not a navy, court, police force or the like
        ("the Royal Navy", "the District Court"), and not the bare word "Government"."""
        if slot.end + 1 < len(doc) and doc[slot.end].text in ("-", "\u2011", "\u2013") and doc[slot.end + 1].lower_ in PLACE_MODIFIERS:
            return False   # "UAE-based X", "a Panama-flagged tanker": a place, not a body that acts
        if slot.label == "Country":
            return True
        if slot.label != "Agency":
            return False
        text = bare(doc[slot.start:slot.end].text)
        # The gazetteer's full name too: "IRGC" is the Revolutionary Guard Corps.
        canonical = bare(doc.user_data.get(INFO, {}).get(span_key(slot.start, slot.end), {}).get("canonical") or "")
        return text not in self.not_named and not self.agent_excluded_re.search(text) and not (canonical and self.agent_excluded_re.search(canonical))

    def _is_named(self, doc: Doc, slot: Slot, state: dict) -> bool:
        """Whether a sanction target is a named party: not a common word or phrase that an
        earlier step took for a name ("foreign", "shipping lines", "SDN list"), and not itself
        a designating body."""
        if slot.keys != [(slot.start, slot.end)]:
            return True  # a plural reference stands for the ships named before it
        span = doc[slot.start:slot.end]
        text = bare(span.text)
        if not text or text in self.not_named:
            return False
        if all(t.lower_ in self.not_named or t.is_stop or t.is_punct for t in span):
            return False
        if not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in span):
            return False
        if slot.label == "Agency" and self.sanction_bodies_re.search(text):
            return False
        if slot.label == "Agency":
            # "UNSC", "OFSI": a designating body under its short name (the gazetteer's full name).
            canonical = bare(doc.user_data.get(INFO, {}).get(span_key(slot.start, slot.end), {}).get("canonical") or "")
            if canonical and self.sanction_bodies_re.search(canonical):
                return False
        if span[-1].lower_ in LAW_WORDS:
            return False  # "the International Emergency Economic Powers Act" is a law, not a party
        words = [t for t in span if t.lower_ != "the"]
        if len(words) == 1 and words[0].lower_ in GENERIC_NAMES | SHIP_NOUNS_HEAD:
            return False  # "Fleet" split off "A Fleet and B Fleet": a kind of thing, not a name
        return slot.keys[0] not in state["warships"]

    @staticmethod
    def _opposed(doc: Doc, i: int) -> bool:
        """Whether the sanctions noun at i is the object of a verb that opposes, lifts or debates
        them ("Iran condemned the sanctions on X", "the EU lifted sanctions on X"): its subject
        does not designate."""
        tok = doc[i]
        return doc.has_annotation("DEP") and tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "nsubjpass") \
            and tok.head.lemma_.lower() in OPPOSE_VERBS

    def _governing_subject(self, doc: Doc, i: int):
        """The subject of the designation at i: of the verb itself ("OFAC designated X"), or of
        the verb whose object the sanctions noun is ("the UK imposed sanctions on X")."""
        if not doc.has_annotation("DEP"):
            return None
        tok = doc[i]
        if tok.pos_ in ("VERB", "AUX"):
            return self._subject(doc, i)
        if tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and tok.head.lemma_.lower() not in OPPOSE_VERBS:
            return self._subject(doc, tok.head.i)
        return None

    HIT_VERBS = {"hit", "slap", "punish", "penalize", "penalise", "target", "sanction"}

    def _hit_with(self, doc: Doc, i: int):
        """The verb of "were hit with sanctions" / "the UK slapped A with sanctions" whose "with"
        governs the sanctions noun at i, or None ("talks with sanctions experts" is a topic)."""
        prep = doc[i].head
        verb = prep.head
        if prep.lower_ != "with" or verb.pos_ != "VERB" or verb.lemma_.lower() not in self.HIT_VERBS:
            return None
        return verb

    @staticmethod
    def _under_cue(doc: Doc, j: int, i: int) -> bool:
        """Whether token j hangs under the cue at i in the parse, through no relative, adverbial
        or complement clause ("firms that sell to buyers, including X": X is a buyer)."""
        tok = doc[i]
        # (the verb whose object the cue is: "taken actions to dismantle the network, including X")
        verb = tok.head.i if tok.dep_ == "dobj" and tok.pos_ == "NOUN" else i
        for a in doc[j].ancestors:
            if a.i in (i, verb):
                return True
            if a.dep_ in ("relcl", "advcl", "ccomp", "pcomp", "conj"):
                return False
        return False

    @staticmethod
    def _capital(doc: Doc, slots: list[Slot], tok) -> list:
        """[the country] when `tok` is a capital standing for its government (CAPITALS)."""
        if tok is None:
            return []
        hit = next((x for x in slots if x.start <= tok.i < x.end), None)
        if hit is None and tok.lower_ in ("government", "administration"):
            # "the British government", "the Biden administration" (a name before "administration"
            # is a US president's, as news writing uses it): the state.
            mods = [c for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i]
            for c in mods:
                country = country_of(c.text)
                if country is not None:
                    return [("Country", country["name"])]
            if tok.lower_ == "administration" and mods and all(c.pos_ == "PROPN" and c.ent_type_ in ("", "Person") for c in mods):
                return [("Country", country_of("United States")["name"])]
            return []
        if hit is None or hit.label not in ("Location", "Country") or doc[hit.start:hit.end].text not in CAPITALS:
            return []
        country = country_of(CAPITALS[doc[hit.start:hit.end].text])
        return [("Country", country["name"])] if country else []

    @staticmethod
    def _stray_agent(doc: Doc, slot: Slot, cue: int) -> bool:
        """Whether a body named before the cue plays another part in the sentence: the object of
        a preposition other than "by" ("ships oil to China", "buyers in China", "oil from Iran";
        "sanctions from the US" still acts), or a word of a clause the cue is not in ("X, which
        supplied Iran, was sanctioned")."""
        if not doc.has_annotation("DEP"):
            return False
        root = doc[slot.start:slot.end].root
        if root.dep_ == "pobj" and root.head.lower_ != "by" and not (
                root.head.lower_ == "from" and root.head.head.lower_ in ("sanction", "sanctions", "designation", "designations")):
            return True
        for a in root.ancestors:
            if a.dep_ in ("relcl", "acl", "advcl") and not any(t.i == cue for t in a.subtree):
                return True
        return False

    @staticmethod
    def _speaker(doc: Doc, slot: Slot, cue: int) -> bool:
        """Whether the name is the one who speaks ("..., Anthony Example said", "Anthony Example,
        a spokesman, told reporters", "according to Anthony Example"): the subject of a verb of
        speaking (or a name in apposition to it), or the object of "according to"; not when the
        cue is in a clause about the name ("X, which the US sanctioned in 2020, said ...")."""
        if not isinstance(slot, Slot) or slot.keys != [(slot.start, slot.end)] or not doc.has_annotation("DEP"):
            return False
        root = doc[slot.start:slot.end].root
        if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.i > 0 and doc[root.head.i - 1].lower_ == "according":
            return True
        if slot.end < len(doc) and slot.start > 0 and doc[slot.start - 1].text == "," and doc[slot.end].pos_ == "VERB" \
                and doc[slot.end].lemma_.lower() in SPEECH_VERBS and cue < slot.start:
            return True   # "..., Anthony Example said." (whatever the parse made of the name)
        if root.dep_ == "appos" and slot.label == "Person":
            root = root.head   # "the spokesman, Anthony Example, said"
        if any(t.i == cue for t in root.subtree):
            return False
        return root.dep_ == "nsubj" and root.head.lemma_.lower() in SPEECH_VERBS

    def _sanction_cue(self, doc: Doc, i: int, hi: int) -> str | None:
        """What kind of designation cue token i is, or None: "add" ("added X to the SDN
        List"), "blocked" ("identified X as blocked property"), "sanction" (designated,
        sanctioned, sanctions on ...)."""
        low = doc[i].lower_
        if low in self.add_forms:
            # "added X to the SDN List", "placed X on its sanctions list"
            to = next((j for j in range(i + 1, min(i + 16, hi)) if doc[j].lower_ in ("to", "on", "onto")), None)
            noun = next((t for t in doc[to + 1:min(to + 6, hi)] if t.lower_ in self.list_nouns), None) if to is not None else None
            if noun is None:
                return None
            between = doc[to + 1:noun.i]
            if noun.lower_ in ("list", "register") and not any(t.lower_ in SANCTION_LIST_WORDS or t.ent_type_ in ("Agency", "Country") for t in between):
                # "added X to its list of vessels banned ...": the list of a body that is the subject;
                # "added X to their watch list": not a list of designations.
                subj = self._subject(doc, i) if doc[i].pos_ == "VERB" else None
                if not (subj is not None and subj.ent_type_ in ("Agency", "Country") and [t.lower_ for t in between if t.lower_ != "own"] in (["its"], ["their"])):
                    return None
            return "add"
        if low in IDENTIFY:
            window = tuple(t.lower_ for t in doc[i + 1:min(i + 25, hi)])
            if any(window[k:k + len(p)] == p for p in self.blocked_property for k in range(len(window))):
                return "blocked"
            return None
        if low == "list" and i > 0 and doc[i - 1].lower_ in ("sdn", "sanctions", "sanction") and doc.has_annotation("DEP"):
            # "X is on the SDN List", "the SDN List now includes X"
            head = doc[i].head
            if (doc[i].dep_ == "pobj" and head.lower_ == "on" and head.head.lemma_ in ("be", "remain", "appear", "stay")) or (
                    doc[i].dep_ == "nsubj" and head.lemma_ in ("include", "name", "list")):
                return "onlist"
            return None
        if low in ("freeze", "ban") and i > 0 and doc[i - 1].lower_ in ("asset", "assets", "entry", "port"):
            # "subject to a UN asset freeze", "designated as subject to a port entry ban"
            return "sanction"
        if low == "measures":
            # "restrictive measures on X" (the EU's word for its sanctions); not "safety measures"
            return "sanction" if i > 0 and doc[i - 1].lower_ == "restrictive" else None
        if low in ("action", "actions"):
            # "OFAC took action against X", "Treasury is taking sanctions action against X": the
            # object of "take" whose subject is a body; not "enforcement action", "legal action".
            tok = doc[i]
            if not doc.has_annotation("DEP") or tok.dep_ != "dobj" or tok.head.lemma_.lower() != "take":
                return None
            if any(c.lower_ in ("enforcement", "legal", "civil", "criminal", "court", "military", "disciplinary", "police", "naval")
                   for c in tok.children if c.dep_ in ("compound", "amod", "nmod")):
                return None
            subj = self._subject(doc, tok.head.i)
            ent = next((e for e in doc.ents if subj is not None and e.start <= subj.i < e.end), None)
            if ent is None or not self._is_sanctioner(doc, Slot(ent.start, ent.end, ent.label_, [(ent.start, ent.end)])):
                return None   # "the Coast Guard took action against": not a designating body
            return "sanction"
        if low in TARGET_VERBS or (low == "targeted" and doc.has_annotation("DEP") and doc[i].pos_ == "VERB" and doc[i].dep_ not in ("amod", "acl")
                                   and not any(c.dep_ in ("auxpass", "agent") for c in doc[i].children)):
            # "Treasury's action targets A and B", "OFAC is targeting A": a verb whose subject is a
            # designating body or its act; not "attacks targeted the tanker".
            subj = self._subject(doc, i) if doc.has_annotation("DEP") and doc[i].pos_ == "VERB" else None
            if subj is None or not (subj.ent_type_ in ("Agency", "Country") or subj.lemma_.lower() in ACTION_NOUNS):
                return None
            return "sanction"
        if low in BODY_VERBS and low not in self.sanction_forms:
            # "The Treasury blocked the tankers A and B", "the EU froze the assets of X", "A was
            # blocked by OFAC": a verb whose subject (or agent) is a designating body or its act.
            tok = doc[i]
            if not doc.has_annotation("DEP") or tok.pos_ != "VERB" or tok.dep_ in ("amod", "compound"):
                return None
            by = next((c for c in tok.children if c.dep_ == "agent"), None)
            actor = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else self._subject(doc, i)
            if actor is None or actor.lower_ in ("which", "that", "who"):
                return None
            ent = next((e for e in doc.ents if e.start <= actor.i < e.end), None)
            if ent is not None and self._is_sanctioner(doc, Slot(ent.start, ent.end, ent.label_, [(ent.start, ent.end)])):
                return "sanction"
            return "sanction" if ent is None and by is None and actor.lemma_.lower() in ACTION_NOUNS else None
        if low not in self.sanction_forms:
            return None
        nxt = i + 1
        while nxt < hi and doc[nxt].text in ("-", "\u2011", "\u2013"):
            nxt += 1
        if nxt < hi and (doc[nxt].lower_ in self.programme_words or doc[nxt].lower_ in EVASION):
            # "under the Russia sanctions regime", "sanctions enforcement", "sanctions-evading",
            # "the 1718 Sanctions Committee": a programme, an activity or a body, not an act.
            return None
        return "sanction"

    def _prefixed(self, doc, sent, slots, dates, out, state):
        """"the U.S.-sanctioned vessels A, B and C", "the U.S.-, United Kingdom-, and EU-sanctioned
        X": a designator written as a prefix of the participle designates every name the
        participle describes (the noun's own name, or the names in apposition to it); also
        when the tokenizer splits the prefix off ("European Union - sanctioned")."""
        self._prefixed_at = set()
        if not doc.has_annotation("DEP"):
            return
        lo, hi = sent.start, sent.end
        lower = self._lower if self._doc is doc else [t.lower_ for t in doc]
        for i in range(lo, hi):
            if lower[i].isascii() and not lower[i].endswith(("sanctioned", "designated", "listed")):
                continue  # neither test below can hold (read from the shared strings: no Token per word)
            tok = doc[i]
            m = HYPHEN_CUE.match(tok.text)
            split = tok.lower_ in HYPHEN_WORDS and i - 1 > lo and doc[i - 1].text == "-"
            if not m and not split:
                continue
            prefixes: list[tuple[str, int]] = [(m.group(1), i)] if m else []
            # Coordinated prefixes before: "U.S.-, United Kingdom-, and European Union-sanctioned"
            j = (i - 2 if split else i - 1)
            if split:
                # ("US" is a stop word in lower case: an all-capitals word is a name here)
                while j >= lo and doc[j].text[:1].isupper() and not (doc[j].is_stop and not doc[j].text.isupper()):
                    j -= 1
                if j + 1 <= i - 2:
                    prefixes.append((doc[j + 1:i - 1].text, j + 1))
            while j >= lo and doc[j].lower_ in (",", "and"):
                j -= 1
                while j >= lo and doc[j].lower_ in (",", "and"):
                    j -= 1
                if j < lo or not doc[j].text.endswith("-") or len(doc[j].text) < 2:
                    break
                k = j
                while k - 1 >= lo and doc[k - 1].text[:1].isupper() and not doc[k - 1].text.endswith("-") and not doc[k - 1].is_stop:
                    k -= 1
                prefixes.append((doc[k:j + 1].text[:-1], k))
                j = k - 1
            agents = []
            for text, at in prefixes:
                country = country_of(text)
                if country is not None:
                    agents.append(("Country", country["name"]))
                else:
                    slot = next((x for x in slots if x.start <= at < x.end and x.label == "Agency" and self._is_sanctioner(doc, x)), None)
                    if slot is not None:
                        agents.append(slot)
            if not agents:
                continue
            head = tok.head
            parsed = tok.dep_ in ("amod", "compound", "nmod") and head.i > i
            if not parsed and i + 2 < len(doc) and doc[i + 1].text == ")" and any(doc[k].text == "(" for k in range(max(lo, i - 6), i)):
                # "the (EU-listed) X": the parse loses the parenthesised participle (and may end
                # the sentence at the parenthesis); it describes the name right after it.
                nxt = next((x for x in slots if x.start == i + 2), None)
                if nxt is None and i + 2 >= hi:
                    ent = next((e for e in doc.ents if e.start == i + 2), None) if doc[i + 2].ent_iob_ == "B" else None
                    nxt = Slot(ent.start, ent.end, ent.label_, [(ent.start, ent.end)]) if ent is not None else None
                if nxt is not None and nxt.end < len(doc) and doc[nxt.end].is_title and not doc[nxt.end].is_stop:
                    nxt = None   # the name found is only the start of a longer one ("X Research Organisation")
                targets = [nxt] if nxt is not None and nxt.label in self.sanction_targets else []
            elif not parsed:
                continue
            else:
                targets = self._conjoined(doc, slots, head, self.sanction_targets)
                if not targets and head.i + 1 < hi:
                    # "the US-sanctioned tanker NAME" where the parse made the noun hang on the name:
                    # the name right after the noun it describes.
                    nxt = next((x for x in slots if x.start == head.i + 1 and x.label in self.sanction_targets), None)
                    if nxt is not None and any(head.i == t.head.i or t.i == head.head.i for t in doc[nxt.start:nxt.end]):
                        targets = [nxt]
            targets = [t for t in targets if self._is_named(doc, t, state)]
            if targets:
                self._prefixed_at.add(i)
                self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i,
                           how="designator as the prefix of the participle", year=self._year(doc, lo, hi, i), cue=tok.lower_)

    @staticmethod
    def _opens_list(doc: Doc, sent, i: int) -> bool:
        """Whether the designation at i announces a list that follows: its subject or object is
        "the following <noun>" and the sentence ends with a colon."""
        words = [t for t in doc[sent.start:sent.end] if not t.is_space]
        if not words or words[-1].text != ":":
            return False
        return any(t.lower_ == "following" and t.i + 1 < sent.end and doc[t.i + 1].pos_ == "NOUN" for t in words)

    def _unnamed_sentence(self, doc, sent, state) -> None:
        """A sentence that names nobody may still announce a list of designations ("The following entities are designated under E.O. 13902:"); any other one ends
        a list being read."""
        lo, hi = sent.start, sent.end
        if "heading" not in state:
            self._read_heading(doc, state)
        # Every sentence counts for how far back "the body that designated before" reaches.
        state["sent_no"] = state.get("sent_no", 0) + 1
        if state.get("list") and (self._continues_item(doc, sent, state["list"][2]) or (
                all(t.is_space or t.is_punct or t.like_num for t in doc[lo:hi]) and all(t.is_space for t in doc[state["list"][2]:lo]))):
            # (an item's number the parser left as a sentence of its own: "1." before "X (IMO ...)")
            state["list"] = (*state["list"][:2], hi)
            return
        state["list"] = None
        for i in self._cue_at[bisect_left(self._cue_at, lo):bisect_left(self._cue_at, hi)]:
            if self._sanction_cue(doc, i, hi) and not self._blocked(doc, lo, i, hi) and not self._opposed(doc, i):
                # "The British government announced new sanctions": the state acts (no name in
                # the sentence); the parties may follow.
                state_agent = self._capital(doc, [], self._governing_subject(doc, i))
                if state_agent and self.certainty(doc, i, lo, hi) not in ("denied", "hypothetical"):
                    state["agent"] = (state_agent, state["sent_no"])
            if self._sanction_cue(doc, i, hi) and not self._blocked(doc, lo, i, hi) and self._opens_list(doc, sent, i):
                passive = doc.has_annotation("DEP") and any(c.dep_ == "auxpass" for c in doc[i].children)
                agents = state.get("doc_agent") if passive else None
                if agents:
                    state["list"] = (agents, doc[i].lower_, hi)
                return
        self._counted_list(doc, sent, state)

    def _list_item(self, doc, sent, slots, dates, out, state) -> bool:
        """An item of a list a designation announced ("- X;", "- X; and"): the names that open
        it are designated by that body. False once the list has ended: a line that is no item,
        or any sentence between the last item and this one."""
        agents, cue, last = state["list"]
        first = next((t for t in doc[sent.start:sent.end] if not t.is_space), None)
        if self._continues_item(doc, sent, last):
            # A second sentence on the item's line ("- The tanker X ... since 2024.  In 2025 Y
            # used it ...") belongs to the item: the list goes on after it.
            state["list"] = (agents, cue, sent.end)
            return True
        if first is not None and first.text not in ("-", "\u2022", "*", "\u2013") and all(t.is_space for t in doc[last:sent.start]):
            # Items without a dash: "1. X (IMO ...)" or one name a line ("X (IMO ...)\nY (IMO ...)").
            lines = self._line_items(doc, sent, slots)
            if lines:
                state["list"] = (agents, cue, sent.end)
                targets = [t for t in lines if self._is_named(doc, t, state)]
                self._emit(out, "SANCTIONED_BY", targets, agents, sent, None, how="item of a list a designation announced (one name a line)",
                           cue=cue, listed=True)
                return True
        if first is None or first.text not in ("-", "\u2022", "*", "\u2013") or not all(t.is_space for t in doc[last:sent.start]):
            return False
        state["list"] = (agents, cue, sent.end)
        item = [x for x in slots if x.label in self.sanction_targets]
        if item and (all(t.is_punct or t.is_space or t.lower_ == "the" for t in doc[first.i + 1:item[0].start])
                     or self._described_name(doc, first.i + 1, item[0])):
            targets = self._with_list(slots, item[0], doc, sent.end)
            targets = [t for t in targets if self._is_named(doc, t, state)]
            self._emit(out, "SANCTIONED_BY", targets, agents, sent, None, how="item of a list a designation announced", cue=cue, listed=True)
        return True

    def _line_items(self, doc: Doc, sent, slots: list[Slot]) -> list[Slot]:
        """The names of a list written one name a line, with or without a number ("2. X (IMO
        ...)"): every line of the sentence opens with a party's name, after its number, and only
        identifiers in parentheses follow it; [] for anything else (a sentence with a verb)."""
        if any(t.pos_ in ("VERB", "AUX") for t in doc[sent.start:sent.end]):
            return []
        text = doc.text
        start_char, end_char = doc[sent.start].idx, doc[sent.end - 1].idx + len(doc[sent.end - 1].text)
        out = []
        pos = start_char
        while pos < end_char:
            stop = text.find("\n", pos)
            stop = end_char if stop < 0 or stop > end_char else stop
            line = text[pos:stop]
            if line.strip():
                lead = len(line) - len(line.lstrip())
                name = next((x for x in slots if doc[x.start].idx >= pos + lead and doc[x.start].idx < stop), None)
                if name is None or name.label not in self.sanction_targets:
                    return []
                before = text[pos:doc[name.start].idx].strip()
                if before and not (before.rstrip(".)").isdigit() and before[-1:] in ".)"):
                    return []
                after = text[doc[name.end - 1].idx + len(doc[name.end - 1].text):stop].strip(" ;,.")
                if after and not (after.startswith("(") and after.endswith(")")) and after.lower() not in ("and", "; and"):
                    return []
                out.append(name)
            pos = stop + 1
        return out

    @staticmethod
    def _continues_item(doc: Doc, sent, last: int) -> bool:
        """Whether the sentence goes on the line of the list item that ended at token `last`
        (no line break between them), so is part of that item, not the end of the list."""
        first = next((t for t in doc[sent.start:sent.end] if not t.is_space), None)
        if first is None or last <= 0 or first.i < last or first.text in ("-", "\u2022", "*", "\u2013"):
            return False
        k = last - 1
        while k > 0 and doc[k].is_space:
            k -= 1
        prev = doc[k]
        if "\n" in doc.text[prev.idx + len(prev.text):first.idx]:
            return False
        line = doc.text[doc.text.rfind("\n", 0, prev.idx) + 1:prev.idx].lstrip()
        return line[:1] in ("-", "\u2022", "*", "\u2013")

    COUNT_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                              "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}

    def _counted_object(self, doc: Doc, i: int, slots: list[Slot]):
        """The counted plural a designation verb takes when it names nobody: "identified six
        vessels as blocked property" gives (6, "vessel"); None otherwise."""
        if not doc.has_annotation("DEP") or doc[i].pos_ != "VERB":
            return None
        obj = next((c for c in doc[i].children if c.dep_ == "dobj"), None)
        if obj is None or obj.tag_ != "NNS" or any(x.start <= obj.i < x.end for x in slots):
            return None
        num = next((c for c in obj.children if c.dep_ == "nummod"), None)
        if num is None:
            return None
        n = int(num.text) if num.text.isdigit() else self.COUNT_WORDS.get(num.lower_)
        return (n, obj.lemma_.lower()) if n else None

    @staticmethod
    def _items_after(doc: Doc, hi: int) -> int:
        """How many "- " lines follow the sentence ending at hi, one after another."""
        count = 0
        for line in doc.text[doc[hi - 1].idx + len(doc[hi - 1].text):].split("\n"):
            line = line.strip()
            if not line:
                continue
            if line[:1] not in ("-", "\u2022", "*", "\u2013"):
                break
            count += 1
        return count

    def _counted_list(self, doc, sent, state) -> None:
        """"OFAC identified six vessels as blocked property." ... "The following vessels are
        tankers that ...:" and exactly six items: the items are the six the designation counted,
        though the sentence that opens the list has no designation word."""
        counted = state.get("counted")
        if not counted:
            return
        agents, n, noun, cue = counted
        words = [t for t in doc[sent.start:sent.end] if not t.is_space]
        if not words or words[-1].text != ":":
            return
        if not any(t.lower_ == "following" and t.i + 1 < sent.end and doc[t.i + 1].lemma_.lower() == noun for t in words):
            return
        if self._items_after(doc, sent.end) == n:
            state["list"] = (agents, cue, sent.end)
            state["counted"] = None

    def _listed_subject(self, doc: Doc, slots: list[Slot], subj) -> list[Slot]:
        """The parties of a passive's subject: "A and B", and also "A, B, C, and D" when the
        parse hangs the list on the first name as an apposition ("A, B" with B's conjuncts):
        a named apposition that has conjuncts of its own is a list, not a second name of A."""
        targets = self._conjoined(doc, slots, subj, self.sanction_targets)
        if not targets or self._slot_at(slots, subj, self.sanction_targets, follow_appos=False) is None:
            return targets
        for c in subj.children:
            if c.dep_ != "appos" or not any(g.dep_ == "conj" for g in c.children):
                continue
            if any(doc[k].dep_ in ("relcl", "acl") for k in range(subj.i + 1, c.i)):
                # "A, a company that operates two tankers, the B and the C": the names after a
                # relative clause are what its object stands for, not more parties of the verb
                continue
            listed = self._conjoined(doc, slots, c, self.sanction_targets)
            # ("A, a Chinese national, and B": the parse hangs B on the common noun describing A)
            common = c.pos_ == "NOUN" and not any(x.start <= c.i < x.end for x in slots)
            if len(listed) >= 2 or (common and listed):
                targets += [x for x in listed if x not in targets]
        return sorted(targets, key=lambda x: x.start)

    PARTY_LABELS = {"Vessel", "Company", "Person", "Organization"}

    def _read_heading(self, doc: Doc, state: dict) -> None:
        """A document whose heading says who designates ("Treasury Sanctions Tankers That ...",
        "OFAC Designates ...": the first line, with no full stop, a designating body and a
        designation verb after it) names the body behind the designations its text states
        without one (a passive "X is being designated pursuant to ..."; see _implied_agent). The
        body the text names as designating, when it does, wins (_sanctions)."""
        state["heading"] = False
        text = doc.text
        start = len(text) - len(text.lstrip())
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].rstrip()
        if not line or line.endswith((".", "!", "?", ":", ";", ",")) or end - start > 200:
            return
        for ent in doc.ents:
            if ent.start_char >= end:
                break
            if ent.label_ not in ("Agency", "Country"):
                continue
            slot = Slot(ent.start, ent.end, ent.label_, [(ent.start, ent.end)])
            if not self._is_sanctioner(doc, slot):
                continue
            k = ent.end
            while k < len(doc) and doc[k].idx < end and (doc[k].is_punct or doc[k].lower_ in ("'s", "\u2019s")):
                k += 1
            if k < len(doc) and doc[k].idx < end and (doc[k].lower_ in self.sanction_forms or doc[k].lower_ in self.add_forms):
                agent = self._possessor_chain([slot], [slot], doc, len(doc))
                if "doc_agent" not in state:
                    state["doc_agent"], state["heading"] = agent, True
                return

    @staticmethod
    def _dated_passive(doc: Doc, i: int, hi: int) -> bool:
        """A passive designation dated in the words right after it ("which was designated on 24
        September 2019", "was designated in October 2011"): an earlier action, whose designator
        is not the body acting in the rest of the sentence."""
        if not doc.has_annotation("DEP") or doc[i].pos_ != "VERB" or not any(c.dep_ == "auxpass" for c in doc[i].children):
            return False
        return any(YEAR.match(t.text) for t in doc[i + 1:min(i + 7, hi)]) or Sanctions._sanction_dated_verb(doc, i)

    SANCTION_DATE_PREPS = {"in", "on", "since", "during", "back"}
    SANCTION_SCENE_MARKS = {"after", "since", "before", "once", "when", "following", "until", "although", "though", "while"}

    @staticmethod
    def _sanction_dated_verb(doc: Doc, i: int) -> bool:
        """Whether the verb at i carries a year through a date phrase of its own ("was designated
        as a terrorist group in March 2025"), not one inside a clause it governs ("was
        sanctioned for delivering oil in July 2025")."""
        for c in doc[i].children:
            if c.dep_ == "prep" and c.lower_ in Sanctions.SANCTION_DATE_PREPS and c.i > i:
                if any(YEAR.match(t.text) for t in c.subtree if not any(a.pos_ == "VERB" and a.i > i for a in t.ancestors if a.i in range(c.i, t.i))):
                    return True
            if c.dep_ == "npadvmod" and any(YEAR.match(t.text) for t in c.subtree):
                return True
        return False

    @staticmethod
    def _scene_setting(doc: Doc, i: int) -> bool:
        """Whether the designation at i sits in a clause that sets the scene ("After X was
        designated as ..., OFAC issued ..."): an earlier act, not the one the text reports."""
        if not doc.has_annotation("DEP"):
            return False
        tok = doc[i]
        for _ in range(3):
            if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in Sanctions.SANCTION_SCENE_MARKS for c in tok.children):
                return True
            if tok.dep_ not in ("conj",) or tok.head is tok:
                return False
            tok = tok.head
        return False

    @staticmethod
    def _modifies_noun(doc: Doc, t: Slot, slots: list[Slot]) -> bool:
        """Whether the name only modifies a common noun after it ("three X general sales agents",
        "designations of X affiliates"): in the parse, the name's head word is a compound of an
        unnamed noun."""
        if t.keys != [(t.start, t.end)] or not doc.has_annotation("DEP"):
            return False
        root = doc[t.start:t.end].root
        head = root.head
        if head.lower_ in COMPANY_NOUNS and t.label == "Company":
            return False  # "the X Trading company": the noun only says what X is
        # ("three X GSAs": a plural the tagger took for a name is a common noun too)
        return root.dep_ == "compound" and head.i >= t.end and (head.pos_ == "NOUN" or head.tag_ in ("NNS", "NNPS")) \
            and not any(x.start <= head.i < x.end for x in slots)

    def _back_party(self, doc: Doc, tok, state: dict) -> list[Slot]:
        """The ship or company a subject or object "it" / "the vessel" / "the company" stands
        for (context.typed_back_reference); never a warship."""
        refs = typed_back_reference(self, doc, tok, self.PARTY_LABELS, self._sent_no)
        return [r for r in refs if not any(k in state["warships"] for k in r.keys)]

    @staticmethod
    def _listed_on(doc: Doc, slots: list[Slot], group: list[Slot], hi: int, skip=()) -> list[Slot]:
        """`group` and the parties listed right after it whatever their kind ("designated A Ltd,
        the tanker B and C Inc"): only list words between them ("," "and", "the", a ship type,
        "its owner", a flag or place modifier), with a separator ("," or "and") each time; a
        name in parentheses (an alias, "(IMO ...)") is skipped, and any other word ends the list."""
        if not group:
            return group
        out = list(group)
        for s in slots:
            if s.start < out[-1].end or s in skip or s in out or s.start >= hi:
                continue
            gap = doc[out[-1].end:s.start]
            depth = sum(1 if t.text == "(" else -1 if t.text == ")" else 0 for t in gap)
            if depth > 0:
                continue   # inside parentheses: an alias or an identifier
            if s.label in ("Country", "Location") and s.end + 1 < len(doc) and doc[s.end].text == "-" \
                    and doc[s.end + 1].lower_ in PLACE_MODIFIERS:
                continue   # "the Panama-flagged tanker B": a modifier inside the list
            if s.label not in Sanctions.PARTY_LABELS or not list_gap([t for t in gap if t.lower_ not in PARTY_GAP_EXTRA]) or not any(t.text == "," or t.lower_ in ("and", "&") for t in gap):
                break
            out.append(s)
        return out

    @staticmethod
    def _described_name(doc: Doc, lo: int, slot: Slot) -> bool:
        """Whether the words from lo up to the name only describe it: "the Togo-flagged gas
        tanker X", where the name stands in apposition to (or is) the head of that noun phrase.
        A comma, a clause or any word outside the phrase means the item opens with something
        else."""
        if not doc.has_annotation("DEP") or slot.start - lo > 10 or slot.start <= lo:
            return False
        root = doc[slot.start:slot.end].root
        head = root.head if root.dep_ in ("appos", "compound") and root.head.i < slot.start else root
        if head.pos_ not in ("NOUN", "PROPN"):
            return False
        phrase = {t.i for t in head.subtree}
        return all(t.i in phrase and t.text not in (",", ";", "(", ")") and (t.pos_ not in ("VERB", "AUX") or t.dep_ == "amod")
                   for t in doc[lo:slot.start] if not t.is_space)

    def _sanctions(self, doc, sent, slots, dates, hits, out, state):
        lo, hi = sent.start, sent.end
        if "heading" not in state:
            self._read_heading(doc, state)
        state["sent_no"] = state.get("sent_no", 0) + 1
        if state.get("list"):
            if self._list_item(doc, sent, slots, dates, out, state):
                return
            state["list"] = None
        self._counted_list(doc, sent, state)
        self._prefixed(doc, sent, slots, dates, out, state)
        agent_slots = [s for s in slots if s.label in self.sanction_agents and self._is_sanctioner(doc, s)]
        if doc.has_annotation("DEP"):
            # A designating body as the subject of the sentence ("OFAC took action against
            # ...") is the one behind a passive designation in the sentences that follow.
            for a in agent_slots:
                if a.label == "Agency" and any(t.dep_ == "nsubj" and t.head.dep_ == "ROOT" for t in doc[a.start:a.end]) \
                        and self.sanction_bodies_re.search(bare(doc[a.start:a.end].text)):
                    # "the Treasury's Office of Foreign Assets Control": the body at the end
                    # of the possessive chain acts.
                    a = (self._possessor_chain([a], slots, doc, hi, lambda x: self._is_sanctioner(doc, x)) or [a])[0]
                    state["agent"] = ([a], state["sent_no"])
                    # The first such sentence that designates ("OFAC is designating ...",
                    # "OFAC is imposing sanctions on ...") names the document's designator.
                    if ("doc_agent" not in state or state.get("heading")) and any(self._sanction_cue(doc, k, hi) for k in
                                                        self._cue_at[bisect_left(self._cue_at, lo):bisect_left(self._cue_at, hi)]):
                        state["doc_agent"], state["heading"] = [a], False
                    break
        for i in self._cue_at[bisect_left(self._cue_at, lo):bisect_left(self._cue_at, hi)]:
            kind = self._sanction_cue(doc, i, hi)
            if kind is None:
                continue
            low = doc[i].lower_
            denied = False
            if i in self._prefixed_at or HYPHEN_CUE.match(doc[i].text) or (low in HYPHEN_WORDS and i - 1 > lo and doc[i - 1].text == "-"):
                # "the (EU-listed) X", "U.S.-sanctioned X": read by _prefixed alone; the words
                # around the participle say nothing more.
                continue
            if self._blocked(doc, lo, i, hi) or any(t.lower_ in EVADED for t in doc[max(lo, i - self.window):min(hi, i + 2)]):
                self._drop(doc, "SANCTIONED_BY", [], [], sent, f"evasion or escape wording near the cue '{doc[i].text}'")
                continue
            incl = self._included_names(doc, slots, i, hi)
            if incl:
                # "Designated companies included A and B", "Among the sanctioned vessels were A and
                # B": the body that designated in the text (the notice's, or one in the two
                # sentences before, or the one the sentence quotes).
                incl = [t for t in incl if self._is_named(doc, t, state)]
                said = [a for a in agent_slots if any(t.dep_ == "nsubj" and t.head.dep_ == "ROOT" for t in doc[a.start:a.end])]
                last = state.get("agent")
                agents = said[:1] or state.get("doc_agent") or (last[0] if last and 0 < state["sent_no"] - last[1] <= AGENT_REACH else [])
                if agents and incl:
                    self._emit(out, "SANCTIONED_BY", incl, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i,
                               how="the names a designated group includes; designator: the text's", year=self._year(doc, lo, hi, i), cue=low)
                elif incl:
                    self._drop(doc, "SANCTIONED_BY", incl, [], sent, "a designated group's names, but no body designates in the text")
                continue
            under = self._under_sanctions_of(doc, slots, i, agent_slots, state) if kind == "sanction" else None
            if under is not None:
                # "X has been under US sanctions since 2019", "the ship, which is under EU sanctions":
                # the body the phrase names; none named, no edge.
                targets, agents = under
                targets = [t for t in targets if self._is_named(doc, t, state)]
                if targets and agents:
                    self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i,
                               how="'under <body> sanctions'", year=self._year(doc, lo, hi, i), cue=low,
                               denied=any(t.lower_ in self.negations for t in doc[max(lo, i - 6):i]))
                elif targets:
                    self._drop(doc, "SANCTIONED_BY", targets, [], sent, "'under sanctions' with no body named in the phrase")
                continue
            special = self._designated_party(doc, slots, i, kind)
            if special is not None:
                # "X, a designated terrorist organization" / "X, an individual subject to
                # sanctions under IEEPA": the party is X; the sentence names no body, or names
                # it after the law ("imposed by").
                targets = [t for t in special if self._is_named(doc, t, state)]
                # "subject to U.S. sanctions", "subject to a UN asset freeze", "... imposed by the EU"
                agents = [s for s in agent_slots if targets and max(t.end for t in targets) <= s.start and s.end <= i and i - s.end <= 3][-1:]
                agents = agents or [s for s in agent_slots if s.start > i and s.start - i <= 8 and doc[s.start - 1].lower_ in ("by", "the")][:1]
                agents = agents or (self._implied_agent(doc, sent, i, state) if targets else [])
                if agents and targets:
                    self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i,
                               year=self._year(doc, lo, hi, i), cue=low)
                continue
            subj = self._subject(doc, i) if doc[i].pos_ in ("VERB", "AUX") else None
            if kind == "add" and doc.has_annotation("DEP") and doc[i].pos_ == "VERB":
                if self._added_to_list(doc, sent, slots, dates, out, state, i, subj, agent_slots):
                    continue
            metonym = False   # the agent is a state a capital or "the British government" stands for
            # Passive: a "by" shortly after the cue names the agent.
            by = next((j for j in range(i + 1, min(i + 6, hi)) if doc[j].lower_ == "by"), None)
            if by is not None and doc.has_annotation("DEP") and i < doc[by].head.i < by and doc[by].head.dep_ in ("acl", "relcl"):
                by = None   # "blacklisted six tankers operated by X": the "by" of the object's participle
            agents: list[Slot] = []
            if by is not None:
                agents = [s for s in agent_slots if s.start > by][:1]
                if agents and any(t.lower_ in CLAUSE_STOPS for t in doc[by:agents[0].start]):
                    agents = []
                if agents:
                    # "by the United States and the United Kingdom", "by both the U.S. and the EU"
                    agents = self._group_right(agent_slots, agents[0].start, {agents[0].label}, doc, hi) or agents
                    if doc.has_annotation("DEP"):
                        agents += [a for a in self._conjoined(doc, slots, doc[agents[0].start:agents[0].end].root, self.sanction_agents)
                                   if a not in agents and a in agent_slots]
                        agents.sort(key=lambda x: x.start)
                agents = self._possessor_chain(agents, slots, doc, hi, lambda x: self._is_sanctioner(doc, x))
                if not agents and by + 2 < hi and doc[by + 1].lower_ == "the" and doc[by + 2].text == "Union" \
                        and not any(x.start <= by + 2 < x.end for x in slots):
                    # "listed by the Union": the European Union, as its legal acts name it.
                    agents = [("Agency", "Union")]
                if not agents and by + 1 < hi:
                    # "was blacklisted by Washington", "by the British government": the state.
                    agents = self._capital(doc, slots, next((c for c in doc[by].children if c.dep_ == "pobj"), doc[by + 1]))
                    metonym = bool(agents)
                if doc.has_annotation("DEP") and doc[i].dep_ == "acl":
                    # "three vessels listed by the Union: the A, ...", "the A, a vessel listed by
                    # the Union": the noun the participle describes (or its names), never the
                    # subject of the clause around it.
                    noun = doc[i].head
                    first = self._slot_at(slots, noun, self.sanction_targets | {"Vessel"})
                    targets = [first] if first else self._conjoined(doc, slots, noun, self.sanction_targets)
                    if first is not None and noun.dep_ == "appos" and noun.tag_ == "NNS":
                        # "A and B – organizations designated by Y": a plural in apposition to a list.
                        targets = self._conjoined(doc, slots, noun.head, self.sanction_targets) or targets
                    if not targets:
                        # "X was one of the institutions designated by Y": the subject of the copula.
                        targets = self._sanction_one_of(doc, slots, noun, state)
                else:
                    first = self._slot_at(slots, subj, self.sanction_targets | {"Vessel"})
                    if first is None and subj is not None and subj.pos_ == "NOUN":
                        # "Its owner, X, was sanctioned by Y": the name in apposition to the subject.
                        first = next((x for c in subj.children if c.dep_ == "appos" and c.i > subj.i
                                      for x in [self._slot_at(slots, c, self.sanction_targets | {"Vessel"}, follow_appos=False)] if x), None)
                    if first is None and subj is not None and subj.pos_ == "NOUN" and any(
                            c.dep_ == "poss" and c.i < subj.i for c in subj.children):
                        # "X, whose owner was sanctioned by Y", "X's manager was designated by Y": the
                        # party is the unnamed owner, not X.
                        self._drop(doc, "SANCTIONED_BY", [], [], sent, f"the subject '{subj.text}' is someone's: the party is unnamed")
                        continue
                    targets = self._with_list(slots, first, doc, i) if first else self._group_left(slots, i, self.sanction_targets, doc)
                    if not targets and subj is not None and subj.i < i:
                        # "It was designated by OFAC", "The vessel was sanctioned by the EU": the
                        # party named in the sentences just before.
                        targets = self._back_party(doc, subj, state)
                    raw = next((c for c in doc[i].children if c.dep_ in ("nsubj", "nsubjpass")), None) if doc.has_annotation("DEP") else None
                    if first is not None and subj is not None and raw is not None and raw.lower_ in ("which", "that", "who") \
                            and subj.dep_ == "conj" and any(c.lower_ in ("were", "are", "have", "both", "all") for c in doc[i].children):
                        # "A and B, which were both sanctioned by Y": the relative clause hangs on
                        # the last name, its plural verb on all of them.
                        top = subj
                        while top.dep_ == "conj" and top.head is not top:
                            top = top.head
                        targets += [x for x in self._conjoined(doc, slots, top, self.sanction_targets) if x not in targets]
                    if first is not None and subj is not None:
                        # "A Ltd, the tanker B and C Inc were designated by Y": a list of mixed parties.
                        targets += [x for x in self._listed_on(doc, slots, targets, i) if x not in targets]
                        targets += [x for x in self._listed_subject(doc, slots, subj) if x not in targets]
                        targets.sort(key=lambda x: x.start)
                # "Neither A nor B has been sanctioned by Y": a negation before the cue.
                if targets and any(t.lower_ in self.negations for t in doc[max(lo, targets[0].start - 2):i]):
                    denied = True
                if not targets and agents:
                    # "Eleven ships were sanctioned by the UK, including the A and the B"
                    end = agents[-1].end if isinstance(agents[-1], Slot) else by + 3
                    inc = next((j for j in range(end, min(end + 4, hi)) if doc[j].lower_ in ("including", "among", ":")), None)
                    if inc is not None:
                        targets = self._group_right(slots, inc + 1, self.sanction_targets, doc, hi, skip=agents)
            else:
                hit = None
                if self._sanction_topic_noun(doc, i):
                    hit = self._hit_with(doc, i)
                    if hit is None:
                        self._drop(doc, "SANCTIONED_BY", [], [], sent, f"'{doc[i].text}' is the topic of a phrase ('a panel on X sanctions'), not an act")
                        continue
                    # "A and B were hit with sanctions", "the UK hit A with sanctions": the verb's
                    # subject and object say who acts and who is designated.
                    subj = self._subject(doc, hit.i)
                before = [s for s in agent_slots if s.end <= i and not self._stray_agent(doc, s, i)]
                # An adjective ("sanctioned Iranian banks") names its designator only as a
                # prefix ("U.S.-sanctioned", _prefixed) or with "by": not a body named earlier.
                adjective = doc.has_annotation("DEP") and doc[i].dep_ == "amod"
                if self._opposed(doc, i):
                    # "China condemned the US sanctions on X": only a body that modifies the noun.
                    before = [s for s in before if doc[s.start:s.end].root.head.i == i]
                agents = [] if adjective or self._dated_passive(doc, i, hi) else before[-1:]
                by_parse = self._slot_at(slots, subj, self.sanction_agents, follow_appos=False)
                if by_parse is not None:
                    # "OFAC and the Department of State designated ...": every body in the subject.
                    agents = [a for a in self._conjoined(doc, slots, subj, self.sanction_agents) if self._is_sanctioner(doc, a)]
                agents = self._possessor_chain(agents, slots, doc, i, lambda x: self._is_sanctioner(doc, x))
                if by_parse is None and not adjective:
                    # "Washington sanctioned X", "London imposed sanctions on X": the government.
                    capital = self._capital(doc, slots, self._governing_subject(doc, i))
                    agents, metonym = (capital, True) if capital else (agents, False)
                # "US sanctions on X" / "imposed sanctions on X" / "designated X"
                targets = self._listed_on(doc, slots, self._group_right(slots, i + 1, self.sanction_targets, doc, hi, skip=agents), hi, skip=agents)
                obj = next((c for c in doc[i].children if c.dep_ == "dobj"), None) if doc.has_annotation("DEP") and doc[i].pos_ == "VERB" else None
                if obj is not None:
                    # Objects coordinated across a relative clause ("designated A, which ..., and B"),
                    # and a list the parse hung on the first name as an apposition.
                    for extra in self._listed_subject(doc, slots, obj) + self._named_company_nouns(doc, slots, obj):
                        if extra not in targets and extra not in agents:
                            targets.append(extra)
                    targets.sort(key=lambda x: x.start)
                if targets and obj is not None and obj.pos_ == "NOUN" and obj.lemma_.lower() not in PROPERTY_NOUNS \
                        and not any(x.start <= obj.i < x.end for x in slots):
                    # "designated three sales agents of the airline X": the party is the unnamed
                    # noun; X only says whose agents they are ("froze the assets of X": X's).
                    owners = [t for t in targets if isinstance(t, Slot) and any(
                        a.dep_ == "prep" and a.lower_ in ("of", "for") and a.head.i == obj.i for a in doc[t.start:t.end].root.ancestors)]
                    if owners:
                        self._drop(doc, "SANCTIONED_BY", owners, agents, sent, f"the name only says whose '{obj.text}' are meant: the party is unnamed")
                        targets = [t for t in targets if t not in owners]
                if targets and doc.has_annotation("DEP"):
                    targets = self._cue_reaches(doc, i, targets, sent)
                colon = next((j for j in range(i + 1, min(i + 14, hi)) if doc[j].text == ":"), None)
                if not targets and obj is not None and agents:
                    # "OFAC designated the vessel in 2024": the ship named just before.
                    targets = self._back_party(doc, obj, state)
                if not targets and colon is not None:
                    # "designated four tankers under the Russia programme: the A, the B and the C"
                    targets = self._group_right(slots, colon + 1, self.sanction_targets, doc, hi, skip=agents)
                if not targets and hit is not None:
                    hit_obj = next((c for c in hit.children if c.dep_ == "dobj"), None)
                    party = hit_obj if hit_obj is not None else subj if any(c.dep_ == "auxpass" for c in hit.children) else None
                    if party is not None:
                        targets = [t for t in self._listed_subject(doc, slots, party) if t not in agents]
                        if not targets and party.i < i:
                            targets = self._back_party(doc, party, state)
                if not targets and doc.has_annotation("DEP"):
                    # "OFAC has taken several actions to disrupt the network, including against A,
                    # B and C": an "including" the parse hangs under the cue opens its parties.
                    inc = next((j for j in range(i + 1, min(i + 20, hi - 1)) if doc[j].lower_ == "including" and doc[j - 1].text == ","
                                and self._under_cue(doc, j, i)), None)
                    if inc is not None:
                        k = inc + 2 if doc[inc + 1].lower_ in ("against", "on") else inc + 1
                        targets = self._group_right(slots, k, self.sanction_targets, doc, hi, skip=agents, max_gap=2)
                if colon is not None:
                    # A notice's list: "...: A (IMO ...), a Panama-flagged tanker; B (IMO ...), ...; and C"
                    for extra in self._semicolon_items(doc, slots, colon, hi, self.sanction_targets):
                        if extra not in targets and extra not in agents:
                            targets.append(extra)
                if not targets and agents and isinstance(agents[0], Slot) and any(t.lower_ in {"which", "that", "whom"} for t in doc[max(lo, agents[0].start - 3):agents[0].start]):
                    # "X, which the US sanctioned in 2022": the target precedes the agent.
                    targets = self._group_left(slots, agents[0].start, self.sanction_targets, doc)
                if not targets and doc[i].pos_ == "VERB" and any(c.dep_ == "auxpass" for c in doc[i].children):
                    # "Several companies have been designated under the order, including A, B and C"
                    inc = next((j for j in range(i + 1, min(i + 10, hi)) if doc[j].lower_ == "including" or doc[j].text == ":"), None)
                    if inc is not None and not any(t.lower_ in CLAUSE_STOPS for t in doc[i:inc]):
                        targets = self._group_right(slots, inc + 1, self.sanction_targets, doc, hi, skip=agents)
                if not targets and subj is not None and doc[i].pos_ == "VERB" and any(c.dep_ == "auxpass" for c in doc[i].children):
                    # "A and B were designated pursuant to E.O. 13846": the subject of the passive.
                    targets = self._listed_subject(doc, slots, subj)
                    if not targets and subj.i < i:
                        # "It is being identified as blocked property": the ship named just before.
                        targets = self._back_party(doc, subj, state)
                if not agents:
                    # "sanctions imposed on X ... by the EU": an agent after the cue, in the clause.
                    agents = [s for s in agent_slots if s.start > i and s.start - i <= 10 and doc[s.start - 1].lower_ in ("by", "the")
                              and not any(t.lower_ in CLAUSE_STOPS for t in doc[i:s.start])][:1]
            unnamed = [t for t in targets if t not in agents and not self._is_named(doc, t, state)]
            if unnamed:
                self._drop(doc, "SANCTIONED_BY", unnamed, agents, sent, "not a named party (a common word, a body that designates, a law or a warship)")
            speakers = [t for t in targets if self._speaker(doc, t, i)]
            if speakers:
                self._drop(doc, "SANCTIONED_BY", speakers, agents, sent, "the name is the one who speaks ('..., X said'), not a party")
                targets = [t for t in targets if t not in speakers]
            modifiers = [t for t in targets if self._modifies_noun(doc, t, slots)]
            if modifiers:
                self._drop(doc, "SANCTIONED_BY", modifiers, agents, sent, "the name modifies a common noun ('X agents'): the party is unnamed")
                targets = [t for t in targets if t not in modifiers]
            # A possessor is not the party: "restrictions on the X's flag state".
            targets = [t for t in targets if t not in agents and self._is_named(doc, t, state)
                       and not (t.end < hi and doc[t.end].text in ("'s", "\u2019s") and t.keys == [(t.start, t.end)])]
            # Nor is a target's possessor its designator: "Iran's X Shipping Co. was sanctioned".
            agents = [a for a in agents if not (isinstance(a, Slot) and a.end + 1 < hi and doc[a.end].text in ("'s", "\u2019s")
                                                and any(t.start == a.end + 1 for t in targets))]
            actor = subj if subj is not None else self._governing_subject(doc, i)
            if agents and not targets and actor is not None and (metonym or any(isinstance(a, Slot) and a.start <= actor.i < a.end for a in agents)):
                # "The UK sanctioned eleven tankers", "the UK government announced new sanctions":
                # the body acts; the names may follow.
                state["agent"] = (agents, state["sent_no"])
            if not targets and self._opens_list(doc, sent, i):
                # "The following entities are designated under E.O. 13902:" and
                # the items on the lines after it (see _list_item).
                agents = agents or self._implied_agent(doc, sent, i, state)
                if agents:
                    state["list"] = (agents, low, hi)
                continue
            how = None
            if targets and not agents and doc.has_annotation("DEP") and not self._dated_passive(doc, i, hi):
                # "A and B were sanctioned, the Treasury said": the designating body the sentence
                # quotes (as the subject of a verb of speaking).
                agents = [a for a in agent_slots if a not in targets and not self._stray_agent(doc, a, i) and any(
                    t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH_VERBS and t.head.i != i for t in doc[a.start:a.end])][:1]
                agents = self._possessor_chain(agents, slots, doc, hi, lambda x: self._is_sanctioner(doc, x))
                how = "designator: the body the sentence quotes" if agents else None
            if targets and not agents and doc.has_annotation("DEP") and doc[i].dep_ == "amod":
                if i not in self._prefixed_at:
                    self._drop(doc, "SANCTIONED_BY", targets, [], sent, f"'{doc[i].text}' used as an adjective names no designator")
                continue
            if targets and not agents:
                agents = self._implied_agent(doc, sent, i, state)
                how = "designator not in the sentence: " + ("the notice's" if agents and agents == state.get("doc_agent") else
                                                             "a US instrument" if agents and not isinstance(agents[0], Slot) else "an earlier sentence's")
                if not agents:
                    self._drop(doc, "SANCTIONED_BY", targets, [], sent, "no designator named (a dated passive, or none in the sentences just before)")
            if agents and not denied and (kind == "blocked" or not targets or all(t.label != "Vessel" for t in targets)):
                counted = self._counted_object(doc, i, slots)
                if counted is not None:
                    state["counted"] = (agents, *counted, low)
            if not agents or not targets:
                continue
            if (metonym or all(isinstance(a, Slot) for a in agents)) and not denied:
                state["agent"] = (agents, state["sent_no"])
            self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i, how=how,
                       year=self._year(doc, lo, hi, i), cue=low, denied=denied)

    # Verbs that carry a designation from its cue to the party: "sanctions imposed on X",
    # "measures targeting X", "designations that include X".
    SANCTION_CARRY_VERBS = {"impose", "target", "include", "add", "place", "put", "designate", "sanction", "list", "identify", "cover",
                   "block", "freeze", "blacklist", "extend", "apply", "announce", "adopt", "level", "slap", "hit",
                   "name", "call", "know", "rename", "flag"}  # and the naming verbs: "vessels named X", "a tanker called X"

    def _added_to_list(self, doc, sent, slots, dates, out, state, i, subj, agent_slots) -> bool:
        """"X was added to the EU's sanctions list", "OFAC added A and B to the SDN List", "the UN
        placed X on its blacklist": the list's owner (a possessor or modifier of the list noun)
        or the body that adds designates; the party is the object (active) or the subject
        (passive). False when the parse does not give that shape (the general reading goes on)."""
        lo, hi = sent.start, sent.end
        tok = doc[i]
        prep = next((c for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "on", "onto")), None)
        noun = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if noun is None or noun.lower_ not in self.list_nouns:
            return False
        phrase = range(prep.i + 1, noun.i + 1)
        agents = [a for a in agent_slots if a.start in phrase]
        passive = any(c.dep_ == "auxpass" for c in tok.children)
        if not agents and passive:
            by = next((c for c in tok.children if c.dep_ == "agent"), None)
            agents = [a for a in agent_slots if by is not None and a.start > by.i and a.start - by.i <= 3][:1]
        if not agents and not passive and subj is not None:
            agents = [a for a in self._conjoined(doc, slots, subj, self.sanction_agents) if self._is_sanctioner(doc, a)]
        agents = self._possessor_chain(agents[:1], slots, doc, hi, lambda x: self._is_sanctioner(doc, x)) if agents else []
        if passive:
            targets = self._listed_subject(doc, slots, subj) if subj is not None else []
            if not targets and subj is not None and subj.i < i:
                targets = self._back_party(doc, subj, state)
        else:
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            targets = self._listed_subject(doc, slots, obj) + self._named_company_nouns(doc, slots, obj) if obj is not None else []
            if not targets and obj is not None:
                targets = self._back_party(doc, obj, state)
        targets = [t for t in targets if t not in agents and t.start not in phrase and self._is_named(doc, t, state)]
        if not targets:
            return False
        how = None
        if not agents:
            agents = self._implied_agent(doc, sent, i, state)
            how = "designator not in the sentence"
        if not agents:
            self._drop(doc, "SANCTIONED_BY", targets, [], sent, "added to a list that the sentence does not say whose it is")
            return True
        denied = any(t.lower_ in self.negations for t in doc[max(lo, i - 3):i])
        self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i, how=how,
                   year=self._year(doc, lo, hi, i), cue=tok.lower_, denied=denied)
        if not denied and all(isinstance(a, Slot) for a in agents):
            state["agent"] = (agents, state["sent_no"])
        return True

    def _sanction_one_of(self, doc: Doc, slots: list[Slot], noun, state: dict) -> list[Slot]:
        """"X was one of the institutions designated by Y", "the bank is among the firms listed by
        Y": the subject of the copula the group hangs on (or what "the bank" stands for)."""
        prep = noun.head
        if noun.dep_ != "pobj" or prep.lower_ not in ("of", "among"):
            return []
        head = prep.head if prep.lower_ == "of" else prep
        if prep.lower_ == "of" and not (head.lower_ in ("one", "some", "several", "many", "each", "both", "all") or head.pos_ == "NUM"):
            return []
        if prep.lower_ == "of" and head.dep_ == "appos":
            # "X, one of the companies sanctioned by Y, ...": the name the phrase stands beside.
            slot = self._slot_at(slots, head.head, self.sanction_targets, follow_appos=False)
            return [slot] if slot is not None else []
        if head.dep_ not in ("attr", "prep", "acomp") or head.head.lemma_ not in ("be", "remain", "become"):
            return []
        subj = self._subject(doc, head.head.i)
        if subj is None:
            return []
        targets = self._listed_subject(doc, slots, subj)
        if not targets and subj.i < noun.i:
            targets = self._back_party(doc, subj, state)
        return targets

    SANCTION_UNDER_VERBS = {"be", "remain", "come", "fall", "stay", "place", "put", "bring", "keep", "sail", "operate", "trade"}

    def _under_sanctions_of(self, doc: Doc, slots: list[Slot], i: int, agent_slots: list[Slot], state: dict):
        """(parties, bodies) of "X has been under US sanctions since 2019", "X, which was placed
        under EU sanctions", "X is under sanctions imposed by the UK": the subject of the verb
        "under" hangs on (or what "the vessel" / "it" stands for), and the body that modifies the
        noun or follows "by". None when the cue is not used so."""
        if not doc.has_annotation("DEP"):
            return None
        tok = doc[i]
        if tok.pos_ != "NOUN" or tok.dep_ != "pobj" or tok.head.lower_ != "under":
            return None
        verb = tok.head.head
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in self.SANCTION_UNDER_VERBS:
            return None
        mods = {t.i for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < i for t in c.subtree}
        agents = [a for a in agent_slots if any(k in mods for k in range(a.start, a.end))]
        if not agents:
            by = next((t for t in tok.subtree if t.lower_ == "by" and t.i > i), None)
            agents = [a for a in agent_slots if by is not None and 0 < a.start - by.i <= 3][:1]
        agents = [a for a in agents if self._is_sanctioner(doc, a)]
        subj = self._subject(doc, verb.i)
        if subj is None:
            return [], agents
        targets = self._listed_subject(doc, slots, subj)
        if not targets and subj.i < i:
            targets = self._back_party(doc, subj, state)
        return targets, agents

    def _named_company_nouns(self, doc: Doc, slots: list[Slot], tok) -> list[Slot]:
        """The names of coordinated "the X company and the Y company" objects: the parse makes
        the common noun the object and the name its compound."""
        out, todo, seen = [], [tok], set()
        while todo:
            t = todo.pop()
            if t.i in seen:
                continue
            seen.add(t.i)
            if t.lower_ in COMPANY_NOUNS:
                for c in t.children:
                    if c.dep_ == "compound":
                        hit = self._slot_at(slots, c, {"Company"}, follow_appos=False)
                        if hit is not None and hit not in out:
                            out.append(hit)
            todo.extend(c for c in t.children if c.dep_ == "conj")
        return out

    def _included_names(self, doc: Doc, slots: list[Slot], i: int, hi: int) -> list[Slot] | None:
        """The names a designated group is said to include: the cue describes a plural common
        noun ("designated companies", "vessels placed on the SDN list") that is the subject of
        "include" ("... included A and B", "... include: A, B") or follows "among" ("Among the
        designated vessels were A and B", "Among the sanctioned tankers, the A ..."). None when
        the cue is not used so."""
        if not doc.has_annotation("DEP"):
            return None
        tok = doc[i]
        if tok.dep_ not in ("amod", "acl") or tok.i > tok.head.i + 8:
            return None
        noun = tok.head
        # (a slot that stands for members named elsewhere, a group or a plural reference, is
        # no name of its own: the noun still describes the group)
        if noun.pos_ != "NOUN" or noun.tag_ != "NNS" or any(x.start <= noun.i < x.end and x.keys == [(x.start, x.end)] for x in slots):
            return None
        verb = noun.head
        labels = self.sanction_targets
        if noun.dep_ == "nsubj" and verb.lemma_ in ("include", "comprise"):
            out = []
            for c in verb.children:
                if c.dep_ in ("dobj", "attr", "oprd"):
                    out += [x for x in self._listed_subject(doc, slots, c) if x not in out]
            colon = next((j for j in range(verb.i + 1, min(verb.i + 3, hi)) if doc[j].text == ":"), None)
            if colon is not None:
                out += [x for x in self._group_right(slots, colon + 1, labels, doc, hi) if x not in out]
                out += [x for x in self._semicolon_items(doc, slots, colon, hi, labels) if x not in out]
            return sorted(out, key=lambda x: x.start)
        if noun.dep_ == "pobj" and verb.lower_ == "among" and verb.dep_ == "prep" and verb.i < tok.i:
            main = verb.head
            out = []
            for c in main.children:
                if c.dep_ in ("nsubj", "nsubjpass", "attr") and c.i > noun.i:
                    out += [x for x in self._listed_subject(doc, slots, c) if x not in out]
                    # "the Panama-flagged tanker A": the name the parse made a second subject
                    out += [x for x in slots if x.label in labels and x not in out and c.i < x.start and x.end - 1 < main.i
                            and all(t.i == x.end - 1 or t.head.i in range(x.start, x.end) for t in doc[x.start:x.end])
                            and doc[x.end - 1].head.i == main.i]
            return sorted(out, key=lambda x: x.start)
        return None

    @staticmethod
    def _sanction_topic_noun(doc: Doc, i: int) -> bool:
        """A sanctions noun that is the topic of a phrase, not an act: "a panel on North Korea
        sanctions", "talks about sanctions"."""
        tok = doc[i]
        return doc.has_annotation("DEP") and tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ in TOPIC_PREPS

    def _cue_reaches(self, doc: Doc, i: int, targets: list, sent) -> list:
        """The targets the cue at i reaches in the parse: a name in another clause hung on the
        phrase ("a port ban on four ships it found violating X's sanctions", "designated A,
        which owns B") is not its party; nor, after a sanctions noun, a name no preposition
        leads to ("coordinator of a panel on sanctions, X")."""
        out = []
        noun = doc[i].pos_ == "NOUN"
        for t in targets:
            if not isinstance(t, Slot) or t.keys != [(t.start, t.end)] or not (sent.start <= t.start < sent.end):
                out.append(t)
                continue
            tok, through = doc[t.start:t.end].root, None
            for _ in range(16):
                if tok.i == i or tok.head is tok:
                    break
                if not (t.start <= tok.i < t.end) and tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("relcl", "ccomp", "advcl", "xcomp", "acl", "csubj", "pcomp") \
                        and tok.lemma_.lower() not in self.SANCTION_CARRY_VERBS:
                    through = tok
                    break
                tok = tok.head
            if through is None and noun and t.start > i and not any(
                    w.lower_ in NOUN_TO_PARTY or (w.pos_ == "VERB" and w.lemma_.lower() in self.SANCTION_CARRY_VERBS) for w in doc[i + 1:t.start]):
                through = doc[i]
            if through is not None:
                self._drop(doc, "SANCTIONED_BY", [t], [], sent, f"the cue '{doc[i].text}' reaches the name only through '{through.text}' (another clause, or no preposition after a noun)")
                continue
            out.append(t)
        return out

    @staticmethod
    def _year(doc: Doc, lo: int, hi: int, i: int) -> int | None:
        years = [t for t in doc[lo:hi] if YEAR.match(t.text)]
        return int(min(years, key=lambda t: abs(t.i - i)).text) if years else None

    def _designated_party(self, doc: Doc, slots: list[Slot], i: int, kind: str) -> list[Slot] | None:
        """The party of an adjectival designation, from the parse: "X, a designated Foreign
        Terrorist Organization" (X), "X, an individual subject to sanctions" (X), "X is subject
        to sanctions" (X). None when the cue is not used so."""
        if kind == "onlist":
            head = doc[i].head
            if doc[i].dep_ == "pobj":
                verb = head.head
                subj = self._subject(doc, verb.i)
                if subj is not None and subj.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
                    subj = verb.head
                return self._conjoined(doc, slots, subj, self.sanction_targets) if subj is not None else []
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            return self._conjoined(doc, slots, obj, self.sanction_targets) if obj is not None else []
        if kind != "sanction" or not doc.has_annotation("DEP"):
            return None
        tok = doc[i]
        if tok.dep_ == "amod" and tok.head.dep_ == "appos":
            slot = self._slot_at(slots, tok.head.head, self.sanction_targets, follow_appos=False)
            return [slot] if slot else []
        if tok.dep_ == "amod" and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.dep_ in ("attr", "dobj", "pobj"):
            # "the U.S.-sanctioned tanker X" names its party; "a designated terrorist group" none.
            named = any(x.start <= t.i < x.end and x.label in self.sanction_targets for t in tok.head.subtree for x in slots if t.i > i)
            return None if named else []
        subject = next((k for k in range(i - 1, max(-1, i - 6), -1) if doc[k].lower_ == "subject" and doc[k + 1].lower_ == "to"), None)
        if subject is not None and all(t.lower_ in ("a", "an", "the", "to", "asset", "assets", "port", "entry", "u.s.", "us", "un", "u.n.", "eu", "uk", "-")
                                       or t.ent_type_ in ("Country", "Agency") for t in doc[subject + 1:i]):
            head = doc[subject].head
            slot = self._slot_at(slots, head, self.sanction_targets, follow_appos=False)
            if slot is None and head.dep_ == "appos":
                slot = self._slot_at(slots, head.head, self.sanction_targets, follow_appos=False)
            if slot is None and head.pos_ in ("AUX", "VERB"):
                subj = self._subject(doc, head.i)
                return (self._conjoined(doc, slots, subj, self.sanction_targets) or None) if subj is not None else None
            return [slot] if slot else None
        return None

    def _implied_agent(self, doc: Doc, sent, i: int, state: dict) -> list:
        """The body behind a designation whose sentence names none: a US legal instrument
        ("pursuant to E.O. 13846", "subject to sanctions under IEEPA", "the SDN List") names the
        United States; else the body that designated in one of the AGENT_REACH sentences before.

        A passive designation in a document whose opening names its designator ("OFAC is
        designating ...; X is being designated pursuant to E.O. 13224") is that body's; there,
        one dated in the words after it ("was designated on 24 September 2019", "in October
        2011") is an earlier action whose designator the sentence does not name: none."""
        tok = doc[i]
        passive = doc.has_annotation("DEP") and tok.pos_ == "VERB" and any(c.dep_ == "auxpass" for c in tok.children)
        # An earlier act: dated by a year of its own, or in a clause that sets the scene.
        earlier = passive and (self._dated_passive(doc, i, sent.end) or self._scene_setting(doc, i))
        if state.get("doc_agent") and passive:
            return [] if earlier else state["doc_agent"]
        text = " " + " ".join(self._lower[sent.start:sent.end]) + " "
        if any(f" {w} " in text for w in self.us_instruments):
            return [("Country", "United States")]
        if earlier:
            return []
        last = state.get("agent")
        if last and 0 < state["sent_no"] - last[1] <= AGENT_REACH:
            return last[0]
        return []
