"""Partial dates: ages for each birthday form, next occurrences across a year end and on 29 February; one check of
which dates exist, and impossible stored dates that still read (and are repaired by a migration)."""
import datetime
from types import SimpleNamespace

import pytest
from helpers import add_contact, add_family, feed_url, text

from journal import create_app, migrate
from journal.dates import PartialDate, occurrence_in, partial_date
from journal.db import db
from journal.models import FamilyMember, ImportantDate

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


def test_one_check_of_partial_dates():
    """Day and month are checked together, with leap years; the year range is the forms' one."""
    this_year = D.today().year
    assert partial_date(29, 2) == PartialDate(None, 2, 29)  # a birthday without a year may be 29 February
    assert partial_date(29, 2, 2024) == PartialDate(2024, 2, 29)
    assert partial_date(None, None, 1990, approximate=True) == PartialDate(1990, approximate=True)
    for parts, message in [((31, 2), "February has only 29 days"), ((29, 2, 2023), "February 2023 has only 28 days"),
                           ((31, 4, 1990), "April 1990 has only 30 days"), ((5, None), "Give both the day and the month"),
                           ((32, 1), "Choose a day"), ((1, 13), "Choose a month"), ((1, 1, 1899), "Use a year between 1900"),
                           ((1, 1, this_year + 101), f"Use a year between 1900 and {this_year + 100}"),
                           (("1", 1), "Choose a day"), ((True, 1), "Choose a day")]:
        with pytest.raises(ValueError, match=message):
            partial_date(*parts)
    with pytest.raises(ValueError, match="Choose the day and month"):
        partial_date(None, None, 1990, require_day=True)


def test_an_impossible_stored_date_reads_as_the_months_last_day():
    """A row written before the check (or by a path that skips it) still reads as a real date."""
    assert PartialDate.of(SimpleNamespace(year=None, month=2, day=31, year_approximate=False)) == PartialDate(None, 2, 29)
    assert PartialDate.of(SimpleNamespace(year=2023, month=2, day=31, year_approximate=False)) == PartialDate(2023, 2, 28)
    assert PartialDate.of(SimpleNamespace(year=1990, month=4, day=31, year_approximate=True)).label() == "30 Apr about 1990"
    assert PartialDate.of(SimpleNamespace(year=1990, month=13, day=0, year_approximate=False)) == PartialDate(1990)
    assert occurrence_in(2026, 4, 31) == D(2026, 4, 30)


def test_a_stored_impossible_date_never_breaks_a_page(app, ada, client):
    cid = add_contact(ada, name="Zoë Martin")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    with app.app_context():
        member = FamilyMember.get()
        ImportantDate.create(user=ada.user.id, contact=cid, kind="anniversary", label="Wedding", month=2, day=31)
        ImportantDate.update(year=2023, month=2, day=30).where(ImportantDate.family_member == member).execute()
    brief = ada.get(f"/people/{cid}")
    assert brief.status_code == 200 and "29 Feb" in text(brief) and "28 Feb 2023" in text(brief)
    for url in ("/export.xlsx", "/export.zip", "/export.csv", "/backup.json", "/"):
        assert ada.get(url).status_code == 200, url
    feed = client.get(feed_url(ada))
    assert feed.status_code == 200 and b"Wedding: Zo" in feed.data


def test_the_migration_repairs_impossible_dates_and_records_each(tmp_path, database_url):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    with app.app_context():
        migrate.upgrade(target="0011_jobs", backup_dir=str(tmp_path / "b"))
        sql = db.execute_sql
        sql("""INSERT INTO "user" (id, email, password_hash, session_token, created_at) VALUES (1, 'a@example.com', 'h', 't', '2026-01-01')""")
        sql("""INSERT INTO contact (id, user_id, name, sort_name, company, role, city, how_we_met, goals, challenges, how_to_help,
               ideas_to_give, feel_important, created_at, updated_at, gift_budget_currency)
               VALUES (1, 1, 'Zoë', 'zoe', '', '', '', '', '', '', '', '', '', '2026-01-01', '2026-01-01', 'EUR')""")
        for did, year, month, day in [(1, None, 2, 31), (2, 2023, 2, 29), (3, 1990, 4, 31), (4, None, 2, 29), (5, 1980, 6, 5)]:
            sql(f"INSERT INTO important_date (id, user_id, contact_id, kind, label, year, month, day, year_approximate) "
                f"VALUES ({did}, 1, 1, 'custom', 'x', {db.param}, {month}, {day}, {db.param})", (year, False))
        migrate.upgrade(backup_dir=str(tmp_path / "b"))
        rows = sql("SELECT id, year, month, day FROM important_date ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [(1, None, 2, 29), (2, 2023, 2, 28), (3, 1990, 4, 30), (4, None, 2, 29),
                                            (5, 1980, 6, 5)]
        details = [detail for detail, in sql("SELECT detail FROM audit_event WHERE event = 'date repaired' ORDER BY id")]
        corrected = [c for c, in sql("SELECT corrected FROM important_date ORDER BY id")]
        assert corrected == ["Corrected from 31 February, a day that does not exist",
                             "Corrected from 29 February 2023, a day that does not exist",
                             "Corrected from 31 April 1990, a day that does not exist", "", ""]
        assert details == ["contact 1, date 1: 31 February became 29 February",
                           "contact 1, date 2: 29 February 2023 became 28 February 2023",
                           "contact 1, date 3: 31 April 1990 became 30 April 1990"]
    db.close()


def test_the_persons_page_says_what_a_repair_changed_until_the_date_is_saved_again(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    with app.app_context():
        date = ImportantDate.create(user=ada.user.id, contact=cid, kind="anniversary", month=2, day=29,
                                    corrected="Corrected from 31 February, a day that does not exist")
    assert "Corrected from 31 February, a day that does not exist: check it." in text(ada.get(f"/people/{cid}"))
    saved = ada.post(f"/people/{cid}/dates/{date.id}", data={"kind": "anniversary", "label": "", "day": "28", "month": "2"})
    assert saved.status_code in (200, 302)
    assert "Corrected from" not in text(ada.get(f"/people/{cid}"))
