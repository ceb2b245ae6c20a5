"""sanctions_kg_vessels_v1: ship names found from context, and ship identifiers.

A name counts as a ship when the text says so: after a type noun or prefix ("the cargo ship
X", "tanker X", "M/V X", "vessels (X, Y and Z)"), before one ("X, a Panama-flagged tanker"),
or before an IMO number ("X (IMO: 1234567)"). IMO numbers must pass the check digit; MMSI
numbers have 9 digits; call signs follow "call sign". Lists of names next to a ship and later
mentions of a ship's name are handled in sanctions_kg_entities_v1.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from graph.formats import valid_imo
from ingest.components.common import (
    CANDS,
    DROPPED,
    PRIO_ID,
    PRIO_LIST,
    PRIO_PATTERN,
    add_candidate,
    country_of,
    covered,
    cues,
    doc_text,
    ensure_extensions,
    is_caps,
    is_name_token,
    name_after,
    name_before,
    sent_bounds,
    shapes,
    span_text,
)
from ingest.components.matching import RuleMatcher


# Words that end the name of a firm or fund, not of a ship ("the owner of the X Group").
FIRM_HEADS = {"Group", "Fund", "Bank", "Exchange", "Trust", "Partners", "Capital", "Corporation", "Consortium", "Estate"}
# Words after a capitalised ship noun that make it part of a firm's name, not a ship's type.
NOT_AFTER_TYPE = {"Registry", "Registries", "Management", "Managers", "Manager", "Services", "Agency", "Company", "Chartering",
                  "Shipmanagement", "Holdings", "Trading", "Leasing", "Finance", "Brokers", "Broking", "Supply", "Suppliers",
                  "Trackers", "Tracker", "Tracking", "Watch"}


def _plurals(words: list[str]) -> list[str]:
    out = []
    for w in words:
        out.append(w)
        out.append(w + "es" if w.endswith(("s", "x", "ch", "sh")) else w + "s")
    return out


class Vessels:
    def __init__(self, nlp: Language, name: str, *, max_name_tokens: int):
        ensure_extensions()
        self.name = name
        self.max_name_tokens = max_name_tokens
        c = cues()
        shape = shapes()
        kinds = list(dict.fromkeys([*c["vessel_types"], *shape["vessel_types"]]))
        single = [k for k in kinds if " " not in k]
        self.types = set(_plurals(single))
        self.modifiers = set(c["vessel_type_modifiers"])
        self.generic_types = set(c["vessel_generic_types"])
        self.plural_types = set(_plurals(single)) - set(single)
        self.singular = {p: k for k in single for p in _plurals([k])}
        intro = c["vessel_list_intros"]
        self.list_intro_punct = {w for w in intro if not w.isalpha() and " " not in w}
        self.list_intro_words = {w for w in intro if w.isalpha()}
        self.list_intro_pairs = {tuple(w.split()) for w in intro if " " in w}
        self.list_verbs = set(c["vessel_list_verbs"])
        self.matcher = RuleMatcher(nlp.vocab)
        multi = [[{"LOWER": w} for w in k.split()[:-1]] + [{"LOWER": {"IN": _plurals([k.split()[-1]])}}] for k in kinds if " " in k]
        self.matcher.add("TYPE", [[{"LOWER": {"IN": sorted(self.types)}}], *multi])
        prefixes = []
        for p in dict.fromkeys([*c["vessel_prefixes"], *shape["vessel_prefixes"]]):
            # "M/Y" is one token alone but may be split in running text ("M", "/", "Y").
            for form in {tuple(t.text for t in nlp.tokenizer(p)), tuple(re.findall(r"[^/.]+\.?|/", p))}:
                prefixes.append([{"ORTH": t} for t in form])
        self.matcher.add("PREFIX", prefixes)
        # IMO numbers are found on the text, not on tokens: the tokenizer keeps "number:1234567"
        # and "IMO1234567" whole, and the label may be four words long.
        self.imo_re = re.compile(shape["imo_label"] + r"(\d{7})(?!\d)", re.IGNORECASE)
        self.imo_glued = re.compile(r"\bIMO(\d{7})(?!\d)", re.IGNORECASE)
        self.legal_forms = set(c["legal_forms"]["after"]) | set(c["legal_forms"]["before"])
        self.company_words = set(c["company_words"])
        self.firm_last_words = set(shape["not_ship_last_words"])
        self.size_classes = set(shape["vessel_size_classes"])
        self.not_names = set(shape["not_names"])
        self.title_words = set(shape["title_words"])
        self.body_words = set(c["agency_words"]) | set(c["organization_words"]) | set(c["company_words"])
        self.company_nouns = set(_plurals(c["company_nouns"]))
        for role in ("former", "current"):
            phrases = dict.fromkeys([*c["vessel_renames"][role], *shape["vessel_renames"][role]])
            self.matcher.add("RENAME_" + role.upper(), [[{"LOWER": t.text.lower()} for t in nlp.tokenizer(p)] for p in phrases])
        self.matcher.add("MMSI", [[{"ORTH": "MMSI"}, {"LOWER": {"IN": [":", "number", "no", "no.", "#"]}, "OP": "*"}, {"TEXT": {"REGEX": r"^\d{9}$"}}]])
        self.matcher.add("CALLSIGN", [[{"LOWER": "call"}, {"LOWER": "sign"}, {"ORTH": ":", "OP": "?"}, {"TEXT": {"REGEX": r"^[A-Z0-9]{3,8}$"}}]])

    def _imo_matches(self, doc: Doc):
        """(start token, end token, number) of each IMO label + number in the text; the
        number's own token may carry the label ("number:1234567")."""
        text = doc_text(doc)
        lower = text.lower()
        if "imo" not in lower and "maritime" not in lower:
            return []
        found = {}
        for rx in (self.imo_re, self.imo_glued):
            for m in rx.finditer(text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None:
                    found.setdefault(span.start, (span.start, span.end, m.group(1)))
        return sorted(found.values())

    def __call__(self, doc: Doc) -> Doc:
        first = len(doc.user_data.get(CANDS, []))
        self._find(doc)
        self._finish(doc, first)
        return doc

    def _finish(self, doc: Doc, first: int) -> None:
        """Tidy the ship names this component found: a size class at the end is a word of the
        ship's description, not of its name ("the X Panamax tanker" names the ship X); a name
        that reads as a firm's or a fleet's ("the vessel X Navigation") is no ship."""
        cands = doc.user_data.get(CANDS, [])
        keep = cands[:first]
        for cand in cands[first:]:
            start, end, label, prio, info = cand
            if label == "Vessel":
                e = end
                while e - start > 1 and doc[e - 1].lower_ in self.size_classes:
                    e -= 1
                    if e - start > 2 and doc[e - 1].text == "-" and not doc[e - 1].whitespace_:
                        e -= 2   # "X Post-Panamax"
                if e < end:
                    cand = (start, e, label, prio, info)
                elif prio < PRIO_ID and self.firm_like(doc, start, end):
                    doc.user_data.setdefault(DROPPED, []).append((start, end, label, "a firm's or a fleet's name, not a ship's"))
                    continue
            keep.append(cand)
        if cands:
            doc.user_data[CANDS] = keep

    def _find(self, doc: Doc) -> None:
        matches = self.matcher(doc)
        imos = self._imo_matches(doc)
        self._prefix_at = {}
        if not matches and not imos:
            cover = covered(doc)
            self._quoted_numbered(doc, cover)
            self._after_flag(doc, cover)
            self._after_ship_role(doc, cover)
            self._caps_after_the(doc, cover)
            self._cargo_aboard(doc, cover)
            return
        cover = covered(doc)
        strings = doc.vocab.strings
        renames = []
        self._prefix_at = {start: end for mid, start, end in matches if strings[mid] == "PREFIX"}
        for start, end, number in imos:
            # The label is an identifier, not a mention of the International Maritime
            # Organization: block its tokens for every other candidate.
            add_candidate(doc, start, end, "_BLOCK", PRIO_ID + 1)
            if valid_imo(number):
                self._identifier(doc, start, end, sent_bounds(doc, start)[0], cover, imo=number)
        for match_id, start, end in matches:
            kind = strings[match_id]
            sent_start, sent_end = self._sent_bounds(doc, start)
            if kind.startswith("RENAME_"):
                renames.append((kind[7:].lower(), start, end, sent_start, sent_end))
                continue
            if kind == "TYPE":
                if doc[start].lower_ == "ship" and start > 0 and doc[start - 1].lower_ == "to":
                    continue  # "to ship Iranian gas": a verb
                if end < len(doc) and doc[end].text.title() in NOT_AFTER_TYPE and doc[start].text[:1].isupper():
                    continue  # "X Maritime Ship Registry", "X Ship Management": a word of a firm's name
                if start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ and not doc[start - 2].whitespace_:
                    continue  # "ship-to-ship (STS) transfer": the noun is a word of a compound
                self._after_type(doc, start, end, sent_end, cover)
                self._before_type(doc, start, sent_start, cover)
            elif kind == "PREFIX":
                n_end = name_after(doc, end, sent_end, cover, max_len=self.max_name_tokens)
                if n_end > end:
                    add_candidate(doc, end, n_end, "Vessel", PRIO_PATTERN, cue=doc[start:end].text)
            elif kind == "MMSI":
                self._identifier(doc, start, end, sent_start, cover, mmsi=doc[end - 1].text)
            elif kind == "CALLSIGN":
                self._identifier(doc, start, end, sent_start, cover, call_sign=doc[end - 1].text)
        if renames:
            self._renames(doc, renames, cover)
        self._quoted_numbered(doc, cover)
        self._after_flag(doc, cover)
        self._bullets(doc, cover)
        self._after_ship_role(doc, cover)
        self._caps_after_the(doc, cover)
        self._cargo_aboard(doc, cover)
        plural_at = [start for mid, start, end in matches if strings[mid] == "TYPE" and doc[end - 1].lower_ in self.plural_types]
        if plural_at:
            self._pronoun_lists(doc, plural_at, cover)

    LIST_PRONOUNS = {"they", "these", "those"}

    def _pronoun_lists(self, doc: Doc, plural_at: list[int], cover) -> None:
        """"The Treasury designated eight tankers. They are the A, B and C.": a sentence that
        opens with "They"/"These" and a list verb lists the ships of the sentence before, when
        a plural ship noun is the only plural noun there ("Two men ran the tankers. They are
        X and Y" names people). Two names, or one after "the"."""
        for start in plural_at:
            lo, hi = self._sent_bounds(doc, start)
            if hi >= len(doc):
                continue
            plural_nouns = [t for t in doc[lo:hi] if t.tag_ in ("NNS", "NNPS") and t.is_lower]
            if any(t.lower_ not in self.plural_types for t in plural_nouns):
                continue
            nlo, nhi = self._sent_bounds(doc, hi)
            i = nlo
            while i < nhi and doc[i].is_space:
                i += 1
            if i + 2 >= nhi or doc[i].lower_ not in self.LIST_PRONOUNS or doc[i + 1].lower_ not in self.list_verbs:
                continue
            i += 2
            if doc[i].text == ":":
                i += 1
            names = self._name_list(doc, i, nhi, cover)
            if len(names) >= 2 or (names and doc[i].lower_ == "the"):
                for a, b in names:
                    add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, vessel_type=self._type_text(doc, start, start + 1), cue="list")

    # Roles only a ship has: "X, the registered owner of the Kestrel" names a ship.
    SHIP_ROLES = {("registered", "owner"), ("beneficial", "owner"), ("disponent", "owner"), ("ship", "manager"),
                  ("technical", "manager"), ("commercial", "manager"), ("ism", "manager"), ("technical", "operator")}

    def _after_ship_role(self, doc: Doc, cover) -> None:
        """"Alpha Shipping Inc, the registered owner of the Kestrel; ...": a name after "the"
        that follows a role only ships have (registered owner, ship or technical manager) is a
        ship, when no firm's word or legal form is in it and a clause boundary follows."""
        n = len(doc)
        for i in range(2, n - 2):
            if doc[i].lower_ != "of" or (doc[i - 2].lower_, doc[i - 1].lower_) not in self.SHIP_ROLES or doc[i + 1].lower_ != "the":
                continue
            k = i + 2
            if cover[k]:
                continue
            sent_end = self._sent_bounds(doc, k)[1]
            e = name_after(doc, k, sent_end, cover, max_len=self.max_name_tokens)
            if e == k or not doc[k].text[:1].isupper():
                continue
            if any(t.text in self.legal_forms or t.text.title() in self.body_words or t.text in NOT_AFTER_TYPE
                   or t.text.title() in FIRM_HEADS or t.lower_ in self.not_names or country_of(t.text) for t in doc[k:e]):
                continue
            if e < sent_end and not (doc[e].is_punct or doc[e].lower_ in ("and", "which", "that", "was", "is", "in", "since", "until")):
                continue
            add_candidate(doc, k, e, "Vessel", PRIO_PATTERN, cue=doc[i - 2:i + 1].text.lower())

    SHIP_VERBS = {"anchored", "sailed", "docked", "berthed", "moored", "loaded", "unloaded", "offloaded", "sank", "ran", "aground", "towed",
                  "boarded", "steamed", "sailing", "anchoring", "docking", "loading", "unloading"}
    NOT_CAPS_SHIPS = {"AIS", "IMO", "MMSI", "GPS", "LNG", "LPG", "VLCC", "ULCC", "EEZ", "STS", "SDN", "USD", "EUR", "CEO", "NGO", "PRC", "UAE"}

    def _caps_after_the(self, doc: Doc, cover) -> None:
        """"Satellite images showed the JAYANTI anchored off the coast": in running prose (not
        a caption in capitals) a word of four or more capitals after "the" that a ship's verb
        follows is a ship's name written the way official notices write it. Not an acronym the
        text spells out ("United Against Nuclear Iran (UANI)"), a word without a vowel ("SDN"),
        a modifier of a noun ("the UANI report"), boilerplate or a known body."""
        texts = [t.text for t in doc]
        n = len(texts)
        spelled = {texts[k] for k in range(1, n - 1) if texts[k - 1] == "(" and texts[k + 1] == ")"}
        for i in range(1, n):
            if doc[i - 1].lower_ != "the" or not is_caps(doc[i]) or cover[i] or i in self._prefix_at:
                continue
            sent_start, sent_end = self._sent_bounds(doc, i)
            words = [t for t in doc[sent_start:sent_end] if t.is_alpha]
            if len(words) < 4 or sum(1 for t in words if t.is_upper) * 3 > len(words):
                continue   # a caption or a heading in capitals
            if not any(t.lower_ in self.SHIP_VERBS for t in doc[i + 1:min(i + 6, sent_end)]):
                continue   # a ship's verb follows ("the X anchored", "the X was loaded")
            e = name_after(doc, i, sent_end, cover, joiners={"-"}, max_len=self.max_name_tokens)
            toks = doc[i:e]
            if e == i or not all(is_caps(t) or t.text.isdigit() or t.text == "-" for t in toks):
                continue
            first = toks[0].text
            if e < n and is_caps(doc[e]):
                continue   # part of a longer name in capitals ("the UNITED STATES OF AMERICA")
            if any(t.lower_ in self.not_names or t.text.title() in self.body_words for t in toks):
                continue   # boilerplate ("the COMPLAINT") or a body's word ("the NATIONAL COMMAND")
            if (e - i == 1 and (len(first) < 4 or not any(c in "AEIOUY" for c in first))) or first in spelled \
                    or any(t.text in self.NOT_CAPS_SHIPS or t.text in self.legal_forms or t.text.title() in self.company_words
                           or t.text.title() in NOT_AFTER_TYPE or country_of(t.text) for t in toks):
                continue
            if e < n and doc[e].is_alpha and not (doc[e].pos_ in ("VERB", "AUX") or doc[e].lower_ in {"and", "or", "which", "that", "was", "is", "had", "has"}):
                continue   # "the UANI report": a modifier, not a name
            add_candidate(doc, i, e, "Vessel", PRIO_LIST, cue="name in capitals")

    CARGO_NOUNS = {"cargo", "cargoes", "oil", "crude", "fuel", "diesel", "gasoline", "petrol", "petroleum", "condensate", "naphtha",
                   "coal", "grain", "lng", "lpg", "shipment", "shipments", "crew", "crews"}

    def _cargo_aboard(self, doc: Doc, cover) -> None:
        """"the fuel aboard the A, the B and the C", "the petroleum cargo of the A and the B":
        two or more names, each after its own "the", listed after a cargo noun and "aboard",
        "on board" or "of" are ships. Not a name a gazetteer knows ("the cargo of the
        Netherlands and the United Kingdom"), a body's or firm's word, a country."""
        n = len(doc)
        for c in range(n - 3):
            if doc[c].lower_ not in self.CARGO_NOUNS:
                continue
            i = c + 1
            if doc[i].lower_ == "aboard" or (doc[i].lower_ == "of" and doc[c].lower_ in {"cargo", "cargoes", "shipment", "shipments", "crew", "crews"}):
                i += 1   # "the oil of the Gulf states" names no ship
            elif doc[i].lower_ == "on" and doc[i + 1].lower_ == "board":
                i += 2
            else:
                continue
            sent_end = self._sent_bounds(doc, c)[1]
            names = []
            while i + 1 < sent_end and doc[i].lower_ == "the" and not cover[i + 1]:
                e = name_after(doc, i + 1, sent_end, cover, max_len=self.max_name_tokens)
                if e == i + 1:
                    break
                names.append((i + 1, e))
                i = e
                if i < sent_end and doc[i].text == ",":
                    i += 1
                if i < sent_end and doc[i].lower_ in {"and", "&"}:
                    i += 1
            if len(names) < 2 or (i < sent_end and doc[i].text[:1].isupper()):
                continue
            if any(cover[k] for a, b in names for k in range(a, b)):
                continue
            if any(self.firm_like(doc, a, b) or country_of(span_text(doc, a, b))
                   or any(t.text in self.legal_forms or t.text.title() in self.body_words or t.text.title() in FIRM_HEADS
                          or t.lower_ in self.not_names or country_of(t.text) or t.ent_type_ in ("LOC", "NORP") for t in doc[a:b])
                   for a, b in names):
                continue   # a region ("the Middle East") is no ship
            for a, b in names:
                add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, cue="cargo aboard")

    BULLET = re.compile(r"^[ \t]*(?:[-\u2022*\u00b7\u2013\u25aa]|\d{1,3}[.)])[ \t]+(?=\S)")

    def _bullets(self, doc: Doc, cover) -> None:
        """"The following tankers were designated:" and then one bullet per line: the name
        that opens each bullet is a ship's, down to the last bullet ("- Alder (Panama)",
        "- Birch, IMO ..."). The line before the bullets must end in a colon and hold a
        plural ship noun; a bullet that names a firm (a legal form or a firm's word) is not
        read. Lines that hold a name alone ("Alder", "Birch (Palau)") count as bullets."""
        text = doc_text(doc)
        if ":" not in text:
            return
        lines, pos = [], 0
        for line in text.split("\n"):
            lines.append((pos, line))
            pos += len(line) + 1
        k = 0
        while k < len(lines):
            start, line = lines[k]
            k += 1
            if not line.rstrip().endswith(":") or not any(w in self.plural_types for w in re.findall(r"[a-z]+", line.lower())):
                continue
            while k < len(lines):
                b_start, item = lines[k]
                if not item.strip():
                    k += 1
                    continue
                m = self.BULLET.match(item)
                bare = m is None   # a line holding a name and nothing else ("Alder (Panama)") is an item too
                span = doc.char_span(b_start + (m.end() if m else len(item) - len(item.lstrip())), b_start + len(item.rstrip()), alignment_mode="expand")
                if span is None:
                    break
                i, hi = span.start, span.end
                if i in self._prefix_at:
                    i = self._prefix_at[i]
                e = name_after(doc, i, hi, cover, joiners={"-", "&"}, max_len=self.max_name_tokens + 2)
                if bare and (e == i or hi - i > 10 or (e < hi and doc[e].text not in {"(", "/"})):
                    break
                k += 1
                if e == i or (e < hi and doc[e].text not in {"(", ",", ";", ":", "\u2013", "\u2014", "-", "/"}):
                    continue
                if any(t.text in self.legal_forms or t.text.title() in self.company_words or t.text in NOT_AFTER_TYPE for t in doc[i:e]):
                    continue
                add_candidate(doc, i, e, "Vessel", PRIO_PATTERN, cue="list")

    def _after_flag(self, doc: Doc, cover) -> None:
        """"the Comoros-flagged Liora sailed ...", "the Panama-flagged 19-year-old Ocean Hermana",
        "the North Korean-flagged Sam Ma 2 tanker": a name right after a flag adjective (and
        its age, size and class words) is a ship's. A ship noun between the flag and the name
        is left to the ship-noun rule; a name before a plural ship noun or a firm's word is
        an owner's ("Panama-flagged Acme vessels")."""
        n = len(doc)
        texts = [t.text for t in doc] if "flagged" in doc.text else []
        for k, text in enumerate(texts):
            if text.lower() != "flagged" or k < 2 or texts[k - 1] != "-" or doc[k - 1].whitespace_ or doc[k - 2].whitespace_:
                continue
            sent_start, sent_end = self._sent_bounds(doc, k)
            i = k + 1
            while i < sent_end and i - k <= 8 and (doc[i].is_lower or doc[i].like_num or doc[i].text == "-") \
                    and doc[i].lower_ not in self.types and doc[i].lower_ not in {"and", "or", "by", "to", "in", "with", "of"}:
                i += 1
            if i >= sent_end or doc[i].lower_ in self.types or not is_name_token(doc[i], True) or cover[i] or i in self._prefix_at:
                continue   # a ship noun or a prefix ("the Togo-flagged M/T X"): other rules read the name
            e = name_after(doc, i, sent_end, cover, joiners={"-"}, max_len=self.max_name_tokens)
            if e == i or any(t.text in self.legal_forms or t.text in NOT_AFTER_TYPE or t.text.title() in self.company_words
                             or (t.is_lower and t.is_alpha) or country_of(t.text) for t in doc[i:e]):
                continue   # a firm's name, or another adjective ("Greek-owned")
            nxt = doc[e] if e < n else None
            vtype = None
            if nxt is not None and nxt.lower_ in self.types:
                if nxt.lower_ in self.plural_types:
                    continue
                vtype = self._type_text(doc, e, e + 1)
            elif nxt is not None and (nxt.lower_ in self.company_nouns or nxt.lower_ in {"'s", "\u2019s"}):
                continue
            flag = None
            for width in (3, 2, 1):
                if k - 1 - width >= sent_start and (c := country_of(span_text(doc, k - 1 - width, k - 1))):
                    flag = c["name"]
                    break
            add_candidate(doc, i, e, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype, cue="after a flag adjective")

    QUOTE_PAIRS = {"\u2018": "\u2019", "\u201c": "\u201d", '"': '"'}

    def _quoted_numbered(self, doc: Doc, cover) -> None:
        """"the \u2018NORTH WIND 3\u2019", "the probable \u201cNorth Wind 3\u201d": a capitalised name
        of two or more words and a hull number, in quotes after "the", is a ship's ("the
        'Annex 2' list" is no ship)."""
        n = len(doc)
        for i in range(1, n - 2):
            close = self.QUOTE_PAIRS.get(doc[i].text)
            if close is None:
                continue
            k = i - 1
            if doc[k].is_lower and doc[k].is_alpha and doc[k].lower_ != "the" and k > 0:
                k -= 1  # "the probable 'X 1'"
            if doc[k].lower_ != "the":
                continue
            j = i + 1
            while j < n and j - i <= self.max_name_tokens + 1 and doc[j].text != close and not doc[j].is_space:
                j += 1
            if j >= n or doc[j].text != close or j - i < 3:
                continue
            words = doc[i + 1:j]
            if len(words) < 3 or not words[-1].text.isdigit() or not all(t.text[:1].isupper() or t.text.isdigit() or t.text == "-" for t in words) \
                    or any(cover[t.i] for t in words) or any(t.text in self.legal_forms for t in words):
                continue
            add_candidate(doc, i + 1, j, "Vessel", PRIO_PATTERN, cue="quoted name with a hull number")

    def _renames(self, doc: Doc, renames, cover) -> None:
        """"The ship, formerly known as the X, now sails as the Y": X and Y name one ship.
        Read only in sentences that speak of a ship (a type noun or a ship name found); the
        longest cue at a position wins ("formerly known as" over "formerly")."""
        cands = doc.user_data.get("skg_cands", [])
        vessel_sents = {sent_bounds(doc, s)[0] for s, e, label, _, _ in cands if label in ("Vessel", "_IDENT")}
        # A sentence that names again a ship found elsewhere in the text ("The Skipper,
        # previously named X, ...") speaks of a ship too.
        known = {tuple(t.lower_ for t in doc[s:e]) for s, e, label, _, _ in cands if label == "Vessel"}
        for _, start, _, lo, hi in renames:
            if lo not in vessel_sents and any(tuple(t.lower_ for t in doc[k:k + len(name)]) == name and doc[k].text[:1].isupper()
                                              for name in known for k in range(lo, max(lo, start - len(name) + 1))):
                vessel_sents.add(lo)
        done = set()
        for role, start, end, lo, hi in sorted(renames, key=lambda r: (r[1], -(r[2] - r[1]))):
            if start in done:
                continue
            done.add(start)
            if lo not in vessel_sents and not any(t.lower_ in self.types for t in doc[lo:hi]):
                continue
            # A common noun other than a ship's just before the cue is what was renamed: "the
            # platform – formerly Y", "its owner, formerly Y" (a firm) name no ship.
            k = start
            while k > lo and (doc[k - 1].is_punct or doc[k - 1].lower_ in {"and", "or", "which", "that", "was", "is", "had", "has", "been"}):
                k -= 1
            if k > lo and doc[k - 1].is_lower and doc[k - 1].pos_ == "NOUN" and doc[k - 1].lower_ not in self.types:
                continue
            i = end
            if i < hi and doc[i].lower_ == "the":
                i += 1
            if i < hi and doc[i].text in {'"', "'", "\u201c", "\u2018"}:
                i += 1
            n_end = name_after(doc, i, hi, cover, joiners={"-", "of"}, max_len=self.max_name_tokens)
            if n_end == i or any(t.text in self.legal_forms for t in doc[i:n_end]):
                continue
            add_candidate(doc, i, n_end, "Vessel", PRIO_PATTERN, renamed=role, cue=doc[start:end].text.lower())
            # "the Heron (f.k.a. Egret)": the name before the parenthesis is the ship too.
            if start - 1 > lo and doc[start - 1].text == "(":
                p_start = name_before(doc, start - 1, lo, cover, max_len=self.max_name_tokens)
                if p_start < start - 1 and not any(t.text in self.legal_forms for t in doc[p_start:start - 1]):
                    add_candidate(doc, p_start, start - 1, "Vessel", PRIO_PATTERN, renamed="current" if role == "former" else "former",
                                  cue=doc[start:end].text.lower())

    @staticmethod
    def _sent_bounds(doc: Doc, i: int) -> tuple[int, int]:
        return sent_bounds(doc, i)

    def _modifiers_before(self, doc: Doc, start: int, floor: int) -> tuple[int, str | None]:
        """Walk left over adjectives, flags and numbers in front of a type noun; return the
        first token of the noun phrase and the flag state named there, if any."""
        j, flag = start, None
        if j - 1 > floor and doc[j - 1].text == ")":
            # "a DPRK-flagged (Democratic People's Republic of Korea) tanker": a gloss in
            # parentheses between the modifiers and the noun is skipped.
            k = j - 2
            while k > floor and j - k < 10 and doc[k].text not in {"(", ")"}:
                k -= 1
            if doc[k].text == "(":
                j = k
        start = j
        while j > floor and start - j < 6:
            tok = doc[j - 1]
            low = tok.lower_
            country = country_of(tok.text) if tok.text[:1].isupper() else None
            if not country and tok.text[:1].isupper():
                # "a Marshall Islands-flagged vessel": a state's name of two or three words.
                for width in (3, 2):
                    if j - width >= floor and (country := country_of(span_text(doc, j - width, j))):
                        j -= width - 1
                        break
            if country:
                flag = flag or country["name"]
            elif not (low in self.modifiers or tok.text == "-" or low in {"flagged", "registered", "sanctioned", "russian-flagged"}
                      or (tok.is_lower and tok.is_alpha and tok.pos_ in ("ADJ", "NOUN", "PROPN", "NUM", "")) or tok.like_num):
                break
            j -= 1
        if j > floor and doc[j - 1].lower_ in {"the", "a", "an", "its", "their"}:
            j -= 1
        return j, flag

    def _after_type(self, doc: Doc, start: int, end: int, sent_end: int, cover) -> None:
        i = end
        np_start, flag = self._modifiers_before(doc, start, 0)
        np_first = np_start
        # "a motor yacht bearing ...", "a tanker carrying ...": a name does not follow an
        # indefinite ship noun unless the text says so ("a tanker named X").
        indefinite = doc[np_start].lower_ in {"a", "an"}
        while np_start < start and (doc[np_start].lower_ in {"the", "a", "an", "its", "their", "-", "flagged", "registered", "owned"} or doc[np_start].like_num or country_of(doc[np_start].text)):
            np_start += 1
        vtype = self._type_text(doc, np_start, end)
        # "very large crude carrier (VLCC) X", "tanker (VLCC) X": a class abbreviation in
        # parentheses is skipped; so is the closing bracket of "(VLCC)" itself.
        if i + 2 < sent_end and doc[i].text == "(" and doc[i + 2].text == ")" and doc[i + 1].lower_ in self.types:
            i += 3
        elif i < sent_end and doc[i].text == ")" and start > 0 and doc[start - 1].text == "(":
            i += 1
        plural = doc[end - 1].lower_ in self.plural_types
        named = i < sent_end and doc[i].lower_ in {"named", "called", "dubbed"} and not (
            # "Among the tankers named were the A and the B", "the ships named in the report
            # include A": a participle before the list's verb, not a name given
            plural and i + 1 < sent_end and (doc[i + 1].lower_ in self.list_verbs or not is_name_token(doc[i + 1], True))
            and doc[i + 1].lower_ != "the")
        if named:
            i += 1
            if plural:
                # "two tankers named A and B": every name of the list
                for a, b in self._name_list(doc, i, sent_end, cover):
                    add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, cue="list")
                return
        elif i + 2 < sent_end and doc[i].lower_ in {"believed", "thought", "understood"} and doc[i + 1].lower_ == "to" and doc[i + 2].lower_ == "be" \
                and doc[end - 1].lower_ not in self.plural_types:
            # "a cargo ship believed to be the Maria": the name the text gives the ship
            i += 3
            named = True
            if i < sent_end and doc[i].lower_ == "the":
                i += 1
        # "three Russian vessels (A, B and C)": a parenthesised list of names, and nothing else
        # ("(Source: ...)" or "(WMSL 750)" is not one).
        if i < sent_end and doc[i].text == "(":
            j, names = i + 1, []
            while j < sent_end and doc[j].text != ")":
                n_end = name_after(doc, j, sent_end, cover, joiners={"-"}, max_len=self.max_name_tokens)
                if n_end > j:
                    names.append((j, n_end))
                    j = n_end
                elif doc[j].lower_ in {",", "and", "&"}:
                    j += 1
                else:
                    names = []
                    break
            if j < sent_end and doc[j].text == ")" and (doc[end - 1].lower_ in self.plural_types) == (len(names) > 1):
                for a, b in names:
                    add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype)
            return
        # "three more ships on the same route: the A, the B and the C" / "tankers, including
        # the A and the B" / "vessels such as A and B": names listed after a plural type noun.
        if doc[end - 1].lower_ in self.plural_types:
            intro, min_names = self._list_intro(doc, end, sent_end)
            if intro is not None:
                if intro + 1 < sent_end and doc[intro].lower_ == "names" and doc[intro + 1].lower_ in {"like", "such"}:
                    intro += 2 + (doc[intro + 1].lower_ == "such" and intro + 2 < sent_end and doc[intro + 2].lower_ == "as")   # "including names like A, B"
                names = self._name_list(doc, intro, sent_end, cover)
                if len(names) < min_names:
                    names = []
                for s, e in names:
                    add_candidate(doc, s, e, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype, cue="list")
                if names:
                    return
        # "a Russian cargo ship, the Lady R, ...": the name in apposition after a comma.
        if i + 2 < sent_end and doc[i].text == "," and doc[i + 1].lower_ == "the":
            n_end = name_after(doc, i + 2, sent_end, cover, joiners={"-", "of"}, max_len=self.max_name_tokens)
            if n_end > i + 2 and (n_end == sent_end or doc[n_end].text in {",", "(", ")", "."}):
                add_candidate(doc, i + 2, n_end, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype)
            return
        if doc[end - 1].lower_ not in self.plural_types and not named and i + 1 < sent_end and (
                doc[i].text == "," or (doc[i].lower_ == "the" and not doc[i].whitespace_.count("\n"))):
            # "another sanctioned tanker, Mirabeau, met ...", "oil tanker the Paek Yang San 1,":
            # a bare name in apposition, closed by punctuation.
            a = self._prefix_at.get(i + 1, i + 1)   # "tanker, M/T X,": the prefix rule names X
            n_end = name_after(doc, a, sent_end, cover, joiners={"-", "of"}, max_len=self.max_name_tokens)
            words = doc[a:n_end]
            if a == i + 1 and n_end > i + 1 and (n_end == sent_end or doc[n_end].text in {",", "(", ")", ".", "\u2014", "\u2013", ";"}) \
                    and not any(t.text in self.legal_forms or t.text.title() in self.company_words or t.text in NOT_AFTER_TYPE
                                or t.lower_.rstrip(".") in self.title_words for t in words):
                add_candidate(doc, i + 1, n_end, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype)
                return
        if i in self._prefix_at:
            return  # "frigate HMS X": the prefix rule names X
        if doc[end - 1].lower_ in self.plural_types and not named:
            # "the cargo ships A, B and C", "designated vessels include A, B and C": a plural
            # noun names ships only in a list of two or more ("naval vessels Naval vessels of
            # ..." names none). A short participle may come first: "the vessels identified
            # were A, B and C", "the ships identified as A and B".
            i = self._participle_copula(doc, i, sent_end, np_first)
            names = self._name_list(doc, i, sent_end, cover)
            if len(names) >= 2 or (names and i > end and (doc[i].lower_ == "the" and doc[i - 1].lower_ in self.list_verbs or doc[i - 1].lower_ == "as")):
                # one name will do after a copula and "the": "Among the vessels to be listed
                # are the Robon, which ..."
                for a, b in names:
                    add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype, cue="list")
                if len(names) >= 2 and np_first == start and start == self._sent_bounds(doc, start)[0] and doc[start].text[:1].isupper():
                    # "Tankers A, B and C were seized": the noun that opens the sentence is
                    # no word of the first name ("Tankers A" is no firm)
                    add_candidate(doc, start, end, "_BLOCK", PRIO_ID + 1)
            return
        if indefinite and not named:
            # "a DPRK-flagged tanker, NORTH GULL 2 owned by ...": a name in capitals with a hull
            # number in apposition names the ship.
            if i + 1 < sent_end and doc[i].text == "," and is_caps(doc[i + 1]):
                n_end = name_after(doc, i + 1, sent_end, cover, joiners={"-"}, max_len=self.max_name_tokens)
                words = doc[i + 1:n_end]
                if n_end - i > 2 and words[-1].text.isdigit() and all(is_caps(t) or t.text.isdigit() or t.text == "-" for t in words) \
                        and not any(t.text in self.legal_forms for t in words):
                    add_candidate(doc, i + 1, n_end, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype)
                    return
            self._described_apposition(doc, i, sent_end, cover, flag, vtype)
            return
        if i < sent_end and doc[i].text in {'"', "'", "\u201c", "\u2018"}:
            i += 1
        n_end = name_after(doc, i, sent_end, cover, joiners={"-", "of"}, max_len=self.max_name_tokens)
        if n_end > i:
            add_candidate(doc, i, n_end, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype)

    # Words that may open a short description after "a tanker" and before the name in apposition:
    # "an oil tanker flying a Maltese flag, X, ...", "a tanker laden with crude, X, ...".
    DESCRIPTION_OPENERS = {"with", "under", "from", "of", "laden", "loaded", "flying", "carrying", "registered", "owned", "flagged",
                           "sailing", "bound", "managed", "operated", "built"}

    def _described_apposition(self, doc: Doc, i: int, sent_end: int, cover, flag, vtype) -> None:
        """"An oil tanker flying a Maltese flag, Corvina, sailing from ...", "a tanker, Corvina,
        reached ...": a name set off by commas right after an indefinite ship noun, or after a
        short description of the ship (a participle or preposition, no clause, ending in a
        common noun, not in a place's name: "sailing from Tartus, Syria," names no ship). The
        name must be closed by a comma or a parenthesis at once ("..., Reuters said," is a
        source, not a name)."""
        j = i
        if j < sent_end and doc[j].text != ",":
            if doc[j].lower_ not in self.DESCRIPTION_OPENERS:
                return
            while j < sent_end and j - i <= 8 and doc[j].text != ",":
                t = doc[j]
                if t.tag_ in {"VBD", "VBZ", "VBP", "MD"} or t.lower_ in {"which", "that", "who", "and", "or", "but", "said"} or t.is_punct:
                    return
                j += 1
            if j >= sent_end or doc[j].text != "," or not (doc[j - 1].is_lower and doc[j - 1].is_alpha):
                return
        if j + 1 >= sent_end or doc[j].text != ",":
            return
        a = j + 1
        e = name_after(doc, a, sent_end, cover, joiners=self.LIST_JOINERS, max_len=self.max_name_tokens)
        if e == a or e >= sent_end or doc[e].text not in {",", "("}:
            return
        words = doc[a:e]
        if self.firm_like(doc, a, e) or any(t.text in self.legal_forms or t.text.title() in self.body_words or t.text in NOT_AFTER_TYPE
                                            or t.lower_.rstrip(".") in self.title_words or country_of(t.text) for t in words):
            return
        add_candidate(doc, a, e, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=vtype, cue="apposition")

    # Participles between a plural ship noun and a copula or "as" ("the vessels identified
    # were ...", "the tankers named as ..."), and the verbs that then introduce a list.
    LIST_PARTICIPLES = {"identified", "named", "listed", "involved", "sanctioned", "designated", "targeted", "seen", "spotted",
                        "concerned", "affected", "detained", "seized", "blacklisted", "added", "in", "question", "today", "yesterday",
                        "to", "be", "newly", "also", "known"}

    # A clause set off between a plural ship noun and its copula: its marks, its longest length.
    ASIDE_MARKS = {",", "\u2014", "\u2013", "--"}
    MAX_ASIDE = 20
    # Verbs that name things "as" something: "has identified the ships as A, B and C".
    NAMING_VERBS = {"identify", "name", "list", "designate", "give", "confirm", "report"}

    def _participle_copula(self, doc: Doc, i: int, sent_end: int, np_start: int | None = None) -> int:
        """The first token of a list after a plural ship noun that ends at token i: i itself,
        or past a list verb ("were"), past up to three participles and a list verb or "as"
        ("identified were", "identified as", "named today were", "were identified as"), or
        past "as" when a naming verb governs the noun ("identified the ships as"); i when
        none of that follows."""
        if i + 1 < sent_end and doc[i].lower_ == "as" and doc[i + 1].lower_ != "well" and np_start is not None and np_start > 0 \
                and doc[np_start - 1].lemma_.lower() in self.NAMING_VERBS:
            return i + 1
        if i + 2 < sent_end and doc[i].text in {"'", "\u2019"} and doc[i + 1].lower_ == "names" and doc[i + 2].lower_ in self.list_verbs:
            i += 2   # "the ships' names are A, B and C"
        if i < sent_end and doc[i].lower_ in self.list_verbs:
            # "were identified as A and B": a participle and "as" after the copula
            j = i + 1
            while j < sent_end and j - i < 4 and doc[j].lower_ in self.LIST_PARTICIPLES and doc[j].lower_ not in {"in", "to", "be"}:
                j += 1
            if j > i + 1 and j < sent_end and doc[j].lower_ == "as":
                return j + 1
            return i + 2 if i + 1 < sent_end and doc[i + 1].text == ":" else i + 1   # "are: A, B, C"
        if i < sent_end and doc[i].lower_ in ("that", "which") and doc.has_annotation("DEP"):
            # "the tankers that unloaded at P this month are the A, B and C": past a relative
            # clause, the sentence's main verb is the list verb (no punctuation between)
            for k in range(i + 2, min(sent_end, i + 16)):
                if doc[k].is_punct:
                    break
                if doc[k].lower_ in self.list_verbs and doc[k].dep_ == "ROOT":
                    return k + 1
        j = i
        while j < sent_end and j - i < 4 and doc[j].lower_ in self.LIST_PARTICIPLES:
            j += 1
        if j > i and j < sent_end and (doc[j].lower_ in self.list_verbs or doc[j].lower_ == "as"):
            return j + 1
        if i < sent_end and (doc[i].tag_ == "VBN" or doc[i].pos_ == "ADP" or doc[i].lower_ in {"that", "which"}) and doc[i].lower_ != "as":
            # "the vessels sanctioned on Thursday are A, B and C", "the ships named in the
            # report include A and B", "other ships on the list include A", "the ships that
            # were seized are the A and the B": a participle, a preposition or a relative
            # clause with a short phrase (no punctuation) before the list's verb, which a name
            # (or "the", a colon) follows
            j = i + 1
            while j < sent_end and j - i <= 8 and not doc[j].is_punct:
                if doc[j].lower_ in self.list_verbs and j + 1 < sent_end and (
                        doc[j + 1].text == ":" or doc[j + 1].lower_ == "the" or is_name_token(doc[j + 1], True)):
                    return j + 2 if doc[j + 1].text == ":" else j + 1
                j += 1
        return i

    def _list_intro(self, doc: Doc, end: int, sent_end: int) -> tuple[int | None, int]:
        """See _list_intro_near; failing that, "The tankers, most of which sail under the X
        flag, are the A, B and C": a clause set off by commas (or dashes) between the noun and
        its copula (two names needed, one after "the")."""
        intro, need = self._list_intro_near(doc, end, sent_end)
        if intro is not None or end + 1 >= sent_end or doc[end].text not in self.ASIDE_MARKS:
            return intro, need
        if doc[end + 1].lower_ in {"identified", "named", "listed", "known"}:
            # "The vessels, identified as A, B and C, were seized", "the tankers, named A and B, ..."
            k = end + 2
            if k < sent_end and doc[k].lower_ == "as":
                k += 1
            if (k > end + 2 or doc[end + 1].lower_ == "named") and self._name_list(doc, k, sent_end, None):
                return k, 1
        if is_name_token(doc[end + 1], True) or doc[end + 1].text in self.QUOTES:
            # "The vessels, A, B and C, were seized": two or more names set off by commas
            # right after the noun, the apposition closed ("After inspecting the vessels, A
            # and B said" is no list)
            names = self._name_list(doc, end + 1, sent_end, None)
            if len(names) >= 2:
                k = names[-1][1]
                if k < sent_end and doc[k].text in self.QUOTES:
                    k += 1
                if k < sent_end and doc[k].text == "(":
                    while k < sent_end and doc[k].text != ")":
                        k += 1
                    k += 1
                if k < sent_end and doc[k].text in self.ASIDE_MARKS:
                    return end + 1, 2
        close = next((k for k in range(end + 1, min(end + self.MAX_ASIDE, sent_end)) if doc[k].text in self.ASIDE_MARKS), None)
        if close is not None and close > end + 1 and close + 2 < sent_end and doc[close + 1].lower_ in self.list_verbs:
            return close + 2, 1 if doc[close + 2].lower_ == "the" else 2
        return intro, need

    def _list_intro_near(self, doc: Doc, end: int, sent_end: int) -> tuple[int | None, int]:
        """First token of a list introduced shortly after a plural ship noun by a colon,
        "including", "such as", "namely" or "among them", and how many names the list needs;
        (None, 0) when there is none. The words between may be a short prepositional phrase
        ("on the same route"), not a clause. Right after the noun, a comma or a copula
        followed by "the" starts an apposition ("two tankers, the A and the B"; "the
        receiving vessels were the A and the B"): that needs two names, or one for a copula."""
        if end + 1 < sent_end and doc[end + 1].lower_ == "the":
            if doc[end].text == ",":
                return end + 1, 2
            if doc[end].lower_ in self.list_verbs:
                return end + 1, 1
        if end + 1 < sent_end and (doc[end].text in {"\u2014", "\u2013", "--"} or (doc[end].text == "-" and doc[end].whitespace_)) \
                and (is_name_token(doc[end + 1], True) or (doc[end + 1].lower_ == "the" and end + 2 < sent_end and is_name_token(doc[end + 2], True))):
            return end + 1, 2   # "two heavy-lift ships \u2014 A and B", "four ships - A, B and C -"
        j = end
        while j < sent_end and j - end <= 7:
            t = doc[j]
            low = t.lower_
            if t.text in self.list_intro_punct or low in self.list_intro_words:
                return j + 1, 1
            if j + 1 < sent_end and (low, doc[j + 1].lower_) in self.list_intro_pairs:
                return j + 2, 1
            if t.text == "," and j + 1 < sent_end and (doc[j + 1].lower_ in self.list_intro_words or doc[j + 1].lower_ in {"such", "among"}):
                j += 1
                continue
            # "three of the vessels on the new list, Alder, Birch and Cedar, ...": an apposition
            # of two or more names after a short phrase.
            # Not when a name follows the noun at once: "Tankers A, B and C were seized" lists
            # A too, read below.
            if t.text in {",", "\u2014", "\u2013"} and j > end and j + 1 < sent_end and is_name_token(doc[j + 1], True) \
                    and not is_name_token(doc[end], True):
                return j + 1, 2
            if t.is_punct or t.pos_ in ("VERB", "AUX") or t.lower_ in {"that", "which", "who", "were", "was", "are", "is"}:
                # "Eleven ships were sanctioned, including the Alder": a verb may come before
                # "including" / "such as" when the list follows at once.
                for k in range(j + 1, min(j + 5, sent_end)):
                    if doc[k - 1].text != ",":
                        continue
                    if doc[k].lower_ in self.list_intro_words and doc[k].text not in self.list_intro_punct:
                        return k + 1, 1
                    if k + 1 < sent_end and (doc[k].lower_, doc[k + 1].lower_) in self.list_intro_pairs:
                        return k + 2, 1
                return None, 0
            j += 1
        return None, 0

    def _name_list(self, doc: Doc, i: int, sent_end: int, cover) -> list[tuple[int, int]]:
        """Names from token i on, joined by commas, semicolons, "and", "as well as": "the A,
        the B and C", read to the end however long the list. A name may hold lower-case
        particles between capitalised words ("Maria Lopez de Vega"); particulars in
        parentheses after a name are skipped ("A (1,800 teu, 2002-built), B ..."); a firm's
        name in the list (a legal form, a firm's word at its end) is no ship and is left out."""
        names: list[tuple[int, int]] = []
        cover = cover or [None] * len(doc)
        while i < sent_end:
            if doc[i].lower_ in {"the", "a"}:
                i += 1
            quoted = i + 1 < sent_end and doc[i].text in self.QUOTES
            if quoted:
                i += 1   # 'the tankers "A", "B" and "C"'
            if i in self._prefix_at:
                i = self._prefix_at[i]  # "the USS A and the USS B": the prefix is not the name
            if i + 3 < sent_end and doc[i].text[:1].isupper() and doc[i + 1].text == "-" and doc[i + 2].lower_ in {"flagged", "registered", "owned"}:
                i += 3   # "the Liberian-flagged A": the flag is not part of the name
            if i + 1 < sent_end and doc[i].lower_ in self.size_classes and is_name_token(doc[i + 1], True):
                i += 1   # "the Aframax A": the size class is not part of the name
            n_end = name_after(doc, i, sent_end, cover, joiners=self.LIST_JOINERS, max_len=self.max_name_tokens + 2)
            if n_end == i and cover[i] == "Company" and is_caps(doc[i]) and i + 1 < sent_end and not cover[i + 1] \
                    and is_name_token(doc[i + 1], True) and not is_caps(doc[i + 1]):
                # "the SCF Baltica": a fleet owner's initials opening a ship's name
                n_end = name_after(doc, i + 1, sent_end, cover, joiners={"-"}, max_len=self.max_name_tokens - 1)
            n_end = self._particle_tail(doc, i, n_end, sent_end, cover)
            if n_end == i and names and i < sent_end and cover[i] in ("Port", "Location"):
                # a ship named after a port the gazetteer knows, inside a list: the port rule
                # keeps it, and the list reads on ("the A, Sochi and B")
                while n_end < sent_end and cover[n_end]:
                    n_end += 1
                i = n_end
                if i < sent_end and doc[i].text in {",", ";"}:
                    i += 1
                if i < sent_end and doc[i].lower_ in {"and", "&"}:
                    i += 1
                continue
            if n_end == i:
                break
            if n_end < sent_end and doc[n_end].lower_ in self.types:
                break   # "VLCCs and Suezmax tankers": kinds of ship, not names
            if not (self.firm_like(doc, i, n_end) or country_of(span_text(doc, i, n_end))
                    or any(t.lower_ in self.types or t.lower_ in self.size_classes for t in doc[i:n_end])):
                # not a firm, a nationality ("the tankers are Greek and Maltese") or a kind of ship
                names.append((i, n_end))
            i = n_end
            if quoted and i < sent_end and doc[i].text in self.QUOTES:
                i += 1
            if i + 1 < sent_end and doc[i].lower_ in {"of", "from"} and cover[i + 1] in ("Country", "Port", "Location"):
                # "the A of Panama and the B": a place after a name is not a word of it
                i += 1
                while i < sent_end and cover[i]:
                    i += 1
            if i < sent_end and doc[i].text == "(":
                # "the A (IMO 1234567), the B", "A (1,800 teu, 2002-built), B": skip the parenthesis.
                k = i
                while k < sent_end and k - i < 30 and doc[k].text != ")":
                    k += 1
                if k >= sent_end or doc[k].text != ")":
                    break
                i = k + 1
            sep = False
            if i < sent_end and doc[i].text in {",", ";"}:
                i, sep = i + 1, True
                i = self._skip_aside(doc, i, sent_end, cover)
            if i < sent_end and doc[i].lower_ in {"and", "&", "or"}:
                i, sep = i + 1, True
            elif i + 2 < sent_end and doc[i].lower_ == "as" and doc[i + 1].lower_ == "well" and doc[i + 2].lower_ == "as":
                i, sep = i + 3, True
            if not sep:
                break
        return names

    def _particle_tail(self, doc: Doc, i: int, e: int, sent_end: int, cover) -> int:
        """The end of a listed name doc[i:e] with what follows particles after it: "STAR OF
        HOPE" in capitals, "Queen of the Seas" (two particles, the second may be "the"). The
        words after the particles are a name a gazetteer does not know ("A of Panama" stays A)."""
        if e == i:
            return e
        k = e
        while k < sent_end and k - e < 2 and (doc[k].lower_ in self.LIST_JOINERS or doc[k].lower_ == "of" or (k > e and doc[k].lower_ == "the")) \
                and doc[k].text != "-" \
                and (doc[k].is_lower or (is_caps(doc[k]) and is_caps(doc[e - 1]))):
            k += 1
        if k == e or k >= sent_end or cover[k] or not is_name_token(doc[k], False) or doc[k].text[:1].isdigit():
            return e
        tail = name_after(doc, k, sent_end, cover, joiners=self.LIST_JOINERS, max_len=self.max_name_tokens)
        return tail if tail > k else e

    def _skip_aside(self, doc: Doc, i: int, sent_end: int, cover) -> int:
        """The token after a clause about a listed ship that starts at token i ("which sails
        under the Panama flag,", "owned by X,"), up to and including its closing comma; i when
        no such clause starts there. The clause holds no name of its own (a capitalised word a
        gazetteer does not know), so a list never runs on over another list."""
        if i >= sent_end or not (doc[i].lower_ in {"which", "that", "who", "both", "each", "all"} or doc[i].tag_ in ("VBN", "VBG")):
            return i
        j = i + 1
        while j < sent_end and j - i <= 15 and doc[j].text not in {",", ";"}:
            t = doc[j]
            if t.text[:1].isupper() and not cover[j] and not country_of(t.text):
                e = name_after(doc, j, sent_end, cover, max_len=self.max_name_tokens + 2)
                if e > j and self.firm_like(doc, j, e):
                    j = e   # "owned by X Holdings": a firm may be named in the clause
                    continue
                return i
            if t.is_punct:
                return i
            j += 1
        if j < sent_end and doc[j].text in {",", ";"} and j + 1 < sent_end:
            return j + 1
        return i

    QUOTES = {'"', "\u201c", "\u201d", "\u2018", "\u2019", "'"}

    # Lower-case particles inside a ship's name in a list ("Maria Lopez de Vega"); "of" is read by
    # _particle_tail, which knows the gazetteer ("Star of Hope", not "A of Panama").
    LIST_JOINERS = {"-", "de", "del", "della", "da", "das", "do", "dos", "di", "du", "la", "le", "van", "von", "der", "den", "al", "el", "bin"}

    def firm_like(self, doc: Doc, a: int, b: int) -> bool:
        """True when doc[a:b] reads as a firm's or a fleet's name, not a ship's: a legal form
        in it ("Beta Ltd"), or a firm's word ("X Navigation", "Y Shipping") or "Fleet" at its end."""
        words = doc[a:b]
        return any(t.text in self.legal_forms for t in words) or words[-1].text.title() in self.firm_last_words

    def _type_text(self, doc: Doc, a: int, b: int) -> str | None:
        """The kind of ship the noun phrase doc[a:b] names, singular, with only the words that
        tell kinds apart: "other tankers" -> "tanker", "cargo ships" -> "cargo ship", a
        nationality or "more", "receiving" left out; a bare "ship(s)" or "vessel(s)" names no kind."""
        if b <= a:
            return None
        head = self.singular.get(doc[b - 1].lower_, doc[b - 1].lower_)
        # the words that tell kinds apart: the known ones ("crude", "bulk") and nouns compounded
        # with the head ("supply vessel"), not "more", "other", "receiving" or a nationality
        kinds = [t.lower_ for t in doc[a:b - 1]
                 if t.lower_ in self.modifiers or (t.pos_ == "NOUN" and t.dep_ == "compound" and t.is_lower and not t.lower_.endswith("ing"))]
        if not kinds and head in self.generic_types:
            return None
        return " ".join([*kinds, head])

    def _before_type(self, doc: Doc, start: int, sent_start: int, cover) -> None:
        # "X, a Russian cargo ship," / "X is a tanker": the name ends before the comma or verb.
        np_start, flag = self._modifiers_before(doc, start, sent_start)
        fl = next((k for k in range(np_start, start) if doc[k].lower_ == "flagged"), None)
        if fl is not None and fl - 2 > sent_start and doc[fl - 1].text == "-" and np_start >= fl - 1:
            # "X and Y, St Kitts-Nevis-flagged vessels": a flag state written in a way the
            # country table does not hold
            k = fl - 1
            while k - 1 > sent_start and fl - k < 6 and (doc[k - 1].text[:1].isupper() or doc[k - 1].text in {"-", "."}):
                k -= 1
            np_start = k
        if np_start < start and doc[start].lower_ in self.plural_types and doc[np_start].lower_ not in {"a", "an", "the", "its", "their"} \
                and np_start - 1 > sent_start and doc[np_start - 1].text == ",":
            self._list_before_plural(doc, start, np_start - 1, sent_start, cover, flag)
            return
        if doc[start].lower_ in self.plural_types and np_start - 2 > sent_start and doc[np_start - 1].lower_ in {"both", "all"} \
                and doc[np_start - 2].text == ",":
            # "A and B, both Panama-flagged tankers, ...", "the A, the B and the C, all tankers owned by ..."
            names = self._names_before(doc, np_start - 2, sent_start, cover)
            if len(names) >= 2:
                for a, b in names:
                    add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1), cue="list")
            return
        if doc[start].lower_ in self.plural_types and np_start - 2 >= sent_start and doc[np_start - 1].lower_ == "among":
            # "A, B and C are among the tankers ...", "A was also among the vessels ..."
            j = np_start - 2
            if doc[j].lower_ in {"also", "all"} and j - 1 >= sent_start:
                j -= 1
            if doc[j].lower_ in {"are", "were", "is", "was", "remain", "remained"}:
                names = self._names_before(doc, j, sent_start, cover)
                if names and (len(names) >= 2 or doc[j].lower_ in {"is", "was"}):
                    for a, b in names:
                        add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1), cue="list")
            return
        if doc[start].lower_ in self.plural_types and np_start - 3 > sent_start and doc[np_start - 1].lower_ == "of" \
                and doc[np_start - 2].lower_ == "one" and doc[np_start - 3].lower_ in {"is", "was", ","}:
            # "The Maria is one of four Russian vessels ...", "X, one of the tankers ..."
            j = np_start - 3
            n_start = name_before(doc, j, sent_start, cover, max_len=self.max_name_tokens)
            if n_start < j and not any(t.text in self.legal_forms or t.text.title() in self.company_words for t in doc[n_start:j]):
                add_candidate(doc, n_start, j, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1))
            return
        if doc[start].lower_ not in self.plural_types and np_start - 2 >= sent_start and is_name_token(doc[np_start - 1], False):
            self._name_before_singular(doc, start, np_start, sent_start, cover, flag)
            return
        if np_start == start or doc[np_start].lower_ not in {"a", "an"}:
            return
        # "a ship manager", "a tanker operator": the type word is not the head noun.
        if start + 1 < len(doc) and doc[start + 1].is_lower and doc[start + 1].is_alpha and doc[start + 1].lower_ not in {"that", "which", "with", "for", "from", "in", "of", "and", "carrying", "owned", "registered", "flagged"}:
            return
        j = np_start
        if j - 1 > sent_start and doc[j - 1].text in {",", "\u2014", "\u2013", "--"}:
            j -= 1   # "X, a tanker ...", "X \u2014 a tanker owned by ... \u2014"
        elif j - 1 > sent_start and doc[j - 1].lower_ in {"is", "was"}:
            j -= 1
        else:
            return
        if j - 1 > sent_start and doc[j - 1].text == ")":
            # "the Dover (297,000 dwt), a tanker ...": the name stands before the parenthesis.
            k = j - 1
            while k > sent_start and j - k < 10 and doc[k].text != "(":
                k -= 1
            if doc[k].text == "(" and k > sent_start:
                j = k
        n_start = name_before(doc, j, sent_start, cover, max_len=self.max_name_tokens)
        if n_start < j:
            add_candidate(doc, n_start, j, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1))

    def _name_before_singular(self, doc: Doc, start: int, j: int, sent_start: int, cover, flag) -> None:
        """"the Kelso tanker anchored ...", "Greek media said the Kelso tanker was ...": a name
        between "the" and a singular ship noun names the ship, when no capitalised name follows
        the noun ("the Kelso tanker Arden" is read after the noun) and the name is no firm, body,
        country or nationality a gazetteer or the cues know ("the Iranian tanker")."""
        n_start = name_before(doc, j, sent_start, cover, max_len=self.max_name_tokens)
        if n_start == j or n_start - 1 < sent_start or doc[n_start - 1].lower_ != "the":
            return
        if start + 1 < len(doc) and is_name_token(doc[start + 1], False):
            return
        toks = doc[n_start:j]
        if any(cover[k] for k in range(n_start, j)) or self.firm_like(doc, n_start, j) or country_of(span_text(doc, n_start, j)):
            return
        if any(t.text in self.legal_forms or t.text.title() in self.body_words or t.text.title() in FIRM_HEADS
               or t.text.title() in NOT_AFTER_TYPE or t.lower_ in self.not_names or t.lower_ in self.title_words
               or country_of(t.text) or t.ent_type_ in ("NORP", "GPE", "LOC") for t in toks):
            return
        add_candidate(doc, n_start, j, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1))

    def _names_before(self, doc: Doc, j: int, sent_start: int, cover) -> list[tuple[int, int]]:
        """Names listed just before token j, read backwards over commas and "and": "A, B and
        C are among ...". The list must open the sentence or follow a comma or a colon; a firm
        or a nationality in it is no ship."""
        names = []
        comma_only = False
        while j > sent_start:
            n_start = name_before(doc, j, sent_start, cover, max_len=self.max_name_tokens)
            while n_start - 2 >= sent_start and doc[n_start - 1].lower_ in self.LIST_JOINERS and doc[n_start - 1].is_lower \
                    and doc[n_start - 2].text[:1].isupper():
                n_start = name_before(doc, n_start - 1, sent_start, cover, max_len=self.max_name_tokens)   # "Maria de Vega"
            if n_start == j:
                if comma_only and len(names) >= 2:
                    break   # "On Monday, A and B were among ...": the comma closes an opening phrase
                return []
            names.append((n_start, j))
            k = n_start
            if k - 1 >= sent_start and doc[k - 1].lower_ == "the":
                k -= 1   # "Officials said the A is among ...": a name after "the" stands alone
                if k - 1 < sent_start or doc[k - 1].lower_ not in {"and", "&", ","}:
                    break
            sep = k
            if k - 1 >= sent_start and doc[k - 1].lower_ in {"and", "&"}:
                k -= 1
            if k - 1 >= sent_start and doc[k - 1].text == ",":
                k -= 1
            comma_only = sep - k == 1 and doc[k].text == ","
            if k == sep:
                if k > sent_start and doc[k - 1].text not in {",", ":", ";"}:
                    return []
                break
            j = k
        return [(a, b) for a, b in names if not (self.firm_like(doc, a, b) or country_of(span_text(doc, a, b)))]

    def _list_before_plural(self, doc: Doc, start: int, j: int, sent_start: int, cover, flag) -> None:
        """"manager of X 2 and X 6, St Kitts-Nevis-flagged vessels": two or more names listed
        before a plural type noun with its modifiers (no article) are ships."""
        names = []
        while j > sent_start:
            stop = j - 1 if j - 2 > sent_start and doc[j - 1].like_num and is_name_token(doc[j - 2], False) else j   # "SEA WREN 6"
            n_start = name_before(doc, stop, sent_start, cover, max_len=self.max_name_tokens)
            if n_start == stop:
                break
            names.append((n_start, j))
            k = n_start
            if k - 1 > sent_start and doc[k - 1].lower_ in {"and", "&"}:
                k -= 1
            if k - 1 > sent_start and doc[k - 1].text == ",":
                k -= 1
            if k == n_start:
                break
            j = k
        if len(names) >= 2:
            for a, b in names:
                add_candidate(doc, a, b, "Vessel", PRIO_PATTERN, flag=flag, vessel_type=self._type_text(doc, start, start + 1))

    def _identifier(self, doc: Doc, start: int, end: int, sent_start: int, cover, **ident: str) -> None:
        """Attach an identifier to the name just before it ("X (IMO: n)", "X, IMO n"), or,
        when it stands apart ("identified by its IMO number n"), leave it for the entity
        merger to attach to the nearest ship."""
        j = start
        while j > sent_start and doc[j - 1].lower_ in {"(", ",", "[", "with", "its", "number", "bearing", "having"}:
            j -= 1
        n_start = name_before(doc, j, sent_start, cover, max_len=self.max_name_tokens)
        # Not the prefix's tail ("M/Y X": the name is X) nor a ship noun ("A MOTOR YACHT BEARING
        # IMO NO. n": the number belongs to the ship named before).
        while n_start < j and n_start > 0 and doc[n_start - 1].text == "/" and not doc[n_start - 1].whitespace_:
            n_start += 1
        if n_start < j and doc[j - 1].lower_ in self.types:
            n_start = j
        # "Luisa Vega de Arismar (IMO n)": a lower-case particle inside a name.
        while n_start - 2 >= sent_start and doc[n_start - 1].lower_ in {"de", "del", "da", "do", "dos", "la", "van", "von", "bin", "al"} \
                and doc[n_start - 1].is_lower and doc[n_start - 2].text[:1].isupper() and not doc[n_start - 2].is_punct:
            n_start = name_before(doc, n_start - 1, sent_start, cover, max_len=self.max_name_tokens)
        if j < start and n_start < j and is_name_token(doc[n_start], True):
            add_candidate(doc, n_start, j, "Vessel", PRIO_ID, identifiers=ident)
        else:
            add_candidate(doc, start, end, "_IDENT", PRIO_ID, identifiers=ident)


@Language.factory(
    "sanctions_kg_vessels_v1",
    assigns=["doc.user_data"],
    default_config={"max_name_tokens": 4},
)
def make_vessels(nlp: Language, name: str, max_name_tokens: int) -> Vessels:
    return Vessels(nlp, name, max_name_tokens=max_name_tokens)
