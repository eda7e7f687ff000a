"""When a note says something happens: the date and time phrases of English and German notes ("by Friday",
"end of next week", "in zwei Wochen", "am 15.04.", "nach Ostern", "at 10"), resolved against the day of the visit
and always to the future, and the phrases that place something in the past ("last Friday", "gestern")."""
import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from dateutil.easter import easter

WEEKDAYS = {
    "monday": 0, "mon": 0, "montag": 0, "tuesday": 1, "tue": 1, "tues": 1, "dienstag": 1, "wednesday": 2, "wed": 2,
    "mittwoch": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "donnerstag": 3, "friday": 4, "fri": 4,
    "freitag": 4, "saturday": 5, "samstag": 5, "sonnabend": 5, "sunday": 6, "sonntag": 6,
}
# "sat" and "sun" are words of their own: only after "on", "by", "next"...
WEEKDAYS_AFTER_A_LEAD = {"sat": 5, "sun": 6}
MONTHS = {
    "january": 1, "januar": 1, "jänner": 1, "february": 2, "februar": 2, "feb": 2, "march": 3, "märz": 3,
    "maerz": 3, "april": 4, "apr": 4, "may": 5, "mai": 5, "june": 6, "juni": 6, "jun": 6, "july": 7, "juli": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oktober": 10, "oct": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dezember": 12, "dec": 12, "dez": 12, "jan": 1, "mar": 3,
}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
    "ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "ein paar": 3, "paar": 3,
}
HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
}
UNITS = {
    "day": "days", "days": "days", "tag": "days", "tage": "days", "tagen": "days", "week": "weeks",
    "weeks": "weeks", "woche": "weeks", "wochen": "weeks", "month": "months", "months": "months", "monat": "months",
    "monate": "months", "monaten": "months", "monats": "months",
}


@dataclass(frozen=True)
class When:
    """A date phrase found in a text: where it is, the day (and time) it means, and whether it lies in the past."""

    start: int
    end: int
    date: datetime.date | None
    time: datetime.time | None = None
    past: bool = False
    # A day and month without a year that had already gone by this year, read as next year's ("delivered on
    # 3 May" written on 25 May): more likely the past than a plan eleven months ahead.
    rolled: bool = False


def _alternatives(words):
    """A regex alternation of `words`, longest first."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WD = _alternatives(WEEKDAYS)
_WD_LEAD = _alternatives(WEEKDAYS_AFTER_A_LEAD)
_MON = _alternatives(MONTHS)
_NUM = r"\d{1,2}|" + _alternatives(NUMBERS)
_UNIT = _alternatives(UNITS)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.|ten|ter)?"
_YEAR = r"(?:,?\s*(?P<year>20\d\d))?"
_NEXT = r"(?P<next>next|nächste[nrms]?|naechste[nrms]?|kommende[nrms]?|coming)"
_THIS = r"(?P<this>this|diese[nrms]?)"
_LAST = r"(?P<last>last|previous|past|letzte[nrms]?|vergangene[nrms]?|vorige[nrms]?)"

# Each pattern is tried at every position, longest match wins; the name says how it resolves.
_PATTERNS = [
    ("day_after_tomorrow", r"(?:the\s+)?day\s+after\s+tomorrow|übermorgen|uebermorgen"),
    ("day_before_yesterday", r"(?:the\s+)?day\s+before\s+yesterday|vorgestern"),
    ("tomorrow", r"(?:first\s+thing\s+)?(?:tomorrow|tmrw|tmr)(?:\s+(?:morning|afternoon|evening|night|first\s+thing))?"
                 r"|morgen(?:\s+(?:früh|vormittag|nachmittag|abend))?"),
    ("yesterday", r"yesterday|gestern"),
    ("today", r"today|tonight|this\s+(?:morning|afternoon|evening)|heute"),
    ("ago", rf"(?:(?:{_NUM})\s+(?:{_UNIT})\s+ago|vor\s+(?:{_NUM})\s+(?:{_UNIT}))"),
    ("relative", rf"(?:in|within|innerhalb(?:\s+von)?|binnen)\s+(?P<n>{_NUM})\s+(?P<unit>{_UNIT})"
                 r"(?:\s+from\s+now)?"),
    ("fortnight", r"in\s+a\s+fortnight|in\s+vierzehn\s+tagen"),
    ("end_of_week", rf"(?:the\s+)?end\s+of\s+(?:(?:the|this)\s+)?week|eow|ende\s+(?:der|dieser)\s+woche"
                    r"|wochenende(?!\s+(?:segeln|sailing))|later\s+this\s+week"),
    ("end_of_next_week", rf"(?:the\s+)?end\s+of\s+next\s+week|ende\s+(?:der\s+)?nächste[nr]?\s+woche"
                         r"|ende\s+kommender\s+woche"),
    ("this_week", r"this\s+week|diese\s+woche"),
    ("weekday_next_week", rf"(?:next\s+week|nächste\s+woche)\s+(?:on\s+|am\s+)?(?P<wd>{_WD})"
                          rf"|(?P<wd2>{_WD})\s+(?:next\s+week|nächste\s+woche)"),
    ("next_week", rf"{_NEXT}\s+(?:week|woche)|(?:early|beginning\s+of)\s+next\s+week|anfang\s+nächste[nr]?\s+woche"),
    ("last_week", rf"{_LAST}\s+(?:week|woche)|letzte\s+woche"),
    ("end_of_month", r"(?:the\s+)?end\s+of\s+(?:(?:the|this)\s+)?month|month[-\s]end|eom|monatsende"
                     r"|ende\s+(?:des|dieses)\s+monats|ende\s+(?:des\s+)?monat"),
    ("end_of_next_month", r"(?:the\s+)?end\s+of\s+next\s+month|ende\s+(?:des\s+)?nächsten\s+monats"),
    ("start_of_next_month", r"(?:the\s+)?(?:beginning|start)\s+of\s+next\s+month|early\s+next\s+month"
                            r"|anfang\s+(?:des\s+)?nächsten\s+monats|anfang\s+nächste[nr]?\s+monat"),
    ("next_month", rf"{_NEXT}\s+(?:month|monat)"),
    ("last_month", rf"{_LAST}\s+(?:month|monat)"),
    ("part_of_month", rf"(?P<part>early|mid|late|beginning\s+of|middle\s+of|end\s+of|anfang|mitte|ende)[\s-]+"
                      rf"(?P<month>{_MON})\b{_YEAR}"),
    ("after_easter", r"(?:after|nach)\s+(?:easter|ostern)"),
    ("before_christmas", r"(?:before|vor)\s+(?:christmas|xmas|weihnachten)"),
    ("after_christmas", r"(?:after|nach)\s+(?:christmas|xmas|weihnachten)"),
    ("after_new_year", r"(?:after|nach)\s+(?:(?:the\s+)?new\s+year|neujahr)"),
    ("day_month", rf"{_DAY}\s*(?:of\s+)?(?P<month>{_MON})\b\.?{_YEAR}"),
    ("month_day", rf"(?P<month>{_MON})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b{_YEAR}"),
    ("numeric", r"(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)(?P<dot>\.(?P<year>(?:20)?\d\d)?)?(?![\d:])"),
    ("numeric_slash", r"(?P<day>[0-3]?\d)/(?P<month>[01]?\d)(?:/(?P<year>(?:20)?\d\d))?(?![\d/])"),
    ("iso", r"(?P<year>20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"),
    ("weekday", rf"(?:(?P<lead>{_NEXT}|{_THIS}|{_LAST}|on|by|until|till|til|before|am|bis|zum)\s+)?"
                rf"(?:(?P<wd>{_WD})|(?P<wd_lead>{_WD_LEAD}))s?"),
    ("the_nth", rf"(?:(?:on|by|until|before)\s+(?:the\s+)?|the\s+)(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b"
                rf"(?!\s*(?:of\s+)?(?:{_MON})\b)"),
    ("am_nth", rf"(?:am|zum|bis\s+zum|bis)\s+(?P<day>[0-3]?\d)\.(?!\d)(?!\s*(?:{_MON})\b)"),
]
_TIME = re.compile(
    r"(?:\bat\s+|\bum\s+|\b@\s*|\bab\s+)(?P<h>[012]?\d)(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|uhr|h)?\b"
    r"|\b(?P<h2>[012]?\d)(?:[:.](?P<m2>[0-5]\d))?\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.|uhr)(?![\w])"
    r"|\b(?P<h3>[012]?\d):(?P<m3>[0-5]\d)\b"
    r"|\b(?P<noon>noon|midday|mittags)\b"
    r"|\bhalb\s+(?P<half>\d{1,2}|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\b"
    r"|\b(?:at|um)\s+(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eins|zwei|drei|vier|"
    r"fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)(?:\s+(?:o['’]clock|uhr))?\b",
    re.IGNORECASE,
)
_COMPILED = [(name, re.compile(rf"\b(?:{pattern})(?!\w)", re.IGNORECASE)) for name, pattern in _PATTERNS]


def _number(text):
    """A small number written in digits or words ("zwei", "a couple of")."""
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _add_months(day, months, last=False):
    """`day` moved by whole months (kept on the month's last day where it lacks that day), or that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    size = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, size if last else min(day.day, size))


def _next_weekday(today, weekday):
    """The first such weekday strictly after today."""
    return today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _monday(today, weeks=0):
    """The Monday of this week, or `weeks` later."""
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


def _future_day_month(today, month, day, year=None):
    """(month, day) in `year`, or this year when not before today, else next year; None when it does not exist."""
    years = [year] if year else [today.year, today.year + 1]
    for y in years:
        try:
            found = datetime.date(y, month, day)
        except ValueError:
            return None
        if year or found >= today:
            return found
    return None


def _year(text):
    """A written year: "27" is 2027."""
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _resolve(name, m, today):
    """(date, past) of one matched phrase, or (None, False) when it names no real day."""
    group = m.groupdict()
    if name == "tomorrow":
        return today + datetime.timedelta(days=1), False
    if name == "day_after_tomorrow":
        return today + datetime.timedelta(days=2), False
    if name == "today":
        return today, False
    if name in ("yesterday", "day_before_yesterday", "ago", "last_week", "last_month"):
        return None, True
    if name == "relative":
        n, unit = _number(group["n"]), UNITS[group["unit"].lower()]
        if unit == "months":
            return _add_months(today, n), False
        return today + datetime.timedelta(**{unit: n}), False
    if name == "fortnight":
        return today + datetime.timedelta(days=14), False
    if name == "end_of_week":
        friday = _monday(today) + datetime.timedelta(days=4)
        return (friday if friday > today else friday + datetime.timedelta(weeks=1)), False
    if name == "this_week":
        friday = _monday(today) + datetime.timedelta(days=4)
        return (friday if friday >= today else today), False
    if name == "end_of_next_week":
        return _monday(today, 1) + datetime.timedelta(days=4), False
    if name == "next_week":
        return _monday(today, 1), False
    if name == "end_of_month":
        return _add_months(today, 0, last=True), False
    if name == "end_of_next_month":
        return _add_months(today, 1, last=True), False
    if name in ("start_of_next_month", "next_month"):
        return _add_months(today.replace(day=1), 1), False
    if name == "part_of_month":
        month, part = MONTHS[group["month"].lower()], group["part"].lower().split()[0]
        year = _year(group.get("year"))
        day = {"early": 1, "beginning": 1, "anfang": 1, "mid": 15, "middle": 15, "mitte": 15}.get(part)
        if day is None:  # end, late, ende
            day = calendar.monthrange(year or today.year, month)[1]
        found = _future_day_month(today, month, day, year)
        if found is None or (not year and found.year > today.year and part in ("end", "late", "ende")):
            found = _future_day_month(today, month, calendar.monthrange(today.year + 1, month)[1])
        return found, False
    if name == "after_easter":
        sunday = easter(today.year)
        if sunday + datetime.timedelta(days=2) < today:
            sunday = easter(today.year + 1)
        return sunday + datetime.timedelta(days=2), False
    if name == "before_christmas":
        return _future_day_month(today, 12, 23), False
    if name == "after_christmas":
        return _future_day_month(today, 12, 27), False
    if name == "after_new_year":
        return _future_day_month(today, 1, 2), False
    if name in ("day_month", "month_day", "numeric", "numeric_slash", "iso"):
        month = group["month"]
        month = MONTHS[month.lower()] if not month.isdigit() else int(month)
        day = int(group["day"])
        if name == "numeric_slash" and month > 12 >= day:  # 4/15, the American order
            day, month = month, day
        if not 1 <= month <= 12:
            return None, False
        year = _year(group.get("year"))
        found = _future_day_month(today, month, day, year)
        return found, bool(found and found < today)
    if name == "weekday_next_week":
        weekday = WEEKDAYS[(group.get("wd") or group.get("wd2")).lower()]
        return _monday(today, 1) + datetime.timedelta(days=weekday), False
    if name == "weekday":
        weekday = WEEKDAYS.get((group.get("wd") or "").lower())
        if weekday is None:
            weekday = WEEKDAYS_AFTER_A_LEAD[(group.get("wd_lead") or "").lower()]
        if group.get("last"):
            return None, True
        found = _next_weekday(today, weekday)
        if group.get("next") and found < _monday(today, 1):
            found += datetime.timedelta(weeks=1)
        return found, False
    if name in ("the_nth", "am_nth"):
        day = int(group["day"])
        if not 1 <= day <= 31:
            return None, False
        for months in range(0, 3):
            start = _add_months(today.replace(day=1), months)
            if day <= calendar.monthrange(start.year, start.month)[1]:
                found = start.replace(day=day)
                if found > today:
                    return found, False
        return None, False
    return None, False


def find_times(text):
    """[(start, end, time)] of the clock times in `text` ("at 10", "10:30", "3pm", "um 14 Uhr")."""
    found = []
    for m in _TIME.finditer(text):
        if m.group("noon"):
            found.append((m.start(), m.end(), datetime.time(12, 0)))
            continue
        if m.group("half") or m.group("word"):
            word = (m.group("half") or m.group("word")).lower()
            hour = int(word) if word.isdigit() else HOUR_WORDS[word]
            if m.group("half"):
                found.append((m.start(), m.end(), datetime.time((hour - 1) % 24, 30)))  # "halb zehn" is 9:30
            else:
                found.append((m.start(), m.end(), datetime.time(hour + 12 if 1 <= hour <= 7 else hour, 0)))
            continue
        hour = m.group("h") or m.group("h2") or m.group("h3")
        minute = m.group("m") or m.group("m2") or m.group("m3") or "0"
        marker = (m.group("ampm") or m.group("ampm2") or "").lower().replace(".", "")
        hour, minute = int(hour), int(minute)
        if marker == "pm" and hour < 12:
            hour += 12
        elif marker == "am" and hour == 12:
            hour = 0
        elif not marker and m.group("h") and not m.group("m") and 1 <= hour <= 7:
            hour += 12  # "at 3" in a working day is the afternoon
        if hour > 23:
            continue
        found.append((m.start(), m.end(), datetime.time(hour, minute)))
    return found


def _candidates(text):
    """Every match of every pattern, as (start, -length, name, match)."""
    for name, pattern in _COMPILED:
        for m in pattern.finditer(text):
            yield m.start(), -(m.end() - m.start()), name, m


def _accepted(text, name, m):
    """False for a match that only looks like a date ("Met Jan", "am 15.04" as a price, "heute Morgen")."""
    if name == "weekday" and m.group("wd_lead") and not m.group("lead"):
        return False
    if name in ("day_month", "month_day", "part_of_month") and _is_bare_word_month(m):
        return False
    if name == "numeric" and not _plausible_numeric(text, m):
        return False
    return not (name == "tomorrow" and _is_a_morning(text, m))


@lru_cache(maxsize=1024)
def _find(text, today):
    """The date phrases of `text`, longest first where they overlap (cached: a note is read again as it is typed)."""
    found, taken_until = [], -1
    for start, _, name, m in sorted(_candidates(text), key=lambda c: c[:2]):
        if start < taken_until or not _accepted(text, name, m):
            continue
        day, past = _resolve(name, m, today)
        if day is None and not past:
            continue
        rolled = (name in ("day_month", "month_day", "numeric", "numeric_slash") and not m.groupdict().get("year")
                  and day is not None and (day - today).days > 300)
        found.append(When(m.start(), m.end(), day, None, past, rolled))
        taken_until = m.end()
    return tuple(found)


def _is_bare_word_month(m):
    """True for "May" or "Mar" used as a word ("may 3 people come" is rare; "may" alone never reaches here)."""
    month = (m.groupdict().get("month") or "")
    return month.lower() in ("may", "mar", "jan") and month[0].islower() and month.lower() != "mai"


_AMOUNT_AFTER = re.compile(r"\s*(?:€|\$|%|eur\b|euro|usd|chf|kg|t\b|tons?|tonnen|m\b|km|l\b|liter|stück|pcs|units|x\b)",
                           re.IGNORECASE)


def _plausible_numeric(text, m):
    """"15.04.", "am 15.04" and "15.4.2027" are dates; "3.5" and "2.10 €" (amounts, versions) are not."""
    if _AMOUNT_AFTER.match(text, m.end()) or text[max(0, m.start() - 4):m.start()].rstrip().endswith(("€", "$", "EUR")):
        return False
    return bool(m.group("dot")) or len(m.group("month")) == 2


def _is_a_morning(text, m):
    """German "Morgen" as a noun (the morning: "heute Morgen", "am Morgen", "jeden Morgen") is no date."""
    word = m.group(0)
    if word.lower() != "morgen":
        return False
    before = text[:m.start()].lower().rstrip()
    return before.endswith(("heute", "am", "jeden", "guten", "den ganzen", "gestern", "diesen", "eines"))


def find_when(text, today):
    """The date phrases of `text` as When(start, end, date, time, past), with the time said beside each."""
    dates = list(_find(text, today))
    times = find_times(text)
    result = []
    for when in dates:
        near = [t for t in times if 0 <= t[0] - when.end <= 12 or 0 <= when.start - t[1] <= 12]
        result.append(When(when.start, near[0][1] if near and near[0][0] >= when.end else when.end,
                           when.date, near[0][2] if near else None, when.past, when.rolled) if near else when)
    return result
