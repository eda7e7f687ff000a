"""The calendar feed (private, revocable ICS) and deleting an account with everything in it."""
import datetime
import re

from helpers import PASSWORD, add_contact, add_family, capture, feed_url, text
from icalendar import Calendar

from journal.db import db, is_sqlite
from journal.models import User
from journal.search_index import USER_SHIFT


def test_calendar_feed_parses_and_lists_dates_promises_and_gestures(ada, client):
    cid = add_contact(ada, name="Zoë Martin")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    add_family(ada, cid, name="Leap", day="29", month="2")
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "Wedding", "day": "1", "month": "6"})
    ada.post(f"/people/{cid}/promises", data={"text": "send the brochure", "due_on": "2026-12-01"})
    ada.post(f"/people/{cid}/gestures", data={"text": "Call on her birthday", "due_on": "2026-12-03"})
    url = feed_url(ada)
    response = client.get(url)  # no login needed: the token is the key
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert "Léa's birthday (Zoë Martin's family)" in events
    assert "Wedding: Zoë Martin" in events
    assert "Promised Zoë Martin: send the brochure" in events
    assert "Extra mile for Zoë Martin: Call on her birthday" in events
    lea = events["Léa's birthday (Zoë Martin's family)"]
    assert lea["rrule"]["FREQ"] == ["YEARLY"] and lea.decoded("dtstart").month == 12
    leap = events["Leap's birthday (Zoë Martin's family)"]
    assert leap["rrule"]["BYMONTHDAY"] == [-1] and leap["rrule"]["BYMONTH"] == [2]
    assert events["Promised Zoë Martin: send the brochure"].decoded("dtstart") == datetime.date(2026, 12, 1)


def test_revoked_or_renewed_feed_answers_404(ada, bob, client):
    add_contact(ada)
    old = feed_url(ada)
    ada.post("/account/calendar", data={"action": "renew"})
    assert client.get(old).status_code == 404
    new = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', text(ada.get("/account"))).group(1)
    assert new != old and client.get(new).status_code == 200
    ada.post("/account/calendar", data={"action": "off"})
    assert client.get(new).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    # Bob's feed holds none of Ada's dates.
    bob_cal = Calendar.from_ical(client.get(feed_url(bob)).data)
    assert list(bob_cal.walk("VEVENT")) == []


def test_delete_account_needs_the_password_and_removes_every_row(app, ada, bob):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", interests="violin")
    capture(ada, [cid], note="private", promise_text="x", promise_due="2026-12-01", gift_idea="book")
    ada.post(f"/people/{cid}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
    ada.post("/account/calendar", data={"action": "on"})
    bob_contact = add_contact(bob, name="Bob's client")
    if is_sqlite():
        with app.app_context():  # Ada's entries are in her rowid range before, as the check after assumes
            uid = ada.user.id
            assert db.execute_sql("SELECT count(*) FROM search_index WHERE rowid >= ? AND rowid < ?",
                                  (uid << USER_SHIFT, (uid + 1) << USER_SHIFT)).fetchone()[0] >= 6
    wrong = ada.post("/account/delete", data={"confirm_password": "not my password"})
    assert wrong.status_code == 422 and "That is not your password." in text(wrong)
    done = ada.post("/account/delete", data={"confirm_password": PASSWORD})
    assert done.status_code == 302 and "storage" in done.headers["Clear-Site-Data"]
    assert ada.get("/").status_code == 302  # logged out
    with app.app_context():
        uid = ada.user.id
        assert User.get_or_none(User.id == uid) is None
        tables = [t for t in db.get_tables() if t not in ("user", "schema_migration") and not t.startswith(("search_index_", "sqlite_"))]
        for table in tables:
            columns = [c.name for c in db.get_columns(table)]
            if "user_id" in columns:
                left = db.execute_sql(f'SELECT count(*) FROM "{table}" WHERE user_id = {db.param}', (uid,)).fetchone()[0]
                assert left == 0, table
        if is_sqlite():  # FTS5 keeps the owner in its rowid's high bits; PostgreSQL's index has a user_id column, checked above
            left = db.execute_sql("SELECT count(*) FROM search_index WHERE rowid >= ? AND rowid < ?",
                                  (uid << USER_SHIFT, (uid + 1) << USER_SHIFT)).fetchone()[0]
            assert left == 0
        assert db.execute_sql(f"SELECT count(*) FROM contact WHERE id = {db.param}", (bob_contact,)).fetchone()[0] == 1
    assert "Bob&#39;s client" in text(bob.get("/people/"))


def test_account_page_title_is_plain_and_sections_appear_once(ada):
    html = text(ada.get("/account"))
    assert "<title>Account · Rapport</title>" in html
    assert html.count('id="calendar-title"') == 1 and html.count('id="delete-title"') == 1
