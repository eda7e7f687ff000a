"""Partial dates: ages for each birthday form, next occurrences across a year end and on 29 February."""
import datetime

from journal.dates import PartialDate

D = datetime.date


def test_age_of_a_full_date():
    born = PartialDate(2018, 3, 14)
    assert born.age_on(D(2026, 3, 13)) == 7
    assert born.age_on(D(2026, 3, 14)) == 8
    assert born.age_label(D(2026, 11, 22)) == "8"


def test_day_and_month_only_has_no_age_but_recurs():
    date = PartialDate(None, 12, 3)
    assert date.age_on(D(2026, 11, 22)) is None
    assert date.age_label(D(2026, 11, 22)) == ""
    assert date.next_occurrence(D(2026, 11, 22)) == D(2026, 12, 3)
    assert date.years_at(D(2026, 12, 3)) is None
    assert date.label() == "3 Dec"


def test_approximate_birth_year():
    about = PartialDate(2018, None, None, approximate=True)
    assert about.age_on(D(2026, 1, 1)) == 8
    assert about.age_label(D(2026, 6, 1)) == "about 8"
    assert about.next_occurrence(D(2026, 6, 1)) is None
    assert about.label() == "about 2018"


def test_next_occurrence_across_the_year_end():
    date = PartialDate(1990, 1, 5)
    assert date.next_occurrence(D(2026, 12, 28)) == D(2027, 1, 5)
    assert date.years_at(D(2027, 1, 5)) == 37
    assert date.next_occurrence(D(2027, 1, 5)) == D(2027, 1, 5)  # today counts


def test_29_february():
    leap = PartialDate(2012, 2, 29)
    assert leap.next_occurrence(D(2026, 2, 1)) == D(2026, 2, 28)
    assert leap.next_occurrence(D(2026, 3, 1)) == D(2027, 2, 28)
    assert leap.next_occurrence(D(2027, 3, 1)) == D(2028, 2, 29)
    assert leap.age_on(D(2027, 2, 27)) == 14
    assert leap.age_on(D(2027, 2, 28)) == 15  # celebrated on 28 February in common years
    assert leap.age_on(D(2028, 2, 28)) == 15
    assert leap.age_on(D(2028, 2, 29)) == 16
