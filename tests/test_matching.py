"""RuleMatcher gives what spaCy's Matcher gives for the same patterns, in the same order: on
the patterns of the components that use it, over invented sentences and over random word
sequences made of the patterns' own words (where matches of different lengths and keys meet)."""

import random

import pytest
import spacy
from spacy.matcher import Matcher

from ingest.components.matching import RuleMatcher
from ingest.nlp import add_components, load

USERS = {"sanctions_kg_vessels_v1": ["matcher"], "sanctions_kg_orgs_v1": ["matcher"],
         "sanctions_kg_relations_v1": ["matcher", "split_cues"]}

SENTENCES = [
    "The tanker Corvina Star, a Panama-flagged crude oil tanker (MMSI number: 123456789, call sign: AB12CD), "
    "discharged its cargo at Port of Tallowmere after it docked at Tallowmere Port.",
    "Harlow Tide Marine Pte. Ltd. and OOO Bellcrest Shipping LLC manage the M/V Sable Wren, formerly known as the Grey Finch.",
    "The Ministry of Defence and the Treasury Department's Office of Foreign Assets Control designated all three tankers.",
    "All of them left their AIS transponders off; both were sanctioned. Each vessel of the five ships was seen "
    "at the port of Kelmouth, a shipyard and terminal.",
    "Both are managed by the company Quillon Holdings, a Dubai-based shipping company, and the Saudi-led coalition.",
    "THE M/Y SILVER HERON, ALL CARGO ABOARD, IMO NO. 9161003, CALL SIGN XYZ9 PTE LTD.",
]


def _pairs(pipeline):
    for name, attrs in USERS.items():
        for attr in attrs:
            ours = getattr(pipeline.get_pipe(name), attr)
            ref = Matcher(pipeline.vocab)
            for key, patterns in ours.patterns:
                ref.add(key, patterns)
            yield ours, ref


@pytest.fixture(scope="module")
def nlp():
    return load()


def test_same_matches_as_spacy_on_sentences(nlp):
    docs = list(nlp.pipe(SENTENCES))
    found = 0
    for ours, ref in _pairs(nlp):
        for doc in docs:
            assert ours(doc) == ref(doc)
            found += len(ref(doc))
    assert found > 40  # the sentences do exercise the patterns


def _instance(pattern, rng) -> list[str]:
    """Words that may match `pattern` (a word from each token's list, optional tokens at random)."""
    out = []
    for spec in pattern:
        op = spec.get("OP", "1")
        n = {"?": rng.randint(0, 1), "*": rng.randint(0, 2), "+": rng.randint(1, 2)}.get(op, 1)
        for _ in range(n):
            words = [w for attr, v in spec.items() if attr in ("ORTH", "TEXT", "LOWER")
                     for w in ([v] if isinstance(v, str) else v.get("IN", []))]
            if "REGEX" in str(spec):
                words = ["123456789", "AB12"]
            out.append(rng.choice(words or ["oil", "three", "Zed", "crude"]))
    return out


def test_same_matches_as_spacy_on_random_word_sequences():
    blank = add_components(spacy.blank("en"), model_ner=False)
    fillers = ["the", "of", ",", "X", "Zed", "-", "and", "oil", "three", "at", "."]
    for ours, ref in _pairs(blank):
        patterns = [p for _, ps in ours.patterns for p in ps]
        rng = random.Random(7)
        found = 0
        for _ in range(300):
            words = []
            while len(words) < 40:
                words += _instance(rng.choice(patterns), rng) if rng.random() < 0.7 else [rng.choice(fillers)]
            # Cut some pattern instances short, and vary the case.
            words = [w.upper() if rng.random() < 0.1 else w for w in words if rng.random() > 0.1]
            doc = blank.make_doc(" ".join(words))
            assert ours(doc) == ref(doc), doc.text
            found += len(ref(doc))
        assert found > 300


@pytest.mark.parametrize("open_ended", [True, False])
def test_same_matches_as_spacy_where_patterns_of_both_kinds_meet(open_ended):
    """Few words, many overlapping patterns: word patterns and patterns with optional tokens
    end on the same tokens, under the same and different keys; with a pattern of open length
    (the whole document goes to spaCy) and without (only the parts around the rarest word)."""
    vocab = spacy.blank("en").vocab
    patterns = {
        "A": [[{"LOWER": "a"}], [{"LOWER": "a"}, {"LOWER": {"IN": ["b", "c"]}}], [{"ORTH": "B"}]],
        "B": [[{"LOWER": {"IN": ["a", "b"]}}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "c"}],
              [{"LOWER": "b"}, {"LOWER": "c"}], [{"LOWER": {"IN": ["c", "d"]}}]],
        "C": [[{"LOWER": "d"}, {"LOWER": {"IN": ["a", "d"]}, "OP": "*" if open_ended else "?"}, {"IS_TITLE": True}],
              [{"ORTH": {"IN": ["c", "D"]}}, {"LOWER": "a"}, {"LOWER": "b"}]],
    }
    ours, ref = RuleMatcher(vocab), Matcher(vocab)
    for key, ps in patterns.items():
        ours.add(key, ps)
        ref.add(key, ps)
    rng = random.Random(3)
    found = 0
    for _ in range(500):
        doc = spacy.tokens.Doc(vocab, words=[rng.choice("abcdABCD") for _ in range(rng.randint(1, 12))])
        assert ours(doc) == ref(doc), doc.text
        found += len(ref(doc))
    assert found > 1000


def test_patterns_it_cannot_order_are_refused():
    m = RuleMatcher(spacy.blank("en").vocab)
    with pytest.raises(ValueError, match="start and end with a required token"):
        m.add("X", [[{"LOWER": "a"}, {"LOWER": "b", "OP": "?"}]])
    with pytest.raises(ValueError, match="start and end with a required token"):
        m.add("X", [[{"IS_TITLE": True}]])
