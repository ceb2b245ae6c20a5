"""LOCATED_IN ("Piraeus, Greece", "the North Korean port of X", "X, a port in Y", "a company
in Y") and the links of agencies and places to their state: PART_OF ("Russia's Ministry
of Defence", "Russian Ministry of Defence").

Where a company is, from the shapes official writing uses (cue words: cues.yaml `places`):
- a register entry's address field: the entry's name heads the block, and each address
  ("street, city, country"; several joined by ";") ends with the country; a bare country
  field ("; Russian Federation") counts when no address names one; an address in care of
  another firm ("C/O: ...") is that firm's; a person's entry gives nothing;
- "UAE-based X, Y and Z", "Liberia-registered X", "X, a Dubai-based company", "X is a
  company based in Y", "X, which is based in Y", "a line that operates out of Y", "X is the
  freight agent of Z in Y" (the subject, apposition or relative clause in the parse);
- in news writing: "three UAE-based entities, A, B and C", "the Greece-based manager of the
  vessel, A", "Vietnam's A", "A LLC in St. Petersburg"; a place shared by a list ("A and B,
  both based in Y", "A, B and C, all registered in Y", "A and B, two Y-based firms", "A and B,
  which are both based in Y"); the list a "-based" plural announces ("three Y-based groups: A,
  B and C", "companies based in Y: A, B", "Y-based entities including [Y's oil company,] A");
  "A Ltd, of Cyprus,"; per-conjunct places ("Dubai-based A and Oslo-based B": B only in Oslo).
A company whose country the document gives is not also placed in a city of it. The "-based"
of "A and its China-based subsidiary" is not A's; a state's body is not placed in another
state; a town that is no port is not placed in a region or town ("Dallas, Texas").
"""

from __future__ import annotations

import re
from functools import cache

from graph.ontology import load as load_ontology
from ingest.components.common import country_of, doc_text, span_key
from ingest.components.relations.context import CLAUSE_STOPS, SentenceContext, Slot

# "Address: ..." at the start of a line: a field of a register entry.
FIELD_LINE = re.compile(r"^[ \t]*([A-Z][A-Za-z ./()'-]{1,40}?)[ \t]*:", re.M)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
RELATIVE = {"which", "that", "who"}
# "A and B, both based in Y", "A, B and C, all registered in Y": a word for every item of a list
QUANTIFIERS = {"both", "all", "each"}
# "P, on Syria's Mediterranean coast": the shore of a state a port lies on
SHORES = {"coast", "coastline", "shore", "shores", "seaboard", "riverbank", "bank"}
# "in western Syria", "a port in southern Iran": the part of the state, then the state
DIRECTIONS = {"northern", "southern", "eastern", "western", "central", "northeastern", "northwestern", "southeastern",
              "southwestern", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}


class Places(SentenceContext):
    EMITS = ('LOCATED_IN', 'PART_OF')

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        # The parties a place can hold (a firm's seat, a body's home): what LOCATED_IN may start
        # from, less the places themselves (what a ship can call at).
        calls = rels[load_ontology().port_call_type].targets
        self.holders = tuple(x for x in rels["LOCATED_IN"].sources if x not in calls)
        self.place_nouns = {w.split()[0] for w in r["place_nouns"]}
        self.place_pairs = {tuple(w.split()) for w in r["place_nouns"] if " " in w}
        self.place_preps = set(r["place_preps"])
        p = c["places"]
        self.based_words = set(p["based_words"])
        self.out_of_verbs = set(p["out_of_verbs"])
        self.business_nouns = set(p["business_nouns"])
        self.address_labels = set(p["address_labels"])
        self.person_labels = set(p["person_labels"])
        self.place_fields = self.address_labels | set(p["place_fields"])
        self.care_of = tuple(p["care_of"])
        self._fields_doc, self._fields = None, []

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
        self._addresses(doc, sent, out)
        self._based(doc, sent, slots, out)
        for s in slots:
            if s.label in ("Port", "Location") and self._on_field_line(doc, s.start):
                continue   # "Address: ..., Dubai, United Arab Emirates": the holder's place, read above
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
                    self._emit_in(doc, out, s, by_start[j + 1], sent)
                elif s.label in ("Port", "Location") and j + 1 < hi and doc[j].text == "," and doc[j + 1].lower_ in {"a", "an", "the"}:
                    place = self._appositive_place(doc, j + 2, hi, by_start)
                    if place is not None:
                        self._emit_in(doc, out, s, place, sent)
                elif s.label == "Port" and j + 3 < hi and doc[j].text == "," and doc[j + 1].lower_ == "on" and (j + 2) in by_start \
                        and by_start[j + 2].label == "Country" and doc[by_start[j + 2].end].text in ("'s", "\u2019s") \
                        and any(t.lower_ in SHORES for t in doc[by_start[j + 2].end + 1:min(hi, by_start[j + 2].end + 4)]):
                    # "P, on Syria's Mediterranean coast"
                    self._emit_in(doc, out, s, by_start[j + 2], sent)
                elif j < hi and doc[j].lower_ == "in":
                    k = j + 1
                    if k < hi and doc[k].lower_ == "the":
                        k += 1
                    if k < hi and doc[k].lower_ in DIRECTIONS and doc[k].is_lower:
                        k += 1   # "in western Syria" (not "in North Korea")
                    t = by_start.get(k)
                    if t and (t.label == "Country" and s.label in ("Company", "Organization") or t.label == "Location" and s.label == "Company"):
                        # "A Shipping LLC in Hong Kong" (a city only when the text gave no state;
                        # not "Reuters in London", where a reporter is)
                        self._emit_place(doc, out, [s], [t], sent, j, "in")
                    elif t and t.label in ("Country", "Location") and s.label in ("Port", "Location"):
                        self._emit_in(doc, out, s, t, sent)
            if s.label in ("Country", "Agency") and s.end + 1 < hi and doc[s.end].text in {"'s", "\u2019s"}:
                t = by_start.get(s.end + 1)
                if t and t.label in ("Port", "Location") and s.label == "Country":
                    self._emit(out, "LOCATED_IN", [t], [s], sent)
                elif t and t.label == "Company" and s.label == "Country":
                    # "Vietnam's A Joint Stock Company": a firm named with its state's possessive
                    self._emit_place(doc, out, self._with_list(slots, t, doc, hi), [s], sent, s.end, "'s")
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

    def _emit_in(self, doc, out, place: Slot, within: Slot, sent) -> None:
        """A port or place that lies in a state or place; a town that is no port is not placed
        in a region or another town ("Houston, Texas": places within places are no facts an
        analyst asks about; a port in its state is, "Kodiak, Alaska")."""
        if place.label == "Location" and within.label == "Location":
            self._drop(doc, "LOCATED_IN", [place], [within], sent, "a place within a place, neither a port nor a state")
            return
        self._emit(out, "LOCATED_IN", [place], [within], sent)

    # -- where a company is ----------------------------------------------------------------
    def _field_lines(self, doc):
        """(line start, value start, line end, label) of every "Label: value" line, read once
        per document, with the labels of its entities by span."""
        if self._fields_doc is not doc:
            text = doc_text(doc)
            fields = []
            for m in FIELD_LINE.finditer(text):
                end = text.find("\n", m.end())
                fields.append((m.start(), m.end(), len(text) if end < 0 else end, " ".join(m.group(1).lower().split())))
            self._fields_doc, self._fields, self._fields_done = doc, fields, set()
            self._ent_label = {(e.start, e.end): e.label_ for e in doc.ents}
        return self._fields

    def _on_field_line(self, doc, i: int) -> bool:
        c = doc[i].idx
        return any(ls <= c < le and label in self.place_fields for ls, _, le, label in self._field_lines(doc))

    def _addresses(self, doc, sent, out):
        """A register entry's address field: the entry's holder lies in the country that ends
        each address."""
        fields = self._field_lines(doc)
        for n, (ls, vs, le, label) in enumerate(fields):
            if label not in self.address_labels or n in self._fields_done or not (ls < sent.end_char and sent.start_char < le):
                continue
            self._fields_done.add(n)
            holder = self._entry_holder(doc, fields, n)
            targets = self._address_places(doc, vs, le) if holder is not None else []
            if targets:
                self._emit(out, "LOCATED_IN", [holder], targets, sent, cue=f"{label}:")

    def _entry_holder(self, doc, fields, n: int) -> Slot | None:
        """The company, organisation or body named on the first line of the entry (a block of
        lines after a blank one) that holds field n, when every line between is a field; None
        for a person's entry."""
        text = doc_text(doc)
        ls = fields[n][0]
        block = 0
        for m in BLANK_LINE.finditer(text, max(0, ls - 4000), ls):
            block = m.end()
        while block < ls and text[block] in " \t\n":
            block += 1
        head_end = text.find("\n", block)
        if head_end < 0 or head_end >= ls:
            return None
        starts = {f[0] for f in fields}
        pos = head_end + 1
        while pos < ls:   # every line between the heading and the address is a field
            if pos not in starts:
                return None
            pos = text.find("\n", pos) + 1
        nxt = BLANK_LINE.search(text, ls)
        end = nxt.start() if nxt else len(text)
        if any(block <= f[0] < end and f[3] in self.person_labels for f in fields):
            return None
        first = next((e for e in doc.ents if block <= e.start_char < head_end), None)
        if first is None or first.label_ not in self.holders:
            return None
        return Slot(first.start, first.end, first.label_, [(first.start, first.end)])

    def _address_places(self, doc, vs: int, le: int) -> list[Slot]:
        """The country that ends each address of a field ("street, city, country; ...");
        without one, the last place named (a city that is no state's). Countries listed
        alone ("; Russian Federation") count when no address names one."""
        span = doc.char_span(vs, le, alignment_mode="expand")
        if span is None or not len(span):
            return []
        segments, cur, depth = [], [], 0
        for t in span:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            if t.text == ";" and depth <= 0:
                segments.append(cur)
                cur = []
            else:
                cur.append(t)
        segments.append(cur)
        full, bare = [], []
        for seg in segments:
            words = [t for t in seg if not t.is_space]
            if not words or doc[words[0].i:words[-1].i + 1].text.lower().startswith(self.care_of):
                continue
            a, b = words[0].i, words[-1].i + 1
            ents = [e for e in span.ents if a <= e.start and e.end <= b]
            # "Netherlands Antilles": a state's name that runs on into a longer place name is
            # not the state.
            countries = [e for e in ents if e.label_ == "Country" and not (
                e.end < b and doc[e.end].is_alpha and doc[e.end].text[:1].isupper() and not doc[e.end - 1].whitespace_ == "")]
            named = {i for e in ents for i in range(e.start, e.end)}
            if countries and all(t.i in named or t.is_punct or t.lower_ == "and" for t in words):
                bare.extend(countries)
            elif countries:
                full.append(countries[-1])
            else:
                places = [e for e in ents if e.label_ == "Location"]
                if places:
                    full.append(places[-1])
        return [Slot(e.start, e.end, e.label_, [(e.start, e.end)]) for e in (full or bare)]

    def _based(self, doc, sent, slots, out):
        """"UAE-based X", "X, a Dubai-based company", "X is a company based in Y", "a line
        that operates out of Y", "X is the freight agent of Z in Y"."""
        lo, hi = sent.start, sent.end
        lower = self._lower if self._doc is doc else [t.lower_ for t in doc]
        for i in range(lo, hi):
            low = lower[i]
            if low in self.based_words:
                if i - 2 >= lo and doc[i - 1].text == "-":
                    place = self._place_before(doc, slots, i - 1, lo)
                    if place is not None:
                        holders = self._named_after(doc, slots, i + 1, hi) or self._holder_of(doc, slots, doc[i])
                        # an attributive "UAE-based" is no statement of its own: the main verb's
                        # negation does not deny it ("the Greece-based manager, A, did not reply")
                        attributive = doc.has_annotation("DEP") and doc[i].dep_ in ("amod", "compound", "nmod")
                        self._emit_place(doc, out, holders, [place], sent, None if attributive else i, f"-{low}")
                        continue
                if i + 2 < hi and lower[i + 1] == "in":
                    places = self._places_after(doc, slots, i + 2, hi)
                    if places:
                        holders = self._holder_of(doc, slots, doc[i])
                        k = places[-1].end
                        if not holders and k + 1 < hi and doc[k].text == ":" and doc.has_annotation("DEP") \
                                and doc[i].dep_ == "acl" and doc[i].head.tag_ == "NNS":
                            # "three companies based in Y: A, B and C": the list the plural announces
                            first = next((x for x in slots if x.start == k + 1 and x.label in ("Company", "Organization")), None)
                            holders = (self._group_right(slots, first.start, {first.label}, doc, hi) or [first]) if first else []
                        self._emit_place(doc, out, holders, places, sent, i, f"{low} in")
            elif low in self.out_of_verbs and i + 3 < hi and lower[i + 1] == "out" and lower[i + 2] == "of":
                places = self._places_after(doc, slots, i + 3, hi)
                if places:
                    self._emit_place(doc, out, self._holder_of(doc, slots, doc[i]), places, sent, i, "out of")
        for s in slots:
            # "Acme Trading LLC (UAE)": a firm with its state in brackets, and nothing else there
            if s.label in ("Company", "Organization") and s.end + 2 < hi and doc[s.end].text == "(":
                place = next((x for x in slots if x.start == s.end + 1 and x.label in ("Country", "Location")), None)
                if place is not None and place.end < hi and doc[place.end].text == ")":
                    self._emit_place(doc, out, [s], [place], sent, None, "(place)")
        for s in slots:
            # "Acme Trading LLC of Dubai": a firm named with its place.
            k = s.end + 1
            if s.label in ("Company", "Organization") and s.end + 1 < hi and lower[s.end] == "," and lower[s.end + 1] == "of":
                k += 1   # "Acme Trading Ltd, of Cyprus,"
            elif s.label not in ("Company", "Organization") or s.end >= hi or lower[s.end] != "of":   # a body "of" a state is PART_OF it
                continue
            of = k - 1
            if k < hi and lower[k] == "the":
                k += 1
            place = next((x for x in slots if x.start == k and x.label in ("Country", "Location")), None)
            if place is not None and not (place.end < hi and (doc[place.end].text in ("-", "'s", "\u2019s") or doc[place.end].pos_ in ("NOUN", "PROPN"))):
                self._emit_place(doc, out, [s], [place], sent, of, "of")
        if not doc.has_annotation("DEP"):
            return
        for s in slots:
            # "X is Z's freight agent in Dubai": the noun that says what X is, placed.
            if s.label not in ("Country", "Location"):
                continue
            k = s.start - 1
            if k > lo and lower[k] == "the":
                k -= 1
            if k <= lo or lower[k] != "in":
                continue
            noun = doc[k].head
            named = next((x for x in slots if x.start <= noun.i < x.end), None)
            if named is not None and named.end - named.start == 1 and noun.lower_ in self.business_nouns:
                named = None   # "GSA" taken as a name is still the noun that says what X is
            said = {noun.lower_} | {c.lower_ for c in noun.children if c.dep_ == "conj"}   # "freight and cargo GSA in Y"
            if said & self.business_nouns and noun.dep_ in ("attr", "appos") and named is None:
                self._emit_place(doc, out, self._noun_holder(doc, slots, noun), self._places_after(doc, slots, s.start, hi), sent, k, "in")

    def _place_before(self, doc, slots, k: int, lo: int):
        """The place named just before token k ("UAE" of "UAE-based"): its slot, or a
        country or capitalised place name the recogniser did not take."""
        hit = next((x for x in slots if x.end == k), None)
        if hit is not None:
            return hit if hit.label in ("Country", "Location") else None
        for n in (3, 2, 1):
            if k - n < lo:
                continue
            toks = doc[k - n:k]
            if any(x.start < k and x.end > k - n for x in slots):
                continue
            c = country_of(toks.text)
            if c:
                return ("Country", c["name"])
        t = doc[k - 1]
        if t.pos_ == "PROPN" and t.is_alpha and t.text[:1].isupper() and not any(x.start <= t.i < x.end for x in slots):
            j = k - 1
            while j - 1 >= lo and doc[j - 1].pos_ == "PROPN" and doc[j - 1].is_alpha and doc[j - 1].text[:1].isupper() and k - j < 3:
                j -= 1
            return ("Location", doc[j:k].text)
        return None

    def _named_after(self, doc, slots, j: int, hi: int) -> list[Slot]:
        """The holders named right after "UAE-based" ("(UAE-based)", a few lower-case nouns
        such as "front companies" between), with the names listed after the first."""
        if j < hi and doc[j].text == "(":
            close = next((k for k in range(j, min(hi, j + 8)) if doc[k].text == ")"), None)
            if close is None:
                return []
            j = close + 1
        nouns = 0
        for k in range(j, min(hi, j + 6)):
            hit = next((x for x in slots if x.start == k), None)
            if nouns and doc[k].text == "," and k + 1 < hi and doc[k + 1].lower_ == "including":
                continue   # "UAE-based firms, including A and B"
            if hit is None and nouns and doc[k].text in (",", ":") and k + 1 < hi and doc[k - 1].pos_ == "NOUN":
                # "three UAE-based entities, A, B and C", "three UAE-based groups: A, B and C":
                # the names in apposition to the noun, or the list it announces
                hit = next((x for x in slots if x.start == k + 1), None)
                if hit is None or hit.label not in ("Company", "Organization"):
                    return []   # "a UAE-based firm, Treasury said": no body is a firm's name
            if hit is not None:
                if hit.label not in self.holders:
                    return []
                group = self._group_right(slots, hit.start, {hit.label}, doc, hi) or [hit]
                # "Dubai-based A and Oslo-based B": a conjunct with its own "-based" is not the first's,
                # and in such a list a name without one has no place ("..., Oslo-based B and C")
                own = [n for n in range(1, len(group)) if self._own_based(doc, group[n - 1].end, group[n].start, hi)]
                if own or self._own_based_before(doc, slots, j - 2):
                    group = [hit]
                # "X Shipping DMCC (X)": a short name in brackets is the same holder again.
                return [x for x in group if x is hit or sum((t.text == "(") - (t.text == ")") for t in doc[hit.end:x.start]) <= 0]
            t = doc[k]
            if nouns and doc.has_annotation("DEP") and (t.lower_ == "including" or t.lower_ == "as" and doc[k - 1].lower_ == "such"):
                # "UAE-based entities including [the state's oil company,] A and B": the members named
                obj = next((c for c in t.children if c.dep_ == "pobj"), None)
                return [x for x in self._noun_holder(doc, slots, obj) if x.label in ("Company", "Organization")] if obj is not None else []
            if not ((t.is_alpha and t.is_lower and t.pos_ in ("NOUN", "ADJ", "VERB")) or t.text == "-") or t.lower_ in CLAUSE_STOPS:
                return []   # "front companies X" yes, "a subsidiary of X" no
            nouns += t.pos_ == "NOUN"
        return []

    def _own_based(self, doc, a: int, b: int, hi: int) -> bool:
        """Whether tokens a..b hold a "-based" of their own ("and Oslo-based")."""
        return any(doc[k].text == "-" and k + 1 < hi and doc[k + 1].lower_ in self.based_words for k in range(a, b))

    def _own_based_before(self, doc, slots, dash: int) -> bool:
        """Whether the "-based" whose dash is at token `dash` follows a list item with its
        own ("Dubai-based A, Oslo-based B and C": the second of a list of such pairs)."""
        k = dash - 1
        while k > 0 and doc[k].text[:1].isupper() and dash - k < 4:
            k -= 1   # the place's words
        while k > 0 and doc[k].text in (",", "and"):
            k -= 1
        prev = next((x for x in slots if x.end == k + 1 and x.label in self.holders), None)
        return prev is not None and self._own_based(doc, max(0, prev.start - 5), prev.start, prev.start)

    def _places_after(self, doc, slots, j: int, hi: int) -> list:
        """The places named from token j ("the United Arab Emirates and Hong Kong")."""
        if j < hi and doc[j].lower_ == "the":
            j += 1
        out = []
        for x in slots:
            if x.start < j:
                continue
            gap = doc[out[-1].end if out else j:x.start]
            if x.label not in ("Country", "Location") or (out and not all(t.text in (",", "and", "the") for t in gap)) or (not out and len(gap)):
                break
            out.append(x)
        return out

    def _holder_of(self, doc, slots, tok) -> list[Slot]:
        """The company a place participle or verb is said of, from the parse: the noun it
        modifies ("a Dubai-based company", "a company based in Y"), or its subject ("X is
        registered in Y", "X, which is based in Y", "a line that operates out of Y")."""
        if not doc.has_annotation("DEP"):
            return []
        shared = self._shared_list(doc, slots, tok)
        if shared:
            return shared
        if tok.dep_ in ("amod", "acl", "compound") and tok.head is not tok:
            return self._noun_holder(doc, slots, tok.head)
        subj = self._subject(doc, tok.i)
        return self._noun_holder(doc, slots, subj) if subj is not None else []

    def _shared_list(self, doc, slots, tok) -> list[Slot]:
        """Every item of the list before a comma that a place participle is said of with a
        word for all of them, whatever the parse made of that word: "A, B and C, all based
        in Y", "A and B, both of which are based in Y", "A and B, which are both based in Y"."""
        kids = list(tok.children)
        quant = next((c for c in kids if c.lower_ in QUANTIFIERS), None)
        start = None
        if tok.dep_ == "acl" and tok.head.lower_ in QUANTIFIERS:
            start = tok.head
        elif quant is not None and quant.dep_ in ("nsubj", "nsubjpass") and any(
                c.lower_ == "of" and any(g.lower_ in RELATIVE for g in c.children) for c in quant.children):
            start = quant
        elif quant is not None:
            start = next((c for c in kids if c.lower_ in RELATIVE and c.dep_ in ("nsubj", "nsubjpass")), None)
        if start is None or start.i < 2 or doc[start.i - 1].text != ",":
            return []
        last = next((x for x in slots if x.end == start.i - 1 and x.label in self.holders), None)
        if last is None:
            return []
        head = doc[last.end - 1]
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        return self._conjoined(doc, slots, head, set(self.holders))

    def _noun_holder(self, doc, slots, n) -> list[Slot]:
        """The named holders a noun stands for: the name itself (and the names coordinated
        with it), or, for "a company" said of a name, the subject of the copula ("X is a
        company") or the name it stands in apposition to ("X, a company")."""
        for step in range(4):
            if n is None:
                return []
            # (a business noun that stands for named members, "the companies are based in Y", is a name)
            if any(x.start <= n.i < x.end for x in slots) and not (step == 0 and n.lower_ in self.business_nouns and not any(
                    x.start <= n.i < x.end and x.keys != [(x.start, x.end)] for x in slots)):
                return self._conjoined(doc, slots, n, set(self.holders))
            if step == 0:
                # "the Greece-based manager of the vessel, A": the name in apposition to the noun
                named = [c for c in n.children if c.dep_ == "appos" and any(x.start <= c.i < x.end for x in slots)]
                if named:
                    return [x for x in self._conjoined(doc, slots, named[0], set(self.holders)) if x.label in ("Company", "Organization")]
                if n.dep_ == "conj" and (any(c.dep_ == "poss" for c in n.children) or any(x.start <= n.head.i < x.end for x in slots)):
                    return []   # "A and its China-based subsidiary", "A and two UAE-based firms": other parties than A
            if n.dep_ == "attr":
                head = n.head
                subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is None and head.dep_ == "conj":
                    subj = next((c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is not None and subj.lower_ in RELATIVE and head.dep_ == "relcl":
                    subj = head.head
                n = subj
            elif n.dep_ in ("appos", "conj"):
                if n.dep_ == "appos" and (n.lower_ in QUANTIFIERS or n.tag_ in ("NNS", "NNPS") and n.head.dep_ == "conj"):
                    # "A and B, both based in Y", "A and B, two Y-based firms": the quantifier or
                    # plural noun stands for the whole list before it
                    head = n.head
                    while head.dep_ == "conj" and head.head is not head:
                        head = head.head
                    n = head
                    continue
                n = n.head
            else:
                return []
        return []

    def _emit_place(self, doc, out, holders, places, sent, at: int, cue: str) -> None:
        info = doc.user_data.get("skg_info", {})
        for h in holders:
            if h.label not in self.holders:
                continue
            own = info.get(span_key(h.start, h.end), {}).get("country") if h.label == "Agency" else None
            for p in places:
                city = p[0] == "Location" if isinstance(p, tuple) else p.label == "Location"
                if city and self._has_country(doc, out, h):
                    continue   # "a Dubai-based company" whose country the document gave
                if own and not city:
                    state = country_of(p[1] if isinstance(p, tuple) else doc[p.start:p.end].text)
                    if state and state.get("iso2") != own:
                        # "the US Department of State ... registered in the UAE": a body of one
                        # state does not lie in another; the parse gave it a firm's place
                        self._drop(doc, "LOCATED_IN", [h], [p], sent, "a state's body placed in another state")
                        continue
                self._emit(out, "LOCATED_IN", [h], [p], sent, at=at, cue=cue)

    def _has_country(self, doc, out, holder: Slot) -> bool:
        name = doc[holder.start:holder.end].text
        self._field_lines(doc)
        for rel in out:
            if rel["type"] != "LOCATED_IN" or not any(doc[a:b].text == name for a, b in rel["sources"]):
                continue
            if any(t[0] == "Country" if isinstance(t[0], str) else self._ent_label.get(tuple(t)) == "Country" for t in rel["targets"]):
                return True
        return False

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
        if k < hi and doc[k].lower_ in DIRECTIONS and doc[k].is_lower:
            k += 1   # "a port in southern Iran"
        t = by_start.get(k)
        return t if t is not None and t.label in ("Country", "Location") else None


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
