"""LOCATED_IN ("Piraeus, Greece", "the North Korean port of X", "X, a port in Y", "a company
in Y") and the links of agencies and places to their state: PART_OF ("Russia's Ministry
of Defence", "Russian Ministry of Defence").
"""

from __future__ import annotations

from functools import cache

from ingest.components.common import country_of, span_key
from ingest.components.relations.context import CLAUSE_STOPS, SentenceContext, Slot


class Places(SentenceContext):
    EMITS = ('LOCATED_IN', 'PART_OF')

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        self.place_nouns = {w.split()[0] for w in r["place_nouns"]}
        self.place_pairs = {tuple(w.split()) for w in r["place_nouns"] if " " in w}
        self.place_preps = set(r["place_preps"])

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
