"""sanctions_kg_relations_v1: relations between the entities of each sentence.

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

import re
from bisect import bisect_left
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from graph.ontology import load as load_ontology
from ingest.components.common import DARK, DATES, INFO, RELATIONS, country_of, cues, ensure_extensions, span_key, span_text, token_strings
from ingest.components.matching import RuleMatcher

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
EVASION = {"evade", "evading", "evasion", "evaded", "circumvent", "circumventing", "circumvented", "break", "breaking",
           "breach", "breaching", "violate", "violating", "violation", "violations", "bust", "busting", "skirt", "skirting",
           "avoid", "avoiding", "dodge", "dodging", "despite", "flout", "flouting", "undermine", "lift", "lifted", "ease", "eased"}
POSSESSIVE_PRON = {"their", "its", "his", "her"}
ESCAPE = {"without", "yet", "avoid", "avoided", "escape", "escaped", "evade", "spare", "spared"}
LAW_WORDS = {"act", "order", "orders", "resolution", "resolutions", "regulation", "regulations", "law", "code", "statute", "decree"}
IDENTIFY = {"identified", "identifies", "identify", "identifying"}


def _bare(text: str) -> str:
    """Lower case without a leading "the" and surrounding punctuation."""
    text = " ".join(text.lower().split()).strip(" .,;:'\"\u201c\u201d")
    return text[4:] if text.startswith("the ") else text


def _word_re(words) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?![\w-])")


def inflect(word: str) -> list[str]:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith("e"):
        return [word, word + "s", word + "d", word[:-1] + "ing"]
    return [word, word + "s", word + "ed", word + "ing"]


LIST_GAP_WORDS = {",", "and", "the", "as", "well", "&", "its", "their", "registered", "owner", "operator", "manager", "beneficial"} | {
    w for t in cues()["vessel_types"] for w in (t, t + "s")} | set(cues()["vessel_type_modifiers"])   # "A and the crude tanker B"


PRONOUNS = {"they", "it", "he", "she", "we"}
SHIP_NOUNS_HEAD = {t for t in cues()["vessel_types"]}
SHIP_NOUNS = SHIP_NOUNS_HEAD | set(cues()["vessel_type_modifiers"]) | {"oil", "crude"}
DEPLOY_VERBS = {"deploy", "dispatch", "send", "station", "assign", "commit"}
PLACE_MODIFIERS = {"based", "flagged", "registered", "owned", "headquartered", "linked"}


def _list_gap(gap) -> bool:
    """Whether the tokens between two entities only join a list ("A, B and its owner, C");
    a parenthesis ("(IMO 1234567)") and a place modifier ("Panama-based") are skipped."""
    depth = 0
    for k, t in enumerate(gap):
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth <= 0 and t.lower_ not in LIST_GAP_WORDS and not (
                t.text == "-" and k + 1 < len(gap) and gap[k + 1].lower_ in PLACE_MODIFIERS) and not (
                t.lower_ in PLACE_MODIFIERS and k > 0 and gap[k - 1].text == "-") and not (
                k + 2 < len(gap) and gap[k + 1].text == "-" and gap[k + 2].lower_ in PLACE_MODIFIERS):
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
        self._doc, self._lower = None, []  # the document being read, its tokens' lower-case forms (see __call__)
        # The labels each relation may join, as graph/ontology.yaml declares them.
        rels = load_ontology().relationships
        self.sanction_targets, self.sanction_agents = set(rels["SANCTIONED_BY"].extract_from), set(rels["SANCTIONED_BY"].targets)
        self.own_sources, self.own_targets = set(rels["OWNED_BY"].sources), set(rels["OWNED_BY"].targets)
        self.op_sources, self.op_targets = set(rels["OPERATED_BY"].sources), set(rels["OPERATED_BY"].targets)
        self.part_sources, self.part_targets = set(rels["PART_OF"].sources), set(rels["PART_OF"].targets)
        self.tie_sources, self.tie_targets = set(rels["ASSOCIATED_WITH"].extract_from), set(rels["ASSOCIATED_WITH"].extract_to)
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
        self.agent_excluded = [w.lower() for w in r["sanction_agent_excluded"]]
        self.agent_excluded_re = _word_re(self.agent_excluded)
        self.sanction_bodies_re = _word_re(w.lower() for w in r["sanction_bodies"])
        self.not_named = {w.lower() for w in r["not_named"]}
        self.us_instruments = [w.lower() for w in r["us_instruments"]]
        self.blocked_property = [tuple(w.split()) for w in r["blocked_property"]]
        self.navy_re = _word_re(w.lower() for w in r["navy_words"])
        self.warship_words = {w.lower() for w in r["warship_words"]}
        self.warship_prefixes = set(r["warship_prefixes"])
        self.hedge_words = set(r["hedge_words"])
        self.hedge_verbs = set(r["hedge_verbs"])
        self.hedge_nouns = set(r["hedge_nouns"])
        self.hedge_passive = set(r["hedge_passive_verbs"])
        self.denial_verbs = set(r["denial_verbs"])
        self.denial_subjects = set(r["denial_subjects"])
        self.modal_lemmas = set(r["modal_block"])
        pm = PhraseMatcher(nlp.vocab, attr="LOWER")
        tok = nlp.tokenizer
        pm.add("OWN_P", list(tok.pipe(r["owned_passive"])))
        pm.add("OP_P", list(tok.pipe(list(r["operated_passive"]))))
        pm.add("ASSOC", list(tok.pipe(r["associated"])))
        pm.add("PART", list(tok.pipe([p for p in r["part_of"] if p != "under"])))
        pm.add("AIS", list(tok.pipe(r["ais_cues"])))
        owner_roles, op_roles = r["owner_roles"], r["operator_roles"]
        self.op_role_of = {k.lower(): v for k, v in op_roles.items()}
        pm.add("OWNER_OF", list(tok.pipe([f"{w} of" for w in owner_roles])))
        pm.add("ITS_OWNER", list(tok.pipe([f"{p} {w}" for w in owner_roles for p in ("its", "their", "'s", "\u2019s")])))
        pm.add("ITS_OPERATOR", list(tok.pipe([f"{p} {w}" for w in op_roles for p in ("its", "their", "'s", "\u2019s")])))
        pm.add("OPERATOR_OF", list(tok.pipe([f"{w} of" for w in op_roles])))
        self.operated_roles = {k: v for k, v in r["operated_passive"].items()}
        self.operated_active = {f: role for v, role in r["operated_active"].items() for f in inflect(v) if f not in {"run", "running"}}
        self.owned_active = {f for v in r["owned_active"] for f in inflect(v) if f not in {"owned", "controlled"}}
        # Words a designation cue can be (see _sanction_cue): _sanctions looks at these tokens only.
        self.sanction_cue_words = self.add_forms | IDENTIFY | {"list", "freeze", "ban"} | self.sanction_forms
        self.phrases = pm
        # "left its AIS transponder off": the cue is split around the object, which a phrase
        # cannot say.
        split = RuleMatcher(nlp.vocab)
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
        m = RuleMatcher(nlp.vocab)
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
        """Evasion or escape wording near a cue ("helped Iran evade US sanctions", "has yet to
        be sanctioned"); negation and modality are read by certainty()."""
        for t in doc[max(lo, cue - self.window): min(hi, cue + 2)]:
            if t.lower_ in EVASION or t.lower_ in ESCAPE:
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
            if s.label in ("Country", "Location") and s.end + 1 < hi and doc[s.end].text == "-" and doc[s.end + 1].lower_ in PLACE_MODIFIERS:
                continue  # "Panama-based X": a modifier inside the list, not the end of it
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
    def _possessor_chain(agents: list[Slot], slots: list[Slot], doc: Doc, hi: int, ok=lambda s: True) -> list[Slot]:
        """"the U.S. Treasury's Office of Foreign Assets Control": the body at the end of a
        possessive chain is the one that acts ("Iran's Revolutionary Guard": none, when `ok`
        refuses that body)."""
        while agents and agents[0].end + 1 < hi and doc[agents[0].end].text in {"'s", "\u2019s"}:
            nxt = next((s for s in slots if s.start == agents[0].end + 1 and s.label == "Agency"), None)
            if nxt is not None and not ok(nxt):
                return []
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
            # "the tanker X and the freighter Y": the names stand in apposition to the nouns.
            todo.extend(c for c in t.children if c.dep_ == "conj" or (c.dep_ == "appos" and hit is None))
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
        doc.user_data[DARK] = []
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
            self._warship(doc, sent, slots, out, state)
            self._fleet_ship(doc, sent, slots, out)
            self._sanctions(*ctx, state)
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

    def certainty(self, doc: Doc, i: int, lo: int, hi: int) -> str:
        """How the sentence states the fact whose cue is token i: "stated", "hedged", "denied"
        or "hypothetical". Reads the cue and its governing words in the parse, up to the
        clause that holds it ("X, which was sanctioned by Y, is believed ..." states the
        sanction); without a parse, the few words before the cue."""
        if not doc.has_annotation("DEP"):
            words = {t.lower_ for t in doc[max(lo, i - self.window): i + 1]}
            if words & self.negations:
                return "denied"
            if words & self.modal:
                return "hypothetical"
            return "hedged" if words & self.hedge_words else "stated"
        chain, t = [doc[i]], doc[i]
        while t.head is not t and len(chain) < 8:
            if t.dep_ in ("relcl", "acl", "appos", "ROOT"):
                # A clause that opens with the conjunction "that" complements the word above it
                # ("denied that X docked", "no evidence that X was sanctioned"); the small
                # model often hangs it on the noun, as if it were a relative clause.
                if t.dep_ == "appos" or not any(c.dep_ == "mark" and c.lower_ == "that" for c in (*t.children, *t.head.children)):
                    break
            t = t.head
            chain.append(t)
        hedged = False
        for k, t in enumerate(chain):
            lemma = t.lemma_.lower()
            kids = list(t.children)
            kid_deps, kid_lows = [c.dep_ for c in kids], [c.lower_ for c in kids]  # read once for the tests below
            if any(d == "neg" or low == "never" for d, low in zip(kid_deps, kid_lows)):
                return "denied"
            if any(d in ("nsubj", "nsubjpass") and (low in self.denial_subjects
                   or any(x.dep_ == "det" and x.lower_ == "no" for x in c.children)) for c, d, low in zip(kids, kid_deps, kid_lows)):
                return "denied"
            if t.pos_ == "NOUN" and any(d == "det" and low == "no" for d, low in zip(kid_deps, kid_lows)):
                return "denied"
            if k > 0 and lemma in self.denial_verbs:
                return "denied"
            modals = [c for c in kids if c.tag_ == "MD"]
            if modals:
                # "may have been sanctioned" hedges a past fact; "may sanction" is no fact yet.
                if "have" in kid_lows and t.tag_ == "VBN" and modals[0].lower_ not in ("will", "shall", "would"):
                    hedged = True
                else:
                    return "hypothetical"
            if k > 0 and t.pos_ == "VERB" and chain[k - 1].dep_ in ("xcomp", "ccomp", "dobj", "pobj", "prep") and (
                    lemma in self.modal_lemmas or (lemma == "call" and any(low in ("for", "on") for low in kid_lows))):
                # "plans to sanction X", "urged that the EU sanction X", "called for sanctions on X"
                return "hypothetical"
            if k > 0 and (lemma in self.hedge_verbs or lemma in self.hedge_nouns or (lemma in self.hedge_passive and "auxpass" in kid_deps)):
                hedged = True
            if t.lower_ in self.hedge_words or any(low in self.hedge_words and d in ("advmod", "amod", "acomp") for d, low in zip(kid_deps, kid_lows)):
                hedged = True
        if not hedged:
            # The parse may hang a "that" clause anywhere; the words still say it: "denied that
            # ...", "no evidence that ...", "alleged that ..." before the cue, with no relative
            # pronoun between (which would open a clause of its own).
            lower = self._lower if self._doc is doc else [t.lower_ for t in doc]
            for j in range(max(lo, i - 25), i - 1):
                if lower[j + 1] != "that" or any(t.lower_ in ("which", "who", "whose") for t in doc[j + 2:i]):
                    continue
                lemma = doc[j].lemma_.lower()
                if lemma in self.denial_verbs or (doc[j].lower_ == "evidence" and j > lo and doc[j - 1].lower_ == "no"):
                    return "denied"
                if lemma in self.hedge_verbs or lemma in self.hedge_nouns:
                    hedged = True
        return "hedged" if hedged else "stated"

    def _emit(self, out, rtype, sources, targets, sent, date=None, at=None, **props):
        src = [k for s in sources for k in s.keys]
        tgt = [k for t in targets for k in (t.keys if isinstance(t, Slot) else [t])]
        if src and tgt:
            certainty = self.certainty(sent.doc, at, sent.start, sent.end) if at is not None else "stated"
            if certainty in ("denied", "hypothetical"):
                # A denial or a plan is never a fact: no relation (kept aside for inspection).
                sent.doc.user_data.setdefault("skg_not_facts", []).append(
                    {"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end), "certainty": certainty})
                return
            out.append({"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end),
                        "date_text": date, "props": {**{k: v for k, v in props.items() if v is not None}, "certainty": certainty}})

    def _date_text(self, doc, dates, pos, lo, hi):
        d = self._nearest_date(dates, pos, lo, hi)
        return span_text(doc, d[0], d[1]) if d else None

    def _is_sanctioner(self, doc: Doc, slot: Slot) -> bool:
        """A state, or an agency that designates: not a navy, court, police force or the like
        ("the Royal Navy", "the District Court"), and not the bare word "Government"."""
        if slot.label == "Country":
            return True
        if slot.label != "Agency":
            return False
        text = _bare(doc[slot.start:slot.end].text)
        # The gazetteer's full name too: "IRGC" is the Revolutionary Guard Corps.
        canonical = _bare(doc.user_data.get(INFO, {}).get(span_key(slot.start, slot.end), {}).get("canonical") or "")
        return text not in self.not_named and not self.agent_excluded_re.search(text) and not (canonical and self.agent_excluded_re.search(canonical))

    def _is_named(self, doc: Doc, slot: Slot, state: dict) -> bool:
        """Whether a sanction target is a named party: not a common word or phrase that an
        earlier step took for a name ("foreign", "shipping lines", "SDN list"), and not itself
        a designating body."""
        if slot.keys != [(slot.start, slot.end)]:
            return True  # a plural reference stands for the ships named before it
        span = doc[slot.start:slot.end]
        text = _bare(span.text)
        if not text or text in self.not_named:
            return False
        if all(t.lower_ in self.not_named or t.is_stop or t.is_punct for t in span):
            return False
        if not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in span):
            return False
        if slot.label == "Agency" and self.sanction_bodies_re.search(text):
            return False
        if span[-1].lower_ in LAW_WORDS:
            return False  # "the International Emergency Economic Powers Act" is a law, not a party
        return slot.keys[0] not in state["warships"]

    def _sanction_cue(self, doc: Doc, i: int, hi: int) -> str | None:
        """What kind of designation cue token i is, or None: "add" ("added X to the SDN
        List"), "blocked" ("identified X as blocked property"), "sanction" (designated,
        sanctioned, sanctions on ...)."""
        low = doc[i].lower_
        if low in self.add_forms:
            # "added X to the SDN List", "placed X on its sanctions list"
            to = next((j for j in range(i + 1, min(i + 16, hi)) if doc[j].lower_ in ("to", "on", "onto")), None)
            if to is not None and any(t.lower_ in self.list_nouns for t in doc[to + 1:min(to + 6, hi)]):
                return "add"
            return None
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

    def _sanctions(self, doc, sent, slots, dates, hits, out, state):
        lo, hi = sent.start, sent.end
        state["sent_no"] = state.get("sent_no", 0) + 1
        agent_slots = [s for s in slots if s.label in self.sanction_agents and self._is_sanctioner(doc, s)]
        if doc.has_annotation("DEP"):
            # A designating body as the subject of the sentence ("OFAC took action against
            # ...") is the one behind a passive designation in the sentences that follow.
            for a in agent_slots:
                if a.label == "Agency" and any(t.dep_ == "nsubj" and t.head.dep_ == "ROOT" for t in doc[a.start:a.end]) \
                        and self.sanction_bodies_re.search(_bare(doc[a.start:a.end].text)):
                    state["agent"] = ([a], state["sent_no"])
                    break
        for i in self._cue_at[bisect_left(self._cue_at, lo):bisect_left(self._cue_at, hi)]:
            kind = self._sanction_cue(doc, i, hi)
            if kind is None:
                continue
            low = doc[i].lower_
            if self._blocked(doc, lo, i, hi):
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
            # Passive: a "by" shortly after the cue names the agent.
            by = next((j for j in range(i + 1, min(i + 6, hi)) if doc[j].lower_ == "by"), None)
            agents: list[Slot] = []
            if by is not None:
                agents = [s for s in agent_slots if s.start > by][:1]
                if agents and any(t.lower_ in CLAUSE_STOPS for t in doc[by:agents[0].start]):
                    agents = []
                if agents:
                    # "by the United States and the United Kingdom"
                    agents = self._group_right(agent_slots, agents[0].start, {agents[0].label}, doc, hi) or agents
                agents = self._possessor_chain(agents, slots, doc, hi, lambda x: self._is_sanctioner(doc, x))
                first = self._slot_at(slots, subj, self.sanction_targets | {"Vessel"})
                targets = self._with_list(slots, first, doc, i) if first else self._group_left(slots, i, self.sanction_targets, doc)
                # "Neither A nor B has been sanctioned by Y": a negation before the cue.
                if targets and any(t.lower_ in self.negations for t in doc[max(lo, targets[0].start - 2):i]):
                    continue
                if not targets and agents:
                    # "Eleven ships were sanctioned by the UK, including the A and the B"
                    inc = next((j for j in range(agents[-1].end, min(agents[-1].end + 4, hi)) if doc[j].lower_ in ("including", "among", ":")), None)
                    if inc is not None:
                        targets = self._group_right(slots, inc + 1, self.sanction_targets, doc, hi, skip=agents)
            else:
                before = [s for s in agent_slots if s.end <= i]
                agents = before[-1:]
                by_parse = self._slot_at(slots, subj, self.sanction_agents, follow_appos=False)
                if by_parse is not None:
                    # "OFAC and the Department of State designated ...": every body in the subject.
                    agents = [a for a in self._conjoined(doc, slots, subj, self.sanction_agents) if self._is_sanctioner(doc, a)]
                agents = self._possessor_chain(agents, slots, doc, i, lambda x: self._is_sanctioner(doc, x))
                # "US sanctions on X" / "imposed sanctions on X" / "designated X"
                targets = self._group_right(slots, i + 1, self.sanction_targets, doc, hi, skip=agents)
                obj = next((c for c in doc[i].children if c.dep_ == "dobj"), None) if doc.has_annotation("DEP") and doc[i].pos_ == "VERB" else None
                if obj is not None:
                    # Objects coordinated across a relative clause ("designated A, which ..., and B").
                    for extra in self._conjoined(doc, slots, obj, self.sanction_targets):
                        if extra not in targets and extra not in agents:
                            targets.append(extra)
                colon = next((j for j in range(i + 1, min(i + 14, hi)) if doc[j].text == ":"), None)
                if not targets and colon is not None:
                    # "designated four tankers under the Russia programme: the A, the B and the C"
                    targets = self._group_right(slots, colon + 1, self.sanction_targets, doc, hi, skip=agents)
                if colon is not None:
                    # A notice's list: "...: A (IMO ...), a Panama-flagged tanker; B (IMO ...), ...; and C"
                    for extra in self._semicolon_items(doc, slots, colon, hi, self.sanction_targets):
                        if extra not in targets and extra not in agents:
                            targets.append(extra)
                if not targets and agents and any(t.lower_ in {"which", "that", "whom"} for t in doc[max(lo, agents[0].start - 3):agents[0].start]):
                    # "X, which the US sanctioned in 2022": the target precedes the agent.
                    targets = self._group_left(slots, agents[0].start, self.sanction_targets, doc)
                if not targets and doc[i].pos_ == "VERB" and any(c.dep_ == "auxpass" for c in doc[i].children):
                    # "Several companies have been designated under the order, including A, B and C"
                    inc = next((j for j in range(i + 1, min(i + 10, hi)) if doc[j].lower_ == "including" or doc[j].text == ":"), None)
                    if inc is not None and not any(t.lower_ in CLAUSE_STOPS for t in doc[i:inc]):
                        targets = self._group_right(slots, inc + 1, self.sanction_targets, doc, hi, skip=agents)
                if not targets and subj is not None and doc[i].pos_ == "VERB" and any(c.dep_ == "auxpass" for c in doc[i].children):
                    # "A and B were designated pursuant to E.O. 13846": the subject of the passive.
                    targets = self._conjoined(doc, slots, subj, self.sanction_targets)
                if not agents:
                    # "sanctions imposed on X ... by the EU": an agent after the cue, in the clause.
                    agents = [s for s in agent_slots if s.start > i and s.start - i <= 10 and doc[s.start - 1].lower_ in ("by", "the")
                              and not any(t.lower_ in CLAUSE_STOPS for t in doc[i:s.start])][:1]
            # A possessor is not the party: "restrictions on the X's flag state".
            targets = [t for t in targets if t not in agents and self._is_named(doc, t, state)
                       and not (t.end < hi and doc[t.end].text in ("'s", "\u2019s") and t.keys == [(t.start, t.end)])]
            # Nor is a target's possessor its designator: "Iran's X Shipping Co. was sanctioned".
            agents = [a for a in agents if not (isinstance(a, Slot) and a.end + 1 < hi and doc[a.end].text in ("'s", "\u2019s")
                                                and any(t.start == a.end + 1 for t in targets))]
            if agents and not targets and subj is not None and any(a.start <= subj.i < a.end for a in agents):
                # "The UK sanctioned eleven tankers": the body acts; the names may follow.
                state["agent"] = (agents, state["sent_no"])
            if targets and not agents:
                agents = self._implied_agent(doc, sent, i, state)
            if not agents or not targets:
                continue
            if all(isinstance(a, Slot) for a in agents):
                state["agent"] = (agents, state["sent_no"])
            self._emit(out, "SANCTIONED_BY", targets, agents, sent, self._date_text(doc, dates, i, lo, hi), at=i,
                       year=self._year(doc, lo, hi, i), cue=low)

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
        United States; else the body that designated in one of the two sentences before."""
        text = " " + " ".join(self._lower[sent.start:sent.end]) + " "
        if any(f" {w} " in text for w in self.us_instruments):
            return [("Country", "United States")]
        last = state.get("agent")
        if last and 0 < state["sent_no"] - last[1] <= 2:
            return last[0]
        return []

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

    @staticmethod
    def _semicolon_items(doc: Doc, slots: list[Slot], colon: int, hi: int, labels: set) -> list[Slot]:
        """The names that open each item of a semicolon list after a colon; [] unless there
        are at least two items and each opens with a name."""
        bounds = [colon] + [j for j in range(colon + 1, hi) if doc[j].text == ";"]
        if len(bounds) < 2:
            return []
        out = []
        for k, start in enumerate(bounds):
            end = bounds[k + 1] if k + 1 < len(bounds) else hi
            first = next((x for x in slots if start < x.start < end), None)
            if first is None or first.label not in labels or any(
                    t.lower_ not in ("and", "the", "or") for t in doc[start + 1:first.start]):
                return []
            out.append(first)
        return out

    @staticmethod
    def _unnamed_holder(doc: Doc, slots: list[Slot], s: int) -> bool:
        """Whether a tie cue ("affiliated with", "linked to") modifies a common noun that no name
        stands for ("parties affiliated with Y", "companies linked to Y"), from the parse."""
        if not doc.has_annotation("DEP"):
            return False
        tok = doc[s]
        if tok.dep_ not in ("acl", "amod") or tok.head.pos_ != "NOUN":
            return False
        noun = tok.head
        if any(x.start <= noun.i < x.end for x in slots):
            return False
        named = any(x.start <= c.i < x.end for c in noun.children if c.dep_ in ("appos", "compound") for x in slots)
        return not named and noun.tag_ == "NNS"

    @staticmethod
    def _object_is(doc: Doc, prep: int, slot: Slot) -> bool:
        """Whether the object of the preposition at `prep` ("by", "of", "to") is the named slot,
        or a common noun the name stands in apposition to ("by a company, X"); a common noun
        with the name further on ("by companies tied to X") is not. True without a parse."""
        if not doc.has_annotation("DEP"):
            return True
        obj = next((c for c in doc[prep].children if c.dep_ == "pobj"), None)
        if obj is None or slot.start <= obj.i < slot.end or obj.pos_ != "NOUN":
            return True
        return any(slot.start <= c.i < slot.end for c in obj.children if c.dep_ in ("appos", "compound", "conj", "npadvmod"))

    def _copula_owner(self, doc, slots, noun: int, labels) -> list[Slot]:
        """The holder of a role noun stated with a copula, from the parse: "X is the registered
        owner of Z", "X is the ship manager and commercial manager of Z"; a pronoun subject ("X
        and Y contest the forfeiture, arguing that they are the actual owners of Z") stands for
        the subject of the verb its clause hangs on (and the names coordinated with it)."""
        if not doc.has_annotation("DEP"):
            return []
        role = doc[noun]
        while role.dep_ == "conj" and role.head is not role:
            role = role.head
        if role.dep_ != "attr":
            return []
        subj = self._subject(doc, role.head.i)
        if subj is None:
            return []
        if subj.lower_ not in PRONOUNS:
            return self._conjoined(doc, slots, subj, labels)
        head = role.head.head
        for _ in range(3):
            outer = self._subject(doc, head.i) if head is not role.head else None
            if outer is not None and outer.lower_ not in PRONOUNS:
                return self._conjoined(doc, slots, outer, labels)
            if head.head is head:
                break
            head = head.head
        return []

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
        # Only tokens that start a cue phrase or are an owning or operating verb say anything here.
        starts = self._hit_at[bisect_left(self._hit_at, lo):bisect_left(self._hit_at, hi)]
        starts += self._own_at[bisect_left(self._own_at, lo):bisect_left(self._own_at, hi)]
        for i in sorted(set(starts)):
            for kind, s, e in hits.get(i, []):
                if kind in ("ITS_OWNER", "ITS_OPERATOR"):
                    # "the Pavel Korin ..., and its owner, X" / "Its operator, X, is ..." /
                    # "the Red Kite's ship manager, X"
                    if doc[s].text in ("'s", "\u2019s"):
                        owned = [x for x in slots if x.end == s and x.label in self.own_sources | self.op_sources]
                    else:
                        owned = [x for x in slots if x.end <= s and x.label == "Vessel"][-1:] or self._anaphor(doc, sent, e, last_vessels)
                    owner = self._group_right(slots, e, self.own_targets if kind == "ITS_OWNER" else self.op_targets, doc, hi, max_gap=3)[:1]
                    role_words = " ".join(t.lower_ for t in doc[s + 1:e])
                    if kind == "ITS_OWNER":
                        self._emit(out, "OWNED_BY", owned, owner, sent, at=s + 1, cue=doc[s:e].text.lower())
                    else:
                        self._emit(out, "OPERATED_BY", [o for o in owned if o.label in self.op_sources], owner, sent, at=s + 1,
                                   role=self.op_role_of.get(role_words, "operator"), cue=doc[s:e].text.lower())
                    continue
                if kind in ("OWN_P", "OP_P"):
                    left = s
                    if doc.has_annotation("DEP") and doc[s].dep_ == "conj" and lo <= doc[s].head.i < s and doc[s].head.tag_ == "VBN":
                        # "owned by X and managed by Y": both participles describe the same ship.
                        left = doc[s].head.i
                    src = self._group_left(slots, left, self.own_sources if kind == "OWN_P" else self.op_sources, doc) or self._anaphor(doc, sent, left, last_vessels)
                    tgt = self._group_right(slots, e, self.own_targets if kind == "OWN_P" else self.op_targets, doc, hi)[:1]
                    if tgt and not self._object_is(doc, e - 1, tgt[0]):
                        tgt = []  # "crewed by companies tied to X": unnamed companies, not X
                    phrase = doc[s:e].text.lower()
                    if kind == "OWN_P":
                        self._emit(out, "OWNED_BY", src, tgt, sent, at=s, cue=phrase)
                    else:
                        self._emit(out, "OPERATED_BY", src, tgt, sent, at=s, role=self.operated_roles.get(phrase, "operator"), cue=phrase)
                elif kind in ("OWNER_OF", "OPERATOR_OF"):
                    # "X, the registered owner of the tanker Y": the owned thing is named right
                    # there; "the owners of the ships will ..." names none.
                    owned = self._group_right(slots, e, self.own_sources | self.op_sources, doc, hi, max_gap=3)
                    owner = [x for x in slots if x.end <= s and s - x.end <= 3 and x.label in self.own_targets][-1:]
                    if not owner:
                        owner = self._copula_owner(doc, slots, e - 2, self.own_targets if kind == "OWNER_OF" else self.op_targets)
                    if not owner and owned:
                        owner = self._group_right(slots, owned[-1].end, self.own_targets, doc, hi)[:1]
                    rtype = "OWNED_BY" if kind == "OWNER_OF" else "OPERATED_BY"
                    role = None if kind == "OWNER_OF" else self.op_role_of.get(" ".join(t.lower_ for t in doc[s:e - 1]), "operator")
                    if rtype == "OPERATED_BY":
                        owned = [o for o in owned if o.label in self.op_sources]
                    self._emit(out, rtype, owned, owner, sent, at=e - 2, role=role, cue=doc[s:e].text.lower())
                elif kind == "ASSOC":
                    if s > lo and doc[s - 1].lower_ in POSSESSIVE_PRON:
                        # "their ties to Y": "their" is the subject of the sentence.
                        firsts = [x for x in slots if x.start < s and x.label not in ("Country",)]
                        src = self._group_right(firsts, lo, {firsts[0].label}, doc, s) if firsts else []
                        # Agents of a sanction in this sentence are not the ones with ties.
                        src = [x for x in src if x.label != "Agency"] or src
                    else:
                        src = self._group_left(slots, s, self.tie_sources, doc)
                        if src and self._unnamed_holder(doc, slots, s):
                            src = []   # "several parties affiliated with Y": the parties are not named
                    tgt = self._group_right(slots, e, self.tie_targets, doc, hi)[:1]
                    if tgt and not self._object_is(doc, e - 1, tgt[0]):
                        tgt = []
                    self._emit(out, "ASSOCIATED_WITH", src, tgt, sent, at=s, cue=doc[s:e].text.lower())
                elif kind == "PART":
                    src = self._group_left(slots, s, self.part_sources, doc)
                    tgt = self._group_right(slots, e, self.part_targets, doc, hi)[:1]
                    self._emit(out, "PART_OF", src, tgt, sent)
            low = self._lower[i]
            if (low in self.owned_active or low in self.operated_active) and not (
                    (i + 1 < hi and doc[i + 1].lower_ == "by") or any(c.dep_ == "auxpass" for c in doc[i].children)):
                # (a passive participle, "was managed by", is read by the phrase rules above)
                # The verb's subject in the parse ("X, a company registered in Y that operates
                # Z": X, not Y); else the nearest owner-like name before the verb that is not a
                # place in a prepositional phrase.
                by_parse = self._slot_at(slots, self._subject(doc, i), self.own_targets)
                owner = [by_parse] if by_parse else [
                    x for x in slots if x.end <= i and x.label in self.own_targets
                    and not (x.label == "Country" and x.start > lo and doc[x.start - 1].lower_ in {"in", "at", "from", "near", "of", "the"})][-1:]
                owned = self._group_right(slots, i + 1, self.own_sources | self.op_sources, doc, hi)
                if owner and owned and not self._blocked(doc, lo, i, hi):
                    if low in self.owned_active:
                        self._emit(out, "OWNED_BY", owned, owner, sent, at=i, cue=low)
                    else:
                        self._emit(out, "OPERATED_BY", [o for o in owned if o.label in self.op_sources], owner, sent, at=i, role=self.operated_active[low], cue=low)

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
        # A port, or a place named as one ("its homeport of Kodiak", "the port of X").
        ports = [s for s in slots if s.label == "Port" or (
            s.label == "Location" and s.start >= sent.start + 2 and doc[s.start - 1].lower_ == "of"
            and doc[s.start - 2].lower_ in ("port", "homeport", "harbor", "harbour", "base"))]
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
        verbs = [(k, self.call_forms[low]) for k, low in enumerate(self._lower[lo:hi], lo) if low in self.call_forms]
        called: dict[int, str] = {}   # end token of a port with a call -> its preposition
        for p in ports:
            prep = None
            j = p.start - 1
            while j >= lo and p.start - j <= 7:   # "at the North Korean port of P"
                low = doc[j].lower_
                if low in (",", "and") and j in called:
                    prep = called[j]   # "called at A, B and C": each port of the list
                    break
                if low in (",", "and") and j > lo and doc[j - 1].text in (",",) and j - 1 in called:
                    prep = called[j - 1]
                    break
                if low in {"at", "in", "from", "to", "into", "off", "near", "for"}:
                    prep = low
                    break
                if low in self.call_forms:
                    # "reached Vostochny", "left Primorsk": the port is the verb's object.
                    prep = "from" if self.call_forms[low] == "departed" else "at"
                    break
                if not (doc[j].text[:1].isupper() or low in {"the", "'s", "\u2019s", "port", "of", "-", "russian", "north", "korean", "its", "her", "their", "homeport", "home", "port"} or country_of(doc[j].text)):
                    break
                j -= 1
            if prep is None or not (verbs or prep == "at"):
                continue
            called[p.end] = prep
            if self._negated(doc, p.start, lo):
                continue
            activity = "called"
            before = [v for v in verbs if v[0] < p.start]
            near_v = min(verbs, key=lambda v: abs(v[0] - p.start)) if verbs else None
            near = near_v[1] if near_v else "called"
            verb = before[-1][1] if before and p.start - before[-1][0] <= 10 else near
            at = before[-1][0] if before and p.start - before[-1][0] <= 10 else (near_v[0] if near_v else p.start)
            if prep == "from":
                activity = "loaded" if verb == "loaded" else "departed"
            elif prep in ("to", "into"):
                activity = "unloaded" if verb == "unloaded" else "arrived"
            else:
                activity = verb
            self._emit(out, "CALLED_AT", vessels, [p], sent, self._date_text(doc, dates, p.start, lo, hi), at=at, activity=activity)

    def _demonym_before(self, doc, k: int, lo: int) -> str | None:
        """The country whose demonym (one or two words) ends just before token k."""
        for n in (2, 1):
            if k - n >= lo and all(t.text[:1].isupper() for t in doc[k - n:k]):
                c = country_of(doc[k - n:k].text)
                if c and doc[k - n:k].text not in c.get("aliases", []):
                    return c["name"]
        return None

    @staticmethod
    def _place_list(doc, slots, first: Slot, second: Slot, lo: int, hi: int) -> bool:
        """Whether "first, second" are items of a list of places rather than a place and the
        country or region it lies in."""
        places = ("Port", "Location", "Country")
        before = [x for x in slots if x.end <= first.start and first.start - x.end <= 2 and x.label in places]
        if before and all(t.text in (",", "and", "or") for t in doc[before[-1].end:first.start]):
            return True
        k = second.end
        if k < hi and doc[k].lower_ in ("and", "or", "&"):
            return True
        if doc[second.end - 1].dep_ in ("nsubj", "nsubjpass"):
            return True  # "..., Japan works closely with ...": the second opens a clause
        if k + 1 < hi and doc[k].text == "," and any(x.start in (k + 1, k + 2) and x.label in places for x in slots):
            return True
        return False

    def _places(self, doc, sent, slots, dates, hits, out):
        lo, hi = sent.start, sent.end
        by_start = {s.start: s for s in slots}
        for s in slots:
            if s.label in ("Port", "Location"):
                # "the North Korean port of X", "the Russian port city of X": a demonym names the state.
                k = s.start
                if s.end - s.start > 2 and doc[k].lower_ in self.place_nouns and doc[k + 1].lower_ == "of":
                    country = self._demonym_before(doc, k, lo)   # the name was taken with its "port of"
                elif k - 1 >= lo and doc[k - 1].lower_ == "of":
                    k -= 1
                    while k - 1 >= lo and doc[k - 1].lower_ in self.place_nouns | {"city", "town"}:
                        k -= 1
                    country = self._demonym_before(doc, k, lo) if k < s.start - 1 else None
                else:
                    country = None
                if country:
                    self._emit(out, "LOCATED_IN", [s], [("Country", country)], sent)
            if s.label in ("Port", "Location", "Company", "Organization", "Agency"):
                j = s.end
                if j < hi and doc[j].lower_ in {"port", "shipyard", "terminal"}:
                    j += 1
                if j + 1 < hi and doc[j].text == "," and doc[j + 1].lower_ == "in":
                    j += 1
                if s.label in ("Port", "Location") and j < hi and doc[j].text == "," and (j + 1) in by_start and by_start[j + 1].label in ("Country", "Location") \
                        and not self._place_list(doc, slots, s, by_start[j + 1], lo, hi):
                    # "Piraeus, Greece", "Kodiak, Alaska" (not "Dubai, Singapore and Busan")
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
                    country = _country_by_iso2().get(iso2)
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
        found = [h for i in self._ais_at[bisect_left(self._ais_at, lo):bisect_left(self._ais_at, hi)] for h in hits[i] if h[0] == "AIS"]
        if not found:
            return
        words = set(self._lower[lo:hi])
        if not words & {"ais", "transponder", "transponders", "tracking", "signal", "signals", "identity", "identities", "dark", "location"}:
            return
        vessels = [s for s in slots if s.label == "Vessel"]
        keys = [k for v in vessels for k in v.keys] or (last_vessels if words & {"it", "its", "they", "their", "ship", "vessel"} else [])
        if keys:
            s0 = found[0][1]
            doc.user_data[DARK].append({"vessels": keys, "sent": (lo, hi), "after": len(out), "date_text": self._date_text(doc, dates, s0, lo, hi),
                                        "cue": doc[found[0][1]:found[0][2]].text.lower()})


def cues_countries():
    from ingest.components.common import data

    return data("countries")["countries"]


@cache
def _country_by_iso2() -> dict:
    """The first country of countries.yaml with each ISO code."""
    by_code: dict = {}
    for c in cues_countries():
        by_code.setdefault(c["iso2"], c)
    return by_code


@Language.factory("sanctions_kg_relations_v1", assigns=["doc.user_data"], default_config={"window": 4})
def make_relations(nlp: Language, name: str, window: int) -> Relations:
    return Relations(nlp, name, window=window)
