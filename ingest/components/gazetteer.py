"""sanctions_kg_gazetteer_v1: known ports, countries, agencies and organisations by name.

Names come from ingest/data (ports.yaml, countries.yaml, agencies.yaml, organizations.yaml).
Acronyms and one-word names match case-sensitively ("US" is not "us"); longer names match
in any case ("ministry of defence").
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ingest.components.common import PRIO_GAZ, add_candidate, data, ensure_extensions


def _respelled(name: str) -> str:
    """A name in the other spelling (British or American, aliases.yaml's `spellings`) of its
    words: "Organization" -> "Organisation", "Defence" -> "Defense"."""
    pairs = data("aliases").get("spellings") or {}
    # Only pairs of whole words (not abbreviations such as "intl").
    words = {k: v for k, v in pairs.items() if k.isalpha() and v.isalpha() and len(k) > 4 and len(v) > 4}
    other = {**{v: k for k, v in words.items()}, **words}
    out = []
    for w in name.split():
        low = w.lower()
        if low in other and w.isalpha():
            alt = other[low]
            w = alt.title() if w[:1].isupper() else alt
        out.append(w)
    return " ".join(out)


def _case_sensitive(name: str) -> bool:
    words = name.split()
    return len(words) == 1 or any(w.isupper() and len(w) > 1 for w in words)


class Gazetteer:
    def __init__(self, nlp: Language, name: str, *, sources: list[str]):
        ensure_extensions()
        self.name = name
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: list[tuple[str, dict]] = []
        for source in sources:
            for label, entry in self._entries(source):
                key = str(len(self.entries))
                self.entries.append((label, entry))
                names = [entry["name"], *(entry.get("aliases") or [])]
                # "International Maritime Organisation" is the body named "... Organization".
                names += [v for v in map(_respelled, names) if v not in names]
                exact = [n for n in names if _case_sensitive(n)]
                lower = [n for n in names if not _case_sensitive(n)]
                if exact:
                    self.exact.add(key, list(nlp.tokenizer.pipe(exact)))
                if lower:
                    self.lower.add(key, list(nlp.tokenizer.pipe(lower)))

    @staticmethod
    def _entries(source: str):
        if source == "ports":
            for e in data("ports")["ports"]:
                yield "Port", e
        elif source == "countries":
            for e in data("countries")["countries"]:
                yield "Country", e
        elif source == "agencies":
            for e in data("agencies")["agencies"]:
                yield "Agency", e
        elif source == "organizations":
            for e in data("organizations")["organizations"]:
                yield e.get("label", "Organization"), e
        else:
            raise ValueError(f"Unknown gazetteer source {source!r}: use ports, countries, agencies or organizations.")

    def __call__(self, doc: Doc) -> Doc:
        vocab = doc.vocab.strings
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label, entry = self.entries[int(vocab[match_id])]
                # "the Kremlin" and "the Treasury": keep the name, not the article.
                if doc[start].lower_ == "the":
                    start += 1
                add_candidate(
                    doc, start, end, label, PRIO_GAZ,
                    canonical=entry["name"], country=entry.get("country") or entry.get("iso2"),
                    part_of=entry.get("part_of"), iso2=entry.get("iso2"),
                )
        return doc


@Language.factory(
    "sanctions_kg_gazetteer_v1",
    assigns=["doc.user_data"],
    default_config={"sources": ["ports", "countries", "agencies", "organizations"]},
)
def make_gazetteer(nlp: Language, name: str, sources: list[str]) -> Gazetteer:
    return Gazetteer(nlp, name, sources=sources)
