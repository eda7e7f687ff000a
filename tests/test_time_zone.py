"""A time zone per user (issue 18, item 5): taken from the browser at sign-up and login, chosen by hand in Account,
and followed by "today", due dates, the touch form's check, the calendar feed and background jobs.

"Now" is frozen at 23:30 UTC on 10 March 2026 through journal/clock.py's one reading of the clock (utc_now): a user
in Pacific/Auckland (UTC+13) is then at 12:30 on 11 March, one in America/Los_Angeles (UTC-7) at 16:30 on 10 March.
"""
import csv
import datetime
import io
import re
import zipfile

import pytest
from helpers import add_contact, capture, csrf_from, feed_url, text

from journal import clock, create_app, job_files, migrate, tasks
from journal.db import db
from journal.models import Job, Promise, User

FROZEN = datetime.datetime(2026, 3, 10, 23, 30, 12, tzinfo=datetime.timezone.utc)
AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"


@pytest.fixture
def frozen(monkeypatch):
    """The clock stopped at FROZEN (23:30 UTC, 10 March 2026)."""
    monkeypatch.setattr(clock, "utc_now", lambda: FROZEN)


def zone_of(app, email):
    """(time_zone, time_zone_fixed) of the account with this email."""
    with app.app_context():
        user = User.by_email(email)
        return user.time_zone, user.time_zone_fixed


def set_zone(app, session, zone):
    """Put the session's user in `zone` (as a login from a browser there would)."""
    with app.app_context():
        User.update(time_zone=zone).where(User.id == session.user.id).execute()


def sign_up(client, email, **extra):
    """Sign up through the form, with whatever else the browser sends; the response."""
    token = csrf_from(text(client.get("/signup")))
    return client.post("/signup", data={"email": email, "password": "correct horse battery",
                                        "confirm": "correct horse battery", "csrf_token": token, **extra})


def log_in(client, email, **extra):
    """Log in through the form; the response."""
    token = csrf_from(text(client.get("/login")))
    return client.post("/login", data={"email": email, "password": "correct horse battery", "csrf_token": token, **extra})


# --- the column ------------------------------------------------------------------------------------------------


def test_the_migration_gives_existing_users_the_server_zone(tmp_path, database_url):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url})
    with app.app_context():
        migrate.upgrade(target="0015_search_folding", backup_dir=str(tmp_path / "b"))
        db.execute_sql("""INSERT INTO "user" (email, password_hash, session_token, created_at)
                          VALUES ('old@example.com', 'h', 't', '2026-01-01')""")
        applied, _ = migrate.upgrade(backup_dir=str(tmp_path / "b"))
        assert "0016_time_zones" in applied
        row = db.execute_sql("""SELECT time_zone, time_zone_fixed FROM "user" WHERE email = 'old@example.com'""").fetchone()
        assert row[0] == clock.server_zone_name() and clock.valid_zone(row[0])
        assert not row[1]
    db.close()


def test_users_made_without_a_browser_keep_the_server_zone(app, ada):
    assert zone_of(app, "ada@example.com") == (clock.server_zone_name(), False)


# --- sign-up and login -----------------------------------------------------------------------------------------


def test_the_forms_carry_a_field_for_the_browser_zone(client):
    for url in ("/signup", "/login"):
        assert re.search(r'<input data-browser-zone id="time_zone" name="time_zone" type="hidden" value="">',
                         text(client.get(url))), url


def test_sign_up_takes_the_browser_zone(app, client):
    response = sign_up(client, "kiri@example.com", time_zone=AUCKLAND)
    assert response.status_code == 302
    assert zone_of(app, "kiri@example.com") == (AUCKLAND, False)


@pytest.mark.parametrize("sent", [{}, {"time_zone": ""}, {"time_zone": "Mars/Olympus_Mons"}, {"time_zone": "x" * 300},
                                  {"time_zone": "../../etc/passwd"}])
def test_sign_up_without_a_valid_zone_still_works_in_utc(app, client, sent):
    response = sign_up(client, "kiri@example.com", **sent)
    assert response.status_code == 302
    assert zone_of(app, "kiri@example.com") == ("UTC", False)


def test_login_follows_the_browser_zone(app, make_user):
    make_user("ada@example.com", "correct horse battery")
    assert log_in(app.test_client(), "ada@example.com", time_zone=LOS_ANGELES).status_code == 302
    assert zone_of(app, "ada@example.com") == (LOS_ANGELES, False)
    # A trip abroad: the phone's zone follows.
    assert log_in(app.test_client(), "ada@example.com", time_zone=AUCKLAND).status_code == 302
    assert zone_of(app, "ada@example.com") == (AUCKLAND, False)


@pytest.mark.parametrize("sent", [{}, {"time_zone": ""}, {"time_zone": "Europe/Atlantis"}, {"time_zone": "\x00"}])
def test_login_ignores_a_missing_or_unknown_zone(app, make_user, sent):
    make_user("ada@example.com", "correct horse battery")
    with app.app_context():
        User.update(time_zone=AUCKLAND).execute()
    assert log_in(app.test_client(), "ada@example.com", **sent).status_code == 302
    assert zone_of(app, "ada@example.com") == (AUCKLAND, False)


def test_a_zone_chosen_by_hand_sticks_at_login(app, ada):
    response = ada.post("/account/time-zone", data={"time_zone": "Europe/Berlin"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#time-zone")
    assert zone_of(app, "ada@example.com") == ("Europe/Berlin", True)
    assert log_in(app.test_client(), "ada@example.com", time_zone=AUCKLAND).status_code == 302
    assert zone_of(app, "ada@example.com") == ("Europe/Berlin", True)


# --- Account ---------------------------------------------------------------------------------------------------


def test_account_shows_the_zone_selected_and_saves_a_new_one(app, ada):
    set_zone(app, ada, AUCKLAND)
    page = text(ada.get("/account"))
    assert '<option selected value="Pacific/Auckland">Auckland</option>' in page
    assert '<optgroup label="Europe">' in page and "Each login takes it from your browser" in page
    response = ada.post("/account/time-zone", data={"time_zone": LOS_ANGELES}, follow_redirects=True)
    page = text(response)
    assert response.status_code == 200 and "Time zone set to America/Los_Angeles." in page
    assert '<option selected value="America/Los_Angeles">Los Angeles</option>' in page
    assert "You chose it: logging in elsewhere keeps it." in page


@pytest.mark.parametrize("bad", ["", "Mars/Olympus_Mons", "x" * 500])
def test_account_refuses_a_zone_that_does_not_exist(app, ada, bad):
    set_zone(app, ada, AUCKLAND)
    response = ada.post("/account/time-zone", data={"time_zone": bad})
    assert response.status_code == 422
    assert 'id="time_zone-error">Choose a time zone from the list.' in text(response)
    assert "<select" in text(response)
    assert zone_of(app, "ada@example.com") == (AUCKLAND, False)


def test_changing_the_zone_needs_the_csrf_token(app, ada):
    response = ada.client.post("/account/time-zone", data={"time_zone": "Europe/Berlin"})
    assert response.status_code == 400
    assert zone_of(app, "ada@example.com")[0] != "Europe/Berlin"


# --- the user's clock ------------------------------------------------------------------------------------------


def test_the_clock_reads_the_user_zone(app, frozen):
    auckland, los_angeles = User(time_zone=AUCKLAND), User(time_zone=LOS_ANGELES)
    assert clock.now(auckland) == datetime.datetime(2026, 3, 11, 12, 30)
    assert clock.today(auckland) == datetime.date(2026, 3, 11)
    assert clock.now(los_angeles) == datetime.datetime(2026, 3, 10, 16, 30)
    assert clock.today(los_angeles) == datetime.date(2026, 3, 10)
    assert clock.zone(auckland).key == AUCKLAND
    assert clock.local(datetime.datetime(2026, 3, 10, 23, 30), los_angeles) == datetime.datetime(2026, 3, 10, 16, 30)
    # Without a user (the CLI, a sweep): the server's local clock.
    assert clock.now() == FROZEN.astimezone().replace(tzinfo=None, second=0)
    with app.test_request_context("/"):
        assert clock.now() == FROZEN.astimezone().replace(tzinfo=None, second=0)  # nobody signed in


@pytest.mark.parametrize("zone, overdue", [(AUCKLAND, True), (LOS_ANGELES, False)])
def test_today_says_overdue_by_the_user_day(app, ada, frozen, zone, overdue):
    set_zone(app, ada, zone)
    cid = add_contact(ada)
    assert ada.post(f"/people/{cid}/promises", data={"text": "Send the brochure", "due_on": "2026-03-10"}).status_code == 302
    page = text(ada.get("/"))
    assert "Send the brochure" in page
    assert ("Overdue since 10 Mar" in page) is overdue
    assert ("Due today" in page) is not overdue
    assert ("Wednesday 11 March 2026" if overdue else "Tuesday 10 March 2026") in page


def test_a_promise_done_late_evening_at_home_is_on_time(app, ada, frozen):
    """Done at 16:30 on its due day in Los Angeles (already the next day in UTC): kept on time."""
    set_zone(app, ada, LOS_ANGELES)
    cid = add_contact(ada)
    ada.post(f"/people/{cid}/promises", data={"text": "Send the brochure", "due_on": "2026-03-10"})
    with app.app_context():
        promise = Promise.get()
    ada.post(f"/promises/{promise.id}/done")
    with app.app_context():
        promise = Promise.get()
        assert promise.done_at == datetime.datetime(2026, 3, 10, 16, 30)
        assert promise.status(datetime.date(2026, 3, 10)) == "on time"
    assert "Promises kept on time: <strong>100%</strong>" in text(ada.get("/"))


@pytest.mark.parametrize("zone, status", [(AUCKLAND, 303), (LOS_ANGELES, 422)])
def test_a_touch_in_the_future_is_judged_by_the_user_now(app, ada, frozen, zone, status):
    """Allowed up to a day ahead of the user's own now: 20:00 on 11 March is 7:30 ahead in Auckland, 27:30 in LA."""
    set_zone(app, ada, zone)
    cid = add_contact(ada)
    response = capture(ada, [cid], happened_at="2026-03-11T20:00")
    assert response.status_code == status
    assert ("That time is in the future." in text(response)) is (status == 422)


def test_a_capture_without_a_time_takes_the_user_now(app, ada, frozen):
    set_zone(app, ada, AUCKLAND)
    cid = add_contact(ada)
    assert capture(ada, [cid], promise_text="Call back", promise_due="2026-03-12").status_code == 303
    with app.app_context():
        from journal.models import Touch

        assert Touch.get().happened_at == datetime.datetime(2026, 3, 11, 12, 30)
    # The capture form's promise is due in a week of the user's days.
    assert 'value="2026-03-18"' in text(ada.get("/capture"))


# --- the calendar feed and background jobs ----------------------------------------------------------------------


@pytest.mark.parametrize("zone, first", [(AUCKLAND, "20270310"), (LOS_ANGELES, "20260310")])
def test_the_calendar_feed_counts_from_the_user_day(app, ada, frozen, zone, first):
    """An anniversary on 10 March: still to come in Los Angeles (its day), past in Auckland (next year's)."""
    set_zone(app, ada, zone)
    cid = add_contact(ada)
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "Wedding", "day": "10", "month": "3", "year": ""},
             htmx_target="contact-dates")
    feed = text(ada.client.get(feed_url(ada)))
    assert f"X-WR-TIMEZONE:{zone}" in feed
    event = feed.split("SUMMARY:Wedding")[0].rsplit("BEGIN:VEVENT", 1)[1] + feed.split("SUMMARY:Wedding")[1].split("END:VEVENT")[0]
    assert f"DTSTART;VALUE=DATE:{first}" in event


def test_an_export_job_uses_its_user_zone(app, ada, frozen):
    """The job runs without a request (the Huey consumer): "today" is its user's, not the server's."""
    set_zone(app, ada, AUCKLAND)
    cid = add_contact(ada)
    ada.post(f"/people/{cid}/promises", data={"text": "Send the brochure", "due_on": "2026-03-10"})
    with app.app_context():
        job = Job.create(user=ada.user.id, kind="export", format="zip", total=1, file=job_files.new_name("zip"))
        job_id, name = job.id, job.file
        db.close()
    with app.app_context():
        tasks.write_export(job_id)  # as the consumer does: in the app's context, outside any request
        assert Job.get_by_id(job_id).status == "done"
        with zipfile.ZipFile(job_files.path(name)) as archive:
            member = next(n for n in archive.namelist() if "romise" in n)
            rows = list(csv.reader(io.TextIOWrapper(archive.open(member), encoding="utf-8-sig")))
    assert rows[1][-1] == "overdue", rows  # 10 March is yesterday in Auckland (the server's UTC day says "open")
