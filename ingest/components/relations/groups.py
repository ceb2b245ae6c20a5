"""Groups: facts stated about a counted group of ships, firms or people, given to its members.

News often states a fact about a group ("OFAC blacklisted six tankers operated by X") and names
the members in the same sentence or one of the next ("The blacklisted vessels are A, B and C").
A *group* is a plural common noun of an entity class (vessels, ships, tankers ...; companies,
entities, firms ...; individuals, persons) with a count ("six", "16"), a quantifier ("several",
"another") or a definite article. Its members are bound by the first enumeration that names
them, at most WINDOW sentences on:

- in the group's own sentence: a colon list ("six companies: A, B and C"), "including A and
  B" / "namely A, B", the group as the subject of "are" / "include" ("The six vessels are A
  and B"), or bullet lines after a sentence that ends with a colon (one member a line);
- in a later sentence: a definite plural of the same class, or "they", that is the subject of
  a copula or of "include" ("The blacklisted vessels are A, B and C"), follows "among" ("Among
  the vessels are A and B"), or is named "as" a list ("identified the ships as A, B and C").

The members must be named entities of the group's class (a list of firms does not bind a
group of ships), and the enumeration must refer to the group (a sentence that merely names
ships, "Separately, A and B called at P", binds nothing). A later definite plural of the same
class ("the ships were linked to X") stands for the members of the latest bound group, within
WINDOW sentences.

The relation families read a group as a slot that stands for its members (as they read "all
of them"): whatever they find with the group as subject or object goes to each member, with
the certainty of the group's sentence (a denied or planned fact yields nothing), and the
evidence of those relations spans the group's sentence and the one that names the members
(widen_evidence). Nothing here emits a relation itself.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.components.common import cues
from ingest.components.relations.context import REL_EXPLAIN, SentenceContext, Slot

# How many sentences after a group its members may be named, and a back-reference may reach.
WINDOW = 3

GROUP_NOUNS = {
    "Vessel": {w for t in cues()["vessel_types"] for w in (t + "s", t + "es")} | {"ships", "vessels"},
    "Company": {"companies", "entities", "firms", "corporations", "businesses", "shipowners", "enterprises"},
    "Person": {"individuals", "persons"},
}
NOUN_CLASS = {w: label for label, words in GROUP_NOUNS.items() for w in words}
# The entity labels a member of each class may carry.
MEMBER_LABELS = {"Vessel": {"Vessel"}, "Company": {"Company", "Organization"}, "Person": {"Person"}}
QUANTIFIERS = {"several", "multiple", "various", "numerous", "additional", "another", "further", "other"}
DEFINITE = {"the", "these", "those"}
ENUM_LEMMAS = {"be", "include", "comprise"}
NAMING_LEMMAS = {"identify", "name", "list"}
INTRODUCERS = {"including", "namely", "includes", "include", "included"}
PARTS = {"some", "none", "many", "most", "several", "few", "any", "half", "majority", "minority", "number", "couple", "rest",
         "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozen", "dozens", "hundreds"}
BULLETS = ("-", "\u2022", "*", "\u2013")


class Group:
    __slots__ = ("label", "head", "sent_no", "count", "members", "bounds")

    def __init__(self, label: str, head: int, sent_no: int, count: int | None):
        self.label, self.head, self.sent_no, self.count = label, head, sent_no, count
        self.members: list[tuple[int, int]] = []
        self.bounds: tuple[int, int] | None = None   # the tokens of the sentence(s) naming the members


def _count(tok) -> int | None:
    """The number a plural noun is counted with ("six tankers", "16 entities"), or None."""
    num = next((c for c in tok.children if c.dep_ == "nummod" and c.like_num), None)
    if num is None:
        return None
    if num.text.isdigit():
        return int(num.text)
    words = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
            "seventeen eighteen nineteen twenty".split()
    return words.index(num.lower_) if num.lower_ in words else None


def _partitive(tok) -> bool:
    """"two of the vessels", "none of the firms": a part of a group, not the group."""
    if tok.dep_ != "pobj" or tok.head.lower_ != "of":
        return False
    part = tok.head.head
    return part.like_num or part.lower_ in PARTS


def _negated(tok) -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in tok.children)


def _members_after(doc: Doc, slots: list[Slot], at: int, hi: int, labels: set) -> list[Slot]:
    """The list of names of `labels` that opens right after token `at` ("are the tanker A, B
    and C"): at most three words before the first name, none of them a verb."""
    if at < hi and doc[at].text == ":":
        at += 1
    first = next((x for x in slots if x.start >= at), None)
    if first is None or first.label not in labels or first.start - at > 3:
        return []
    if any(t.pos_ in ("VERB", "AUX") or t.text in (".", ";") for t in doc[at:first.start]):
        return []
    return SentenceContext._group_right(slots, at, labels, doc, hi, max_gap=3)


def _bullet_members(doc: Doc, colon: int, labels: set, ents) -> list[tuple[int, int]]:
    """The names on the bullet lines after a colon that ends its line, one a line (the first
    name of `labels` on each line); [] unless there are two or more and every bullet line
    holds one."""
    text = doc.text
    pos = doc[colon].idx + 1
    eol = text.find("\n", pos)
    if eol < 0 or text[pos:eol].strip():
        return []
    out: list[tuple[int, int]] = []
    offset = eol + 1
    for line in text[eol + 1:].split("\n"):
        start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[:1] not in BULLETS:
            break
        hit = next((e for e in ents if e.label_ in labels and start <= e.start_char < start + len(line)), None)
        if hit is None:
            return []
        out.append((hit.start, hit.end))
    return out if len(out) >= 2 else []


def _enumeration(doc: Doc, tok, slots: list[Slot], sent, labels: set, ents):
    """If token `tok` (a plural noun, or "they") opens an enumeration of names of `labels` in
    its sentence, those names (as token spans): "The vessels are A and B", "They include A
    and B", "Among the vessels are A and B", "identified the ships as A, B and C", or the same
    with bullet lines after a colon. None when it opens none."""
    hi = sent.end
    head = tok.head
    found: list[Slot] = []
    if tok.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in ENUM_LEMMAS and head.i > tok.i:
        found = _members_after(doc, slots, head.i + 1, hi, labels)
        if not found and head.i + 1 < len(doc) and doc[head.i + 1].text == ":":
            return _bullet_members(doc, head.i + 1, labels, ents) or None
    elif tok.dep_ == "pobj" and head.lower_ == "among" and head.i < tok.i:
        main = head.head
        if main.lemma_.lower() == "be" and main.i > tok.i:
            found = _members_after(doc, slots, main.i + 1, hi, labels)
    elif tok.dep_ == "dobj" and head.lemma_.lower() in NAMING_LEMMAS:
        as_ = next((j for j in range(tok.i + 1, min(tok.i + 3, hi)) if doc[j].lower_ == "as"), None)
        if as_ is not None:
            found = _members_after(doc, slots, as_ + 1, hi, labels)
    return [(x.start, x.end) for x in found] or None


def _own_list(doc: Doc, tok, slots: list[Slot], sent, labels: set, ents) -> list[tuple[int, int]]:
    """The members a group names in its own sentence: "six companies: A, B and C", "six
    vessels, including A and B", "three firms, namely A and B", "six companies (A, B and C)",
    or bullet lines after the colon that ends the sentence when the group is the last plural
    of its class before it."""
    hi = sent.end
    for j in range(tok.i + 1, min(tok.i + 8, len(doc))):
        t = doc[j]
        if t.text == ":" or t.lower_ in INTRODUCERS or t.text == "(":
            found = _members_after(doc, slots, j + 1, hi, labels)
            if len(found) >= 2 or (found and t.lower_ in INTRODUCERS):
                return [(x.start, x.end) for x in found]
            if t.text == ":":
                # "OFAC designated two vessels on Friday:" and a bullet line for each
                return _bullet_members(doc, j, labels, ents)
        if t.pos_ in ("VERB", "AUX") and t.lower_ not in INTRODUCERS or t.text in (".", ";") or t.lower_ in NOUN_CLASS:
            break
    return []


def find_groups(doc: Doc, sents: list, ents: list) -> dict[int, list[tuple[Slot, tuple[int, int], bool]]]:
    """Per sentence number: the slots of the groups and back-references that stand for named
    members there, each with the token bounds the evidence of its relations spans and whether
    it is a group (True) or a later reference to one (False)."""
    out: dict[int, list[tuple[Slot, tuple[int, int], bool]]] = {}
    if not doc.has_annotation("DEP"):
        return out
    groups: list[Group] = []
    ents_by_sent: list[list] = []
    ei = 0
    for sent in sents:
        here = []
        while ei < len(ents) and ents[ei].start < sent.end:
            if ents[ei].start >= sent.start:
                here.append(ents[ei])
            ei += 1
        ents_by_sent.append(here)
    in_ent = {i for e in ents for i in range(e.start, e.end)}
    for sent_no, sent in enumerate(sents):
        slots = [Slot(e.start, e.end, e.label_, [(e.start, e.end)]) for e in ents_by_sent[sent_no]]
        for tok in sent:
            low = tok.lower_
            label = NOUN_CLASS.get(low)
            pronoun = low in ("they", "these") and tok.dep_ in ("nsubj", "nsubjpass")
            if (label is None and not pronoun) or tok.i in in_ent:
                continue
            if label is not None and (_partitive(tok) or _negated(tok) or tok.tag_ not in ("NNS", "NNPS")):
                continue
            recent = [g for g in groups if 0 <= sent_no - g.sent_no <= WINDOW and g.head < tok.i]
            if pronoun:
                # "They are A, B and C": the members of the group of the sentence just before.
                last = [g for g in recent if not g.members and sent_no - g.sent_no == 1]
                if last:
                    g = last[-1]
                    named = _enumeration(doc, tok, slots, sent, MEMBER_LABELS[g.label], ents)
                    if named:
                        g.members, g.bounds = named, (sent.start, sent.end)
                continue
            labels = MEMBER_LABELS[label]
            kids = {c.lower_ for c in tok.children if c.dep_ in ("det", "amod", "predet", "advmod")}
            definite = bool(kids & DEFINITE) or (tok.i > 0 and doc[tok.i - 1].lower_ in DEFINITE)
            count = _count(tok)
            named = _enumeration(doc, tok, slots, sent, labels, ents)
            if named is not None and definite:
                # An enumeration that refers back: the latest group of the class still unnamed.
                open_ = [g for g in recent if g.label == label and not g.members]
                if open_ and (open_[-1].count is None or open_[-1].count >= len(named)):
                    g = open_[-1]
                    g.members, g.bounds = named, (sent.start, sent.end)
                    continue
            if count is not None or kids & QUANTIFIERS or definite:
                if definite and count is None and "following" not in kids and named is None:
                    # "the ships were linked to X": the members of the latest bound group.
                    bound = [g for g in recent if g.label == label and g.members and g.sent_no < sent_no or (
                        g.label == label and g.members and g.bounds and g.bounds[1] <= tok.i)]
                    if bound:
                        g = bound[-1]
                        lo = min(g.bounds[0], sent.start)
                        out.setdefault(sent_no, []).append((Slot(tok.i, tok.i + 1, label, list(g.members)), (lo, sent.end), False))
                        continue
                g = Group(label, tok.i, sent_no, count)
                own = named or _own_list(doc, tok, slots, sent, labels, ents)
                if own:
                    g.members, g.bounds = own, (sent.start, sent.end)
                elif count is None and not kids & QUANTIFIERS and "following" not in kids:
                    continue   # "The ships moved fuel": a definite plural that names no group of its own
                groups.append(g)
    sent_of = {}
    for sent_no, sent in enumerate(sents):
        sent_of[sent_no] = sent
    for g in groups:
        if not g.members or (g.count is not None and g.count < len(g.members)):
            continue
        sent = sent_of[g.sent_no]
        lo, hi = min(sent.start, g.bounds[0]), max(sent.end, g.bounds[1])
        if g.members and g.members[-1][1] > hi:
            hi = max(hi, doc[g.members[-1][0]].sent.end)
        out.setdefault(g.sent_no, []).append((Slot(g.head, g.head + 1, g.label, list(g.members)), (lo, hi), True))
    return out


def widen_evidence(doc: Doc, out: list[dict], since: int, explain_since: int, found, sent) -> None:
    """Relations made in this sentence (out[since:]) that reach a group's members: their
    evidence spans the group's sentence and the one naming the members."""
    if not found:
        return
    for items in (out[since:], doc.user_data.get(REL_EXPLAIN, [])[explain_since:]):
        for item in items:
            keys = {tuple(k) for k in (*item["sources"], *item["targets"]) if isinstance(k[0], int)}
            for slot, (lo, hi), _ in found:
                if keys & set(slot.keys) and not all(sent.start <= a < sent.end for a, _b in keys & set(slot.keys)):
                    item["sent"] = (min(item["sent"][0], lo), max(item["sent"][1], hi))
