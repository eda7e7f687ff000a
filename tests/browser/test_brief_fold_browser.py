"""The brief on one screen (issue 19, items 1–3): on a Pixel 7, for demo people with an open promise and three
touches, the open promises and the last touch end above the fixed bottom bar; "Ask about" is there too; an edit
below refreshes the summary in the same answer."""
from playwright.sync_api import expect

from journal.models import Contact, Promise, TouchContact, User

from .helpers import SameDocument, assert_clean, seed_demo, shot, type_into


def demo_people_with_promises(app, email, most=5):
    """Up to `most` demo people with at least one open promise and three touches."""
    with app.app_context():
        user = User.by_email(email)
        ids = []
        for contact in Contact.for_user(user).order_by(Contact.id):
            open_promises = Promise.select().where((Promise.contact == contact) & Promise.done_at.is_null()).count()
            touches = TouchContact.select().where(TouchContact.contact == contact).count()
            if open_promises and touches >= 3:
                ids.append(contact.id)
            if len(ids) == most:
                break
        return ids


def fold(page):
    """The y of the fixed bottom bar's top edge: what is above it is the first screen."""
    return page.evaluate("document.querySelector('.bottom-nav').getBoundingClientRect().top")


def bottom(locator):
    """The bottom edge of an element on the first screen (the page is at its top)."""
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box["y"] + box["height"]


def test_promises_last_touch_and_ask_about_are_above_the_bottom_bar(watch, signed_in_page, app, new_email):
    """At 200 demo people, five briefs: the summary's promises and last touch end above the bar (915 px less it)."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=200)
    people = demo_people_with_promises(app, new_email)
    assert len(people) == 5
    asked = 0
    for contact_id in people:
        page.goto(f"/people/{contact_id}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.scrollY") == 0
        line = fold(page)
        assert line <= 915 - 44, f"the bottom bar starts at {line}"
        summary = page.locator("#contact-summary")
        promises, touch = summary.locator(".glance-promises"), summary.locator(".glance-touch")
        expect(promises.locator("li").first).to_be_visible()
        expect(touch).not_to_contain_text("None yet")
        assert bottom(promises) <= line, f"person {contact_id}: promises end at {bottom(promises)}, bar at {line}"
        assert bottom(touch) <= line, f"person {contact_id}: the last touch ends at {bottom(touch)}, bar at {line}"
        openers = summary.locator(".opener")
        if openers.count():
            asked += 1
            assert bottom(openers.first) <= line, f"person {contact_id}: the first opener ends below the bar"
        # The card above: name, role and company, and Call.
        expect(page.locator("#contact-card").get_by_role("link", name="Call", exact=True)).to_be_in_viewport()
    assert asked >= 4, "most demo people should have something to ask about"
    shot(page, "brief-above-the-fold.png")
    assert_clean(watch)


def test_an_edit_below_refreshes_the_summary_in_the_same_answer(watch, signed_in_page, app, new_email):
    """Adding a promise at the Promises section shows it in the summary at the top, with no second request."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=20)
    contact_id = demo_people_with_promises(app, new_email, most=1)[0]
    page.goto(f"/people/{contact_id}")
    page.wait_for_load_state("networkidle")
    gets = []
    page.on("request", lambda r: gets.append(r.url) if r.method == "GET" and "/people/" in r.url else None)
    summary = page.locator("#contact-summary")
    expect(summary).not_to_contain_text("ring the warehouse about the pallets")
    promises = page.locator("#contact-promises")
    with SameDocument(page):
        promises.locator("summary", has_text="Add a promise").tap()
        type_into(promises.get_by_label("I promised to"), "ring the warehouse about the pallets")
        promises.get_by_role("button", name="Save promise").tap()
        expect(promises.locator("li", has_text="ring the warehouse about the pallets")).to_be_visible()
        # Soonest due first: the new one (due next week) shows, or the "and N more" count grows by one.
        with app.app_context():
            open_now = Promise.select().where((Promise.contact == contact_id) & Promise.done_at.is_null()).count()
        if open_now <= 3:
            expect(summary.locator(".glance-promises")).to_contain_text("ring the warehouse about the pallets")
        else:
            expect(summary.locator(".glance-more")).to_have_text(f"and {open_now - 3} more")
    assert gets == [], gets
    assert_clean(watch)
