"""Dates that may be partial (full, day and month only, or an approximate birth year), the one check of which
partial dates exist, and the two ways a date and time is stored (wall clock, naive UTC)."""
import calendar
import datetime
import re
from dataclasses import dataclass

from . import clock

MONTHS = [calendar.month_name[i] for i in range(1, 13)]
MONTHS_SHORT = [calendar.month_abbr[i] for i in range(1, 13)]


def format_day(day, with_year=True, weekday=True):
    """'Sunday 22 November 2026' style, locale independent."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    if with_year:
        text += f" {day.year}"
    if weekday:
        text = f"{calendar.day_name[day.weekday()]} {text}"
    return text


FIRST_YEAR = 1900
YEARS_AHEAD = 100  # the last year accepted is this year plus this many


def days_in(month, year=None):
    """How many days `month` has in `year`; without a year, February has 29 (a birthday may fall on the 29th)."""
    return calendar.monthrange(year or 2000, month)[1]


def occurrence_in(year, month, day):
    """The date (month, day) falls on in `year`: a day the month lacks that year (29 February in a common year, or an
    impossible day read from an old row) is kept on the month's last day."""
    return datetime.date(year, month, min(day, days_in(month, year)))


class DateProblem(ValueError):
    """A partial date that does not exist; the message says why, and `part` which field is at fault."""

    def __init__(self, message, part):
        super().__init__(message)
        self.part = part


def _whole_or_none(value, message, part):
    """`value` when it is a whole number (not a bool) or None, else a DateProblem."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise DateProblem(message, part)


def partial_date(day=None, month=None, year=None, approximate=False, require_day=False, today=None):
    """The PartialDate of these parts, or a DateProblem (a ValueError) saying what is wrong, as the forms say it.

    Day and month go together and are checked with the year (29 February only in leap years, or without a year);
    the year runs from 1900 to a hundred years from now. The one check for the forms, the import and the restore."""
    day = _whole_or_none(day, "Choose a day.", "day")
    month = _whole_or_none(month, "Choose a month.", "month")
    year = _whole_or_none(year, "Use a year as a whole number.", "year")
    if day is not None and not 1 <= day <= 31:
        raise DateProblem("Choose a day.", "day")
    if month is not None and not 1 <= month <= 12:
        raise DateProblem("Choose a month.", "month")
    if (day is None) != (month is None):
        raise DateProblem("Give both the day and the month.", "month" if month is None else "day")
    if require_day and day is None:
        raise DateProblem("Choose the day and month.", "day")
    last_year = (today or clock.today()).year + YEARS_AHEAD
    if year is not None and not FIRST_YEAR <= year <= last_year:
        raise DateProblem(f"Use a year between {FIRST_YEAR} and {last_year}.", "year")
    if day is not None and day > days_in(month, year):
        where = f"{MONTHS[month - 1]} {year}" if year is not None else MONTHS[month - 1]
        raise DateProblem(f"{where} has only {days_in(month, year)} days.", "day")
    return PartialDate(year, month, day, bool(approximate) and year is not None)


# A partial date as text (PartialDate.iso): 2017-12-03, --12-03 (no year), 2017, about 2017, about 2017-12-03.
ISO_PATTERN = r"(?:about\s+)?\d{4}(?:-\d{1,2}-\d{1,2})?|--\d{1,2}-\d{1,2}"
_ISO_PARTS = re.compile(r"(?P<about>about\s+)?(?:(?P<year>\d{4})(?:-(?P<month>\d{1,2})-(?P<day>\d{1,2}))?"
                        r"|--(?P<no_year_month>\d{1,2})-(?P<no_year_day>\d{1,2}))", re.IGNORECASE)


def partial_date_from_iso(text, today=None):
    """The PartialDate written by PartialDate.iso, checked by partial_date (a DateProblem when it does not exist)."""
    match = _ISO_PARTS.fullmatch(text.strip())
    if not match:
        raise DateProblem(f"“{text.strip()}” is not a date such as 2017-12-03, --12-03 (no year) or about 2017.",
                          "year")
    parts = {name: int(value) if value else None for name, value in match.groupdict().items() if name != "about"}
    return partial_date(parts["day"] or parts["no_year_day"], parts["month"] or parts["no_year_month"], parts["year"],
                        approximate=bool(match.group("about")), today=today)


def wall_clock(value):
    """A touch's time as stored: the time read on the clock where it happened, naive (an offset is dropped, not
    applied: "10:00+05:00" is 10:00). `value` is a datetime or ISO text; ValueError for anything else."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime.datetime):
        raise ValueError("Not a date and time.")
    return value.replace(tzinfo=None)


def naive_utc(value):
    """A bookkeeping time as stored (created, done): naive UTC, an offset applied first. `value` is a datetime or ISO
    text (naive text is taken as UTC already); ValueError for anything else, or a time too close to year 1 or 9999."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime.datetime):
        raise ValueError("Not a date and time.")
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise ValueError("That time is out of range.")


@dataclass(frozen=True)
class PartialDate:
    """A date known fully, by day and month only, or by an (approximate) year only."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    approximate: bool = False

    @classmethod
    def of(cls, row):
        """A stored date (anything with year, month, day and year_approximate) as a PartialDate that always reads:
        a day its month lacks becomes the month's last day, a month or year no calendar has is left out."""
        year = row.year if isinstance(row.year, int) and 1 <= row.year <= 9999 else None
        month, day = row.month, row.day
        if not (isinstance(month, int) and 1 <= month <= 12 and isinstance(day, int) and day >= 1):
            month = day = None
        elif day > days_in(month, year):
            day = days_in(month, year)
        return cls(year, month, day, bool(row.year_approximate) and year is not None)

    @property
    def has_day(self):
        """True when the day and month are known, so the date recurs every year."""
        return bool(self.month and self.day)

    @property
    def is_empty(self):
        """True when nothing is known."""
        return not self.year and not self.has_day

    def age_on(self, today):
        """Completed years on `today`, or None without a year."""
        if not self.year:
            return None
        age = today.year - self.year
        # Compare with this year's celebration day, so 29 February birthdays age on 28 February.
        if self.has_day and today < occurrence_in(today.year, self.month, self.day):
            age -= 1
        return max(age, 0)

    def next_occurrence(self, today):
        """The next date (today included) on which this date recurs, or None without day and month."""
        if not self.has_day:
            return None
        this_year = occurrence_in(today.year, self.month, self.day)
        if this_year >= today:
            return this_year
        return occurrence_in(today.year + 1, self.month, self.day)

    def years_at(self, when):
        """How many years the date marks on `when` (the age turned, or the anniversary), or None."""
        if not self.year or when is None:
            return None
        return when.year - self.year

    def label(self):
        """Human text: '14 Mar 2018', '14 Mar', 'about 2018', '2018'."""
        if self.has_day:
            text = f"{self.day} {MONTHS_SHORT[self.month - 1]}"
            if self.year:
                text += f" {'about ' if self.approximate else ''}{self.year}"
            return text
        if self.year:
            return f"{'about ' if self.approximate else ''}{self.year}"
        return ""

    def iso(self):
        """Text read back exactly by partial_date_from_iso: '2018-03-14', '--03-14', '2018', 'about 2018',
        'about 2018-03-14', or '' when nothing is known."""
        if self.has_day:
            day = f"{self.month:02d}-{self.day:02d}"
            if not self.year:
                return f"--{day}"
            return f"{'about ' if self.approximate else ''}{self.year:04d}-{day}"
        if self.year:
            return f"{'about ' if self.approximate else ''}{self.year:04d}"
        return ""

    def age_label(self, today):
        """'8', 'about 8', or '' when the age is unknown."""
        age = self.age_on(today)
        if age is None:
            return ""
        return f"about {age}" if self.approximate else str(age)
