"""AIS gaps: a ship said to have gone dark ("switched off its AIS", "left its transponder off")
becomes a DarkActivity (doc._.skg_dark), not a relationship.
"""

from __future__ import annotations

from bisect import bisect_left

from ingest.components.common import DARK
from ingest.components.matching import RuleMatcher
from ingest.components.relations.context import SentenceContext


class AisGaps(SentenceContext):
    EMITS = ()

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        tok = nlp.tokenizer
        self.phrases.add("AIS", list(tok.pipe(r["ais_cues"])))
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
