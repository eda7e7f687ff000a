"""The Contacts sheet's family and dates cells: whatever the forms can store reads back exactly from its text."""
import datetime

from hypothesis import given
from hypothesis import strategies as st

from journal.contact_cells import dates_cell, family_cell, read_dates, read_family
from journal.dates import PartialDate
from journal.models import DATE_KINDS, RELATIONS

TODAY = datetime.date(2026, 12, 2)
# Text as stored: no control characters (typed() drops them), so no line break inside a name or a label.
stored_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
names = stored_text.map(str.strip).filter(bool) | st.sampled_from(
    ["Léa (Lee)", "Omar, Jr.", "=Eve", "a (", "b)", "Marc (spouse / partner)", "花子", "ليلى", "about 9", "x (child, 9)"])
labels = stored_text | st.sampled_from(
    ["Birthday", "anniversary: x", "other date", "Launch about", "about", "“quoted”", " padded ", "2019", "x --03-01"])
years = st.integers(1900, 2026)


@st.composite
def partial_dates(draw, approximate=True):
    """Any PartialDate the forms, the import or the restore can store."""
    year = draw(st.none() | years)
    day_month = draw(st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)))
    if year is None and day_month is None:
        year = draw(years)
    if day_month and year and (day_month.month, day_month.day) == (2, 29) and year % 4:
        year = 2000
    return PartialDate(year, day_month and day_month.month, day_month and day_month.day,
                       bool(year) and approximate and draw(st.booleans()))


@given(st.lists(st.tuples(names, st.sampled_from(RELATIONS), st.none() | partial_dates())))
def test_family_reads_back_as_written(members):
    problems = []
    cell = family_cell((name, label, born) for name, (_, label), born in members)
    assert read_family(cell, problems, today=TODAY) == [(key, name, born) for name, (key, _), born in members]
    assert problems == []


@given(st.lists(st.tuples(st.sampled_from([kind for kind, _ in DATE_KINDS]), labels, partial_dates())))
def test_dates_read_back_as_written(dates):
    dates = [d for i, d in enumerate(dates) if d[0] != "birthday" or "birthday" not in [k for k, _, _ in dates[:i]]]
    problems = []
    assert read_dates(dates_cell(dates), problems, today=TODAY) == dates
    assert problems == []


def test_cells_people_can_read():
    family = family_cell([("Marc", "Spouse / partner", PartialDate(None, 4, 14)), ("Léa", "Child", PartialDate(2017, 12, 3)),
                          ("Tom", "Child", PartialDate(2017, approximate=True)), ("Ann", "Parent", None)])
    assert family.split("\n") == ["Marc (spouse / partner, born --04-14)", "Léa (child, born 2017-12-03)",
                                  "Tom (child, born about 2017)", "Ann (parent)"]
    dates = dates_cell([("birthday", "", PartialDate(1980, 2, 14)), ("anniversary", "Wedding", PartialDate(None, 9, 20)),
                        ("custom", "Company founded", PartialDate(None, 3, 1)), ("custom", "Birthday", PartialDate(None, 7, 7))])
    assert dates.split("\n") == ["birthday 1980-02-14", "anniversary: Wedding --09-20", "Company founded --03-01",
                                 "other date: Birthday --07-07"]
