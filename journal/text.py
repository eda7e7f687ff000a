"""Small text helpers: accent-folding for sorting and comparing, and comma lists."""
import re
import unicodedata

# Letters that do not decompose under NFKD but that people type without their stroke.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae", "Æ": "ae",
                       "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "ð": "d"})


def fold(text):
    """Lower-case `text` and strip its accents: "Łukasz Żółć" -> "lukasz zolc"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


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


def digits(text):
    """Only the digits of `text` (and a leading +), for tel: links and phone matching."""
    text = (text or "").strip()
    plus = "+" if text.startswith("+") else ""
    return plus + re.sub(r"\D", "", text)
