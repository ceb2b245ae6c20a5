"""sanctions_kg_entities_v1: choose the entity mentions of a document and set doc.ents.

Rule candidates win over the statistical NER; among rules, longer spans win, then higher
priority. Ship names then spread: names listed next to a ship ("X, Y and Z", "X along with
Y") are ships too, and every later mention of a ship's name is that ship. The NER fills the
remaining gaps, relabelled into the ontology (ORG -> Company / Agency / Organization by cue
words, GPE -> Country / Location, FAC/LOC -> Port / Location). Dates the NER found are kept in
doc.user_data["skg_dates"] for the relation component.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.components.common import (
    span_key,
    CANDS,
    DATES,
    INFO,
    NOT_NAME_START,
    PRIO_LIST,
    PRIO_PROPAGATED,
    country_index,
    country_of,
    cues,
    ensure_extensions,
    is_name_token,
    name_after,
    name_before,
    sent_bounds,
    shapes,
    span_text,
    token_strings,
    in_headline,
    named_outside_headlines,
    DROPPED,
)

_SUFFIX_NUM = re.compile(r"^(.+)-\d+$")
SPANS_KEY = "sanctions_kg_candidates"
# A register entry's numbered heading naming a person: given names in Title case, the surname in capitals.
ENTRY_HEADING = re.compile(r"^\s*\d+\.[ \t]+((?:[^\W\d_][^\W\d_'-]*[ \t]+){1,4}[^\W\d_]{2,}(?:-[^\W\d_]+)?)[ \t]*$", re.M)
PERSON_FIELD = re.compile(r"^\s*(Date of birth|Place of birth|Gender|Nationality|Passport number)\s*:")
ENTRY_FIELD_LINES = 8
LIST_LINKS = {",", "and", "&"}
# Head words of bodies that are no one's surname ("Post", "Times" are): a "person" the model
# finds ending in one is a body.
BODY_HEADS = {"Monitor", "Watch", "Institute", "Center", "Centre", "Foundation", "Initiative", "Observatory", "Network", "Project",
              "Shipping", "Maritime", "Navigation", "Tankers", "Logistics", "Holdings", "Shipmanagement", "Chartering",
              "Ministry", "Agency", "Bureau", "Commission", "Committee"}
# Technical terms the small model takes for organisations.
NOT_ENTITIES = {"AIS", "IMO", "MMSI", "GPS", "LNG", "LPG", "VLCC", "EEZ", "STS"}


def _name_tok(text: str) -> str:
    """A name token without the sentence's full stop the tokenizer left on it ("the Lady R."
    ends in the token "R.", an initial): "R." and "R" are the same part of a ship's name."""
    if len(text) > 1 and text[-1] == "." and text[:-1].isalnum():
        return text[:-1]
    return text


class Entities:
    def __init__(self, nlp: Language, name: str, *, use_model_ner: bool, keep_persons: bool):
        ensure_extensions()
        self.name = name
        self.use_model_ner = use_model_ner
        self.keep_persons = keep_persons
        c = cues()
        self.agency_words = set(c["agency_words"])
        self.org_words = set(c["organization_words"])
        self.company_words = set(c["company_words"]) | set(c["legal_forms"]["after"])
        self.port_words = set(c["port_words"])
        shape = shapes()
        kinds = [*c["vessel_types"], *shape["vessel_types"]]
        self.vessel_words = {w for k in kinds for w in k.split()} | {k + "s" for k in kinds} | set(c["vessel_type_modifiers"])
        self.not_names = set(shape["not_names"])
        self.not_ship_last = set(shape["not_ship_last_words"]) | set(c["legal_forms"]["after"])
        self.instrument_heads = set(shape["instrument_heads"])
        self.title_words = set(shape["title_words"])
        self.geo_heads = set(shape["geo_heads"])
        self.company_signals = set(shape["company_signal_words"])
        self.legal_bare = {f.rstrip(".") for f in c["legal_forms"]["after"]} | {f.rstrip(".").upper() for f in c["legal_forms"]["after"]}
        # Words of legal forms ("Limited Liability Company", "FZCO"): a span of these alone is a
        # firm's kind ("Type of entity: Joint Stock Company"), not its name.
        self.legal_words = {w.lower().rstrip(".") for f in [*c["legal_forms"]["after"], *c["legal_forms"]["before"], *shape["legal_forms_after"],
                                                            *shape["legal_forms_before"]] for w in f.replace("-", " ").split()}

    def __call__(self, doc: Doc) -> Doc:
        cands = doc.user_data.pop(CANDS, [])
        # Every token's text and lower-case form, read once for the whole-document scans below.
        self._text, self._lower = token_strings(doc)
        # The rule components' candidates as typed spans, for inspection (STYLE: rule matches are spans).
        doc.spans[SPANS_KEY] = [Span(doc, s, e, label=lab) for s, e, lab, _, _ in cands if not lab.startswith("_")]
        n = len(doc)
        owner: list[int | None] = [None] * n
        chosen: list[list] = []  # [start, end, label, info]
        idents = []
        lower, text = self._lower, self._text
        self._chosen_text: dict[int, str] = {}  # the text of chosen[k], for _lost's reasons
        for start, end, label, prio, info in sorted(cands, key=lambda c: (-(c[1] - c[0]), -c[3], c[0])):
            if label == "_IDENT":
                idents.append((start, end, info))
                continue
            if label == "_BLOCK":
                # An identifier's label ("International Maritime Organization number"): no
                # entity may be made of these tokens.
                for i in range(start, end):
                    owner[i] = -1
                continue
            # "Claimant X Navigation", "Defendant X": the party word is not part of the name.
            while end - start > 1 and lower[start] in self.not_names and text[start][:1].isupper() and label != "Agency":
                start += 1
            if label in ("Vessel", "Company") and all(
                    lower[i] in self.vessel_words or lower[i] in self.not_names or doc[i].is_punct for i in range(start, end)):
                self._drop(doc, start, end, label, "a common noun of court papers ('the Vessel', 'Defendant'), not a name")
                continue
            if label == "Company" and all(lower[i].rstrip(".") in self.legal_words or doc[i].is_punct for i in range(start, end)):
                self._drop(doc, start, end, label, "a legal form alone, not a firm's name")
                continue
            if any(owner[i] is not None for i in range(start, end)):
                k = owner[start]
                if k is not None and k >= 0 and chosen[k][:3] == [start, end, label]:
                    for key, value in info.items():  # the same mention by two rules: keep both's facts
                        if value and not chosen[k][3].get(key):
                            chosen[k][3][key] = value
                    continue
                self._lost(doc, chosen, owner, start, end, label)
                continue
            if label in ("Agency", "Country", "Organization") and self._in_citation(doc, start, end):
                self._drop(doc, start, end, label, "inside a legal instrument's citation ('Regulation (EU) No 833/2014')")
                continue
            if label in ("Agency", "Organization"):
                state = self._state_government(doc, start, end)
                if state:
                    label, info = "Country", dict(info, canonical=state["name"], iso2=state["iso2"], cue="state's government")
            elif label == "Country" and end < n and lower[end] == "government" and not (end + 1 < n and text[end + 1][:1].isupper()):
                end += 1  # "the U.S. Government": the state acting
            if label == "Port" and self._in_address(doc, start, end):
                self._drop(doc, start, end, label, "a town in a postal address or a city's name, not a port")
                label = "Location"
            if label == "Country" and self._in_place_name(doc, start, end):
                self._drop(doc, start, end, label, "part of a sea's or region's name")
                continue
            if label == "Vessel" and self._weak(info) and in_headline(doc, start, end) and not named_outside_headlines(doc, doc[start:end].text):
                self._drop(doc, start, end, label, "a ship noun's name on a Title-Case headline line, not named elsewhere")
                continue
            self._claim(owner, chosen, start, end, label, dict(info, method="rule"))
        self._the_union(doc, owner, chosen)
        # Names spread both ways: a list can hold a later mention, a listed name recurs later.
        self._propagate_vessels(doc, owner, chosen)
        if self._expand_lists(doc, owner, chosen):
            self._propagate_vessels(doc, owner, chosen)
        self._attach_identifiers(doc, chosen, idents)
        # One name, one type in a document: a short form given in parentheses, the initials of
        # a body named in full, and every later mention take the type the strong cue gave.
        self._short_forms(doc, owner, chosen)
        self._propagate_names(doc, owner, chosen)
        self._initials(doc, owner, chosen)
        dates = []
        if self.use_model_ner:
            model_ents = doc.ents
            self._persons = {t.lower_ for ent in model_ents if ent.label_ == "PERSON" for t in ent if t.is_alpha}
            for ent in model_ents:
                if ent.label_ in ("DATE", "TIME"):
                    # The small model tags bare numbers (IMO numbers) as dates; a date has a word or a year.
                    if any(t.is_alpha for t in ent) or any(len(t.text) == 4 and t.text.isdigit() for t in ent):
                        dates.append((ent.start, ent.end))
                    continue
                if any(owner[i] is not None for i in range(ent.start, ent.end)):
                    self._lost(doc, chosen, owner, ent.start, ent.end, "model " + ent.label_)
                    continue
                if in_headline(doc, ent.start, ent.end) and not named_outside_headlines(doc, ent.text):
                    self._drop(doc, ent.start, ent.end, ent.label_, "statistical entity on a Title-Case headline line, not named elsewhere")
                    continue
                mapped = self._relabel(doc, ent)
                if mapped:
                    s, e, label, info = mapped
                    if e > s and all(owner[i] is None for i in range(s, e)):
                        self._claim(owner, chosen, s, e, label, info)
        doc.user_data[DATES] = dates
        if self.keep_persons:
            self._entry_persons(doc, owner, chosen)
        self._same_firms(doc, chosen)
        spans, info_by_key = [], {}
        for start, end, label, info in sorted(chosen, key=lambda c: c[0]):
            spans.append(Span(doc, start, end, label=label))
            info_by_key[span_key(start, end)] = info
        doc.ents = spans
        doc.user_data[INFO] = info_by_key
        return doc

    BODY_LABELS = ("Agency", "Company", "Organization", "Port")

    def _entry_persons(self, doc: Doc, owner, chosen) -> None:
        """"12. Given Patronymic SURNAME" heading a register entry whose fields are a person's
        ("Date of birth:", "Gender:"): the heading's name is a person, also where the model sees
        none in it (a letter of another script inside the surname)."""
        text = doc.text
        for m in ENTRY_HEADING.finditer(text):
            after = text[m.end():m.end() + 400].split("\n")[1:ENTRY_FIELD_LINES]
            if not any(PERSON_FIELD.match(line) for line in after):
                continue
            span = doc.char_span(m.start(1), m.end(1), alignment_mode="strict")
            if span is None or any(owner[i] is not None for i in range(span.start, span.end)):
                continue
            self._claim(owner, chosen, span.start, span.end, "Person", {"method": "rule", "cue": "register entry of a person"})

    @staticmethod
    def _canon(doc: Doc, c) -> str:
        return c[3].get("canonical") or doc[c[0]:c[1]].text

    def _short_forms(self, doc: Doc, owner, chosen) -> None:
        """"Federal Bureau of Investigation ("FBI")", "Acme Trading Co. Ltd. ("Acme")": the
        short form in parentheses right after a body's name is that body."""
        quotes = {'"', "'", "\u201c", "\u201d", "\u2018", "\u2019"}
        for c in [c for c in chosen if c[2] in self.BODY_LABELS]:
            i = c[1]
            if i >= len(doc) or doc[i].text != "(":
                continue
            i += 1
            if i < len(doc) and doc[i].text in quotes:
                i += 1
            j = i
            while j < len(doc) and j - i < 6 and doc[j].text not in quotes and doc[j].text != ")" and not doc[j].is_space:
                j += 1
            k = j + 1 if j < len(doc) and doc[j].text in quotes else j
            if j == i or k >= len(doc) or doc[k].text != ")":
                continue
            if any(owner[x] is not None for x in range(i, j)):
                # "Blue Tankers Mgmt FZCO (Blue Tankers)": a shape found the short form as a name
                # of its own; it and its later mentions are the firm named before.
                o = owner[i]
                if o is not None and o >= 0 and chosen[o][:3] == [i, j, c[2]] and "canonical" not in chosen[o][3]:
                    short, canon = doc[i:j].text, self._canon(doc, c)
                    for d in chosen:
                        if d[2] == c[2] and "canonical" not in d[3] and doc[d[0]:d[1]].text == short:
                            d[3]["canonical"] = canon
                            d[3]["cue"] = "short form"
                continue
            toks = doc[i:j]
            if j - i > 3 or not toks[0].text[:1].isupper() or toks[0].lower_ in self.not_names or toks[0].text in NOT_NAME_START:
                continue
            self._claim(owner, chosen, i, j, c[2], {"method": "rule", "canonical": self._canon(doc, c), "cue": "short form"})

    def _propagate_names(self, doc: Doc, owner, chosen) -> None:
        """Every other capitalised mention of a body's name (any case) is that body."""
        names: dict[str, list] = {}
        texts, lowers = self._text, self._lower
        for c in chosen:
            if c[2] in self.BODY_LABELS and c[3].get("method") == "rule":
                toks = tuple(lowers[c[0]:c[1]])
                if len(toks) > 1 or len(toks[0]) > 2:
                    names.setdefault(toks[0], []).append((toks, c))
                if c[2] == "Company" and c[3].get("legal_form"):
                    # "Kestrel Holdings" after "Kestrel Holdings Limited": the name without its legal form.
                    k = c[1]
                    while k > c[0] and (texts[k - 1].rstrip(".") in self.legal_bare or texts[k - 1] in {".", ","}):
                        k -= 1
                    short = tuple(lowers[c[0]:k])
                    if short and short != toks and (len(short) > 1 or (len(short[0]) > 3 and not country_of(short[0]))):
                        names.setdefault(short[0], []).append((short, c))
        if not names:
            return
        for i in [k for k, low in enumerate(lowers) if low in names]:
            options = names[lowers[i]]
            if owner[i] is not None or not texts[i][:1].isupper():
                continue
            for toks, c in sorted(options, key=lambda o: len(o[0]), reverse=True):
                e = i + len(toks)
                if e > len(doc) or tuple(self._lower[i:e]) != toks or any(owner[k] is not None for k in range(i, e)):
                    continue
                if e < len(doc) and doc[e].text[:1].isupper() and not doc[e].is_punct and not doc[e].is_sent_start:
                    continue  # part of a longer name
                self._claim(owner, chosen, i, e, c[2], {"method": "rule", "canonical": self._canon(doc, c), "cue": "same name",
                                                        "country": c[3].get("country")})
                break

    @staticmethod
    def _initials_of(words: list[str]) -> set[str]:
        out = set()
        for skip_state in (False, True):
            ws = words[1:] if skip_state and len(words) > 2 else words
            letters = [w[0] for w in ws if w[:1].isalpha()]
            out.add("".join(letters).upper())
            out.add("".join(w[0] for w in ws if w[:1].isupper()).upper())
        return {x for x in out if len(x) >= 2}

    def _initials(self, doc: Doc, owner, chosen) -> None:
        """"MOD" after "Japan Ministry of Defense": capitals that spell the initials of exactly
        one body named in the text are that body."""
        acr: dict[str, list] = {}
        for c in chosen:
            if c[2] in ("Agency", "Company", "Organization") and c[1] - c[0] > 1:
                words = [t.text for t in doc[c[0]:c[1]] if t.is_alpha or "-" in t.text]
                for a in self._initials_of(words):
                    acr.setdefault(a, []).append(c)
        if not acr:
            return
        texts = self._text
        for i in [k for k, text in enumerate(texts) if text in acr]:
            text = texts[i]
            if owner[i] is not None or not (2 <= len(text) <= 6 and text.isalpha() and text.isupper()):
                continue
            if i + 1 < len(doc) and not doc[i].whitespace_.count("\n") and (texts[i + 1].isupper() or texts[i + 1].isdigit()) and texts[i + 1][:1].isalnum():
                continue  # "SAM MA 2": a word of a name in capitals, not initials
            hits = {id(c[3]): c for c in acr[text]}
            names = {self._canon(doc, c) for c in hits.values()}
            if len(names) == 1:
                c = next(iter(hits.values()))
                self._claim(owner, chosen, i, i + 1, c[2], {"method": "rule", "canonical": self._canon(doc, c), "cue": "initials"})

    def _the_union(self, doc: Doc, owner, chosen) -> None:
        """"listed by the Union", "Union restrictive measures": in the European Union's own
        texts the Union alone is the EU (not "Soviet Union", not "the Union of X")."""
        texts = self._text
        if "Union" not in texts:
            return
        n = len(doc)
        for i in [k for k, t in enumerate(texts) if t == "Union"]:
            if owner[i] is not None or i == 0:
                continue
            prev, nxt = doc[i - 1], doc[i + 1] if i + 1 < n else None
            if not (prev.lower_ == "the" or prev.is_lower or prev.is_space) or (prev.lower_ == "the" and i > 1 and doc[i - 2].text[:1].isupper() and doc[i - 2].lower_ != "the"):
                continue
            if nxt is not None and (nxt.lower_ == "of" or (nxt.text[:1].isupper() and not nxt.is_punct)):
                continue
            self._claim(owner, chosen, i, i + 1, "Agency", {"method": "rule", "canonical": "European Union", "cue": "the Union"})

    def _in_citation(self, doc: Doc, start: int, end: int) -> bool:
        """A body's short name in parentheses after an instrument's head: "Regulation (EU) No
        269/2014", "Council Decision (CFSP) 2024/1"."""
        return start >= 2 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")" \
            and doc[start - 2].lower_ in self.instrument_heads | {"decision", "decisions", "directive", "directives"}

    @staticmethod
    def _state_government(doc: Doc, start: int, end: int) -> dict | None:
        """The state whose government a span names ("the Russian Government", "U.S.
        government", "Government of the Russian Federation"): a state acting is the Country."""
        toks = [t for t in doc[start:end] if t.lower_ != "the"]
        if len(toks) >= 2 and toks[-1].lower_ == "government":
            c = country_of(doc[toks[0].i:toks[-1].i].text)
            return c if c else None
        if len(toks) >= 3 and toks[0].lower_ == "government" and toks[1].lower_ == "of":
            c = country_of(doc[toks[2].i:end].text)
            return c if c else None
        return None

    @staticmethod
    def _in_address(doc: Doc, start: int, end: int) -> bool:
        """A place in a postal address ("Address: 5 Quay Street, Portville, 183001, Ruritania", a
        name followed by its postcode) or named as a city ("the City of X"): a town, not a port."""
        if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].text.isdigit() and 4 <= len(doc[end + 1].text) <= 6:
            return True
        if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ == "city" \
                and not (start >= 3 and doc[start - 3].lower_ in ("port", "harbor", "harbour")):   # "the port city of X" is a port
            return True
        i = start
        while i > 0 and not (doc[i - 1].is_space and "\n" in doc[i - 1].text):
            i -= 1
        words = [t.lower_ for t in doc[i:min(i + 3, start)]]
        return bool(words) and (words[0] in {"address", "addresses"} or words[:2] == ["registered", "address"])

    def _core(self, doc: Doc, c) -> str:
        """A firm's name without its legal forms and quotes, lower case: "Joint Stock Company
        Volga Star", "JSC Volga Star" and "Volga Star JSC" share the core "volga star"."""
        words = [w.strip(".,\"'\u2018\u2019\u201c\u201d()") for w in self._canon(doc, c).lower().replace("-", " ").split()]
        words = [w for w in words if w]
        while words and words[-1] in self.legal_words:
            words.pop()
        while words and words[0] in self.legal_words:
            words.pop(0)
        if not words or (len(words) == 1 and (len(words[0]) < 4 or words[0].title() in self.company_words or words[0].title() in self.company_signals)):
            return ""
        return " ".join(words)

    def _line_starts(self) -> list[int]:
        """Per token of the document being read, the first token of its line (the token after
        the last whitespace token holding a line break before it, or 0). From the shared token
        strings (Token.is_space is str.isspace of the text), once per document."""
        starts, cur = [], 0
        for i, t in enumerate(self._text):
            starts.append(cur)
            if "\n" in t and t.isspace():
                cur = i + 1
        return starts

    def _alias_cue_before(self, doc: Doc, start: int, line_start: int) -> str | None:
        """How a name is given as another name of the firm before it: "Alias:" opening the line,
        "also known as", "formerly known as", "a.k.a."; line_start: the first token of its line."""
        text, lower = self._text, self._lower
        i = line_start
        if i < start and lower[i] in {"alias", "aliases"}:
            return "line"
        j = start
        while j > 0 and start - j < 2 and text[j - 1] in {",", "(", '"', "\u201c", "\u2018", ";"}:
            j -= 1
        before = " ".join(lower[max(j - 3, 0):j])
        if before.endswith(("known as", "a.k.a.", "aka", "f.k.a.", "fka", "formerly", "alias")):
            return "phrase"
        return None

    def _same_firms(self, doc: Doc, chosen) -> None:
        """One firm, one entity in a text: a firm named with and without its legal form or with
        another form ("Volga Star JSC", "Joint Stock Company Volga Star"), and another name given
        for it ("Alias: X; Y", "formerly known as X"), take the name of its first mention."""
        firms = sorted((c for c in chosen if c[2] == "Company"), key=lambda c: c[0])
        first: dict[str, str] = {}
        line_starts = self._line_starts() if firms else []
        self._firm_headings(doc, chosen, firms, line_starts)
        for k, c in enumerate(firms):
            line_start = line_starts[c[0]]
            cue = self._alias_cue_before(doc, c[0], line_start)
            if cue:
                # The firm the other name belongs to: the nearest one named before, off the alias line.
                limit = line_start if cue == "line" else c[0]
                prev = [p for p in firms[:k] if p[1] <= limit and c[0] - p[1] < 80
                        and not any(t.is_space and t.text.count("\n") > 1 for t in doc[p[1]:c[0]])]  # within one entry
                if prev:
                    c[3]["canonical"] = self._canon(doc, prev[-1])
                    c[3]["cue"] = "alias"
                    continue
            core = self._core(doc, c)
            if not core:
                continue
            if core in first and first[core] != self._canon(doc, c):
                c[3]["canonical"] = first[core]
            else:
                first.setdefault(core, self._canon(doc, c))

    def _firm_headings(self, doc: Doc, chosen, firms, line_starts) -> None:
        """"21. Name" then "Alias: Name Trading Co.; ...": a register entry whose other names are
        firms is a firm's, so the heading's name is a Company wherever the text names it, also
        where the model read it (alone, without a legal form) as a person or a place."""
        for c in list(firms):
            line_start = line_starts[c[0]]
            if self._alias_cue_before(doc, c[0], line_start) != "line":
                continue
            before = [p for p in chosen if p[1] <= line_start and line_start - p[1] <= 2]
            if len(before) != 1 or before[0][2] not in ("Person", "Location") or before[0][3].get("method") == "rule":
                continue
            head = before[0]
            hs = doc[head[0]].idx
            heading = doc.text[doc.text.rfind("\n", 0, hs) + 1:hs].strip()
            if not (heading.rstrip(".").isdigit() and heading.endswith(".")):
                continue   # only a numbered entry's heading
            name = doc[head[0]:head[1]].text
            for other in chosen:
                if other[2] in ("Person", "Location") and doc[other[0]:other[1]].text == name and other[3].get("method") != "rule":
                    other[2] = "Company"
                    other[3] = dict(other[3], cue="firm's register entry")
            firms.append(head)
        firms.sort(key=lambda c: c[0])

    def _in_place_name(self, doc: Doc, start: int, end: int) -> bool:
        """"East China Sea", "Gulf of Oman": a state's name inside a sea's name."""
        if end < len(doc) and doc[end].text in self.geo_heads:
            return True
        return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].text in self.geo_heads

    @staticmethod
    def _weak(info: dict) -> bool:
        """A ship name read from a ship noun or a list, not from a prefix or an identifier."""
        return "identifiers" not in info and (bool(info.get("vessel_type")) or info.get("cue") in ("list", "same name") or bool(info.get("renamed")))

    def _lost(self, doc: Doc, chosen, owner, start: int, end: int, label: str) -> None:
        """Record a candidate that overlaps one already kept (a longer or stronger one)."""
        k = next(owner[i] for i in range(start, end) if owner[i] is not None)
        if k == -1:
            self._drop(doc, start, end, label, "part of an identifier's label (IMO number)")
            return
        s, e, other, _ = chosen[k]
        if (s, e) == (start, end) and other == label:
            return  # the same mention found twice
        if k not in self._chosen_text:
            self._chosen_text[k] = span_text(doc, s, e)
        self._drop(doc, start, end, label, f"overlaps {other} {self._chosen_text[k]!r}, found by a longer or stronger rule")

    @staticmethod
    def _drop(doc: Doc, start: int, end: int, label: str, why: str) -> None:
        """Remember a candidate that was not kept, and why (extract --explain shows them)."""
        doc.user_data.setdefault(DROPPED, []).append((start, end, label, why))

    @staticmethod
    def _claim(owner, chosen, start, end, label, info):
        idx = len(chosen)
        chosen.append([start, end, label, info])
        for i in range(start, end):
            owner[i] = idx

    def _expand_lists(self, doc: Doc, owner, chosen) -> bool:
        """Names listed with a ship are ships: "X, Y and Z", "X along with the Y"."""
        queue = [c for c in chosen if c[2] == "Vessel"]
        seen = set()
        added = False
        while queue:
            start, end, _, info = queue.pop()
            if (start, end) in seen:
                continue
            seen.add((start, end))
            lo, hi = sent_bounds(doc, start)
            for s, e in (self._list_next(doc, end, hi, owner), self._list_prev(doc, start, lo, owner)):
                # "frigate A and Naval Replenishment Unit B": a ship noun is not a listed name.
                # Nor is a firm's or a fleet's name ("... and South Fleet manages ...").
                if e > s and all(owner[i] is None and doc[i].lower_ not in self.vessel_words for i in range(s, e)) and not (
                        e < len(doc) and (doc[e].lower_ in self.vessel_words or owner[e] is not None)) \
                        and self._text[e - 1].title() not in self.not_ship_last and self._text[e - 1] not in self.not_ship_last:
                    new = [s, e, "Vessel", {"method": "rule", "flag": info.get("flag"), "vessel_type": info.get("vessel_type"), "cue": "list"}]
                    self._claim(owner, chosen, s, e, "Vessel", new[3])
                    queue.append(new)
                    added = True
        return added

    @staticmethod
    def _list_next(doc, i, hi, owner):
        j = i
        linked_by_and = False
        if j < hi and doc[j].text == ",":
            j += 1
        if j < hi and doc[j].lower_ in {"and", "&"}:
            j, linked_by_and = j + 1, True
        elif j + 1 < hi and doc[j].lower_ == "along" and doc[j + 1].lower_ == "with":
            j, linked_by_and = j + 2, True
        elif j + 2 < hi and doc[j].lower_ == "as" and doc[j + 1].lower_ == "well" and doc[j + 2].lower_ == "as":
            j, linked_by_and = j + 3, True
        if j == i:
            return (0, 0)
        if j < hi and doc[j].lower_ == "the":
            j += 1
        e = name_after(doc, j, hi, joiners={"-"}, max_len=3)
        if e == j or any(owner[k] is not None for k in range(j, e)):
            return (0, 0)
        # After a bare comma, only accept a name that continues the list.
        if not linked_by_and and not (e < hi and doc[e].text in {",", "and", ")"}):
            return (0, 0)
        return (j, e)

    @staticmethod
    def _list_prev(doc, i, lo, owner):
        j = i
        if j - 1 > lo and doc[j - 1].lower_ == "the":
            j -= 1
        if not (j - 1 > lo and doc[j - 1].text in LIST_LINKS):
            return (0, 0)
        j -= 1
        if j - 1 > lo and doc[j - 1].text == ",":
            j -= 1
        s = name_before(doc, j, lo, max_len=3)
        if s == j or any(owner[k] is not None for k in range(s, j)):
            return (0, 0)
        # The list must really be one: "A, B and <ship>" or "A and <ship>" after "the"/a comma.
        if s > lo and doc[s - 1].lower_ not in {"the", ",", "(", "and", "ships", "vessels", "tankers"}:
            return (0, 0)
        return (s, j)

    def _propagate_vessels(self, doc: Doc, owner, chosen) -> None:
        names: dict[str, list[tuple[str, ...]]] = {}
        canon: dict[tuple[str, ...], str] = {}
        for start, end, label, _ in chosen:
            if label != "Vessel":
                continue
            toks = tuple(_name_tok(t).lower() for t in self._text[start:end])
            names.setdefault(toks[0], []).append(toks)
            m = _SUFFIX_NUM.match(toks[-1])
            if m and len(toks) == 1:
                # "Maia" where the text has named the ship "Maia-1".
                short = (m.group(1),)
                names.setdefault(short[0], []).append(short)
                canon[short] = doc[start].text
        if not names:
            return
        # Any case ("THE M/Y SILVER SWAN" in a caption, "the Silver Swan" in the text), but
        # always capitalised: "resolute" is not the ship Resolute.
        texts, lowers = self._text, self._lower
        # Only tokens whose form (or form without a full stop) starts a name can start a mention.
        maybe = [k for k, low in enumerate(lowers) if low in names or (texts[k][-1:] == "." and _name_tok(texts[k]).lower() in names)]
        for i in maybe:
            text = texts[i]
            if not text[:1].isupper():
                continue
            options = names.get(lowers[i])
            if options is None and text[-1:] == ".":
                options = names.get(_name_tok(text).lower())
            if not options or (owner[i] is not None and not self._is_place(chosen, owner[i]) and not self._initials_at(chosen, owner[i], i)):
                continue
            for toks in sorted(options, key=len, reverse=True):
                e = i + len(toks)
                if e > len(doc) or tuple(_name_tok(t).lower() for t in self._text[i:e]) != toks:
                    continue
                inner = self._place_inside(owner, chosen, i, e) if any(owner[k] is not None for k in range(i, e)) else None
                if inner is None and any(owner[k] is not None for k in range(i, e)):
                    continue
                # Part of a longer name ("Maria Zakharova")?
                if e < len(doc) and is_name_token(doc[e], False) and not doc[e].is_sent_start:
                    continue
                if i > 0 and doc[i - 1].text[:1].isupper() and not doc[i].is_sent_start and doc[i - 1].text not in NOT_NAME_START:
                    continue
                info = {"method": "rule", "cue": "same name"}
                if toks in canon:
                    info["canonical"] = canon[toks]
                if inner is not None:
                    # "Quill Harbour is owned by ...", "Port Talbot Star left ...": the port-word
                    # rules read a port inside the ship's name; the ship's name wins.
                    s0, e0, label0, _ = chosen[inner]
                    self._drop(doc, s0, e0, label0, f"a word of the ship's name {span_text(doc, i, e)!r}, not a {'firm' if label0 == 'Company' else 'place'}")
                    chosen[inner] = [i, e, "Vessel", info]
                    for k in range(i, e):
                        owner[k] = inner
                    break
                self._claim(owner, chosen, i, e, "Vessel", info)
                break

    @staticmethod
    def _is_place(chosen, k: int) -> bool:
        return k >= 0 and chosen[k][2] in ("Port", "Location")

    def _initials_at(self, chosen, k: int, i: int) -> bool:
        """A firm's initials in capitals at token i, one token long ("SCF" of "the SCF
        Baltica"): a known ship's name may open with them."""
        if k < 0:
            return False
        s, e, label, _ = chosen[k]
        return label == "Company" and (s, e) == (i, i + 1) and self._text[i].isupper() and self._text[i].isalpha()

    def _place_inside(self, owner, chosen, i: int, e: int) -> int | None:
        """The one Port or Location (or a firm's initials opening the name) kept strictly
        inside tokens i..e (a ship's name there), or None."""
        ks = {owner[k] for k in range(i, e) if owner[k] is not None}
        if len(ks) != 1:
            return None
        k = ks.pop()
        if k < 0:
            return None
        s, e2, label, _ = chosen[k]
        if self._initials_at(chosen, k, i) and e - i > 1:
            return k
        return k if label in ("Port", "Location") and i <= s and e2 <= e and (s, e2) != (i, e) else None

    @staticmethod
    def _attach_identifiers(doc: Doc, chosen, idents) -> None:
        vessels = sorted((c for c in chosen if c[2] == "Vessel"), key=lambda c: c[0])
        for start, end, info in idents:
            before = [v for v in vessels if v[1] <= start]
            if not before:
                continue
            v = before[-1]
            # Only within the same or the previous sentence.
            if v[0] < sent_bounds(doc, start)[0] and start - v[1] > 60:
                continue
            v[3].setdefault("identifiers", {}).update(info["identifiers"])

    def _not_a_body(self, doc: Doc, span: Span) -> str | None:
        """Why a span the statistical model calls an organisation or place is none, or None:
        legal boilerplate ("Plaintiff", "Memorandum Opinion"), a legal instrument
        ("... Powers Act", "Federal Rules of Civil Procedure"), a person's title ("Special
        Agent in Charge X"), a nationality ("Singaporean National"), a court caption in
        capitals."""
        toks = [t for t in span if not t.is_punct]
        if not toks:
            return "punctuation only"
        content = [t.lower_ for t in toks if t.lower_ not in {"the", "of", "'s", "\u2019s", "and", "for"}]
        if content and all(w in self.not_names or w in self.vessel_words for w in content):
            return "boilerplate, a ship noun or page-furniture words"
        if toks[-1].lower_.rstrip(".") in self.instrument_heads:
            return "a legal instrument, not a body"
        if toks[0].lower_.rstrip(".") in self.title_words:
            return "a person's title"
        if any(t.text in country_index()["demonym"] for t in toks) and not any(t.text in self.agency_words or t.text in self.org_words or t.text in self.company_words for t in toks):
            return "a nationality, not a body"
        if len(toks) > 1 and all(t.text.isupper() for t in toks if t.is_alpha) and not any(t.text.title() in self.company_words or t.text in self.company_words for t in toks):
            return "a caption in capitals"
        if toks[-1].text in self.geo_heads or toks[0].text in {"Western", "Eastern", "Northern", "Southern", "Central"} and len(toks) == 2:
            return "a region or sea, not a body"
        s, e = span.start, span.end
        if s > 1 and doc[s - 1].lower_ in {"for", "of", "and", "&"} and doc[s - 2].text[:1].isupper() and not doc[s - 2].is_sent_start \
                and doc[s - 2].text not in NOT_NAME_START and not country_of(doc[s - 2].text):
            return "the tail of a longer name the model split"
        a = s
        while a > 0 and s - a < 2 and doc[a - 1].is_lower and doc[a - 1].lower_ not in {"a", "an"}:
            a -= 1
        if a > 0 and doc[a - 1].lower_ in {"a", "an"}:
            return "a category after an indefinite article, not a name"
        if s > 1 and doc[s - 1].lower_ in {"for", "of"} and doc[s - 2].lower_.rstrip(".") in self.title_words:
            return "the end of a person's title"
        if s > 1 and doc[s - 1].text == "(" and (doc[s - 2].like_num or doc[s - 2].text[:1].isdigit()):
            return "initials in a docket number"
        n = e
        while n < len(doc) and doc[n].is_punct:
            n += 1
        if n < len(doc) and n > e and doc[n].lower_.rstrip(".") in self.instrument_heads:
            return "part of a citation"
        return None

    def _relabel(self, doc: Doc, ent: Span):
        """Map one NER entity into the ontology, or None to drop it."""
        s, e = ent.start, ent.end
        # A name ends at a line break: "X SHIPPING CO\nAlias: ..." is a name and the next field's label.
        e = next((k for k in range(s, e) if doc[k].is_space and "\n" in doc[k].text), e)
        while s < e and (doc[s].lower_ in {"the", "a", "an"} or (e - s > 1 and doc[s].lower_ in self.not_names and doc[s].text[:1].isupper())
                         or (e - s > 1 and not is_name_token(doc[s], False) and "-" in doc[s].text)):
            s += 1  # "the X", "Defendant X", "U.S.-designated X": the name is X
        while e > s and doc[e - 1].text in {"'s", "\u2019s", "'", ".", ","}:
            e -= 1
        if e <= s:
            return None
        span = doc[s:e]
        text = span.text
        if not text[:1].isupper() and not text[:1].isdigit():
            return None
        words = set(text.replace("-", " ").split())
        label = ent.label_
        if text in NOT_ENTITIES:
            return None
        info = {"method": "model", "ner": label}
        if label in ("ORG", "NORP", "GPE", "FAC", "LOC"):
            why = self._not_a_body(doc, span)
            if why:
                self._drop(doc, s, e, label, why)
                return None
        if label == "ORG" or (label in ("GPE", "NORP") and words & self.agency_words):
            country = country_of(text)
            if country:
                return s, e, "Country", dict(info, canonical=country["name"], iso2=country["iso2"])
            if self._in_citation(doc, s, e):
                self._drop(doc, s, e, label, "inside a legal instrument's citation ('Regulation (EU) No 833/2014')")
                return None
            state = self._state_government(doc, s, e)
            if state:
                return s, e, "Country", dict(info, canonical=state["name"], iso2=state["iso2"])
            if words & self.agency_words:
                prefix = country_of(doc[s].text)
                return s, e, "Agency", dict(info, country=prefix["iso2"] if prefix else None)
            if words & self.org_words:
                return s, e, "Organization", info
            if words & self.company_words or words & self.company_signals:
                if all(t.lower_.rstrip(".") in self.legal_words or t.is_punct for t in span):
                    self._drop(doc, s, e, label, "a legal form alone, not a firm's name")
                    return None
                return s, e, "Company", info
            if any(t.text.isdigit() for t in span) or len(text) < 2:
                return None
            if all(t.lower_ in getattr(self, "_persons", ()) for t in span if t.is_alpha):
                return s, e, "Person", info  # "TANVO" where the text names the person "Tanvo Lee Marr"
            self._drop(doc, s, e, label, "the model's organisation with no word of a firm, an agency or a group")
            return None
        if label == "GPE":
            country = country_of(text) if text not in country_index()["demonym"] else None
            if country:
                return s, e, "Country", dict(info, canonical=country["name"], iso2=country["iso2"])
            return s, e, "Location", info
        if label in ("LOC", "FAC"):
            near = {t.lower_ for t in doc[max(s - 2, 0):min(e + 1, len(doc))]}
            if label == "FAC" and near & self.port_words and not self._in_address(doc, s, e):
                return s, e, "Port", info
            return s, e, "Location", info
        if label == "PERSON" and self.keep_persons:
            # "Supplemental Rule G", "Mem." (of a citation): an instrument or an abbreviation.
            low = [t.lower_.rstrip(".") for t in span]
            if any(w in self.instrument_heads for w in low) or all(w in self.not_names for w in low) or (
                    e - s == 1 and len(text) <= 4 and e + 1 < len(doc) and doc[e].text == "." and doc[e + 1].is_lower):
                self._drop(doc, s, e, label, "a legal instrument, boilerplate or an abbreviation, not a person")
                return None
            # "According to Seaguard Monitor", "Harbour Watch said": a "person" whose last word
            # is a body's head word is an outlet, a group, a firm or an agency.
            last = doc[e - 1].text
            if e - s > 1 and last in BODY_HEADS and (last in self.org_words or last in self.company_words or last in self.agency_words) \
                    and not any(t.lower_.rstrip(".") in self.title_words for t in doc[max(s - 1, 0):e]):
                label = "Organization" if last in self.org_words else "Company" if last in self.company_words else "Agency"
                return s, e, label, dict(info, cue="head word of a body")
            # A one-word "person" after "the" is nearly always a ship or a place in this domain.
            if e - s == 1 and s > 0 and doc[s - 1].lower_ == "the":
                return None
            # "near Vladivostok", "east of Nakhodka": a one-word "person" in a place phrase is a place.
            if e < len(doc) and doc[e].is_lower and doc[e].is_alpha and doc[e].pos_ == "NOUN":
                return None  # "Iskander missiles": a name used as a modifier, not a person
            if e - s == 1 and s > 0 and (doc[s - 1].lower_ in {"in", "at", "near", "off", "from", "to"} or (
                    s > 1 and doc[s - 1].lower_ == "of" and doc[s - 2].lower_ in {"east", "west", "north", "south", "outside"})):
                return s, e, "Location", info
            # "12. Sergey Ivanovich PETROV": a register entry writes the surname in capitals, and
            # the model often leaves it out of the name; on a line that holds only the entry's
            # number or a field label before the name, it belongs to the name.
            line_start = doc.text.rfind("\n", 0, doc[s].idx) + 1
            lead = doc.text[line_start:doc[s].idx].strip()
            register = not lead or lead.rstrip(".").isdigit() or (lead.endswith(":") and len(lead) < 20)
            while register and e < len(doc) and e - ent.end < 2 and not doc[e - 1].whitespace_.count("\n") and doc[e].is_alpha \
                    and doc[e].is_upper and len(doc[e].text) > 2 and doc[e].lower_ not in self.legal_words \
                    and e - s < 5 and all(t.is_title or t.is_upper for t in doc[s:e]) and country_of(doc[e].text) is None:
                e += 1
            return s, e, "Person", info
        return None


@Language.factory(
    "sanctions_kg_entities_v1",
    assigns=["doc.ents", "doc.user_data"],
    default_config={"use_model_ner": True, "keep_persons": True},
)
def make_entities(nlp: Language, name: str, use_model_ner: bool, keep_persons: bool) -> Entities:
    return Entities(nlp, name, use_model_ner=use_model_ner, keep_persons=keep_persons)
