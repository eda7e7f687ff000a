"""Today: promises due, people due for a touch, dates in the next 14 days, people needing attention."""
import datetime
import re

from helpers import add_contact, add_family, capture, text

from journal.models import Contact, Promise, User, due_for_touch, needing_attention, upcoming_dates

D = datetime.date
TODAY = datetime.date.today()


def _promise(app, user_id, contact_id, text_, due, done=None):
    with app.app_context():
        return Promise.create(user=user_id, contact=contact_id, text=text_, due_on=due, done_at=done).id


def test_kept_on_time_rate_counts_on_time_late_and_overdue(app, ada):
    cid = add_contact(ada)
    other = add_contact(ada, name="Tom Walsh")
    uid = ada.user.id
    at = lambda d: datetime.datetime.combine(d, datetime.time(17))  # noqa: E731
    _promise(app, uid, cid, "on time", TODAY - datetime.timedelta(days=10), at(TODAY - datetime.timedelta(days=11)))
    _promise(app, uid, cid, "on the day", TODAY - datetime.timedelta(days=5), at(TODAY - datetime.timedelta(days=5)))
    _promise(app, uid, cid, "late", TODAY - datetime.timedelta(days=10), at(TODAY - datetime.timedelta(days=2)))
    _promise(app, uid, cid, "open, overdue", TODAY - datetime.timedelta(days=1))
    _promise(app, uid, cid, "open, not yet due", TODAY + datetime.timedelta(days=3))
    _promise(app, uid, other, "Tom on time", TODAY - datetime.timedelta(days=3), at(TODAY - datetime.timedelta(days=3)))
    with app.app_context():
        user = User.get_by_id(uid)
        assert Promise.kept_rate(user, TODAY, contact=cid) == (50, 2, 4)
        assert Promise.kept_rate(user, TODAY, contact=other) == (100, 1, 1)
        assert Promise.kept_rate(user, TODAY) == (60, 3, 5)
    assert "Promises kept on time: <strong>60%</strong>" in text(ada.get("/"))
    assert "Kept on time: <strong>50%</strong>" in text(ada.get(f"/people/{cid}"))


def test_today_sections_in_order_with_one_tap_actions(app, ada):
    cid = add_contact(ada, cadence_days="30")
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=60)).execute()
    add_family(ada, cid, name="Léa", day=str((TODAY + datetime.timedelta(days=3)).day),
               month=str((TODAY + datetime.timedelta(days=3)).month), year="2017")
    capture(ada, [cid], pulse="5", happened_at=(datetime.datetime.now() - datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"))
    capture(ada, [cid], pulse="2", happened_at=(datetime.datetime.now() - datetime.timedelta(days=35)).strftime("%Y-%m-%dT%H:%M"))
    pid = _promise(app, ada.user.id, cid, "send the brochure", TODAY - datetime.timedelta(days=2))
    html = text(ada.get("/"))
    positions = [html.index(s) for s in ("Promises due", "Time to get in touch", "Coming up in 14 days", "Needs attention")]
    assert positions == sorted(positions)
    assert "send the brochure" in html and "Overdue since" in html
    assert f'action="/promises/{pid}/done"' in html
    assert "Zoë Martin" in html.split("Time to get in touch")[1].split("Coming up")[0]
    years = TODAY.year + (1 if (TODAY + datetime.timedelta(days=3)).year > TODAY.year else 0) - 2017
    assert f"<strong>Léa</strong> turns {years}" in html
    assert "Their mood dropped: Delighted → Unhappy" in html
    # Done from Today, in place.
    done = ada.post(f"/promises/{pid}/done", htmx_target="today-promises")
    assert done.status_code == 200 and text(done).startswith('<section id="today-promises"')
    assert "send the brochure" not in text(done)
    with app.app_context():
        assert Promise.get_by_id(pid).done_at is not None


def test_a_touch_with_several_contacts_resets_each_cadence(app, ada):
    a = add_contact(ada, name="Ana Silva", cadence_days="14")
    b = add_contact(ada, name="Ben Okafor", cadence_days="30")
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=100)).execute()
        assert {c.name for c in due_for_touch(User.get_by_id(ada.user.id), TODAY)} == {"Ana Silva", "Ben Okafor"}
    capture(ada, [a, b], kind="meeting")
    with app.app_context():
        assert list(due_for_touch(User.get_by_id(ada.user.id), TODAY)) == []
        assert [c.name for c in due_for_touch(User.get_by_id(ada.user.id), TODAY + datetime.timedelta(days=14))] == ["Ana Silva"]
        later = [c.name for c in due_for_touch(User.get_by_id(ada.user.id), TODAY + datetime.timedelta(days=31))]
        assert later == ["Ana Silva", "Ben Okafor"]  # most overdue first


def test_snooze_hides_a_due_contact(app, ada):
    cid = add_contact(ada, cadence_days="7")
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=20)).execute()
    assert "Snooze Zoë Martin" in text(ada.get("/"))
    response = ada.post(f"/people/{cid}/snooze", data={"days": "7"}, htmx_target="today-due")
    assert response.status_code == 200 and "Zoë Martin" not in text(response)
    with app.app_context():
        assert Contact.get_by_id(cid).snoozed_until == TODAY + datetime.timedelta(days=7)
        assert list(due_for_touch(User.get_by_id(ada.user.id), TODAY + datetime.timedelta(days=7))) != []


def test_fourteen_day_window_across_the_year_end_and_29_february(app, ada):
    cid = add_contact(ada)
    for day, month, label in [(26, 12, "Boxing"), (2, 1, "New year"), (6, 1, "Too late"), (20, 12, "Past")]:
        ada.post(f"/people/{cid}/dates", data={"kind": "custom", "label": label, "day": str(day), "month": str(month), "year": "2000"})
    add_family(ada, cid, name="Leap", day="29", month="2", year="2012")
    with app.app_context():
        user = User.get_by_id(ada.user.id)
        window, total = upcoming_dates(user, D(2026, 12, 22))
        assert total == 2
        assert [(d.label, next_on) for next_on, d in window] == [("Boxing", D(2026, 12, 26)), ("New year", D(2027, 1, 2))]
        assert window[1][1].partial.years_at(window[1][0]) == 27
        leap, _ = upcoming_dates(user, D(2027, 2, 20))
        assert [(d.family_member_id is not None, next_on) for next_on, d in leap] == [(True, D(2027, 2, 28))]
        assert leap[0][1].partial.years_at(leap[0][0]) == 15
        assert upcoming_dates(user, D(2028, 3, 1)) == ([], 0)
        first, total = upcoming_dates(user, D(2026, 12, 22), limit=1)
        assert [d.label for _, d in first] == ["Boxing"] and total == 2


def _days_ago(days):
    """A capture form's time, `days` ago."""
    return (datetime.datetime.now() - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_needs_attention_means_not_asked_in_90_days_and_quiet_for_30(app, ada):
    """Nobody asked how they are in 90 days and no touch in 30: someone met today, or this month, is not on it
    (issue 19: people with ten touches today were listed)."""
    asked = add_contact(ada, name="Asked Recently")
    met_today = add_contact(ada, name="Met Today")
    quiet = add_contact(ada, name="Quiet Forty Days")
    add_contact(ada, name="Never Touched")
    capture(ada, [asked], pulse="4", happened_at=_days_ago(40))
    for _ in range(3):
        capture(ada, [met_today])
    capture(ada, [met_today], pulse="4", happened_at=_days_ago(120))
    capture(ada, [quiet], happened_at=_days_ago(40))
    with app.app_context():
        (dropped, dropped_total), (not_asked, not_asked_total) = needing_attention(User.get_by_id(ada.user.id), TODAY, 10)
        assert dropped == [] and dropped_total == 0
        assert [c.name for c in not_asked] == ["Quiet Forty Days"] and not_asked_total == 1


def test_a_dropped_mood_needs_attention_until_the_next_touch(app, ada):
    """A mood that dropped stays on the list until someone touches base again; not when met this week."""
    waiting = add_contact(ada, name="Dropped Ten Days Ago")
    followed_up = add_contact(ada, name="Followed Up Since")
    this_week = add_contact(ada, name="Dropped Today")
    for cid in (waiting, followed_up):
        capture(ada, [cid], pulse="4", happened_at=_days_ago(20))
        capture(ada, [cid], pulse="2", happened_at=_days_ago(10))
    capture(ada, [followed_up], happened_at=_days_ago(3))
    capture(ada, [this_week], pulse="5", happened_at=_days_ago(20))
    capture(ada, [this_week], pulse="1")
    with app.app_context():
        (dropped, dropped_total), _ = needing_attention(User.get_by_id(ada.user.id), TODAY, 10)
        assert [c.name for c in dropped] == ["Dropped Ten Days Ago"] and dropped_total == 1


def test_promise_from_the_brief_validation_and_isolation(app, ada, bob):
    cid = add_contact(ada)
    bad = ada.post(f"/people/{cid}/promises", data={"text": "call back", "due_on": ""}, htmx_target="contact-promises")
    assert bad.status_code == 422 and "When will you do it?" in text(bad) and 'value="call back"' in text(bad)
    ok = ada.post(f"/people/{cid}/promises", data={"text": "call back", "due_on": "2026-12-01"}, htmx_target="contact-promises")
    assert ok.status_code == 200 and "call back" in text(ok)
    with app.app_context():
        pid = Promise.get().id
    assert bob.post(f"/promises/{pid}/done").status_code == 404
    assert bob.post(f"/promises/{pid}/reopen").status_code == 404
    assert bob.post(f"/people/{cid}/promises", data={"text": "x", "due_on": "2026-12-01"}).status_code == 404
    assert bob.post(f"/people/{cid}/snooze").status_code == 404
    with app.app_context():
        assert Promise.get_by_id(pid).done_at is None and Promise.select().count() == 1
        assert Contact.get_by_id(cid).snoozed_until is None
    ada.post(f"/promises/{pid}/done")
    ada.post(f"/promises/{pid}/reopen")
    with app.app_context():
        assert Promise.get_by_id(pid).done_at is None


def test_empty_today_for_a_new_user(ada):
    html = text(ada.get("/"))
    assert "Nothing due today" in html and "Add a person" in html


def test_next_up_ranks_the_three_most_urgent_actions(app, ada):
    """Overdue promises first (most days overdue first), then what is today (a planned visit), then people overdue
    for a touch: the first three, each leading to the person."""
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Walsh")
    ann = add_contact(ada, name="Ann Lee")
    uid = ada.user.id
    _promise(app, uid, zoe, "send the brochure", TODAY - datetime.timedelta(days=2))
    _promise(app, uid, tom, "call back about the quote", TODAY - datetime.timedelta(days=5))
    assert ada.post(f"/people/{ann}/visits", data={"visit_on": str(TODAY), "visit_at": "15:00", "visit_note": ""},
                    htmx_target="contact-visits").status_code == 200
    with app.app_context():
        Contact.update(cadence_days=7, created_at=datetime.datetime.now() - datetime.timedelta(days=30)).where(
            Contact.id == zoe).execute()
    html = text(ada.get("/"))
    card = html[html.index('id="today-next"'):html.index("</section>", html.index('id="today-next"'))]
    rows = re.findall(r"<strong>(.*?)</strong>", card)
    assert rows == ["call back about the quote · Tom Walsh", "send the brochure · Zoë Martin", "Visit Ann Lee"]
    assert "Promise overdue by 5 days" in card and "Planned today at 15:00" in card
    assert f'href="/capture?contact={ann}"' in card  # the visit: capture it
    # The person overdue for a touch comes fourth: not shown.
    assert "Get in touch with Zoë Martin" not in card


def test_next_up_is_empty_when_nothing_is_urgent(app, ada):
    """No promise due, no visit or date today, nobody overdue: no card."""
    add_contact(ada, name="Zoë Martin")
    assert 'id="today-next"' not in text(ada.get("/"))
