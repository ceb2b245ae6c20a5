"""The sentence context every relation family reads: slots (the named entities of a sentence,
and plural references standing for the ships listed before), how a statement is made
(certainty), evidence (the sentence, date and cue of each relation) and emit(), and the
helpers that read lists, subjects, coordination and back-references from the parse.

A family (ingest/components/relations/<family>.py) subclasses SentenceContext, declares the
relationship types it emits in EMITS, reads its cues in setup(), and reads each sentence in
its own methods; ingest.components.relations.Relations runs them all.
"""

from __future__ import annotations

import re
import sys

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from graph.ontology import load as load_ontology
from ingest.components.common import cues, doc_text, ensure_extensions, span_text
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


def bare(text: str) -> str:
    """Lower case without a leading "the" and surrounding punctuation."""
    text = " ".join(text.lower().split()).strip(" .,;:'\"\u201c\u201d")
    return text[4:] if text.startswith("the ") else text


def word_re(words) -> re.Pattern:
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
# Nouns that refer back to the company a text is about ("The company is the technical manager
# of ..."), and how many sentences back such a reference reaches.
COMPANY_NOUNS = {"company", "firm", "entity", "corporation", "shipowner"}
BACK_WINDOW = 3
# doc.user_data keys: what made each relation, and the candidates left out with the reason.
REL_EXPLAIN, REL_DROPPED = "skg_rel_explain", "skg_rel_dropped"
FORM_WORDS = {w.lower() for w in cues()["legal_forms"]["after"] + cues()["legal_forms"]["before"]} | {"limited", "liability", "company", "the"}
SHIP_NOUNS_HEAD = {t for t in cues()["vessel_types"]}
SHIP_NOUNS = SHIP_NOUNS_HEAD | set(cues()["vessel_type_modifiers"]) | {"oil", "crude"}
DEPLOY_VERBS = {"deploy", "dispatch", "send", "station", "assign", "commit"}
PLACE_MODIFIERS = {"based", "flagged", "registered", "owned", "headquartered", "linked"}


def list_gap(gap) -> bool:
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
                k + 2 < len(gap) and gap[k + 1].text == "-" and gap[k + 2].lower_ in PLACE_MODIFIERS) and not (
                _place_prefix(gap, k)):
            return False
    return True


def _place_prefix(gap, k: int) -> bool:
    """Whether gap[k] is a word of a place name of up to three words written as a modifier
    ("Marshall Islands-registered", "Saint Kitts and Nevis-flagged")."""
    if not gap[k].text[:1].isupper() and gap[k].lower_ != "and":
        return False
    for j in range(k + 1, min(k + 5, len(gap) - 1)):
        if gap[j].text == "-":
            return gap[j + 1].lower_ in PLACE_MODIFIERS
        if not (gap[j].text[:1].isupper() or gap[j].lower_ == "and"):
            return False
    return False


def _line_start(text: str, idx: int) -> bool:
    """Whether only spaces and tabs stand between the start of a line and character idx."""
    j = idx - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return idx == 0 or (j >= 0 and text[j] == "\n")


class Slot:
    __slots__ = ("start", "end", "label", "keys")

    def __init__(self, start, end, label, keys):
        self.start, self.end, self.label, self.keys = start, end, label, keys



class SentenceContext:
    """What every family shares: the document being read, cue words of certainty, the
    phrase matcher, and the helpers below. Subclasses set EMITS and setup()."""

    EMITS: tuple[str, ...] = ()
    FAMILIES: tuple = ()   # set on the composed class (ingest.components.relations.Relations)

    @staticmethod
    def setup(self, nlp: Language, rels: dict, r: dict, c: dict) -> None:
        """Read the family's cues from cues.yaml (r: its "relations" part) and the labels
        its relations join from the ontology (rels); add its phrases to self.phrases."""

    def __init__(self, nlp: Language, name: str, *, window: int):
        ensure_extensions()
        self.name = name
        self.window = window
        self._doc, self._lower = None, []  # the document being read, its tokens' lower-case forms (see __call__)
        self._form_memo: tuple = (None, {})  # _form_only's answers for one document: (doc, {(start, end): bool})
        r = cues()["relations"]
        c = cues()
        # How a statement is made (certainty()): shared by every family.
        self.modal = {f for v in r["modal_block"] for f in inflect(v)}
        self.negations = set(r["negations"])
        self.hedge_words = set(r["hedge_words"])
        self.hedge_verbs = set(r["hedge_verbs"])
        self.hedge_nouns = set(r["hedge_nouns"])
        self.hedge_passive = set(r["hedge_passive_verbs"])
        self.denial_verbs = set(r["denial_verbs"])
        self.denial_subjects = set(r["denial_subjects"])
        self.modal_lemmas = set(r["modal_block"])
        # One phrase matcher for every family's cue phrases, run once per document; each
        # family adds its phrases in setup() (its own match keys).
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # The labels each relation may join, as graph/ontology.yaml declares them.
        rels = load_ontology().relationships
        for family in self.FAMILIES:
            family.setup(self, nlp, rels, r, c)
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
            if s.end + 1 < hi and doc[s.end].text == "-" and (doc[s.end + 1].lower_ in PLACE_MODIFIERS if s.label in ("Country", "Location")
                                                                else doc[s.end + 1].lower_ in ("based", "registered", "headquartered", "flagged")):
                continue  # "Panama-based X" (whatever label the place got): a modifier inside the list, not the end of it
            if s.label not in labels:
                if group:
                    break
                continue
            if not group and s.start - after > max_gap:
                break
            if group and not (list_gap(gap) and s.label == group[0].label):
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

    def _anaphor(self, doc, sent, s, last_vessels) -> list[Slot]:
        """The one ship just named, when the clause opens with "it", "its" or "the ship"."""
        if len({doc[a:b].text for a, b in last_vessels}) != 1:
            return []
        for t in doc[sent.start:s]:
            if t.lower_ in {"it", "its"} or (t.lower_ in {"ship", "vessel", "tanker", "carrier", "freighter"} and t.i > 0 and doc[t.i - 1].lower_ == "the"):
                return [Slot(t.i, t.i + 1, "Vessel", last_vessels[-1:])]
        return []

    @staticmethod
    def _object_is(doc: Doc, prep: int, slot: Slot) -> bool:
        """Whether the object of the preposition at `prep` ("by", "of", "to") is the named slot,
        or a common noun the name stands in apposition to ("by a company, X"); a common noun
        with the name further on ("by companies tied to X") is not. True without a parse."""
        if not doc.has_annotation("DEP"):
            return True
        obj = next((c for c in doc[prep].children if c.dep_ == "pobj"), None)
        if obj is not None and not slot.start <= obj.i < slot.end and obj.pos_ == "PRON":
            return False   # "vessels linked to it": the object is a pronoun, not a name further on
        if obj is None or slot.start <= obj.i < slot.end or obj.pos_ != "NOUN":
            return True
        if any(slot.start <= c.i < slot.end for c in obj.children if c.dep_ in ("appos", "compound", "conj", "npadvmod")):
            return True
        # "by a Chinese company called X" / "named X": the name the noun is given
        return any(c.dep_ == "acl" and c.lemma_.lower() in ("call", "name") and any(slot.start <= g.i < slot.end for g in c.children)
                   for c in obj.children)

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

    def _note_topics(self, doc: Doc, sent, slots: list[Slot], sent_no: int) -> None:
        """Remember what this sentence is about, for back-references in the sentences after
        it: the named parties that are a subject in the parse, or a line that holds only a
        numbered name ("12. X Shipping LLC", an annex entry's heading)."""
        heading = False
        if len(slots) == 1:
            # Every token outside the one name is punctuation, a number or space.
            one = slots[0]
            heading = all(t.is_punct or t.like_num or t.is_space
                          for t in (*doc[sent.start:min(one.start, sent.end)], *doc[max(one.end, sent.start):sent.end]))
        if not heading and slots:
            # "12. Name ..." on a line of its own: the numbered heading of an entry (the parser
            # may leave the number as a sentence of its own).
            k = sent.start
            while k - 1 >= 0 and (doc[k - 1].is_space or doc[k - 1].like_num or doc[k - 1].text == ".") and sent.start - k < 3:
                k -= 1
            # The cheap tests first (most sentences open with a word): the first word is a
            # number; the line test reads the text before it (doc_text: once per Doc, where
            # doc.text would join every token again for each sentence).
            first = next((t for t in doc[k:slots[0].start] if not t.is_space), None)
            words = [t for t in doc[k:slots[0].start] if not t.is_space] if first is not None and first.text.rstrip(".").isdigit() else []
            heading = bool(words) \
                and all(t.like_num or t.text == "." or t.text.rstrip(".").isdigit() for t in words) \
                and _line_start(doc_text(doc), words[0].idx) \
                and "\n" not in span_text(doc, slots[0].start, sent.end).strip()
        for x in slots:
            if x.keys != [(x.start, x.end)] or x.label not in ("Company", "Organization", "Vessel", "Person", "Agency"):
                continue
            if heading or any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[x.start:x.end]):
                self._topics.append((sent_no, x))
            if heading:
                break

    def _back_reference(self, doc: Doc, tok, labels: set, sent_no: int) -> list[Slot]:
        """The party a subject "it" / "the company" stands for: the party the sentences just
        before (at most BACK_WINDOW) were about, if it has one of `labels`; "it" only when the
        latest such party has one of them (a ship named last is what "it" means then)."""
        if tok is None:
            return []
        low = tok.lower_
        if low == "it":
            recent = [x for n, x in self._topics if 0 < sent_no - n <= BACK_WINDOW]
            hit = recent[-1] if recent and recent[-1].label in labels else None
        elif low in COMPANY_NOUNS and any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children) \
                and not any(c.dep_ in ("compound", "amod", "appos") for c in tok.children):
            recent = [x for n, x in self._topics if 0 < sent_no - n <= BACK_WINDOW and x.label in labels and x.label in ("Company", "Organization")]
            hit = recent[-1] if recent else None
        else:
            return []
        return [Slot(tok.i, tok.i + 1, hit.label, list(hit.keys))] if hit is not None else []

    def _form_only(self, doc: Doc, slot: Slot) -> bool:
        """Whether every name the slot stands for (itself, or what a back-reference names) is
        made only of legal-form words."""
        spans = [k for k in slot.keys if isinstance(k[0], int)]
        if not spans:
            return False
        # Asked of the same names again and again (each emit, each family): once per span.
        memo_doc, memo = self._form_memo
        if memo_doc is not doc:
            memo = {}
            self._form_memo = (doc, memo)
        for a, b in spans:
            only = memo.get((a, b))
            if only is None:
                only = memo[(a, b)] = all(t.lower_ in FORM_WORDS or t.is_punct for t in doc[a:b])
            if not only:
                return False
        return True

    # -- certainty and emit ----------------------------------------------------------------
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

    def _emit(self, out, rtype, sources, targets, sent, date=None, at=None, how=None, denied=False, **props):
        """Add one relation candidate (each source to each target) with its certainty, and what
        made it (explain_relations: extract --explain); a candidate left out is recorded with
        the reason (_drop). `denied`: the family read the denial itself ("Neither A nor B was
        sanctioned by Y")."""
        doc = sent.doc
        rule = sys._getframe(1).f_code.co_name.strip("_")
        # A name made only of a legal form ("Liability Company", "LLC") names no party.
        for x in [*sources, *targets]:
            if isinstance(x, Slot) and self._form_only(doc, x):
                self._drop(doc, rtype, sources, targets, sent, f"'{doc[x.start:x.end].text}' is only a legal form, not a name")
        sources = [s for s in sources if not self._form_only(doc, s)]
        targets = [t for t in targets if not (isinstance(t, Slot) and self._form_only(doc, t))]
        src = [k for s in sources for k in s.keys]
        tgt = [k for t in targets for k in (t.keys if isinstance(t, Slot) else [t])]
        if src and tgt:
            certainty = "denied" if denied else self.certainty(doc, at, sent.start, sent.end) if at is not None else "stated"
            if certainty in ("denied", "hypothetical"):
                # A denial or a plan is never a fact: no relation. Both are kept aside; a denial
                # goes on as evidence against the fact (ingest/extract.py: ExtractionResult.denials).
                doc.user_data.setdefault("skg_not_facts", []).append(
                    {"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end), "certainty": certainty,
                     "date_text": date, "props": {k: v for k, v in props.items() if v is not None}})
                cue = f" (cue '{doc[at].text}')" if at is not None else ""
                self._drop(doc, rtype, sources, targets, sent, f"{certainty} statement{cue}")
                return
            out.append({"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end),
                        "date_text": date, "props": {**{k: v for k, v in props.items() if v is not None}, "certainty": certainty}})
            doc.user_data.setdefault(REL_EXPLAIN, []).append(
                {"type": rtype, "sources": src, "targets": tgt, "sent": (sent.start, sent.end),
                 "structure": self._structure(doc, rule, sources, targets, at, how)})

    def _structure(self, doc: Doc, rule: str, sources, targets, at, how) -> str:
        """What made a relation, in words: the rule, the cue (a verb with its voice), lists,
        back-references, and the structure the rule names (`how`)."""
        parts = [rule]
        if how:
            parts.append(how)
        if at is not None:
            tok = doc[at]
            if tok.pos_ in ("VERB", "AUX") and doc.has_annotation("DEP"):
                passive = any(c.dep_ == "auxpass" for c in tok.children) or (at + 1 < len(doc) and doc[at + 1].lower_ == "by")
                parts.append(f"verb '{tok.lemma_}' ({'passive' if passive else 'active'})")
            else:
                parts.append(f"cue '{tok.text}'")
        for side, group in (("sources", sources), ("targets", targets)):
            slots = [x for x in group if isinstance(x, Slot)]
            if len(slots) > 1:
                parts.append(f"list of {len(slots)} {side}")
            for x in slots:
                if x.keys != [(x.start, x.end)]:
                    named = ", ".join(doc[a:b].text for a, b in x.keys)
                    parts.append(f"back-reference '{doc[x.start:x.end].text}' -> {named}")
        return "; ".join(parts)

    def _drop(self, doc: Doc, rtype: str, sources, targets, sent, reason: str) -> None:
        """Record a relation candidate left out, and why (extract --explain)."""
        def keys(group):
            return [k for x in group for k in (x.keys if isinstance(x, Slot) else [x])]
        doc.user_data.setdefault(REL_DROPPED, []).append(
            {"type": rtype, "sources": keys(sources), "targets": keys(targets), "sent": (sent.start, sent.end), "reason": reason})

    def _date_text(self, doc, dates, pos, lo, hi):
        d = self._nearest_date(dates, pos, lo, hi)
        return span_text(doc, d[0], d[1]) if d else None


# -- back-references to a party of a given kind (added for issue 22) --------------------------
# "The tanker X carried oil to Syria. It was designated by OFAC in 2024." / "The vessel was
# sanctioned by the EU": the subject stands for the one ship (or company) named just before.
SHIP_REF_NOUNS = {t for t in cues()["vessel_types"]}


def typed_back_reference(ctx: SentenceContext, doc: Doc, tok, labels: set, sent_no: int) -> list[Slot]:
    """The named party a subject pronoun or a definite common noun stands for, of one of
    `labels`: "it" and "the company" as SentenceContext._back_reference reads them, and "it"
    also for the only party named in the nearest sentence before that names any; "the
    vessel" / "the tanker" / "this ship" for the one ship named in the nearest sentence (at
    most BACK_WINDOW back, this one included) that names ships. None when that sentence names
    two different ones, or when the noun carries a name or a modifier of its own ("the vessel
    X", "the Russian tanker")."""
    if tok is None:
        return []
    low = tok.lower_
    if low == "it" or low in COMPANY_NOUNS:
        found = ctx._back_reference(doc, tok, labels, sent_no)
        if found or low != "it":
            return found
        return _only_named(doc, tok, labels, labels)
    if low not in SHIP_REF_NOUNS or "Vessel" not in labels or tok.tag_ != "NN":
        return []
    kids = list(tok.children)
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in kids) or any(
            c.dep_ in ("compound", "amod", "appos", "nummod", "poss") for c in kids):
        return []
    return _only_named(doc, tok, {"Vessel"}, {"Vessel"})


def _only_named(doc: Doc, tok, wanted: set, counted: set) -> list[Slot]:
    """The one name of a `counted` label in the nearest sentence before tok (this one up to tok
    included, at most BACK_WINDOW back) that holds any, if it has a `wanted` label."""
    sent, end = tok.sent, tok.i
    for _ in range(BACK_WINDOW + 1):
        names = [e for e in doc.ents if e.label_ in counted and sent.start <= e.start and e.end <= end]
        if names:
            if len({e.text for e in names}) != 1 or names[-1].label_ not in wanted:
                return []
            return [Slot(tok.i, tok.i + 1, names[-1].label_, [(names[-1].start, names[-1].end)])]
        if sent.start == 0:
            break
        end = sent.start
        sent = doc[sent.start - 1].sent
    return []
