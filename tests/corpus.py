"""The note-extraction corpus (tests/fixtures/notes/) and its scoring: precision and recall per kind, as its
README defines them."""
import datetime
import json
import re
import unicodedata
from pathlib import Path

NOTES = Path(__file__).parent / "fixtures" / "notes"
KINDS = ("promises", "family", "interests", "gifts", "meetings")


def load(name):
    """The notes of one corpus file ("dev" or "held_out")."""
    with open(NOTES / f"{name}.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _fold(text):
    """Lower case without accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _words(text):
    """The runs of letters of a folded text."""
    return re.findall(r"[^\W\d_]+", _fold(text))


def _matches(kind, expected, found):
    """True when a found item matches an expected one (the README's rules)."""
    if kind == "promises":
        wanted = [w for w in _words(expected["text"]) if len(w) >= 3]
        have = set(_words(found["text"]))
        return expected["due"] == found["due"] and sum(w in have for w in wanted) * 2 >= len(wanted)
    if kind == "family":
        return (expected["relation"] == found["relation"] and _fold(expected["name"]) == _fold(found["name"])
                and expected["age"] == found["age"])
    if kind in ("interests", "gifts"):
        a, b = _fold(expected), _fold(found)
        return a in b or b in a
    return expected["date"] == found["date"] and expected["time"] == found["time"]


def score(notes, extract_json):
    """{kind: (matched, expected, found)} and the misses [(id, kind, expected-left, found-left)] of `notes`, read by
    `extract_json(note, today) -> dict` (the command's JSON shape)."""
    totals = {kind: [0, 0, 0] for kind in KINDS}
    misses = []
    for item in notes:
        got = extract_json(item["note"], datetime.date.fromisoformat(item["today"]))
        for kind in KINDS:
            expected, found = list(item["expected"][kind]), list(got[kind])
            left = list(found)
            matched, unmatched = 0, []
            for e in expected:
                hit = next((f for f in left if _matches(kind, e, f)), None)
                if hit is None:
                    unmatched.append(e)
                else:
                    left.remove(hit)
                    matched += 1
            totals[kind][0] += matched
            totals[kind][1] += len(expected)
            totals[kind][2] += len(found)
            if unmatched or left:
                misses.append((item["id"], kind, unmatched, left))
    return {kind: tuple(v) for kind, v in totals.items()}, misses


def rates(matched, expected, found):
    """(precision, recall) as fractions; 1.0 where there was nothing to find or nothing found."""
    return (matched / found if found else 1.0), (matched / expected if expected else 1.0)


def table(totals):
    """A Markdown table of precision and recall per kind."""
    lines = ["| kind | expected | found | matched | precision | recall |", "|---|---|---|---|---|---|"]
    for kind, (matched, expected, found) in totals.items():
        precision, recall = rates(matched, expected, found)
        lines.append(f"| {kind} | {expected} | {found} | {matched} | {precision:.0%} | {recall:.0%} |")
    return "\n".join(lines)
