"""Page furniture in text pasted from web pages, found by structure and blanked before spaCy.

News and government pages saved as .txt carry lines that are not the article: sidebars of
other stories' headlines, "Top Articles", "Scroll to Top", "Read all articles ... on Google
News", share and subscribe lines, bare links, field labels glued to their values by a
scraper ("Decision Date23 March 2020"). None of it names an entity, and a headline's capitals
make every phrase look like a name.

`clean(text)` returns the text with those lines replaced by spaces of the same length (line
breaks kept), so every character offset - entity spans, evidence sentences - is the same in
the cleaned and the original text, and the article's id (a hash of the original) is
unchanged. `furniture(text)` lists what was blanked and why (`extract --explain`).

The rules are structural, not lists of sites:
- a line that is only a link, or a share / follow / subscribe / navigation phrase;
- a run of three or more Title-Case lines of four words or more without a full stop (a
  sidebar of headlines); fewer are kept (a title, a subtitle, a heading), and so is the
  text's first line, its own title;
- a field label glued to its value at the start of a short line ("CourtU.S. District ...")
  loses the label, not the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Phrases a furniture line starts with (lower case); the line must be short.
_PHRASES = (
    "share", "tweet", "email this", "print this", "subscribe", "sign up", "sign in", "log in", "login",
    "follow us", "follow on", "read more", "read all", "read also", "also read", "related:", "related articles",
    "related stories", "related news", "top articles", "top stories", "most read", "most popular", "trending",
    "scroll to top", "back to top", "skip to", "advertisement", "sponsored", "click here", "download pdf",
    "download the app", "copyright", "all rights reserved", "cookie", "accept cookies", "privacy policy",
    "terms of use", "terms and conditions", "newsletter", "listen to this article", "leave a comment",
    "comments", "previous article", "next article", "previous post", "next post", "home |", "menu",
    "you may also like", "recommended", "more from", "more on this", "watch:", "photo:", "image:", "credit:",
    "sharing is caring", "leave a reply", "leave a comment", "join our newsletter", "enter your email",
    "what's your reaction", "what’s your reaction", "author:", "written by", "posted in", "filed under", "tags:",
)
# Counters, bylines, timestamps: short lines with no sentence in them.
_COUNTERS = re.compile(
    r"^\W*(?:\d[\d,.]*\s*(?:views?|comments?|shares?|likes?|reads?|reactions?)"   # "2 Views"
    r"|(\w+) \1 \d+"                                                        # "Like Like 0"
    r"|[\d\s:.,/\u2013\u2014-]+"                                            # "0  5", "07:00"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}(?:\s*[-\u2013|]\s*[\d:]+\s*(?:am|pm)?)?"  # "Jan 14, 2025 - 07:00"
    r"|(?:posted|published|updated)\s+(?:on|by|at)\b.{0,60}"                # "Posted on May 3, 2025"
    r"|by\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}"            # "By The Guardian"
    r")\W*$",
    re.IGNORECASE,
)
_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_GOOGLE_NEWS = re.compile(r"\bon google news\b|\bgoogle news\b.*\bfollow\b", re.IGNORECASE)
_MENU = re.compile(r"^\s*(?:[\w&'’.-]+(?: [\w&'’.-]+){0,2}\s*[|•·»]\s*){2,}[\w&'’.-]+(?: [\w&'’.-]+){0,2}\s*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Field labels that scrapers glue to the value ("Decision Date23 March 2020", "PartiesUNITED ...").
_GLUED = re.compile(
    r"^(\s*)(Decision Date|Date Decided|Date Filed|Filed|Docket Number|Docket No\.?|Citation|Citations|Court|Parties|"
    r"Judges?|Judge|Attorneys?|Counsel|Published|Updated|Posted|Source|Author|By|Category|Tags|Topics|Date)"
    r"(?=[A-Z0-9$(])"
)
_SMALL = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "is", "are",
          "vs", "v", "after", "over", "into", "amid", "its", "his", "her", "their", "but", "not"}


@dataclass(frozen=True)
class Furniture:
    """One blanked piece of a text: character range, the text, and why."""

    start: int
    end: int
    text: str
    reason: str


def title_line(line: str, max_words: int = 18) -> bool:
    """A short line in Title Case with no full stop at the end: a headline, a heading, a link."""
    s = line.strip()
    if not s or len(s) > 12 * max_words or s.endswith((".", ":", ";", ",")) or s.startswith(("(", "[", "-", "*", "•", "・")):
        return False
    words = _WORD.findall(s)
    if len(words) < 4 or len(words) > max_words or all(w.isupper() for w in words):
        return False  # a dateline, a name, or a heading in capitals (court papers) is not a sidebar
    content = [w for w in words if w.lower() not in _SMALL]
    if len(content) < 2:
        return False
    upper = sum(1 for w in content if w[0].isupper())
    return upper >= 0.75 * len(content)


def _phrase_line(line: str) -> str | None:
    s = line.strip()
    if not s:
        return None
    low = s.lower()
    if _URL.match(s):
        return "a bare link"
    if _GOOGLE_NEWS.search(s) and len(s) < 160:
        return "a 'read/follow on Google News' line"
    if _MENU.match(s):
        return "a navigation menu"
    if len(s) <= 80 and _COUNTERS.match(s) and not s.endswith("."):
        return "a counter, byline or timestamp"
    short = len(s.split()) <= 6 and not s.endswith(".")
    for p in _PHRASES:
        if low.startswith(p) and (len(low) == len(p) or not low[len(p)].isalnum() or not p[-1].isalnum()):
            # One common word ("Share", "Comments") marks furniture only on a short line with no
            # full stop; a distinctive phrase ("join our newsletter") on any short line.
            if short or (" " in p.strip() and len(s) <= 100):
                return "a share, subscribe or navigation line"
    return None


def furniture(text: str) -> list[Furniture]:
    """The furniture in `text`, in order (see the module docstring for the rules)."""
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    out: list[Furniture] = []
    blanked: set[int] = set()
    for k, (a, b, line) in enumerate(lines):
        why = _phrase_line(line)
        if why:
            out.append(Furniture(a, b, line, why))
            blanked.add(k)
            continue
        m = _GLUED.match(line)
        if m and len(line) < 200:
            la, lb = a + len(m.group(1)), a + m.end()
            out.append(Furniture(la, lb, text[la:lb], "a field label glued to its value"))
    # Runs of Title-Case lines (blank lines between them do not break a run; any other line,
    # a date or a counter too, does: a court caption's name, date and docket lines are no sidebar).
    run: list[int] = []

    def close(run: list[int]) -> None:
        if len(run) >= 3:
            for k in run:
                a, b, line = lines[k]
                out.append(Furniture(a, b, line, "one of a run of Title-Case lines without full stops (a sidebar of headlines)"))

    first = next((k for k, (_, _, line) in enumerate(lines) if line.strip()), -1)
    for k, (_, _, line) in enumerate(lines):
        if not line.strip() or k == first:
            continue  # the first line is the article's own title
        if title_line(line) and k not in blanked:
            run.append(k)
        else:
            close(run)
            run = []
    close(run)
    return sorted(out, key=lambda f: f.start)


_BULLET = re.compile(r"(?m)^([ \t]*)([\u30fb\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u00b7])(?=\S)")


def clean(text: str) -> str:
    """`text` with its furniture replaced by spaces: same length, same offsets. A bullet glued
    to the first word of a line ("\u30fbAustralia") becomes a space too, or the tokenizer keeps
    it on the word."""
    found = furniture(text)
    if _BULLET.search(text):
        text = _BULLET.sub(lambda m: m.group(1) + " ", text)
    if not found:
        return text
    chars = list(text)
    for f in found:
        for i in range(f.start, f.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
