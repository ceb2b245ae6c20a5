"""CALLED_AT: a ship called at, loaded at, arrived in or left a port ("V loaded coal at P",
"called at A, B and C", "it had arrived at P" for the one ship just named); a negated call
is none, nor one only planned, tried or refused ("was scheduled to", "tried to dock at P"),
nor a destination ("headed to P", "bound for P", "towards P"). A verb that states a call only
with its particle counts with it ("drew up to P", "put in at P", "passed through P"). A ship in
a port's waters did not call there ("a ship-to-ship transfer off P", "spotted near P"); one
that anchored or moored off it did. A call stated of other, unnamed ships ("transferred coal
to ships that later sailed to P") is none of the ships named; one stated in a clause on the
noun a list of names stands for is theirs ("The tankers that unloaded at P are A, B and C").
A port that "received" or "welcomed" a ship was called at by it; so were the ports a ship
"shuttled between", and the port of "the arrival of A in P" or "a stop in P".
"""

from __future__ import annotations

from ingest.components.common import country_of
from ingest.components.organizations import PORT_RANK_WORDS
from ingest.components.relations.context import BACK_WINDOW, SHIP_NOUNS_HEAD, SentenceContext, Slot, inflect

# Forms inflect() does not make, for the verbs read only with a particle or "through".
FORMS = {"draw": ["draw", "draws", "drew", "drawn", "drawing"], "put": ["put", "puts", "putting"],
         "pass": ["pass", "passes", "passed", "passing"], "go": ["go", "goes", "went", "gone", "going"],
         "travel": ["travel", "travels", "traveled", "travelled", "traveling", "travelling"],
         "ply": ["ply", "plies", "plied", "plying"], "run": ["run", "runs", "ran", "running"]}


def _forms(verb: str) -> list[str]:
    return FORMS.get(verb) or inflect(verb)


class PortCalls(SentenceContext):
    EMITS = ('CALLED_AT',)

    @staticmethod
    def setup(self, nlp, rels: dict, r: dict, c: dict) -> None:
        self.call_forms: dict[str, str] = {}
        for verb in r["called_at"]:
            activity = r["called_at_activity"].get(verb, "called")
            for f in _forms(verb):
                self.call_forms[f] = activity
        pc = c["port_calls"]
        for noun, activity in pc["call_nouns"].items():
            self.call_forms.setdefault(noun, activity)
        self.port_nouns = {w for p in c["port_words"] for w in (p, p + "s")}
        pc = c["port_calls"]
        self.planned_lemmas = set(pc["planned"])
        self.tried_lemmas = set(pc["tried"])
        self.arrival_lemmas = set(pc["arrival"])
        self.blocked_lemmas = set(pc["blocked"])
        self.heading_words = set(pc["heading"])
        # "drew up to P", "passed through P": form -> (particles, activity)
        self.phrasal = {f: (set(parts), pc["phrasal_activity"].get(verb, "called"))
                        for verb, parts in pc["phrasal"].items() for f in _forms(verb)}
        self.through_forms = {f for v in pc["through_verbs"] for f in _forms(v)} | set(self.phrasal)
        self.vicinity_preps = set(pc["vicinity_preps"])
        self.vicinity_calls = set(pc["vicinity_calls"])
        self.between_forms = {f for v in pc["between_verbs"] for f in _forms(v)}
        self.port_receives = set(pc["port_receives"])

    def _planned(self, doc, at: int) -> bool:
        """A call only ordered, scheduled or tried ("was scheduled to arrive at P", "was
        instructed to load at P", "tried to dock at P"): the call verb complements a planning
        word."""
        if not doc.has_annotation("DEP"):
            return False
        t = doc[at]
        for _ in range(4):
            if t.dep_ not in ("xcomp", "ccomp", "advcl", "acl", "conj") or t.head is t:
                return False
            # ("was instructed to receive coal and then sail to P": the plan covers both verbs)
            t = t.head
            if t.lemma_.lower() in self.planned_lemmas or (t.lemma_.lower() in self.tried_lemmas and t.pos_ in ("VERB", "AUX")):
                return True
        return False

    def _blocked_call(self, doc, at: int) -> bool:
        """"was refused permission to unload at P", "was barred from docking at P": a word
        that blocks the call governs its verb (three steps up the parse at most)."""
        if not doc.has_annotation("DEP"):
            return False
        t = doc[at]
        for _ in range(3):
            # up through complements only: a relative clause states its own fact ("A, which
            # docked at P, was denied insurance")
            if t.head is t or t.dep_ not in ("xcomp", "ccomp", "acl", "advcl", "pcomp", "prep", "dobj", "pobj"):
                return False
            t = t.head
            if t.lemma_.lower() in self.blocked_lemmas:
                return True
        return False

    def _destination(self, doc, at: int, prep: str, port) -> bool:
        """Where the ship was going, not where it called: "headed to P", "bound for P",
        "was sailing to P" (a verb in progress with "to"), and any port after "for"; unless
        the sentence goes on to say what it did there ("heading to P, where it discharged")."""
        if port.end + 1 < len(doc) and doc[port.end].text == "," and doc[port.end + 1].lower_ == "where":
            return False
        if prep == "for":
            return True
        if prep not in ("to", "into", "toward", "towards"):
            return False
        t = doc[at]
        if t.lower_ in self.heading_words:
            return True
        if self.call_forms.get(t.lower_) == "departed" and t.tag_ == "VBG":
            return True   # "... before sailing to P": where it was going then, not that it arrived
        return t.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in t.children)

    @staticmethod
    def _ship_noun(n) -> bool:
        low = n.lower_
        return low in SHIP_NOUNS_HEAD or (low.endswith("s") and low[:-1] in SHIP_NOUNS_HEAD) or (low.endswith("es") and low[:-2] in SHIP_NOUNS_HEAD)

    def _clause_ships(self, doc, vessels, at: int):
        """When the call's verb is a relative clause or participle on a ship noun ("ships
        that later sailed to P", "The tankers that unloaded at P are A, B and C"): the named
        ships that noun stands for, [] when it stands for none of them (the call of other
        ships); None when the verb is no such clause (the caller reads the clause as usual)."""
        t = doc[at]
        if t.dep_ not in ("relcl", "acl") or t.head.i == t.i:
            return None
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("that", "which", "who") for c in t.children):
            return None   # "the ship that A met at P": the clause has a subject of its own
        n = t.head
        if not self._ship_noun(n):
            if n.pos_ == "PROPN" and not any(v.start <= n.i < v.end for v in vessels):
                # "..., and the B, which arrived at P": a name no ship was found for made
                # the call, not a ship named before it
                return []
            return [v for v in vessels if v.start <= n.i < v.end] or None

        def stands_for(v) -> bool:
            # "the tanker A that ...", "the tanker that ..., the A": the name beside the noun
            root = doc[v.start:v.end].root
            for _ in range(4):
                if root.i == n.i:
                    return True
                if root.dep_ not in ("appos", "compound") or root.head.i == root.i:
                    return False
                root = root.head
            return False

        def inside(v, tok) -> bool:
            return any(v.start <= x.i < v.end for x in tok.subtree)

        own = [v for v in vessels if v.start <= n.i < v.end or stands_for(v)]
        if not own and n.tag_ == "NN":
            # "an oil tanker flying a Maltese flag, A, sailing from P": the name set between the
            # noun and its clause is the noun's, however the parse hangs it
            own = [v for v in vessels if n.i < v.start and v.end <= t.i and v.start - n.i <= 8][:1]
        if not own and n.dep_ == "appos":
            own = [v for v in vessels if v.start <= n.head.i < v.end]   # "A, a tanker that docked at P"
        if not own and n.dep_ == "attr":
            # "A and B are tankers that docked at P": the copula's subject
            own = [v for v in vessels for c in n.head.children if c.dep_ in ("nsubj", "nsubjpass") and inside(v, c)]
        if not own and n.dep_ in ("nsubj", "nsubjpass"):
            # "The tankers that unloaded at P are A, B and C" / "... include A and B"
            own = [v for v in vessels for c in n.head.children if c.dep_ in ("attr", "dobj", "acomp") and inside(v, c)]
        return own

    def _own_ships(self, doc, vessels, at: int):
        """The ships of the clause whose verb (token `at`) states the call: in "A unloaded at
        P, and B loaded at Q" A called at P and B at Q. All of them where none is tied to
        that verb in the parse (a participle clause, "After docking at P, the tanker A ...");
        none where the verb is said of other, unnamed ships ("A transferred coal to ships that
        later sailed to P")."""
        if not doc.has_annotation("DEP"):
            return vessels
        clause = self._clause_ships(doc, vessels, at)
        if clause is not None:
            return clause
        if len(vessels) < 2:
            return vessels
        verbs = set(self._verb_at)
        # the verbs coordinated with the call's verb share its subject ("A transferred oil to B
        # and later traveled to P": A, not B, traveled)
        chain = {at}
        t = doc[at]
        while t.dep_ == "conj" and t.head is not t:
            t = t.head
            chain.add(t.i)
        mine, subjects = [], []
        for v in vessels:
            root = doc[v.start:v.end].root
            head = next((a for a in root.ancestors if a.i in verbs), None)
            if head is not None and head.i == at:
                mine.append(v)
            else:
                while root.dep_ in ("appos", "compound") and root.head is not root:
                    root = root.head   # "The ship A ...": the noun the name stands beside
                if root.dep_ in ("nsubj", "nsubjpass") and root.head.i in chain:
                    subjects.append(v)
        return mine or subjects or vessels

    def _recent_ship(self, doc, sent, last_vessels) -> bool:
        """Whether the ship last named stands at most BACK_WINDOW sentences before this one."""
        if not last_vessels:
            return False
        a = last_vessels[-1][0]
        if not isinstance(a, int) or a >= sent.start:
            return True
        return sum(1 for t in doc[a + 1:sent.start + 1] if t.is_sent_start) <= BACK_WINDOW

    def _failed(self, doc, sent, ports) -> int | None:
        """Where the sentence says a ship did not arrive ("..., but it did not arrive"): a negated
        arrival with no port of its own; the calls stated before it failed."""
        if not doc.has_annotation("DEP"):
            return None
        for t in sent:
            if t.lemma_.lower() in self.arrival_lemmas and t.pos_ in ("VERB", "AUX") and any(
                    c.dep_ == "neg" or c.lower_ == "never" for c in t.children):
                sub = {x.i for x in t.subtree}
                if not any(p.start in sub for p in ports):
                    return t.i
        return None

    def _negated(self, doc, port_start: int, lo: int) -> bool:
        if doc.has_annotation("DEP"):
            tok = doc[port_start]
            for anc in tok.ancestors:
                if any(c.dep_ == "neg" or c.lower_ == "never" for c in anc.children):
                    return True
            return False
        return any(t.lower_ in self.negations for t in doc[max(lo, port_start - 6):port_start])

    @staticmethod
    def _closed_clause(doc, at: int, port: int) -> bool:
        """Whether the verb at token `at` stands in a relative clause or participle that ends
        before the port (the port is outside the clause)."""
        if not doc.has_annotation("DEP"):
            return False
        t = doc[at]
        for _ in range(3):
            if t.dep_ in ("relcl", "acl"):
                return port not in {x.i for x in t.subtree}
            if t.dep_ != "conj" or t.head.i == t.i:
                return False
            t = t.head
        return False

    def _port_subject(self, doc, sent, vessels, p, dates, out) -> None:
        """"The port of P received the tanker A", "P port welcomed A": the port is the subject
        of a verb of receiving, the ships are in its object."""
        if not doc.has_annotation("DEP"):
            return
        t = doc[p.start:p.end].root
        for _ in range(3):   # "the port of P", "P port": up to the noun the port stands in
            if t.dep_ in ("pobj", "compound", "appos") or (t.dep_ == "prep" and t.lower_ == "of"):
                t = t.head
            else:
                break
        if t.dep_ != "nsubj" or t.head.i == t.i:
            return
        verb = t.head
        if verb.lemma_.lower() not in self.port_receives or verb.pos_ != "VERB":
            return
        # the object itself and the names beside it ("the tanker A", "A and B"), or the ship a
        # cargo came from ("received oil from the tanker A"); not "a warning about the tanker A"
        objs, todo = [], [c for c in verb.children if c.dep_ == "dobj"]
        while todo:
            x = todo.pop()
            objs.append(x)
            todo.extend(c for c in x.children if c.dep_ in ("appos", "conj", "compound"))
            todo.extend(g for c in x.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children if g.dep_ == "pobj")
        todo = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children if g.dep_ == "pobj"]
        while todo:
            x = todo.pop()
            objs.append(x)
            todo.extend(c for c in x.children if c.dep_ in ("appos", "conj", "compound"))
        ships = [v for v in vessels if any(v.start <= x.i < v.end for x in objs)]
        if not ships or self._negated(doc, p.start, sent.start) or self._planned(doc, verb.i):
            return
        self._emit(out, "CALLED_AT", ships, [p], sent, self._date_text(doc, dates, p.start, sent.start, sent.end),
                   at=verb.i, activity="arrived")

    def _called_at(self, doc, sent, slots, dates, hits, out, last_vessels):
        vessels = [s for s in slots if s.label == "Vessel"]
        # A port, or a place named as one ("its homeport of Kodiak", "the port of X").
        ports = [s for s in slots if s.label == "Port" or (
            s.label == "Location" and s.start >= sent.start + 2 and doc[s.start - 1].lower_ == "of"
            and doc[s.start - 2].lower_ in ("port", "homeport", "harbor", "harbour", "base")
            and not (s.start >= sent.start + 3 and (doc[s.start - 3].tag_ in ("JJS", "RBS") or doc[s.start - 3].lower_ in PORT_RANK_WORDS)))]
        # ("X, the main port of Y": Y is the country X serves, not a port)
        if not ports:
            return
        if not vessels and len(set(doc[a:b].text for a, b in last_vessels)) == 1 and self._recent_ship(doc, sent, last_vessels):
            # "By Thursday, it had arrived at P": "it" is the one ship just named.
            subj = next((t for t in sent if t.lower_ in {"it", "ship", "vessel", "tanker"} and t.i < ports[0].start), None)
            if subj is not None and (subj.lower_ == "it" or doc[subj.i - 1].lower_ == "the"):
                vessels = [Slot(subj.i, subj.i + 1, "Vessel", last_vessels[-1:])]
        if not vessels:
            return
        lo, hi = sent.start, sent.end
        lower = self._lower
        verbs = [(k, self.call_forms[low]) for k, low in enumerate(lower[lo:hi], lo) if low in self.call_forms]
        # "drew up to P", "put in at P": a verb that states a call only with its particle
        verbs += [(k, self.phrasal[low][1]) for k, low in enumerate(lower[lo:hi - 1], lo)
                  if low in self.phrasal and lower[k + 1] in self.phrasal[low][0] and doc[k].pos_ in ("VERB", "AUX")]
        verbs.sort()
        self._verb_at = [k for k, _ in verbs]
        called: dict[int, str] = {}   # end token of a port with a call -> its preposition
        failed = self._failed(doc, sent, ports)
        placed = {i for x in slots if x.label in ("Country", "Location") for i in range(x.start, x.end)}
        for p in ports:
            prep = None
            j = p.start - 1
            # "called at A, Syria, and B, Lebanon": a port listed after a called one and its state
            prev = [e for e in called if e < p.start and any(t.text in (",", "and", "or") for t in doc[e:p.start])
                    and all(t.text in (",", "and", "or", "the") or t.i in placed for t in doc[e:p.start])]
            if prev:
                prep, j = called[max(prev)], lo - 1
            port_of = False   # "the occupied grain port of P": words before "port of" describe it
            while j >= lo and p.start - j <= 7:   # "at the North Korean port of P"
                low = doc[j].lower_
                if low in self.port_nouns and j + 1 < p.start and doc[j + 1].lower_ == "of":
                    port_of = True
                if low in (",", "and") and j in called:
                    prep = called[j]   # "called at A, B and C": each port of the list
                    break
                if low in (",", "and") and j > lo and doc[j - 1].text in (",",) and j - 1 in called:
                    prep = called[j - 1]
                    break
                if low in {"at", "in", "from", "to", "into", "off", "near", "for", "outside", "around"}:
                    prep = low
                    break
                if low == "between":
                    # "shuttled between P and Q" (not "a transfer between two ships near P")
                    if j > lo and lower[j - 1] in self.between_forms:
                        prep = "at"
                    break
                if low == "through":
                    # "passed through P", "sailed through P": on its way, the ship was at P
                    # ("through the Suez Canal via P" names a route, not a port it was at)
                    if j > lo and lower[j - 1] in self.through_forms:
                        prep = low
                    break
                if low in self.call_forms:
                    # "reached Vostochny", "left Primorsk": the port is the verb's object.
                    prep = "from" if self.call_forms[low] == "departed" else "at"
                    break
                if not (doc[j].text[:1].isupper() or low in {"the", "'s", "\u2019s", "port", "of", "-", "russian", "north", "korean", "its", "her", "their", "homeport", "home", "city"} or low in self.port_nouns or country_of(doc[j].text)
                        or (port_of and doc[j].is_alpha and doc[j].is_lower and doc[j].pos_ in ("ADJ", "NOUN", "VERB") and low not in self.call_forms)):
                    break
                j -= 1
            if prep is None:
                self._port_subject(doc, sent, vessels, p, dates, out)
                continue
            if not (verbs or prep == "at"):
                continue
            called[p.end] = prep
            if self._negated(doc, p.start, lo):
                continue
            activity = "called"
            before = [v for v in verbs if v[0] < p.start]
            near_v = min(verbs, key=lambda v: abs(v[0] - p.start)) if verbs else None
            near = near_v[1] if near_v else "called"
            verb = before[-1][1] if before and p.start - before[-1][0] <= 10 else near
            at = before[-1][0] if before and p.start - before[-1][0] <= 10 else (near_v[0] if near_v else p.start)
            if before and at == before[-1][0] and self._closed_clause(doc, at, p.start):
                # "A, which sailed from Q, is now in P": the relative clause's verb is Q's, not P's
                verb, at = "called", p.start
            if self._planned(doc, at):
                continue
            if self._blocked_call(doc, at):
                self._drop(doc, "CALLED_AT", vessels, [p], sent, "a call refused or barred")
                continue
            if self._destination(doc, at, prep, p):
                self._drop(doc, "CALLED_AT", vessels, [p], sent, f"a destination ('{prep}'), not a call")
                continue
            if prep in self.vicinity_preps and verb not in self.vicinity_calls:
                # "a ship-to-ship transfer off P", "was spotted near P": in the port's waters,
                # not in it (only "anchored off P" is a call)
                self._drop(doc, "CALLED_AT", vessels, [p], sent, f"near the port ('{prep}'), not a call")
                continue
            if prep == "from":
                activity = "loaded" if verb == "loaded" else "departed"
            elif prep == "through":
                activity = "called"
            elif prep in ("to", "into"):
                activity = "unloaded" if verb == "unloaded" else "arrived"
            else:
                activity = verb
            if failed is not None and p.start < failed and activity in ("arrived", "called", "docked"):
                continue   # "had an ETA to P, but it did not arrive" (a loading before it stands)
            ships = self._own_ships(doc, vessels, at)
            if not ships:
                self._drop(doc, "CALLED_AT", vessels, [p], sent, "the call of other ships, not of those named")
                continue
            self._emit(out, "CALLED_AT", ships, [p], sent, self._date_text(doc, dates, p.start, lo, hi), at=at, activity=activity)
