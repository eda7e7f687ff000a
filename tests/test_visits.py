"""Planned visits (issue 18, item 4): planned by hand or from a note, shown on the brief, Today and the calendar feed,
marked done by a touch only when the user says so; left out of every count of touches."""
import datetime
import io
import json
import re

from helpers import PASSWORD, add_contact, capture, feed_url, text
from icalendar import Calendar
from openpyxl import load_workbook

from journal import clock
from journal.exports import SHEETS
from journal.models import Contact, PlannedVisit, Touch, User
from journal.models.today import due_for_touch, needing_attention
from journal.templating import visit_day

TODAY = clock.today()
DAY = datetime.timedelta(days=1)


def plan(session, cid, on, at="", note="", target="contact-visits"):
    """Plan a visit through the brief's form, as htmx does."""
    return session.post(f"/people/{cid}/visits", data={"visit_on": str(on), "visit_at": at, "visit_note": note},
                        htmx_target=target)


def make_visit(app, cid, on, at=None, note=""):
    """A planned visit stored directly (a past day cannot be planned through the form); its id."""
    with app.app_context():
        return PlannedVisit.plan(Contact.get_by_id(cid), on, at=at, note=note).id


def said(on, at=None):
    """How the brief says a visit's day: 'Wed 15 Apr' (', 10:00')."""
    return visit_day(PlannedVisit(on=on, at=at), TODAY)


def test_plan_stores_a_visit_and_a_second_on_the_same_day_updates_its_time(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    day = TODAY + 3 * DAY
    with app.app_context():
        zoe = Contact.get_by_id(cid)
        first = PlannedVisit.plan(zoe, day, note="the new warehouse")
        again = PlannedVisit.plan(zoe, day, at=datetime.time(10, 0))
        assert again.id == first.id
        stored = PlannedVisit.get_by_id(first.id)
        assert (stored.on, stored.at, stored.note, stored.user_id) == (day, datetime.time(10, 0), "the new warehouse", zoe.user_id)
        assert PlannedVisit.select().count() == 1
        other_day = PlannedVisit.plan(zoe, day + DAY)
        assert other_day.id != first.id
        assert PlannedVisit.next_for(zoe, TODAY).id == first.id


def test_plan_by_hand_on_the_brief(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    day = TODAY + 2 * DAY
    response = plan(ada, cid, day, at="10:00", note="the new warehouse")
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="contact-visits"')
    assert f"Next visit: {said(day, datetime.time(10, 0))}" in html and "the new warehouse" in html
    page = text(ada.get(f"/people/{cid}"))
    assert f"Next visit: {said(day, datetime.time(10, 0))}" in page
    assert page.index('id="contact-visits"') < page.index('id="contact-dates"')  # near the top
    with app.app_context():
        visit = PlannedVisit.get()
        assert (visit.contact_id, visit.on, visit.at, visit.note, visit.done_at) == (
            cid, day, datetime.time(10, 0), "the new warehouse", None)
    # Without a time: the day alone. A plain form (no htmx) is redirected back to the brief.
    plain = ada.post(f"/people/{cid}/visits", data={"visit_on": str(TODAY), "visit_at": "", "visit_note": ""})
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"/people/{cid}#contact-visits")
    assert f"Next visit: {said(TODAY)}<" in text(ada.get(f"/people/{cid}"))


def test_plan_validation_keeps_the_values(app, ada):
    cid = add_contact(ada)
    past = plan(ada, cid, TODAY - DAY, at="09:30", note="the warehouse")
    html = text(past)
    assert past.status_code == 422 and "That day has passed" in html
    assert f'value="{TODAY - DAY}"' in html and 'value="09:30"' in html and 'value="the warehouse"' in html
    assert html.index("That day has passed") > html.index('id="visit_on"')  # by its field
    missing = plan(ada, cid, "", note="the warehouse")
    assert missing.status_code == 422 and "Which day is the visit?" in text(missing)
    bad_time = plan(ada, cid, TODAY, at="25:99")
    assert bad_time.status_code == 422 and "That day has passed" not in text(bad_time)
    too_long = plan(ada, cid, TODAY, note="x" * 201)
    assert too_long.status_code == 422
    with app.app_context():
        assert PlannedVisit.select().count() == 0


def test_plan_needs_csrf_and_ones_own_contact(app, ada, bob):
    cid = add_contact(ada)
    no_token = ada.client.post(f"/people/{cid}/visits", data={"visit_on": str(TODAY)})
    assert no_token.status_code == 400
    assert plan(bob, cid, TODAY).status_code == 404
    with app.app_context():
        assert PlannedVisit.select().count() == 0


def test_today_lists_the_days_visits_only(app, ada):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Walsh", phones="", emails="")
    plan(ada, zoe, TODAY, at="14:30", note="the new warehouse")
    plan(ada, tom, TODAY + DAY, note="tomorrow's")
    html = text(ada.get("/"))
    section = html.split('id="today-visits"', 1)[1].split("</section>", 1)[0]
    assert "Planned today" in section and "Zoë Martin" in section and "14:30" in section and "the new warehouse" in section
    assert "Tom Walsh" not in section and "tomorrow&#39;s" not in html
    assert f'href="/people/{zoe}"' in section and f'href="/capture?contact={zoe}"' in section
    with app.app_context():
        user = User.get_by_id(ada.user.id)
        assert [v.contact.name for v in PlannedVisit.on_day(user, TODAY + DAY)] == ["Tom Walsh"]


def test_today_without_visits_has_no_section(ada):
    add_contact(ada)
    assert 'id="today-visits"' not in text(ada.get("/"))


def test_calendar_feed_has_timed_and_all_day_visits(app, ada, client):
    cid = add_contact(ada, name="Zoë Martin")
    day = TODAY + 5 * DAY
    plan(ada, cid, day, at="10:00", note="the new warehouse")
    plan(ada, cid, day + DAY)
    done = make_visit(app, cid, day + 2 * DAY)
    with app.app_context():
        PlannedVisit.get_by_id(done).mark_done()
    url = feed_url(ada)
    events = [e for e in Calendar.from_ical(client.get(url).data).walk("VEVENT") if str(e["summary"]).startswith("Visit")]
    assert [str(e["summary"]) for e in events] == ["Visit: Zoë Martin", "Visit: Zoë Martin"]  # not the done one
    timed, all_day = events
    assert timed.decoded("dtstart") == datetime.datetime.combine(day, datetime.time(10, 0))
    assert timed.decoded("dtend") == datetime.datetime.combine(day, datetime.time(11, 0))
    assert str(timed["description"]) == "the new warehouse"
    assert all_day.decoded("dtstart") == day + DAY and all_day.decoded("dtend") == day + 2 * DAY
    again = [e for e in Calendar.from_ical(client.get(url).data).walk("VEVENT") if str(e["summary"]).startswith("Visit")]
    assert [str(e["uid"]) for e in again] == [str(e["uid"]) for e in events]
    assert len({str(e["uid"]) for e in events}) == 2


def test_a_planned_visit_changes_no_count_of_touches(app, ada):
    cid = add_contact(ada, name="Zoë Martin", cadence_days="7")
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=30)).where(Contact.id == cid).execute()
    before = text(ada.get(f"/people/{cid}"))
    plan(ada, cid, TODAY, at="10:00")
    make_visit(app, cid, TODAY - 3 * DAY)
    with app.app_context():
        user = User.get_by_id(ada.user.id)
        contact = Contact.get_by_id(cid)
        assert contact.last_touch_at is None and Touch.select().count() == 0
        assert [c.id for c in due_for_touch(user, TODAY)] == [cid]  # still due: cadence untouched
        (dropped, _), (not_asked, _) = needing_attention(user, TODAY, 10)
        assert dropped == [] and not_asked == []
        assert Touch.balance(cid, datetime.datetime.combine(TODAY - 365 * DAY, datetime.time())) in (None, (None, None, None), (0, 0, 0))
    today = text(ada.get("/"))
    due = today.split('id="today-due"', 1)[1].split("</section>", 1)[0]
    assert "Zoë Martin" in due and "No touch yet" in due
    after = text(ada.get(f"/people/{cid}"))
    touches = lambda html: html.split('id="contact-touches"', 1)[1].split("</section>", 1)[0]  # noqa: E731
    assert touches(after) == touches(before)


def test_capture_after_the_day_offers_to_mark_the_visit_done(app, ada):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Walsh", phones="", emails="")
    visit = make_visit(app, zoe, TODAY - 2 * DAY, note="the new warehouse")
    later = make_visit(app, zoe, TODAY + 5 * DAY)
    brief = text(ada.get(f"/people/{zoe}"))
    assert f"Planned visit on {said(TODAY - 2 * DAY)}: done?" in brief  # its day has passed
    saved = capture(ada, [tom], note="Talked to Tom")  # someone else: no offer for Zoë
    assert "You had a visit planned" not in text(ada.get(f"/people/{zoe}"))
    saved = capture(ada, [zoe], note="Saw the warehouse")
    landing = text(ada.get(saved.headers["Location"]))
    assert f"You had a visit planned on {said(TODAY - 2 * DAY)}." in landing and "Mark it done" in landing
    assert f"Next visit: {said(TODAY + 5 * DAY)}" in landing
    with app.app_context():
        touch = Touch.get(Touch.note == "Saw the warehouse")
        assert PlannedVisit.get_by_id(visit).done_at is None  # nothing is marked by itself
    assert re.search(rf'name="touch" value="{touch.id}"', landing)
    tapped = ada.post(f"/visits/{visit}/done", data={"touch": str(touch.id)}, htmx_target="contact-visits")
    assert tapped.status_code == 200 and "You had a visit planned" not in text(tapped)
    with app.app_context():
        done = PlannedVisit.get_by_id(visit)
        assert done.done_touch_id == touch.id and done.done_at is not None
        assert PlannedVisit.get_by_id(later).done_at is None
    assert "Planned visit on" not in text(ada.get(f"/people/{zoe}"))


def test_a_capture_on_the_visits_day_offers_it_too_and_the_capture_stays_as_it_was(app, ada):
    zoe = add_contact(ada, name="Zoë Martin")
    visit = make_visit(app, zoe, TODAY, at=datetime.time(9, 0))
    saved = capture(ada, [zoe], note="Visited")
    assert saved.status_code == 303
    landing = text(ada.get(saved.headers["Location"]))
    assert f"You had a visit planned on {said(TODAY, datetime.time(9, 0))}." in landing
    assert "Next visit" not in landing  # the offered one is not announced as still to come
    # A touch dated before the visit's day is not offered for it.
    future = make_visit(app, zoe, TODAY + 3 * DAY)
    with app.app_context():
        touch = Touch.get(Touch.note == "Visited")
    assert ada.post(f"/visits/{future}/done", data={"touch": str(touch.id)}).status_code == 404
    with app.app_context():
        assert PlannedVisit.get_by_id(future).done_at is None and PlannedVisit.get_by_id(visit).done_at is None


def test_a_passed_visit_is_marked_done_or_cancelled_from_the_brief(app, ada):
    cid = add_contact(ada)
    first = make_visit(app, cid, TODAY - 5 * DAY)
    second = make_visit(app, cid, TODAY - DAY)
    done = ada.post(f"/visits/{first}/done", data={}, htmx_target="contact-visits")
    assert done.status_code == 200 and said(TODAY - 5 * DAY) not in text(done) and said(TODAY - DAY) in text(done)
    cancelled = ada.post(f"/visits/{second}/cancel")
    assert cancelled.status_code == 302
    with app.app_context():
        assert PlannedVisit.get_by_id(first).done_at is not None and PlannedVisit.get_by_id(first).done_touch_id is None
        assert PlannedVisit.get_or_none(PlannedVisit.id == second) is None


def test_another_users_visits_and_touches_answer_404(app, ada, bob):
    cid = add_contact(ada)
    visit = make_visit(app, cid, TODAY - DAY)
    bobs = add_contact(bob, name="Bob's client")
    capture(bob, [bobs], note="Bob's touch")
    with app.app_context():
        bobs_touch = Touch.get(Touch.note == "Bob's touch")
    for url in (f"/visits/{visit}/done", f"/visits/{visit}/cancel"):
        assert bob.post(url, data={}).status_code == 404
    assert ada.post(f"/visits/{visit}/done", data={"touch": str(bobs_touch.id)}).status_code == 404
    capture(ada, [add_contact(ada, name="Someone Else", phones="", emails="")], note="Not with them")
    with app.app_context():
        other = Touch.get(Touch.note == "Not with them")
    assert ada.post(f"/visits/{visit}/done", data={"touch": str(other.id)}).status_code == 404  # not with the contact
    with app.app_context():
        assert PlannedVisit.get_by_id(visit).done_at is None
    assert "Planned visit on" not in text(bob.get(f"/people/{bobs}"))


def test_backup_round_trip_and_a_damaged_visit_is_refused(app, ada, login):
    cid = add_contact(ada, name="Zoë Martin")
    plan(ada, cid, TODAY + DAY, at="10:00", note="the new warehouse")
    passed = make_visit(app, cid, TODAY - DAY)
    capture(ada, [cid], note="Went")
    with app.app_context():
        touch = Touch.get()
        PlannedVisit.get_by_id(passed).mark_done(touch)
    original = ada.get("/backup.json").get_json()
    visits = original["contacts"][0]["planned_visits"]
    assert [(v["on"], v["at"], v["note"], v["done_touch"] is not None) for v in visits] == [
        (str(TODAY + DAY), "10:00", "the new warehouse", False), (str(TODAY - DAY), None, "", True)]
    carl = login("carl@example.com")
    restored = carl.post("/restore", data={"backup": (io.BytesIO(json.dumps(original).encode()), "b.json")},
                         content_type="multipart/form-data")
    assert restored.status_code == 302
    again = carl.get("/backup.json").get_json()
    strip = lambda data: [{**v, "done_touch": v["done_touch"] is not None} for v in data["contacts"][0]["planned_visits"]]  # noqa: E731
    assert strip(again) == strip(original)
    with app.app_context():
        carls = PlannedVisit.for_user(User.by_email("carl@example.com")).order_by(PlannedVisit.id)
        assert Touch.get_by_id(carls[1].done_touch_id).note == "Went"
    damages = ({"at": "25:00"}, {"on": "2026-02-31"}, {"on": None}, {"note": "x" * 201}, {"at": "10:00+02:00"})
    for n, damage in enumerate(damages):
        broken = json.loads(json.dumps(original))
        broken["contacts"][0]["planned_visits"][0].update(damage)
        dora = login(f"dora{n}@example.com")
        response = dora.post("/restore", data={"backup": (io.BytesIO(json.dumps(broken).encode()), "b.json")},
                             content_type="multipart/form-data")
        assert response.status_code == 422 and "planned visit" in text(response), damage
        with app.app_context():
            assert not Contact.for_user(User.by_email(dora.user.email)).exists()


def test_export_has_a_planned_visits_sheet_with_real_dates(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    plan(ada, cid, TODAY + DAY, at="10:00", note="the new warehouse")
    book = load_workbook(io.BytesIO(ada.get("/export.xlsx").data))
    sheet = [list(r) for r in book["Planned visits"].iter_rows(values_only=True)]
    assert sheet[0] == SHEETS["Planned visits"]
    row = dict(zip(sheet[0], sheet[1]))
    assert row["day"] == datetime.datetime.combine(TODAY + DAY, datetime.time())
    assert (row["contact"], row["time"], row["about"], row["status"], row["done"]) == (
        "Zoë Martin", "10:00", "the new warehouse", "planned", None)


def test_deleting_a_touch_a_contact_or_the_account_takes_the_visits_along(app, ada, bob):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Walsh", phones="", emails="")
    capture(ada, [zoe], note="Read from this note")
    with app.app_context():
        touch = Touch.get()
        from_note = PlannedVisit.plan(Contact.get_by_id(zoe), TODAY + DAY, source_touch=touch).id
    make_visit(app, tom, TODAY + DAY)
    bobs = add_contact(bob, name="Bob's client")
    plan(bob, bobs, TODAY)
    assert ada.post(f"/touches/{touch.id}/delete").status_code in (200, 302, 303)
    with app.app_context():
        assert PlannedVisit.get_by_id(from_note).source_touch_id is None  # the visit stays, its source is gone
    assert ada.post(f"/people/{zoe}/delete").status_code == 302
    with app.app_context():
        assert [v.contact_id for v in PlannedVisit.select()] == [tom, bobs]
    assert ada.post("/account/delete", data={"confirm_password": PASSWORD}).status_code == 302
    with app.app_context():
        assert [v.contact_id for v in PlannedVisit.select()] == [bobs]


def test_today_and_the_brief_read_the_visits_in_one_statement_however_many(app, ada):
    from test_sections import Statements

    people = [add_contact(ada, name=f"Person {n}", phones="", emails="") for n in range(6)]
    plan(ada, people[0], TODAY, at="09:00")
    ada.get("/")

    def statements(url):
        with Statements() as seen:
            assert ada.get(url).status_code == 200
        return len(seen.sql)

    one_today, one_brief = statements("/"), statements(f"/people/{people[0]}")
    for n, cid in enumerate(people[1:], 1):
        plan(ada, cid, TODAY, at=f"1{n}:00")
        plan(ada, people[0], TODAY + n * DAY)
    many_today, many_brief = statements("/"), statements(f"/people/{people[0]}")
    assert many_today == one_today and many_brief == one_brief
    assert text(ada.get("/")).count('aria-label="Done: capture the visit with') == 6
