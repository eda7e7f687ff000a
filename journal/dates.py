"""Dates that may be partial: full, day and month only, or an approximate birth year."""
import calendar
import datetime
from dataclasses import dataclass

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


def occurrence_in(year, month, day):
    """The date (month, day) falls on in `year`; 29 February is kept on 28 February in other years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return datetime.date(year, month, day)


@dataclass(frozen=True)
class PartialDate:
    """A date known fully, by day and month only, or by an (approximate) year only."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    approximate: bool = False

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

    def age_label(self, today):
        """'8', 'about 8', or '' when the age is unknown."""
        age = self.age_on(today)
        if age is None:
            return ""
        return f"about {age}" if self.approximate else str(age)
