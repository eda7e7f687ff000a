"""Small text helpers: accent-folding for sorting and comparing, and comma lists."""
import re
import unicodedata

# Letters that do not decompose under NFKD but that people type without their stroke.
FOLD_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae", "Æ": "ae",
                              "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "ð": "d"})


# C0 controls but tab, line feed and carriage return; DEL; C1 controls. Nobody types them: they come from pasted
# terminal output, broken clients or an attacker, and NUL breaks full-text queries and PostgreSQL text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text):
    """`text` without control characters (tabs and line breaks stay)."""
    return _CONTROLS.sub("", text)


# Cyrillic letters with a breve are letters of their own, not accented ones: й is not и (Віталій), nor ў у.
# NFKD splits them like any accent, so they are put back together before the marks go.
OWN_LETTERS = {"и\u0306": "й", "И\u0306": "Й", "у\u0306": "ў", "У\u0306": "Ў"}
_SPLIT_LETTERS = re.compile("|".join(OWN_LETTERS))


def typed(text):
    """Text as Rapport stores whatever comes in (forms, import, restore): composed (NFC), so "é" typed on a Mac
    and on a phone is one string, and without control characters. Right-to-left text is kept as it is."""
    return unicodedata.normalize("NFC", without_controls(text))


def fold(text):
    """Lower-case `text` and strip its accents: "Łukasz Żółć" -> "lukasz zolc" (but "Віталій" -> "віталій").

    The one folding of the app: the search index (both backends, migrations/0015_search_folding.py) and what is
    typed into the search box go through it, as do sort names and tag keys.
    """
    text = text or ""
    if text.isascii():  # the common case, and the same result: nothing to decompose or strip
        return text.lower().strip()
    decomposed = _SPLIT_LETTERS.sub(lambda m: OWN_LETTERS[m.group()], unicodedata.normalize("NFKD", text))
    # The letter table last: NFKD and casefold can make its letters ("ǣ" -> "æ", "Þ" -> "þ").
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().translate(FOLD_LETTERS).strip()


def split_list(text):
    """Split a comma (or newline) separated list into unique, trimmed items, keeping the first spelling."""
    seen, items = set(), []
    for raw in re.split(r"[,\n;]", text or ""):
        item = " ".join(raw.split())
        key = fold(item)
        if item and key not in seen:
            seen.add(key)
            items.append(item)
    return items


def only_digits(text):
    """The digits of `text`, nothing else."""
    return re.sub(r"\D", "", text or "")


def digits(text):
    """Only the digits of `text` (and a leading +), for tel: links and phone matching."""
    text = (text or "").strip()
    plus = "+" if text.startswith("+") else ""
    return plus + only_digits(text)


# Words that say nothing about what a gift is, in the languages our users write in most.
STOPWORDS = frozenset(
    "a an the and or of for with to in on at by from my his her their our new nice big small little "
    "some set pair box gift gifts present idea ideas about very le la les un une des de du et pour avec der die das ein eine "
    "und mit fur el los las y con para".split()
)


def significant_words(text):
    """The words that carry meaning: accent-folded, lower case, no stopwords, at least three letters."""
    words = re.findall(r"\w+", fold(text))
    return {_singular(w) for w in words if len(w) >= 3 and w not in STOPWORDS and not w.isdigit()}


def _singular(word):
    """A rough English/French singular, so "books" matches "book" (but "chess" stays "chess")."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
