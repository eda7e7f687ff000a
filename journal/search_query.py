"""What was typed into the search box, parsed once for both search backends.

The syntax is the web's: words must all match, `"a phrase"` matches those words in that order, `-word` (or
`-"a phrase"`) excludes, and `OR` in capitals separates alternatives (`warehouse lyon OR brochure` is
"warehouse and lyon, or brochure"). The last word matches as a prefix while it is being typed ("viol" finds
violin). Words are folded as the index is (case and accents ignored), so lower-case "or" is only a word.
"""
import functools
import re
from dataclasses import dataclass

from .text import fold, without_controls

_TOKENS = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
MAX_TERMS = 24  # a query's size stays bounded whatever is pasted
_WORD = re.compile(r"[^\W_]+")  # what both indexes treat as a word: letters and digits, "_" separates


@dataclass(frozen=True)
class Term:
    """One word, or several that must follow each other (a phrase, or "o'brien"); the last may be a prefix.

    `text` is the term as typed (folded), for a backend that splits words its own way (PostgreSQL keeps "3.5"
    and "ada@acme.example" whole).
    """

    words: tuple
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Alternative:
    """Terms that must all match, and terms that must not."""

    include: tuple
    exclude: tuple


def parse(text):
    """The alternatives of a typed query (any of them may match); empty when nothing could match."""
    text = without_controls(text or "").strip()
    typing = bool(re.search(r"\w$", text))  # the last word is still being typed
    alternatives, include, exclude, negate = [], [], [], False
    tokens = list(_TOKENS.finditer(text))[:MAX_TERMS]
    for position, token in enumerate(tokens):
        minus, phrase, closed, bare = token.groups()
        if bare == "OR":
            alternatives.append((include, exclude))
            include, exclude, negate = [], [], False
            continue
        if bare in ("AND", "NOT"):
            negate = negate or bare == "NOT"
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        typed = fold(phrase if bare is None else bare)
        words = tuple(_WORD.findall(typed))
        if not words:
            continue
        last = position == len(tokens) - 1
        term = Term(words, typed, prefix=last and typing and not closed)
        (exclude if minus or negate else include).append(term)
        negate = False
    alternatives.append((include, exclude))
    return [Alternative(tuple(i), tuple(e)) for i, e in alternatives if i]


@functools.lru_cache(maxsize=64)
def wanted_words(text):
    """The folded words a result should show highlighted: those searched for, not those excluded (cached: every
    title and snippet of a page asks for the same query's)."""
    return tuple(word for alternative in parse(text) for term in alternative.include for word in term.words)


def scoped_words(scope, text):
    """`text` with each word prefixed by "<scope>x", as SQLite's index holds it (migration 0021): the words of one
    account and kind sort together in FTS5's dictionary, so a typed prefix expands over that account's words only."""
    return _WORD.sub(lambda word: f"{scope}x{word.group(0)}", text or "")
