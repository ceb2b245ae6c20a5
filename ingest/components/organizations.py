"""sanctions_kg_orgs_v1: companies, agencies and ports recognised by their form.

- Companies: a legal form after or before a name ("X Shipping LLC", "OOO X"); a business
  word ending a name ("X Shipping", "X Ship Management"); a cue noun ("the company X",
  "X, a Dubai-based firm").
- Agencies: "Ministry of X", "X Ministry", "Department of X", "X Department", "Office of X",
  "Panel of Experts", with a state in front when there is one ("Russian Ministry of Defence",
  "the UK's Foreign Office").
- Ports: "Port of X", "X Port", "the port X", "X Shipyard", "X Terminal".
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ingest.components.common import (
    PRIO_PATTERN,
    add_candidate,
    country_of,
    covered,
    cues,
    ensure_extensions,
    is_name_token,
    name_after,
    name_before,
    sent_bounds,
    shapes,
    NOT_NAME_START,
    MONTHS,
    WEEKDAYS,
    CAPS_STOPS,
    is_caps,
    country_index,
)
from ingest.components.matching import RuleMatcher

# First words of a court's district written after its name ("District Court, S.D. New York").
_DISTRICT_START = {"District", "S.D.", "N.D.", "E.D.", "W.D.", "C.D.", "M.D.", "D.", "Southern", "Northern", "Eastern", "Western", "Central", "Middle"}

FIRM_AGENCY_WORDS = {"Shipping", "Marine", "Crown", "Travel", "Ship", "Freight", "Cargo", "Crewing", "Manning"}
# Words that rank a port among its country's ("X, the main port of Y"): X is the port.
PORT_RANK_WORDS = {"main", "principal", "chief", "major", "largest", "biggest", "busiest", "second", "third", "only", "key"}
# Cargo words between a port's name and a lower-case port word ("the X oil terminal").
PORT_CARGO_WORDS = {"oil", "crude", "grain", "coal", "container", "lng", "lpg", "fuel", "cargo", "fishing", "commercial"}
NAME_PARTICLES = {"el", "al", "as", "ad", "ar", "de", "la", "le", "del", "da", "do", "dos"}
DASHES = {"-", "\u2013", "\u2014"}
OPEN_QUOTES = {'"', "'", "\u2018", "\u201c", "\u00ab"}
CLOSE_QUOTES = {'"', "'", "\u2019", "\u201d", "\u00bb"}

AGENCY_HEADS = ["ministry", "department", "office", "bureau", "directorate", "commission", "committee", "council", "agency", "service", "panel", "administration", "authority"]


# Roles a firm holds for a ship: a name in apposition to one of them is a firm's.
ROLE_NOUNS = {"manager", "owner", "shipowner", "operator", "charterer", "insurer"}
# Words that make an "... Agency" a state's, not a ship agent's ("Maritime Enforcement Agency").
STATE_AGENCY_WORDS = {"Enforcement", "Security", "Safety", "Protection", "Regulatory", "National", "Federal", "Customs", "Border"}


class Organizations:
    def __init__(self, nlp: Language, name: str, *, max_name_tokens: int):
        ensure_extensions()
        self.name = name
        self.max_name_tokens = max_name_tokens
        c = cues()
        # Court captions print legal forms in capitals ("PTE LTD", "CO., LTD.").
        shape = shapes()
        forms = [*c["legal_forms"]["after"], *shape["legal_forms_after"]]
        self.legal_after = set(forms) | {f.upper() for f in forms if len(f.rstrip(".")) > 2 or "." in f}
        self.legal_after_bare = {f.rstrip(".") for f in self.legal_after if f.rstrip(".")}
        self.legal_before = set(c["legal_forms"]["before"])
        self.company_words = set(c["company_words"]) | set(shape["company_words"])
        self.tail_words = set(shape["company_words"])
        self.trailing_signals = set(shape["company_signal_words"])
        self.company_nouns = set(c["company_nouns"])
        self.business_words = {w.lower() for w in [*c["company_words"], *shape["company_signal_words"], *shape["business_pair_words"]]}
        self.port_names = {w.split()[-1] for w in c["port_name_words"]}
        m = RuleMatcher(nlp.vocab)
        m.add("LEGAL_AFTER", [[{"ORTH": {"IN": sorted(self.legal_after | {f + "." for f in self.legal_after_bare if len(f) > 2} | {f for f in self.legal_after_bare if len(f) > 2})}}]])
        m.add("LEGAL_BEFORE", [[{"ORTH": {"IN": sorted(self.legal_before)}}, {"IS_TITLE": True}]])
        m.add("LEGAL_BEFORE_WORDS", [[{"LOWER": t.lower_} for t in nlp.make_doc(f)] for f in shape["legal_forms_before"]])
        # Annex entries and court captions print firms' names in capitals ("KESTREL OCEAN SHIPPING").
        m.add("COMPANY_WORD", [[{"ORTH": {"IN": sorted(self.company_words | {w.upper() for w in self.company_words})}}]])
        m.add("COMPANY_NOUN", [[{"LOWER": {"IN": sorted(self.company_nouns)}}]])
        m.add("AGENCY_OF", [[{"LOWER": {"IN": AGENCY_HEADS}}, {"LOWER": "of"}]])
        m.add("AGENCY_AFTER", [[{"LOWER": {"IN": ["ministry", "department"]}}]])
        m.add("PORT_OF", [[{"LOWER": {"IN": ["port", "ports", "seaport", "seaports", "harbor", "harbour", "harbors", "harbours"]}}, {"LOWER": "of"}],
                          [{"LOWER": {"IN": ["port", "harbor", "harbour", "terminal"]}}]])
        m.add("PORT_AFTER", [[{"ORTH": {"IN": sorted(self.port_names | {"port", "shipyard", "terminal", "harbor", "harbour", "anchorage"})}}]])
        heads = shape["agency_heads"]
        self.agency_heads = {h.split()[-1] for h in heads}
        self.fleet_words = set(shape["fleet_names"])
        self.agency_mod_ok = set(shape["agency_modifiers_ok"])
        self.agency_need_more = set(shape["agency_heads_need_more"])
        self.title_words = set(shape["title_words"])
        m.add("AGENCY_HEAD", [[{"LOWER": w} for w in h.split()] for h in heads])
        # "the Saudi-led Coalition": a coalition led by a state is a non-state body.
        m.add("LED_COALITION", [[{"IS_TITLE": True}, {"ORTH": "-"}, {"LOWER": "led"}, {"LOWER": {"IN": ["coalition", "alliance", "task", "forces", "force"]}}]])
        m.add("PORT_CONTEXT", [[{"LOWER": w} for w in ph.split()] for ph in shape["port_context"]] + [
            # "discharged its cargo at X", "loaded crude oil at X"
            [{"LOWER": {"IN": shape["port_cargo_verbs"]}}, {"LOWER": {"IN": ["its", "her", "the", "a", "their"]}, "OP": "?"},
             {"IS_ALPHA": True, "IS_LOWER": True, "OP": "?"}, {"LOWER": {"IN": shape["port_cargo_nouns"]}}, {"LOWER": "at"}],
        ])
        self.not_port_before = set(shape["not_port_before"])
        self.port_multi = {w.split()[-1]: w.split()[:-1] for w in c["port_name_words"] if " " in w}
        self.matcher = m

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        if not matches:
            return doc
        cover = covered(doc)
        strings = doc.vocab.strings
        for match_id, start, end in matches:
            kind = strings[match_id]
            lo, hi = sent_bounds(doc, start)
            getattr(self, "_" + kind.lower())(doc, start, end, lo, hi, cover)
        return doc

    # -- companies -----------------------------------------------------------------------
    def _is_form(self, tok) -> bool:
        return tok.text in self.legal_after or tok.text.rstrip(".") in self.legal_after_bare

    def _legal_after(self, doc, start, end, lo, hi, cover):
        """"X Shipping Co., Ltd.", "X Mgmt. Pte. Ltd.", "X Trading (Dalian) Co. Ltd", "X FZE",
        "HARLOW TIDE MARINE PTE LTD": a company's name ends in one or more legal forms; the name
        before them may hold places, parentheses and abbreviations."""
        if doc[start].text in self.legal_before and end < hi and doc[end].text[:1].isupper() and not self._is_form(doc[end]) \
                and start > lo and doc[start - 1].lower_ in {"of", "by", "for", "and", "with", "from", "to"}:
            return  # "Director of PAO Sovfleet": the form opens the next name
        # Only the first legal form of a run starts a name ("Pte. Ltd." is one run).
        p = start - 1
        while p >= lo and doc[p].text in {".", ","}:
            p -= 1
        if p >= lo and self._is_form(doc[p]) and start - p <= 2:
            return
        j = end
        while j < hi:
            if self._is_form(doc[j]):
                j += 1
            elif doc[j].text in {".", ","} and j + 1 < hi and self._is_form(doc[j + 1]) and doc[j + 1].text not in {"AS", "AB", "AG", "SA", "AO"}:
                j += 1
            elif doc[j].text in DASHES and j + 1 < hi and self._is_form(doc[j + 1]) and doc[j + 1].text[:1].isupper():
                j += 1  # "LLC-FZ", "L.L.C – FZ", "Ship Management – FZCO"

            else:
                break
        while j < hi and doc[j].text in self.tail_words:
            j += 1  # "X Offshore Company Registry"
        if j + 2 < hi and doc[j].text == "(":
            # "X Shipping Co. Ltd (Fujairah Branch)": the branch is part of the firm's name.
            k = j + 1
            while k < hi and k - j < 6 and doc[k].text != ")" and (doc[k].text[:1].isupper() or doc[k].lower_ in {"of", "&", "-"}):
                k += 1
            if k < hi and doc[k].text == ")" and doc[k - 1].lower_ in {"branch", "office", "representative"}:
                j = k + 1
        caps = start > lo and is_caps(doc[start - 1]) and len(doc[start - 1].text) > 3
        n = start
        while n > lo and start - n < self.max_name_tokens + 2:
            t = doc[n - 1]
            if t.text == "." and n - 2 >= lo and not doc[n - 2].whitespace_ and doc[n - 2].text[:1].isupper() and doc[n - 2].is_alpha:
                n -= 2  # an abbreviation: "Mgmt."
                continue
            if t.text == ")" and n - 3 >= lo and doc[n - 3].text == "(" and doc[n - 2].text[:1].isupper():
                n -= 3  # "(Dalian)", "(HK)"
                continue
            if self._is_form(t):
                break  # the end of another company's name
            if t.lower_ in self.title_words and not caps:
                break  # "General Director of PAO X": a person's title, not the firm's name
            if t.lower_ == "and" and n < start and n - 2 >= lo and doc[n].lower_ in self.business_words and doc[n - 2].lower_ in self.business_words:
                n -= 1  # "X Oil and Gas Company LLC", "X Supply and Trading DMCC": "and" between two business words
                continue
            if t.text in {"&"} | DASHES or (t.lower_ == "of" and not caps and n - 2 >= lo and doc[n - 2].text[:1].isupper() and doc[n - 2].pos_ in ("PROPN", "")):
                n -= 1
                continue
            if caps:
                if not (is_caps(t) or t.text.isdigit()) or t.is_stop or t.lower_ in CAPS_STOPS:
                    break
            elif not (t.text[:1].isupper() or t.text[:1].isdigit()) or t.is_punct or t.text in NOT_NAME_START \
                    or not is_name_token(t, False):
                break  # (not a word of the name: "U.S.-designated X Company", "Iran-backed X Ltd")
            n -= 1
        while n < start and doc[n].text.isdigit() and len(doc[n].text) == 4 and 1900 <= int(doc[n].text) <= 2099 and n + 1 < start:
            n += 1  # "In May 2025 X Trading FZE": the date's year is not part of the name
        while n < start and (doc[n].text in {"&", "(", ")"} | DASHES or doc[n].lower_ in {"of", "and"} or self._is_form(doc[n])):
            n += 1
        if n >= start or (doc[n].text in NOT_NAME_START and not caps):
            return
        form = doc[start:j].text.strip(", ")
        add_candidate(doc, n, j, "Company", PRIO_PATTERN, legal_form=form)

    def _legal_before(self, doc, start, end, lo, hi, cover):
        i = start + 1
        if doc[i].text in {'"', "\u201c", "'"}:
            i += 1
        n_end = name_after(doc, i, hi, cover, max_len=self.max_name_tokens)
        if n_end > i:
            add_candidate(doc, start, n_end, "Company", PRIO_PATTERN, legal_form=doc[start].text)

    def _legal_before_words(self, doc, start, end, lo, hi, cover):
        """A legal form written before the name: "Limited Liability Company 'Northwind'",
        "Joint Stock Company Volga Star", "LLC Kestrel-Bunker". The form is part of the name."""
        first = doc[start]
        if not first.text[:1].isupper() or (end - start == 1 and not first.text.isupper()):
            return
        if start > lo:
            prev = doc[start - 1]
            if is_name_token(prev, False) and not prev.like_num and not prev.text.endswith(".") and not prev.is_space:
                return  # the form ends a name ("Gatewick LLC"), or a longer form holds this one
        i = end
        if i < hi and doc[i].text in OPEN_QUOTES:
            # The parser may end a sentence inside the quotes: the name runs to the closing quote on its line.
            k, n = i + 1, len(doc)
            while k < n and k - i <= self.max_name_tokens + 3 and doc[k].text not in CLOSE_QUOTES and not doc[k].is_space:
                k += 1
            if k >= n or doc[k].text not in CLOSE_QUOTES or k == i + 1 or not doc[i + 1].text[:1].isalnum():
                return
            add_candidate(doc, start, k + 1, "Company", PRIO_PATTERN, legal_form=doc[start:end].text)
            return
        n_end = name_after(doc, i, hi, None, max_len=self.max_name_tokens)
        if n_end > i and not country_of(doc[i:n_end].text):
            add_candidate(doc, start, n_end, "Company", PRIO_PATTERN, legal_form=doc[start:end].text)

    def _company_word(self, doc, start, end, lo, hi, cover):
        if is_caps(doc[start]):
            # A name in capitals on its own line (an annex entry's heading): the parser's sentence
            # breaks there mean nothing, the line is the bound.
            while lo > 0 and not doc[lo - 1].is_space and start - lo < self.max_name_tokens:
                lo -= 1
        n_start = name_before(doc, start, lo, cover, max_len=self.max_name_tokens)
        if is_caps(doc[start]):
            n_start = min(n_start, self._entry_heading_start(doc, start))
        if n_start == start or cover[start]:
            return
        # "Islamic Republic of Iran Shipping Lines": a state's name right before two business words
        # opens the firm's name.
        k = n_start
        while k > lo and cover[k - 1] == "Country" and not doc[k - 1].is_space:
            k -= 1
        if k < n_start and doc[k].text[:1].isupper() and start - n_start == 1 and doc[n_start].text in self.company_words:
            n_start = k
        # A known firm's short alias as the first word of a longer name ("ACME Blue Tankers"):
        # the longer name wins, the alias is part of it.
        if n_start > lo and self._alias_word(doc, n_start - 1, cover) and not doc[n_start - 1].whitespace_.count("\n"):
            n_start -= 1
        # Take trailing business words too: "Ocean Star Ship Management".
        j = end
        while j < hi:
            if doc[j].text in self.company_words or doc[j].text.title() in self.company_words or doc[j].text in self.legal_after:
                j += 1
            elif doc[j].text in self.trailing_signals and j + 1 <= hi:
                j += 1  # "X Marine Services", "X Shipping Group": a signal word after a business word
            elif doc[j].lower_ in {"&", "and"} and j + 1 < hi and doc[j + 1].lower_ in self.business_words and doc[j + 1].text[:1].isupper():
                j += 2  # "X SHIPPING & TECHNOLOGY", "X Shipping and Marine"
            else:
                break
        # ... or as its last word ("Blue Tankers ACME"), on the same line.
        if j < hi and self._alias_word(doc, j, cover) and doc[j - 1].whitespace_ == " ":
            j += 1
        add_candidate(doc, n_start, j, "Company", PRIO_PATTERN - 1)

    def _entry_heading_start(self, doc, start) -> int:
        """A numbered entry's heading in capitals ("12. NORTH AN SHIPPING" on its own line): the
        name runs from the number to the company word, short capital words ("AN", "OF") too.
        Returns the name's first token, or `start` when the line is no such heading."""
        k = start
        while k > 0 and start - k <= self.max_name_tokens and not (doc[k - 1].is_space or "\n" in doc[k - 1].whitespace_):
            t = doc[k - 1]
            if t.text == "." and k - 2 >= 0 and doc[k - 2].text.isdigit() and (k - 2 == 0 or doc[k - 3].is_space or "\n" in doc[k - 3].whitespace_):
                return k if k < start and is_caps(doc[k]) else start
            if not (is_caps(t) or t.text.isdigit() or t.text in {"&", "-"}):
                return start
            k -= 1
        return start

    @staticmethod
    def _alias_word(doc, i, cover) -> bool:
        """Token i is a known firm's or body's one-word acronym from the gazetteer ("SCF"), not a
        state's: it may be a word of a longer company name next to it."""
        tok = doc[i]
        if cover[i] not in ("Company", "Organization") or not (tok.text.isalpha() and tok.text.isupper() and 2 <= len(tok.text) <= 6):
            return False
        return (i == 0 or cover[i - 1] is None or doc[i - 1].is_punct or doc[i - 1].is_space) and (i + 1 >= len(doc) or cover[i + 1] is None)

    def _company_noun(self, doc, start, end, lo, hi, cover):
        # "the company X" / "shipowner X"
        i = end
        if i < hi and doc[i].lower_ in {"named", "called"}:
            i += 1
        n_end = name_after(doc, i, hi, cover, max_len=self.max_name_tokens)
        if n_end > i and doc[start].is_lower and not (n_end < hi and doc[n_end].lower_ in self.company_nouns):
            add_candidate(doc, i, n_end, "Company", PRIO_PATTERN)
            return
        if i + 1 < hi and doc[i].text == "," and doc[start].is_lower and doc[start].lower_ in ROLE_NOUNS and start > lo \
                and doc[start - 1].lower_ in {"its", "their", "the", "his", "her", "commercial", "technical", "registered", "ism", "ship"}:
            # "its manager, Tidewell, did not reply": a name in apposition to a firm's role.
            n_end = name_after(doc, i + 1, hi, cover, max_len=self.max_name_tokens)
            words = doc[i + 1:n_end]
            person = any(e.label_ == "PERSON" and e.start < n_end and e.end > i + 1 for e in doc.ents)
            if n_end > i + 1 and (n_end == hi or doc[n_end].text in {",", ".", "(", ";"}) and not person \
                    and not any(t.lower_ in self.title_words for t in words):
                add_candidate(doc, i + 1, n_end, "Company", PRIO_PATTERN, cue="firm's role")
                return
        # "X, a (Dubai-based) shipping company"
        j = start
        while j > lo and (doc[j - 1].is_lower or doc[j - 1].text == "-" or (doc[j - 1].text[:1].isupper() and doc[j].text == "-")) and start - j < 5 and doc[j - 1].lower_ not in {"a", "an", "the"}:
            j -= 1
        if j > lo and doc[j - 1].lower_ in {"a", "an"} and j - 1 > lo and doc[j - 2].text == ",":
            n_start = name_before(doc, j - 2, lo, cover, max_len=self.max_name_tokens)
            if n_start < j - 2:
                add_candidate(doc, n_start, j - 2, "Company", PRIO_PATTERN)

    # -- agencies ------------------------------------------------------------------------
    def _state_before(self, doc, i, lo):
        """A state named just before token i: 'Russian', 'the UK's', 'US'. Returns (start, iso2)."""
        if i - 1 >= lo and doc[i - 1].text in {"'s", "\u2019s"} and i - 2 >= lo:
            c = country_of(doc[i - 2].text) or (i - 3 >= lo and country_of(doc[i - 3 : i - 1].text))
            if c:
                # "North Korea's Ministry of X": the state stays its own entity; PART_OF links them.
                return i, c["iso2"]
        for width in (2, 1):
            if i - width >= lo:
                c = country_of(doc[i - width : i].text)
                if c and doc[i - width].text[:1].isupper():
                    return i - width, c["iso2"]
        return i, None

    def _agency_of(self, doc, start, end, lo, hi, cover):
        i = end
        if i < hi and doc[i].lower_ == "the":
            i += 1
        j = i
        # Objects of "Ministry of" may be lower case in news text ("ministry of defence").
        ministry = doc[start].lower_ == "ministry"
        # "Ministry of Defence and Armed Forces Logistics": a ministry's remit may be long.
        while j < hi and j - i < (6 if ministry else 4) and (doc[j].is_alpha and (doc[j].text[:1].isupper() or doc[start].is_lower) and doc[j].lower_ not in {"the", "in", "on", "at", "to", "for", "from", "and", "with", "by", "said", "has", "had", "was", "is"}
                                        or (doc[j].lower_ in {"and", "&"} and j + 1 < hi and doc[j + 1].text[:1].isupper())):
            j += 1
        if j == i:
            return
        if not ministry and any(t.lower_ in self.agency_heads and t.text[:1].isupper() for t in doc[i:j]):
            return  # "Field Office of the Federal Bureau of X": the inner body is named by its own head
        head = doc[start].lower_
        if head in {"council", "committee", "service", "panel", "agency", "authority", "administration", "office", "commission"} and not doc[start].text[:1].isupper():
            return
        s, iso2 = self._state_before(doc, start, lo)
        if s == start:
            # "Treasury Department's Office of ..." / "UN Panel of Experts"
            s = name_before(doc, start, lo, cover, max_len=3) if doc[start].text[:1].isupper() else start
        add_candidate(doc, s, j, "Agency", PRIO_PATTERN, country=iso2)

    def _agency_after(self, doc, start, end, lo, hi, cover):
        # "Defence Ministry", "the Treasury Department", "Russia's defence ministry"
        j = start
        while j > lo and start - j < 3 and doc[j - 1].is_alpha and (doc[j - 1].text[:1].isupper() or doc[start].is_lower) and not country_of(doc[j - 1].text) and doc[j - 1].lower_ not in {"the", "a", "its", "their", "of", "and", "by", "to", "in"}:
            j -= 1
        if j == start:
            return
        s, iso2 = self._state_before(doc, j, lo)
        add_candidate(doc, s, end, "Agency", PRIO_PATTERN, country=iso2)

    def _agency_head(self, doc, start, end, lo, hi, cover):
        """An agency named by its structure: capitalised words (or a state) in front of a head
        word, and an "of/for the X" complement after it: "Japan Coast Guard", "National
        Security Division", "U.S. Attorney's Office for the District of Columbia", "United
        States District Court, District of Columbia", "UN Security Council 1718 Sanctions
        Committee", "7th Fleet"."""
        head = doc[start:end]
        capital = head[0].text[:1].isupper()
        # "Japan coast guard": a lower-case head counts right after a state's name.
        if not capital and not (start > lo and doc[start - 1].text in country_index()["alias"]):
            return  # a state's name, not a demonym: "Chinese customs" is not a body's name
        if end < hi and doc[end].lower_ in self.agency_heads and doc[end].text[:1].isupper():
            return  # "Coast Guard" inside "Coast Guard Command": the longer head rules
        # Left: modifiers.
        j = start
        while j > lo and start - j < 6:
            t = doc[j - 1]
            if t.text in {"'s", "\u2019s"} and j - 2 >= lo and doc[j - 2].lower_ in {"attorney", "attorneys", "prosecutor"}:
                j -= 1
                continue
            if t.text == "-" and not t.whitespace_ and j - 2 >= lo and not doc[j - 2].whitespace_ and doc[j - 2].text[:1].isalnum():
                j -= 1
                continue
            # "U.S. Immigration and Customs Enforcement": "and" inside the name, not between two states.
            if t.lower_ in {"and", "&"} and j - 2 >= lo and doc[j - 2].text[:1].isupper() and not doc[j - 2].text.isupper() and not country_of(doc[j - 2].text) and not cover[j - 2]:
                j -= 1
                continue
            if t.is_punct or t.is_space or not (t.text[:1].isupper() or t.text[:1].isdigit()) or any(ch in t.text for ch in "()[]\"\u201c\u201d"):
                break
            if t.text in NOT_NAME_START or t.text.title() in NOT_NAME_START or t.lower_ in self.title_words and t.lower_ not in self.agency_mod_ok:
                break
            if cover[j - 1] and cover[j - 1] not in ("Country", "Agency"):
                break
            j -= 1
        # Right: "of/for (the) X", and a court's district after a comma or dash.
        k = end
        if k + 1 < hi and doc[k].lower_ in {"of", "for"}:
            i = k + 1
            if i < hi and doc[i].lower_ == "the":
                i += 1
            e = i
            while e < hi and e - i < 6 and (doc[e].text[:1].isupper() and not doc[e].is_punct and doc[e].text.rstrip(".") not in MONTHS or (
                    doc[e].lower_ in {"of", "and", "the"} and e + 1 < hi and doc[e + 1].text[:1].isupper())):
                e += 1
            while e > i and doc[e - 1].lower_ in {"of", "and", "the"}:
                e -= 1
            if e > i:
                inner = [t for t in doc[i:e] if t.lower_ in self.agency_heads and t.text[:1].isupper()]
                if inner:
                    return  # "Field Office of the Federal Bureau of X": the inner body is the agency
                k = e
        elif head[-1].lower_ == "court" and k + 1 < hi and doc[k].text == "," and doc[k + 1].text in _DISTRICT_START:
            e = k + 1
            while e < hi and e - k < 6 and (doc[e].text[:1].isupper() or doc[e].lower_ == "of"):
                e += 1
            k = e
        while j < start and doc[j].lower_ in {"and", "&", "-"}:
            j += 1
        if k == end and head[-1].lower_ in {"committee", "panel", "council", "commission"}:
            # "the Committee established pursuant to resolution 1718 (2006)"
            e = k
            while e < hi and e - k < 9 and not doc[e].like_num and (doc[e].is_alpha or doc[e].text == "-"):
                e += 1
            words = {t.lower_ for t in doc[k:e]}
            if e < hi and doc[e].like_num and {"established", "pursuant"} <= words and "resolution" in words:
                k = e + 1
        mods = doc[j:start]
        if head[-1].lower_ == "fleet":
            # A navy's fleet is named by a sea, an ocean, a compass adjective or a number ("Black Sea
            # Fleet", "Pacific Fleet", "Northern Fleet", "7th Fleet"); "Shadow Fleet", "Levant Fleet"
            # and a firm's "South Fleet" are not bodies of a state.
            if not any(t.text in self.fleet_words or t.text[:1].isdigit() for t in mods):
                return
            k = end  # "Black Sea Fleet of the Russian Federation": the fleet's name ends at its head
        if head[-1].lower_ == "agency" and any(t.text in self.company_words or t.text in FIRM_AGENCY_WORDS for t in mods) \
                and not any(country_of(t.text) or t.text in STATE_AGENCY_WORDS for t in mods):
            add_candidate(doc, j, end, "Company", PRIO_PATTERN, cue="shipping agency")  # "X Marine Crown Agency": a ship agent
            return
        if not len(mods) and k == end:
            return  # a bare head word refers back ("the Court", "the Office")
        if len(mods) and k == end and all(t.lower_ in self.title_words for t in mods):
            return
        if head[0].lower_ in self.agency_need_more and k == end and len(mods) == 1 and country_of(mods[0].text) is None and mods[0].lower_ in {"district", "field", "state", "federal"}:
            return  # "District Court", "Federal Court" alone: the full name is given elsewhere
        iso2 = None
        for width in (3, 2, 1):
            c = country_of(doc[j:j + width].text) if j + width <= start and doc[j].text[:1].isupper() else None
            if c:
                iso2 = c["iso2"]
                break
        add_candidate(doc, j, k, "Agency", PRIO_PATTERN, country=iso2, cue="agency head")

    # -- ports ---------------------------------------------------------------------------
    def _port_of(self, doc, start, end, lo, hi, cover):
        i = end
        if end - start == 2 and doc[start].lower_ in ("port", "seaport", "harbor", "harbour") and self._port_in_apposition(doc, start, lo, cover):
            return
        if doc[start].lower_ != "port" or end - start == 1:
            # "the port Vostochny", "the Russian port of Nakhodka", "port city of X"
            if i < hi and doc[i].lower_ == "city":
                i += 1
                if i < hi and doc[i].lower_ == "of":
                    i += 1
        if i < hi and doc[i].text in {'"', "\u201c"}:
            i += 1
        # "the port of el Sidra": a lower-case Arabic or Romance article opens the name.
        particle = i + 1 < hi and doc[i].lower_ in NAME_PARTICLES and doc[i].is_lower and doc[i + 1].text[:1].isupper()
        n_end = name_after(doc, i + 1 if particle else i, hi, None, joiners={"-"}, max_len=3)
        if doc[start].lower_ in ("ports", "seaports", "harbors", "harbours"):
            # "the ports of X, Y and Z": each name of the list is a port.
            while n_end > i and not country_of(doc[i:n_end].text) and not (cover[i] and cover[i] != "Port"):
                add_candidate(doc, i, n_end, "Port", PRIO_PATTERN)
                k = n_end
                while k < hi and doc[k].lower_ in (",", "and"):
                    k += 1
                if k == n_end or k >= hi:
                    break
                i, n_end = k, name_after(doc, k, hi, None, joiners={"-"}, max_len=3)
            return
        if particle and n_end > i + 1 and not country_of(doc[i + 1:n_end].text):
            add_candidate(doc, i, n_end, "Port", PRIO_PATTERN, alias=doc[start:n_end].text if doc[start].text[:1].isupper() else None)
        elif n_end > i and not country_of(doc[i:n_end].text) and not (cover[i] and cover[i] != "Port"):
            # "the Commercial Port of X", "Sea Fishing Port of X": the full name is an alias.
            s = start
            while s > lo and start - s < 3 and doc[start].text == "Port" and doc[s - 1].text[:1].isupper() and doc[s - 1].is_alpha \
                    and not doc[s - 1].is_sent_start and not country_of(doc[s - 1].text) and not cover[s - 1] and doc[s - 1].lower_ != "the":
                s -= 1
            add_candidate(doc, i, n_end, "Port", PRIO_PATTERN, alias=doc[s:n_end].text if doc[start].text[:1].isupper() else None)

    def _port_in_apposition(self, doc, start, lo, cover) -> bool:
        """"X, the main port of Y": the name before the apposition is the port (Y is the state
        or region it serves); True when that shape was read."""
        k = start - 1
        ranked = False
        while k > lo and doc[k].lower_ not in ("the", "a") and start - k <= 3:
            if doc[k].tag_ in ("JJS", "RBS") or doc[k].lower_ in PORT_RANK_WORDS:
                ranked = True
            k -= 1
        if not ranked or k <= lo + 1 or doc[k].lower_ not in ("the", "a") or doc[k - 1].text != ",":
            return False
        n_start = name_before(doc, k - 1, lo, None, max_len=3)
        if n_start == k - 1 or country_of(doc[n_start:k - 1].text) or (cover[n_start] and cover[n_start] != "Port"):
            return True   # no name before: Y is not the port either
        add_candidate(doc, n_start, k - 1, "Port", PRIO_PATTERN)
        return True

    def _led_coalition(self, doc, start, end, lo, hi, cover):
        if doc[end - 1].lower_ in {"coalition", "alliance"} and (country_of(doc[start].text) or cover[start] == "Country"):
            add_candidate(doc, start, end, "Organization", PRIO_PATTERN, cue="state-led coalition")

    def _port_context(self, doc, start, end, lo, hi, cover):
        """"pulled into X", "its homeport of X", "docked at X": X is a port, unless a state."""
        i = end
        n_end = name_after(doc, i, hi, None, joiners={"-"}, max_len=3)
        for k in range(i + 1, n_end):
            if doc[k].text.rstrip(".") in MONTHS or doc[k].text in WEEKDAYS:
                n_end = k  # "pulled into X March 3"
                break
        if n_end == i or country_of(doc[i:n_end].text) or (cover[i] and cover[i] != "Port"):
            return
        if n_end < hi and (doc[n_end].lower_ in self.agency_heads or doc[n_end].text in self.not_port_before or doc[n_end].lower_ in {"port", "harbor", "harbour"}):
            return  # "docked at Naval Station X", "X Port" (the port-word rule names it)
        add_candidate(doc, i, n_end, "Port", PRIO_PATTERN - 1, cue=doc[start:end].text.lower())

    def _port_after(self, doc, start, end, lo, hi, cover):
        word = doc[start].text
        if word in self.port_multi and doc[start - len(self.port_multi[word]):start].text.split() != self.port_multi[word]:
            return  # "Base" names a port only in "Naval Base", not in "Kadena Air Base"
        if start > lo and doc[start - 1].text in self.not_port_before:
            return
        n_stop = start
        if word.islower() and start - 1 > lo and (doc[start - 1].lower_ in PORT_CARGO_WORDS or doc[start - 1].text in ("'s", "\u2019s")):
            n_stop = start - 1   # "the X oil terminal", "X grain port", "X's port": the name is X
        n_start = name_before(doc, n_stop, lo, None, max_len=3)
        if n_start == n_stop or country_of(doc[n_start:n_stop].text):
            return
        if cover[n_start] and cover[n_start] != "Port":
            return
        if n_stop < start:
            add_candidate(doc, n_start, n_stop, "Port", PRIO_PATTERN, alias=doc[n_start:end].text)
            return
        word = doc[start].text
        if word.lower() in {"port", "harbor", "harbour"} and end + 1 < hi and doc[end].lower_ == "of" and doc[end + 1].text[:1].isupper():
            return  # "Commercial Port of X": the port is X (the port-of rule keeps the full name)
        if word.lower() in {"port", "harbor", "harbour"} or word == "anchorage":
            add_candidate(doc, n_start, start, "Port", PRIO_PATTERN, alias=doc[n_start:end].text)
        else:
            # Shipyards and terminals keep their full name: "Zvezda Shipyard".
            add_candidate(doc, n_start, end, "Port", PRIO_PATTERN)


@Language.factory("sanctions_kg_orgs_v1", assigns=["doc.user_data"], default_config={"max_name_tokens": 5})
def make_orgs(nlp: Language, name: str, max_name_tokens: int) -> Organizations:
    return Organizations(nlp, name, max_name_tokens=max_name_tokens)
