"""sanctions_kg_relations_v1: relations between the entities of each sentence.

Works sentence by sentence over doc.ents and cue phrases (ingest/data/cues.yaml), reading
voice and position: "X was sanctioned by Y" / "Y sanctioned X"; "X, owned by Y" / "Y owns X";
"V loaded at P". A plural reference ("all of them", "these vessels") stands for the ships
listed last. Sanctions are only emitted when the sentence states them: modal, negated or
evasion wording ("could sanction", "not designated", "evade sanctions") blocks them.

Output: doc.user_data["skg_relations"], a list of dicts
{type, sources: [(start, end)], targets: [(start, end) | ("Country", name)], sent: (start, end),
 date_text, props}. AIS-dark facts use type "AIS_DARK" and no targets. Dates stay as text
here: ingest.extract resolves them against the article's date.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from graph.ontology import load as load_ontology
from ingest.components.common import DATES, RELATIONS, country_of, cues, ensure_extensions, span_key

IRREGULAR = {
    "take": ["take", "took", "taken", "takes", "taking"], "leave": ["leave", "left", "leaves", "leaving"],
    "see": ["see", "saw", "seen", "sees"], "bring": ["bring", "brought", "brings"], "shipped": ["shipped"],
    "headed": ["headed", "heading", "heads"], "run": ["run", "ran", "runs", "running"], "imaged": ["imaged"],
    "stationed": ["stationed"], "anchored": ["anchored"], "carry": ["carry", "carried", "carries", "carrying"],
    "own": ["own", "owns", "owned"], "control": ["controls", "controlled"], "designate": ["designate", "designated", "designates", "designating"],
    "list": ["listed"], "target": ["targeted"], "sanction": ["sanction", "sanctioned", "sanctions", "sanctioning"],
    "blacklist": ["blacklist", "blacklisted", "blacklists"], "penalize": ["penalized"], "penalise": ["penalised"],
    "manage": ["manages", "managed"], "operate": ["operates", "operated"], "charter": ["chartered", "charters"],
    "drop": ["dropped"], "add": ["add", "added", "adds", "adding"], "stop": ["stopped"], "plan": ["planned", "plans", "planning", "plan"],
}
YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
CLAUSE_STOPS = {"for", "over", "because", "due", "which", "who", "after", "following", "since", "while", "although", ";"}
_RELS = load_ontology().relationships  # the labels each relation may join, as graph/ontology.yaml declares them
SANCTION_TARGETS, SANCTION_AGENTS = set(_RELS["SANCTIONED_BY"].extract_from), set(_RELS["SANCTIONED_BY"].targets)
OWN_SOURCES, OWN_TARGETS = set(_RELS["OWNED_BY"].sources), set(_RELS["OWNED_BY"].targets)
OP_SOURCES, OP_TARGETS = set(_RELS["OPERATED_BY"].sources), set(_RELS["OPERATED_BY"].targets)
EVASION = {"evade", "evading", "evasion", "evaded", "circumvent", "circumventing", "circumvented", "break", "breaking",
           "breach", "breaching", "violate", "violating", "violation", "violations", "bust", "busting", "skirt", "skirting",
           "avoid", "avoiding", "dodge", "dodging", "despite", "flout", "flouting", "undermine", "lift", "lifted", "ease", "eased"}
POSSESSIVE_PRON = {"their", "its", "his", "her"}


def inflect(word: str) -> list[str]:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith("e"):
        return [word, word + "s", word + "d", word[:-1] + "ing"]
    return [word, word + "s", word + "ed", word + "ing"]


LIST_GAP_WORDS = {",", "and", "the", "as", "well", "&", "its", "their", "registered", "owner", "operator", "manager", "beneficial"}


def _list_gap(gap) -> bool:
    """Whether the tokens between two entities only join a list ("A, B and its owner, C");
    a parenthesis ("(IMO 1234567)") is skipped."""
    depth = 0
    for t in gap:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth <= 0 and t.lower_ not in LIST_GAP_WORDS:
            return False
    return True


class Slot:
    __slots__ = ("start", "end", "label", "keys")

    def __init__(self, start, end, label, keys):
        self.start, self.end, self.label, self.keys = start, end, label, keys


class Relations:
    def __init__(self, nlp: Language, name: str, *, window: int):
        ensure_extensions()
        self.name = name
        self.window = window
        r = cues()["relations"]
        c = cues()
        self.call_forms: dict[str, str] = {}
        for verb in r["called_at"]:
            activity = r["called_at_activity"].get(verb, "called")
            for f in inflect(verb):
                self.call_forms[f] = activity
        self.sanction_forms = {f for v in r["sanction_verbs"] for f in inflect(v)} | set(r["sanction_nouns"])
        self.modal = {f for v in r["modal_block"] for f in inflect(v)}
        self.negations = set(r["negations"])
        self.add_forms = {f for v in r["sanction_add_verbs"] for f in inflect(v)}
        self.list_nouns = set(r["sanction_list_nouns"])
        self.programme_words = set(r["sanction_programme_words"])
        pm = PhraseMatcher(nlp.vocab, attr="LOWER")
        tok = nlp.tokenizer
        pm.add("OWN_P", list(tok.pipe(r["owned_passive"])))
        pm.add("OP_P", list(tok.pipe(list(r["operated_passive"]))))
        pm.add("ASSOC", list(tok.pipe(r["associated"])))
        pm.add("PART", list(tok.pipe([p for p in r["part_of"] if p != "under"])))
        pm.add("AIS", list(tok.pipe(r["ais_cues"])))
        pm.add("OWNER_OF", list(tok.pipe(["owner of", "registered owner of", "beneficial owner of", "owners of"])))
        pm.add("ITS_OWNER", list(tok.pipe(["its owner", "its registered owner", "its beneficial owner"])))
        pm.add("ITS_OPERATOR", list(tok.pipe(["its operator", "its manager", "its ship manager", "its charterer"])))
        pm.add("OPERATOR_OF", list(tok.pipe(["operator of", "manager of", "charterer of", "ship manager of", "operators of", "managers of"])))
        self.operated_roles = {k: v for k, v in r["operated_passive"].items()}
        self.operated_active = {f: role for v, role in r["operated_active"].items() for f in inflect(v) if f not in {"run", "running"}}
        self.owned_active = {f for v in r["owned_active"] for f in inflect(v) if f not in {"owned", "controlled"}}
        self.phrases = pm
        # "left its AIS transponder off": the cue is split around the object, which a phrase
        # cannot say.
        split = Matcher(nlp.vocab)
        split.add("AIS", [[
            {"LOWER": {"IN": ["left", "leaves", "leaving", "kept", "keeps", "keeping"]}},
            {"LOWER": {"IN": ["its", "their", "the", "her"]}},
            {"LOWER": {"IN": ["ais", "transponder", "transponders", "tracking", "automatic", "identification"]}, "OP": "+"},
            {"LOWER": {"IN": ["system", "systems", "signal", "signals"]}, "OP": "?"},
            {"LOWER": "off"},
        ]])
        self.split_cues = split
        self.place_nouns = {w.split()[0] for w in r["place_nouns"]}
        self.place_pairs = {tuple(w.split()) for w in r["place_nouns"] if " " in w}
        self.place_preps = set(r["place_preps"])
        vessel_nouns = sorted({w for t in c["vessel_types"] for w in (t + "s", t + "es")})
        m = Matcher(nlp.vocab)
        m.add("PLURAL", [
            [{"LOWER": {"IN": ["all", "each", "both"]}}, {"LOWER": "of"}, {"LOWER": {"IN": ["them", "these", "those"]}}],
            [{"LOWER": "all"}, {"LOWER": {"IN": ["two", "three", "four", "five", "six", "seven", "eight"]}}],
            [{"LOWER": {"IN": ["every", "each"]}}, {"LOWER": {"IN": sorted(c["vessel_types"])}}],
            [{"LOWER": {"IN": ["the", "these", "those", "all", "both"]}}, {"LIKE_NUM": True, "OP": "?"}, {"IS_ALPHA": True, "OP": "?"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": {"IN": vessel_nouns}}],
        ])
        # "Both are managed by X" / "All were sanctioned": a bare quantifier as the subject.
        m.add("PLURAL_BARE", [[{"LOWER": {"IN": ["both", "all"]}, "IS_SENT_START": True},
                               {"LOWER": {"IN": ["are", "were", "have", "had", "was", "remain", "remained", "belong", "belonged", "sail", "sailed", "fly", "flew"]}}]])
        self.matcher = m

    # -- helpers -------------------------------------------------------------------------
    def _plural_refs(self, doc: Doc) -> list[tuple[int, int]]:
        spans = []
        bare = doc.vocab.strings["PLURAL_BARE"]
        for match_id, s, e in self.matcher(doc):
            if match_id == bare:
                spans.append((s, s + 1))
                continue
            # Extend "the" matches back over "all of" and skip partitives ("two of the ships").
            if s >= 2 and doc[s - 1].lower_ == "of" and doc[s - 2].lower_ in {"all", "each", "both"}:
                s -= 2
            elif s >= 2 and doc[s - 1].lower_ == "of":
                continue
            if s >= 1 and doc[s - 1].lower_ in {"none", "no"}:
                continue
            if doc[e - 1].lower_ in {"them", "these", "those"} and e < len(doc) and doc[e].lower_ in {"ships", "vessels", "tankers"}:
                e += 1
            spans.append((s, e))
        # Keep the longest of overlapping matches.
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        out, last_end = [], -1
        for s, e in spans:
            if s >= last_end:
                out.append((s, e))
                last_end = e
        return out

    def _blocked(self, doc: Doc, lo: int, cue: int, hi: int) -> bool:
        """Negated, hypothetical or evasion wording near a sanctions cue."""
        for t in doc[max(lo, cue - self.window): min(hi, cue + 2)]:
            low = t.lower_
            if low in self.negations or low in self.modal or low in EVASION:
                return True
        return False

    @staticmethod
    def _group_left(slots: list[Slot], before: int, labels: set, doc: Doc, skip=(), max_gap: int = 12) -> list[Slot]:
        cands = [s for s in slots if s.end <= before and s.label in labels and s not in skip]
        if not cands or before - cands[-1].end > max_gap:
            return []
        group = [cands[-1]]
        for s in reversed(cands[:-1]):
            gap = {t.lower_ for t in doc[s.end: group[-1].start]}
            if s.label == group[0].label and gap <= {",", "and", "the", "as", "well", "along", "with", "&"}:
                group.append(s)
            else:
                break
        return group[::-1]

    @staticmethod
    def _group_right(slots: list[Slot], after: int, labels: set, doc: Doc, hi: int, skip=(), max_gap: int = 8) -> list[Slot]:
        group: list[Slot] = []
        for s in slots:
            if s.start < after or s in skip:
                continue
            gap = doc[group[-1].end if group else after: s.start]
            if any(t.lower_ in CLAUSE_STOPS for t in gap):
                break
            if s.label not in labels:
                if group:
                    break
                continue
            if not group and s.start - after > max_gap:
                break
            if group and not (_list_gap(gap) and s.label == group[0].label):
                break
            group.append(s)
        return group

    @staticmethod
    def _subject(doc: Doc, i: int):
        """The subject of the verb at token i from the dependency parse, followed through
        coordination ("adopted ... and added"), relative pronouns ("X, which was sanctioned")
        and apposition ("X, a company ... that operates"); None without a parse."""
        if not doc.has_annotation("DEP"):
            return None
        v = doc[i]
        for _ in range(4):
            subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None or v.dep_ != "conj" or v.head is v:
                break
            v = v.head
        if subj is None:
            return None
        if subj.lower_ in {"which", "that", "who"} and v.dep_ == "relcl":
            subj = v.head
        return subj

    @staticmethod
    def _slot_at(slots: list[Slot], tok, labels: set, follow_appos: bool = True) -> Slot | None:
        """The slot holding token `tok` (or, through apposition, the name that "a company"
        describes)."""
        for _ in range(3):
            if tok is None:
                return None
            hit = next((x for x in slots if x.start <= tok.i < x.end), None)
            if hit is not None:
                return hit if hit.label in labels else None
            if not follow_appos or tok.dep_ != "appos":
                return None
            tok = tok.head
        return None

    def _with_list(self, slots: list[Slot], first: Slot, doc: Doc, hi: int) -> list[Slot]:
        """`first` and the names listed right after it ("A, B and C")."""
        return self._group_right(slots, first.start, {first.label}, doc, hi) or [first]

    @staticmethod
    def _possessor_chain(agents: list[Slot], slots: list[Slot], doc: Doc, hi: int) -> list[Slot]:
        """"the U.S. Treasury's Office of Foreign Assets Control": the body at the end of a
        possessive chain is the one that acts."""
        while agents and agents[0].end + 1 < hi and doc[agents[0].end].text in {"'s", "\u2019s"}:
            nxt = next((s for s in slots if s.start == agents[0].end + 1 and s.label == "Agency"), None)
            if nxt is None:
                break
            agents = [nxt]
        return agents

    @staticmethod
    def _conjoined(doc: Doc, slots: list[Slot], tok, labels: set) -> list[Slot]:
        """Slots of `tok` and of the words coordinated with it in the parse ("designated A,
        which ..., and B"): relative clauses between them do not end the list."""
        out, todo, seen = [], [tok], set()
        while todo:
            t = todo.pop()
            if t.i in seen:
                continue
            seen.add(t.i)
            hit = next((x for x in slots if x.start <= t.i < x.end), None)
            if hit is not None and hit.label in labels and hit not in out:
                out.append(hit)
            todo.extend(c for c in t.children if c.dep_ == "conj")
        return sorted(out, key=lambda x: x.start)

    @staticmethod
    def _nearest_date(dates, pos: int, lo: int, hi: int) -> tuple[int, int] | None:
        best, dist = None, None
        for s, e in dates:
            if s < lo or e > hi:
                continue
            d = abs(s - pos)
            if dist is None or d < dist:
                best, dist = (s, e), d
        return best

    # -- main ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        out: list[dict] = []
        doc.user_data[RELATIONS] = out
        if not doc.ents:
            return doc
        phrase_hits: dict[int, list[tuple[str, int, int]]] = {}
        strings = doc.vocab.strings
        plural = self._plural_refs(doc)
        for match_id, s, e in [*self.phrases(doc), *self.split_cues(doc)]:
            phrase_hits.setdefault(s, []).append((strings[match_id], s, e))
        ais_at = [i for i, hs in phrase_hits.items() if any(h[0] == "AIS" for h in hs)]
        dates = doc.user_data.get(DATES, [])
        group: list[tuple[int, int]] = []
        last_vessels: list[tuple[int, int]] = []
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        ents = list(doc.ents)
        ei = 0
        for sent in sents:
            lo, hi = sent.start, sent.end
            sent_ents = []
            while ei < len(ents) and ents[ei].start < hi:
                if ents[ei].start >= lo:
                    sent_ents.append(ents[ei])
                ei += 1
            refs = [(s, e) for s, e in plural if lo <= s < hi]
            if not sent_ents and not refs:
                # "The ship left its AIS transponder off.": no name, but the last ship named.
                if last_vessels and any(lo <= i < hi for i in ais_at):
                    self._ais(doc, sent, [], dates, phrase_hits, out, last_vessels)
                continue
            slots = [Slot(x.start, x.end, x.label_, [(x.start, x.end)]) for x in sent_ents]
            vessels_here = [x for x in sent_ents if x.label_ == "Vessel"]
            for s, e in refs:
                # A list in this sentence before the reference wins over earlier ones.
                listed = [(v.start, v.end) for v in vessels_here if v.end <= s]
                members = listed if len({doc[a:b].text for a, b in listed}) >= 2 else group
                if members and not (e < hi and any(v.start in (e, e + 1) for v in vessels_here)):
                    slots.append(Slot(s, e, "Vessel", list(members)))
            slots.sort(key=lambda x: x.start)
            ctx = (doc, sent, slots, dates, phrase_hits, out)
            self._sanctions(*ctx)
            self._ownership(*ctx, last_vessels)
            self._called_at(*ctx, last_vessels)
            self._places(*ctx)
            self._ais(*ctx, last_vessels)
            names = {v.text for v in vessels_here}
            if len(names) >= 2:
                group = [(v.start, v.end) for v in vessels_here]
            vessel_slots = [s for s in slots if s.label == "Vessel"]
            if vessel_slots:
                last_vessels = [k for s in vessel_slots for k in s.keys]
        return doc

    def _emit(self, out, rtype, sources, targets, sent, date=None, **props):
        src = [k for s in sources for k in s.keys]
        tgt = [k for t in targets for k in (t.keys if isinstance(t, Slot) else [t])]
        if src and tgt:
            out.append({"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end),
                        "date_text": date, "props": {k: v for k, v in props.items() if v is not None}})

    def _date_text(self, doc, dates, pos, lo, hi):
        d = self._nearest_date(dates, pos, lo, hi)
        return doc[d[0]:d[1]].text if d else None

    def _sanctions(self, doc, sent, slots, dates, hits, out):
        lo, hi = sent.start, sent.end
        for i in range(lo, hi):
            low = doc[i].lower_
            if low in self.add_forms:
                # "added X to its list of vessels banned from EU ports" / "to the SDN list"
                to = next((j for j in range(i + 1, min(i + 16, hi)) if doc[j].lower_ == "to"), None)
                if to is None or not any(t.lower_ in self.list_nouns for t in doc[to + 1:min(to + 6, hi)]):
                    continue
            elif low not in self.sanction_forms:
                continue
            elif i + 1 < hi and doc[i + 1].lower_ in self.programme_words:
                # "under the Russia sanctions regime": the name of a programme, not an act.
                continue
            if self._blocked(doc, lo, i, hi):
                continue
            subj = self._subject(doc, i) if doc[i].pos_ in ("VERB", "AUX") else None
            # Passive: a "by" shortly after the cue names the agent.
            by = next((j for j in range(i + 1, min(i + 6, hi)) if doc[j].lower_ == "by"), None)
            agents: list[Slot] = []
            if by is not None:
                agents = [s for s in slots if s.start > by and s.label in SANCTION_AGENTS][:1]
                if agents and any(t.lower_ in CLAUSE_STOPS for t in doc[by:agents[0].start]):
                    agents = []
                agents = self._possessor_chain(agents, slots, doc, hi)
                first = self._slot_at(slots, subj, SANCTION_TARGETS | {"Vessel"})
                targets = self._with_list(slots, first, doc, i) if first else self._group_left(slots, i, SANCTION_TARGETS, doc)
                # "Neither A nor B has been sanctioned by Y": a negation before the cue.
                if targets and any(t.lower_ in self.negations for t in doc[max(lo, targets[0].start - 2):i]):
                    continue
            else:
                before = [s for s in slots if s.end <= i and s.label in SANCTION_AGENTS]
                agents = before[-1:]
                by_parse = self._slot_at(slots, subj, SANCTION_AGENTS, follow_appos=False)
                if by_parse is not None:
                    agents = [by_parse]
                agents = self._possessor_chain(agents, slots, doc, i)
                # "US sanctions on X" / "imposed sanctions on X" / "designated X"
                targets = self._group_right(slots, i + 1, SANCTION_TARGETS, doc, hi, skip=agents)
                obj = next((c for c in doc[i].children if c.dep_ == "dobj"), None) if doc.has_annotation("DEP") and doc[i].pos_ == "VERB" else None
                if obj is not None:
                    # Objects coordinated across a relative clause ("designated A, which ..., and B").
                    for extra in self._conjoined(doc, slots, obj, SANCTION_TARGETS):
                        if extra not in targets and extra not in agents:
                            targets.append(extra)
                if not targets:
                    # "designated four tankers under the Russia programme: the A, the B and the C"
                    colon = next((j for j in range(i + 1, min(i + 14, hi)) if doc[j].text == ":"), None)
                    if colon is not None:
                        targets = self._group_right(slots, colon + 1, SANCTION_TARGETS, doc, hi, skip=agents)
                if not targets and agents and any(t.lower_ in {"which", "that", "whom"} for t in doc[max(lo, agents[0].start - 3):agents[0].start]):
                    # "X, which the US sanctioned in 2022": the target precedes the agent.
                    targets = self._group_left(slots, agents[0].start, SANCTION_TARGETS, doc)
                if not agents:
                    # "X is under US sanctions" / "sanctions imposed on X by the EU"
                    after_agent = [s for s in slots if s.start > i and s.label in SANCTION_AGENTS]
                    agents = after_agent[:1]
            if not agents or not targets:
                continue
            year = None
            years = [t for t in doc[lo:hi] if YEAR.match(t.text)]
            if years:
                year = int(min(years, key=lambda t: abs(t.i - i)).text)
            self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), year=year, cue=low)

    def _anaphor(self, doc, sent, s, last_vessels) -> list[Slot]:
        """The one ship just named, when the clause opens with "it", "its" or "the ship"."""
        if len({doc[a:b].text for a, b in last_vessels}) != 1:
            return []
        for t in doc[sent.start:s]:
            if t.lower_ in {"it", "its"} or (t.lower_ in {"ship", "vessel", "tanker", "carrier", "freighter"} and t.i > 0 and doc[t.i - 1].lower_ == "the"):
                return [Slot(t.i, t.i + 1, "Vessel", last_vessels[-1:])]
        return []

    def _ownership(self, doc, sent, slots, dates, hits, out, last_vessels):
        lo, hi = sent.start, sent.end
        for i in range(lo, hi):
            for kind, s, e in hits.get(i, []):
                if kind in ("ITS_OWNER", "ITS_OPERATOR"):
                    # "the Pavel Korin ..., and its owner, X" / "Its operator, X, is ..."
                    owned = [x for x in slots if x.end <= s and x.label == "Vessel"][-1:] or self._anaphor(doc, sent, e, last_vessels)
                    owner = self._group_right(slots, e, OWN_TARGETS if kind == "ITS_OWNER" else OP_TARGETS, doc, hi, max_gap=3)[:1]
                    if kind == "ITS_OWNER":
                        self._emit(out, "OWNED_BY", owned, owner, sent, cue=doc[s:e].text.lower())
                    else:
                        self._emit(out, "OPERATED_BY", owned, owner, sent, role=doc[e - 1].lower_, cue=doc[s:e].text.lower())
                    continue
                if kind in ("OWN_P", "OP_P"):
                    src = self._group_left(slots, s, OWN_SOURCES if kind == "OWN_P" else OP_SOURCES, doc) or self._anaphor(doc, sent, s, last_vessels)
                    tgt = self._group_right(slots, e, OWN_TARGETS if kind == "OWN_P" else OP_TARGETS, doc, hi)[:1]
                    phrase = doc[s:e].text.lower()
                    if kind == "OWN_P":
                        self._emit(out, "OWNED_BY", src, tgt, sent, cue=phrase)
                    else:
                        self._emit(out, "OPERATED_BY", src, tgt, sent, role=self.operated_roles.get(phrase, "operator"), cue=phrase)
                elif kind in ("OWNER_OF", "OPERATOR_OF"):
                    # "X, the registered owner of the tanker Y": the owned thing is named right
                    # there; "the owners of the ships will ..." names none.
                    owned = self._group_right(slots, e, OWN_SOURCES | OP_SOURCES, doc, hi, max_gap=3)
                    owner = [x for x in slots if x.end <= s and s - x.end <= 3 and x.label in OWN_TARGETS][-1:]
                    if not owner and owned:
                        owner = self._group_right(slots, owned[-1].end, OWN_TARGETS, doc, hi)[:1]
                    rtype = "OWNED_BY" if kind == "OWNER_OF" else "OPERATED_BY"
                    role = None if kind == "OWNER_OF" else doc[s:e].text.lower().split(" of")[0].replace("ship ", "").rstrip("s")
                    self._emit(out, rtype, owned, owner, sent, role=role, cue=doc[s:e].text.lower())
                elif kind == "ASSOC":
                    if s > lo and doc[s - 1].lower_ in POSSESSIVE_PRON:
                        # "their ties to Y": "their" is the subject of the sentence.
                        firsts = [x for x in slots if x.start < s and x.label not in ("Country",)]
                        src = self._group_right(firsts, lo, {firsts[0].label}, doc, s) if firsts else []
                        # Agents of a sanction in this sentence are not the ones with ties.
                        src = [x for x in src if x.label != "Agency"] or src
                    else:
                        src = self._group_left(slots, s, {"Vessel", "Company", "Person", "Organization", "Agency"}, doc)
                    tgt = self._group_right(slots, e, {"Vessel", "Company", "Person", "Organization", "Agency", "Country"}, doc, hi)[:1]
                    self._emit(out, "ASSOCIATED_WITH", src, tgt, sent, cue=doc[s:e].text.lower())
                elif kind == "PART":
                    src = self._group_left(slots, s, {"Agency", "Organization", "Company", "Port"}, doc)
                    tgt = self._group_right(slots, e, {"Country", "Agency", "Organization", "Company"}, doc, hi)[:1]
                    self._emit(out, "PART_OF", src, tgt, sent)
            low = doc[i].lower_
            if low in self.owned_active or low in self.operated_active:
                # The verb's subject in the parse ("X, a company registered in Y that operates
                # Z": X, not Y); else the nearest owner-like name before the verb that is not a
                # place in a prepositional phrase.
                by_parse = self._slot_at(slots, self._subject(doc, i), OWN_TARGETS)
                owner = [by_parse] if by_parse else [
                    x for x in slots if x.end <= i and x.label in OWN_TARGETS
                    and not (x.label == "Country" and x.start > lo and doc[x.start - 1].lower_ in {"in", "at", "from", "near", "of", "the"})][-1:]
                owned = self._group_right(slots, i + 1, OWN_SOURCES | OP_SOURCES, doc, hi)
                if owner and owned and not self._blocked(doc, lo, i, hi):
                    if low in self.owned_active:
                        self._emit(out, "OWNED_BY", owned, owner, sent, cue=low)
                    else:
                        self._emit(out, "OPERATED_BY", [o for o in owned if o.label in OP_SOURCES], owner, sent, role=self.operated_active[low], cue=low)

    def _negated(self, doc, port_start: int, lo: int) -> bool:
        if doc.has_annotation("DEP"):
            tok = doc[port_start]
            for anc in tok.ancestors:
                if any(c.dep_ == "neg" or c.lower_ == "never" for c in anc.children):
                    return True
            return False
        return any(t.lower_ in self.negations for t in doc[max(lo, port_start - 6):port_start])

    def _called_at(self, doc, sent, slots, dates, hits, out, last_vessels):
        vessels = [s for s in slots if s.label == "Vessel"]
        ports = [s for s in slots if s.label == "Port"]
        if not ports:
            return
        if not vessels and len(set(doc[a:b].text for a, b in last_vessels)) == 1:
            # "By Thursday, it had arrived at P": "it" is the one ship just named.
            subj = next((t for t in sent if t.lower_ in {"it", "ship", "vessel", "tanker"} and t.i < ports[0].start), None)
            if subj is not None and (subj.lower_ == "it" or doc[subj.i - 1].lower_ == "the"):
                vessels = [Slot(subj.i, subj.i + 1, "Vessel", last_vessels[-1:])]
        if not vessels:
            return
        lo, hi = sent.start, sent.end
        verbs = [(t.i, self.call_forms[t.lower_]) for t in sent if t.lower_ in self.call_forms]
        for p in ports:
            prep = None
            j = p.start - 1
            while j >= lo and p.start - j <= 5:
                low = doc[j].lower_
                if low in {"at", "in", "from", "to", "into", "off", "near", "for"}:
                    prep = low
                    break
                if low in self.call_forms:
                    # "reached Vostochny", "left Primorsk": the port is the verb's object.
                    prep = "from" if self.call_forms[low] == "departed" else "at"
                    break
                if not (doc[j].text[:1].isupper() or low in {"the", "'s", "\u2019s", "port", "of", "-", "russian", "north", "korean"} or country_of(doc[j].text)):
                    break
                j -= 1
            if prep is None or not (verbs or prep == "at"):
                continue
            if self._negated(doc, p.start, lo):
                continue
            activity = "called"
            before = [v for v in verbs if v[0] < p.start]
            near = min(verbs, key=lambda v: abs(v[0] - p.start))[1] if verbs else "called"
            verb = before[-1][1] if before and p.start - before[-1][0] <= 10 else near
            if prep == "from":
                activity = "loaded" if verb == "loaded" else "departed"
            elif prep in ("to", "into"):
                activity = "unloaded" if verb == "unloaded" else "arrived"
            else:
                activity = verb
            self._emit(out, "CALLED_AT", vessels, [p], sent, self._date_text(doc, dates, p.start, lo, hi), activity=activity)

    def _places(self, doc, sent, slots, dates, hits, out):
        lo, hi = sent.start, sent.end
        by_start = {s.start: s for s in slots}
        for s in slots:
            if s.label in ("Port", "Location", "Company", "Organization", "Agency"):
                j = s.end
                if j < hi and doc[j].lower_ in {"port", "shipyard", "terminal"}:
                    j += 1
                if j + 1 < hi and doc[j].text == "," and doc[j + 1].lower_ == "in":
                    j += 1
                if s.label in ("Port", "Location") and j < hi and doc[j].text == "," and (j + 1) in by_start and by_start[j + 1].label == "Country":
                    self._emit(out, "LOCATED_IN", [s], [by_start[j + 1]], sent)
                elif s.label in ("Port", "Location") and j + 1 < hi and doc[j].text == "," and doc[j + 1].lower_ in {"a", "an", "the"}:
                    place = self._appositive_place(doc, j + 2, hi, by_start)
                    if place is not None:
                        self._emit(out, "LOCATED_IN", [s], [place], sent)
                elif j < hi and doc[j].lower_ == "in":
                    k = j + 1
                    if k < hi and doc[k].lower_ == "the":
                        k += 1
                    t = by_start.get(k)
                    if t and t.label in ("Country", "Location") and (s.label in ("Port", "Location") or t.label == "Country"):
                        self._emit(out, "LOCATED_IN", [s], [t], sent)
            if s.label in ("Country", "Agency") and s.end + 1 < hi and doc[s.end].text in {"'s", "\u2019s"}:
                t = by_start.get(s.end + 1)
                if t and t.label in ("Port", "Location") and s.label == "Country":
                    self._emit(out, "LOCATED_IN", [t], [s], sent)
                elif t and t.label == "Agency":
                    self._emit(out, "PART_OF", [t], [s], sent)
        # An agency named with its state ("Russian Ministry of Defence") belongs to that state.
        info = doc.user_data.get("skg_info", {})
        for s in slots:
            if s.label == "Agency":
                iso2 = info.get(span_key(s.start, s.end), {}).get("country")
                if iso2 and country_of(doc[s.start].text) or (iso2 and doc[s.start + 1].text in {"'s", "\u2019s"} if s.end - s.start > 1 else False):
                    country = next((c for c in cues_countries() if c["iso2"] == iso2), None)
                    if country:
                        self._emit(out, "PART_OF", [s], [("Country", country["name"])], sent)

    def _appositive_place(self, doc, k, hi, by_start):
        """After "X, a": "[commercial | deep-water | ...] port in [the] Y" names the country or
        region Y that X lies in; the words before the place noun are a few lower-case
        modifiers or a demonym, nothing that starts a clause."""
        limit = min(hi, k + 6)
        while k < limit and doc[k].lower_ not in self.place_nouns:
            t = doc[k]
            if not (t.is_alpha or t.text == "-") or t.lower_ in CLAUSE_STOPS or t.pos_ in ("VERB", "AUX"):
                return None
            k += 1
        if k >= limit:
            return None
        k += 1
        if k < hi and (doc[k - 1].lower_, doc[k].lower_) in self.place_pairs:
            k += 1
        if not (k < hi and doc[k].lower_ in self.place_preps):
            return None
        k += 1
        if k < hi and doc[k].lower_ == "the":
            k += 1
        t = by_start.get(k)
        return t if t is not None and t.label in ("Country", "Location") else None

    def _ais(self, doc, sent, slots, dates, hits, out, last_vessels):
        lo, hi = sent.start, sent.end
        found = [h for i in range(lo, hi) for h in hits.get(i, []) if h[0] == "AIS"]
        if not found:
            return
        words = {t.lower_ for t in sent}
        if not words & {"ais", "transponder", "transponders", "tracking", "signal", "signals", "identity", "identities", "dark", "location"}:
            return
        vessels = [s for s in slots if s.label == "Vessel"]
        keys = [k for v in vessels for k in v.keys] or (last_vessels if words & {"it", "its", "they", "their", "ship", "vessel"} else [])
        if keys:
            s0 = found[0][1]
            out.append({"type": "AIS_DARK", "sources": keys, "targets": [], "sent": (lo, hi),
                        "date_text": self._date_text(doc, dates, s0, lo, hi), "props": {"cue": doc[found[0][1]:found[0][2]].text.lower()}})


def cues_countries():
    from ingest.components.common import data

    return data("countries")["countries"]


@Language.factory("sanctions_kg_relations_v1", assigns=["doc.user_data"], default_config={"window": 4})
def make_relations(nlp: Language, name: str, window: int) -> Relations:
    return Relations(nlp, name, window=window)
