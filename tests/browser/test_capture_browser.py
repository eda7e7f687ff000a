"""Quick capture in a real browser on a phone (Pixel 7): "+", type-ahead, note, Save, drafts, errors, retries.

Every test taps and types like a thumb would, checks what the user sees (the capture screen, then the
contact's brief) and the rows in the database through the `app` fixture. Screenshots for a human review
go to /tmp/browser-shots/ (nothing is asserted on them).
"""
import datetime
import re

from playwright.sync_api import expect

from journal.models import Contact, Promise

from .helpers import (
    EXPECTED_422,
    SameDocument,
    assert_clean,
    assert_only_local,
    chip,
    draft,
    expect_on_brief,
    leave_a_draft,
    log_from_brief,
    note_field,
    open_capture,
    pick,
    save_button,
    seed_contact,
    shot,
    suggestion,
    touches_in_db,
    type_into,
    user_of,
    wait_for_draft_note,
    wait_ready,
    who,
)

ZOE = "Zoë Martin"
NOTE = "Zoë is moving the warehouse to Lyon in May; worried about the forklift lease."
PROMISE = "send the brochure"
BRIEF_URL = re.compile(r"/people/(\d+)(#contact-touches)?$")


# --- helpers -------------------------------------------------------------------------------------------------


class Taps:
    """Counts the taps a test makes through it, so "three taps" is asserted, not assumed."""

    def __init__(self):
        self.count = 0

    def tap(self, locator):
        """Tap `locator` with a finger and count it."""
        locator.tap()
        self.count += 1


def in_future(days):
    """An ISO date `days` from today (what an <input type=date> holds)."""
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


# --- 1. three taps from Today --------------------------------------------------------------------------------


def test_quick_capture_from_today_in_three_taps(watch, signed_in_page, live_server, app, new_email):
    """Today → "+" (1) → "zoe" → Zoë Martin (2) → a note → Save (3): the note is on Zoë's brief."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    page.goto("/")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Capture", exact=True)).to_have_attribute("href", "/capture")

    taps = Taps()
    taps.tap(page.get_by_role("navigation", name="Main").get_by_role("link", name="Capture a note"))
    expect(page).to_have_url("/capture")
    expect(page.get_by_role("heading", name="Capture", level=1)).to_be_visible()
    wait_ready(page)
    # The search field has the focus already: typing needs no tap.
    expect(who(page)).to_be_focused()
    expect(page.get_by_role("radio", name="Visit")).to_be_checked()
    shot(page, "capture-empty.png")

    page.keyboard.type("zoe", delay=40)
    row = suggestion(page, ZOE)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Acme Logistics")
    expect(suggestion(page, "Add “zoe” as a new person")).to_be_visible()
    shot(page, "capture-typeahead.png")

    # The whole row is the suggestion's checkbox, a real control named by the person.
    taps.tap(page.get_by_role("checkbox", name=ZOE))
    expect(chip(page, ZOE)).to_be_visible()
    expect(page.locator("#contact-suggestions label")).to_have_count(0)
    expect(who(page)).to_have_value("")
    # The thumb lands in the note: typing needs no tap either.
    expect(note_field(page)).to_be_focused()
    page.keyboard.type(NOTE)
    expect(note_field(page)).to_have_value(NOTE)
    expect(page.locator("[data-draft-status]")).to_have_text("Draft kept on this phone until it is saved.")
    wait_for_draft_note(page, NOTE)
    shot(page, "capture-filled.png")
    assert_clean(watch)  # the capture screen's own console and CSP, before it is left

    taps.tap(save_button(page))
    assert taps.count == 3

    expect_on_brief(page, zoe, ZOE)
    expect(page.get_by_role("status")).to_contain_text("Saved to the journal.")
    touches = page.locator("#contact-touches")
    expect(touches.get_by_role("heading", name="Last touches")).to_be_visible()
    expect(touches.locator(".touch-note")).to_have_text([NOTE])
    expect(touches.locator(".touch-item .kind")).to_have_text(["Visit"])
    assert draft(page) is None, "the draft is still in localStorage after the server confirmed the save"

    user = user_of(app, new_email)
    stored = touches_in_db(app)
    assert len(stored) == 1
    touch, contact_ids = stored[0]
    assert (touch.kind, touch.note, touch.user_id) == ("visit", NOTE, user.id)
    assert contact_ids == [zoe]
    with app.app_context():
        assert Contact.get_by_id(zoe).last_touch_at == touch.happened_at
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 2. drafts -----------------------------------------------------------------------------------------------


def test_draft_survives_a_reload_and_is_gone_after_save(watch, signed_in_page, live_server, app, new_email):
    """A chosen person, a note and a promise come back after a reload; Save then stores them and forgets the draft."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    open_capture(page)
    pick(page, "zo", ZOE)
    type_into(note_field(page), NOTE)
    page.get_by_text("Add a promise", exact=True).tap()
    type_into(page.get_by_label("I promised to"), PROMISE)
    due = in_future(5)
    page.get_by_label("By", exact=True).fill(due)
    wait_for_draft_note(page, NOTE)
    kept = draft(page)
    assert kept["fields"]["promise_text"] == PROMISE
    assert kept["fields"]["promise_due"] == due
    uuid = page.locator('#capture-form [name="uuid"]').input_value()

    page.reload()
    wait_ready(page)
    expect(page.get_by_role("region", name="Unsaved note")).to_contain_text(f"Your unsaved note for {ZOE} was restored.")
    expect(note_field(page)).to_have_value(NOTE)
    expect(chip(page, ZOE)).to_be_visible()
    expect(chip(page, ZOE).locator("input[type=checkbox]")).to_be_checked()
    expect(page.get_by_label("I promised to")).to_have_value(PROMISE)
    expect(page.get_by_label("By", exact=True)).to_have_value(due)
    # The restored draft keeps its id, so a capture sent before the reload cannot be stored twice.
    expect(page.locator('#capture-form [name="uuid"]')).to_have_value(uuid)
    # The drawer holding a restored promise opens by itself.
    expect(page.get_by_label("I promised to")).to_be_visible()

    save_button(page).tap()
    expect_on_brief(page, zoe, ZOE)
    expect(page.locator("#contact-touches .touch-note")).to_have_text([NOTE])
    expect(page.locator("#contact-promises")).to_contain_text(PROMISE)
    assert draft(page) is None

    stored = touches_in_db(app)
    assert len(stored) == 1
    touch, contact_ids = stored[0]
    assert (touch.uuid, touch.note, contact_ids) == (uuid, NOTE, [zoe])
    with app.app_context():
        promise = Promise.get()
        assert (promise.text, promise.due_on.isoformat(), promise.contact_id, promise.touch_id) == (
            PROMISE, due, zoe, touch.id)
    # A fresh capture screen starts empty.
    open_capture(page)
    expect(note_field(page)).to_have_value("")
    expect(page.locator("#chosen label")).to_have_count(0)
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_draft_survives_closing_the_tab(signed_in_page, live_server):
    """Type in one tab, close it, open the capture screen in another: the words are still there."""
    context = signed_in_page.context
    first = context.new_page()
    open_capture(first)
    type_into(note_field(first), NOTE)
    wait_for_draft_note(first, NOTE)
    first.close()

    second = context.new_page()
    open_capture(second)
    expect(note_field(second)).to_have_value(NOTE)
    expect(second.get_by_role("region", name="Unsaved note")).to_contain_text("Your unsaved note was restored.")
    second.close()


# --- 3. a new person by name ---------------------------------------------------------------------------------


def test_new_person_by_name(watch, signed_in_page, live_server, app, new_email):
    """A name nobody has: "Add “…” as a new person", a note, Save: the new person's brief with the note."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    name = "Nadia Okafor"
    open_capture(page)
    type_into(who(page), name)
    offer = suggestion(page, f"Add “{name}” as a new person")
    expect(offer).to_be_visible()
    expect(page.locator("#contact-suggestions label.suggestion")).to_have_count(1)
    offer.tap()
    expect(chip(page, f"{name} (new)")).to_be_visible()
    type_into(note_field(page), "First visit: she buys for three stores.")
    save_button(page).tap()

    expect(page).to_have_url(BRIEF_URL)
    contact_id = int(BRIEF_URL.search(page.url).group(1))
    assert contact_id != zoe
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.locator("#contact-touches .touch-note")).to_have_text(["First visit: she buys for three stores."])
    assert draft(page) is None

    user = user_of(app, new_email)
    with app.app_context():
        new = Contact.get_by_id(contact_id)
        assert (new.name, new.user_id) == (name, user.id)
        assert Contact.select().count() == 2
    stored = touches_in_db(app)
    assert len(stored) == 1
    assert stored[0][1] == [contact_id]
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 4. validation -------------------------------------------------------------------------------------------


def test_promise_without_a_date_answers_422_in_place(watch, signed_in_page, live_server, app, new_email):
    """A promise with no date: 422, "When will you do it?", everything kept, nothing stored; then a date saves it."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    open_capture(page)
    with SameDocument(page):
        pick(page, "mart", ZOE)
        type_into(note_field(page), NOTE)
        page.get_by_text("Add a promise", exact=True).tap()
        type_into(page.get_by_label("I promised to"), PROMISE)
        page.get_by_label("By", exact=True).fill("")  # it comes prefilled with next week
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/touches")) as answer:
            save_button(page).tap()
        assert answer.value.status == 422
        due_field = page.get_by_label("By", exact=True)
        expect(page.locator("#capture-form").get_by_text("When will you do it?")).to_be_visible()
        expect(due_field).to_have_attribute("aria-invalid", "true")
        expect(due_field).to_be_focused()
        expect(note_field(page)).to_have_value(NOTE)
        expect(page.get_by_label("I promised to")).to_have_value(PROMISE)
        expect(chip(page, ZOE)).to_be_visible()
        expect(chip(page, ZOE).locator("input[type=checkbox]")).to_be_checked()
        shot(page, "capture-422.png")
    assert touches_in_db(app) == []
    with app.app_context():
        assert Promise.select().count() == 0
    assert draft(page)["fields"]["note"] == NOTE, "the draft was dropped on a validation error"
    assert_clean(watch, allow=[EXPECTED_422])

    due = in_future(7)
    page.get_by_label("By", exact=True).fill(due)
    save_button(page).tap()
    expect_on_brief(page, zoe, ZOE)
    expect(page.locator("#contact-touches .touch-note")).to_have_text([NOTE])
    expect(page.locator("#contact-promises")).to_contain_text(PROMISE)
    assert draft(page) is None

    stored = touches_in_db(app)
    assert len(stored) == 1
    touch, contact_ids = stored[0]
    assert contact_ids == [zoe]
    with app.app_context():
        promises = list(Promise.select())
        assert [(p.text, p.due_on.isoformat(), p.contact_id, p.touch_id) for p in promises] == [
            (PROMISE, due, zoe, touch.id)]
    assert_clean(watch, allow=[EXPECTED_422])
    assert_only_local(watch, live_server)


# --- 5. family and interests from the note: tests/browser/test_smart_capture.py (the note's chips) -----------


# --- 6. a retried Save is stored once ------------------------------------------------------------------------


def test_retry_after_a_lost_answer_stores_one_touch(watch, signed_in_page, live_server, app, new_email):
    """The first Save reaches the server but its answer is lost: the note goes to the phone's outbox,
    which sends it again at once; the server recognises its UUID, so there is one Touch."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    lost = []

    def lose_first_answer(route):
        """Let the first POST reach the server, then make the browser believe the network failed."""
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/touches", lose_first_answer)
    open_capture(page)
    pick(page, "zoe", ZOE)
    type_into(note_field(page), NOTE)

    with SameDocument(page):
        save_button(page).tap()
        expect(page.locator(".flash", has_text="Saved on this phone, will sync")).to_be_visible()
        expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    assert lost == [204], "the first POST did not reach the server as a successful save"
    expect(note_field(page)).to_have_value("")  # ready for the next note
    assert draft(page) is None
    assert page.evaluate("RapportOutbox.all().then(items => items.length)") == 0

    stored = touches_in_db(app)
    assert len(stored) == 1, f"a retried Save stored {len(stored)} touches"
    assert stored[0][1] == [zoe]
    # Chromium reports the aborted request and htmx logs its two error events for it; nothing else is allowed.
    lost_request = [
        r"^Failed to load resource: net::ERR_CONNECTION_RESET \(http://[^)]+/touches\)$",
        r"^htmx:(sendError|afterRequest), \[object HTMLFormElement\] \(http://[^)]+/htmx\.min\.js(\?v=\w+)?\)$",
    ]
    assert len([e for e in watch.console_errors if any(re.search(p, e) for p in lost_request)]) == 3, watch.console_errors
    assert_clean(watch, allow=lost_request)
    assert_only_local(watch, live_server)


# --- 7. network, console, CSP and touch targets --------------------------------------------------------------


def test_capture_screen_is_local_clean_and_thumb_sized(watch, signed_in_page, live_server, app, new_email):
    """From Today's Capture button: a 422 then a save, all local, no console errors or CSP violations; big targets."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    page.goto("/")
    page.locator("main").get_by_role("link", name="Capture", exact=True).tap()
    expect(page).to_have_url("/capture")
    wait_ready(page)

    # Nothing written: the server says what is missing, in place.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/touches")) as answer:
        save_button(page).tap()
    assert answer.value.status == 422
    expect(page.locator("#capture-form")).to_contain_text("Choose who this was with, or type a new name.")
    expect(page.locator("#capture-form")).to_contain_text("Write a few words about what happened.")
    expect(note_field(page)).to_have_attribute("aria-invalid", "true")
    wait_ready(page)

    # Every control the thumb needs, with every drawer open and a suggestion list showing.
    pick(page, "zoe", ZOE)
    type_into(who(page), "zo")
    expect(suggestion(page, ZOE)).to_be_visible()
    form = page.locator("#capture-form")
    summaries = form.locator("details.more > summary").all_inner_texts()
    for expected in ("Add a promise", "When, give or ask"):
        assert expected in summaries, summaries
    for summary in summaries:
        form.locator("details.more > summary", has_text=summary).tap()
        expect(form.locator("details.more", has=page.get_by_text(summary, exact=True))).to_have_attribute("open", "")
    controls = {
        "radio chip": form.locator("input[type=radio]"),
        "summary": form.locator("summary"),
        "Save": form.get_by_role("button", name="Save"),
        "suggestion": page.locator("#contact-suggestions label.suggestion"),
        "chosen chip": page.locator("#chosen label.chosen-chip"),
        "nav link": page.get_by_role("navigation", name="Main").get_by_role("link"),
        # Text, date and time fields, "When" among them (it was an unstyled 21 px native input).
        "field": form.locator("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, select"),
    }
    counts = {kind: locator.count() for kind, locator in controls.items()}
    assert counts["radio chip"] == 7 + 6 + 3, counts  # kinds, pulse (with "Not noted"), give/ask (with "Not noted")
    assert counts["summary"] == len(summaries) and counts["Save"] == 1 and counts["suggestion"] >= 1, counts
    small = []
    for kind, locator in controls.items():
        for control in locator.all():
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert box is not None, f"{kind} has no box"
            if box["height"] < 44:
                label = " ".join(control.evaluate("el => (el.closest('label') || el).textContent").split())
                small.append(f"{kind} {label!r}: {box['height']:.0f}px")
    assert small == [], f"controls under 44 px tall: {small}"
    # Every field uses the app's type, at 16 px (no monospace, and iOS does not zoom on focus).
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    fonts = controls["field"].evaluate_all(
        "els => els.map(el => [el.name, getComputedStyle(el).fontFamily, getComputedStyle(el).fontSize])")
    assert len(fonts) >= 6, fonts  # who, note, promise and its date, gift idea, when
    assert [f for f in fonts if f[1] != body_font or f[2] != "16px"] == [], (body_font, fonts)
    assert_clean(watch, allow=[EXPECTED_422])

    type_into(who(page), "")
    type_into(note_field(page), NOTE)
    save_button(page).tap()
    expect_on_brief(page, zoe, ZOE)
    expect(page.locator("#contact-touches .touch-note")).to_have_text([NOTE])
    page.wait_for_load_state("networkidle")
    assert_clean(watch, allow=[EXPECTED_422])
    assert_only_local(watch, live_server)


# --- bugs found while writing these tests, fixed since: they stay as regression tests ---------------------


def test_search_key_in_the_who_field_does_not_save(signed_in_page, live_server, app, new_email):
    """Adding a second person: the phone keyboard's search key in the who field must not save the capture."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    seed_contact(app, new_email, name="Nadia Okafor")
    open_capture(page)
    pick(page, "zoe", ZOE)
    type_into(note_field(page), NOTE)
    type_into(who(page), "nad")
    expect(suggestion(page, "Nadia Okafor")).to_be_visible()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/touches") else None)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    page.wait_for_load_state("networkidle")
    assert posts == [], f"the search key sent the capture: {posts}"
    assert touches_in_db(app) == []
    expect(page).to_have_url("/capture")


def test_log_from_a_brief_keeps_that_person_despite_an_old_draft(signed_in_page, live_server, app, new_email):
    """An unsaved draft about Zoë, then "+ Log" on Nadia's brief: Nadia is the one chosen person (the draft
    is offered, not merged in: tests/browser/test_capture_trust_browser.py)."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    nadia = seed_contact(app, new_email, name="Nadia Okafor")
    leave_a_draft(page, "zoe", ZOE, NOTE)
    log_from_brief(page, nadia)
    expect(page.locator("#chosen label")).to_have_count(1)
    expect(chip(page, "Nadia Okafor")).to_be_visible()
    expect(chip(page, "Nadia Okafor").locator("input[type=checkbox]")).to_be_checked()


# What the thumb would hit at the middle of an element: the element itself, or what covers it.
ON_TOP = """el => { const r = el.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && (el === top || el.contains(top)) ? 'itself' : (top ? top.outerHTML.slice(0, 60) : 'off screen'); }"""


def test_the_error_is_not_hidden_under_save(signed_in_page, live_server, app, new_email):
    """A promise without a date: the "By" field and "When will you do it?" are on screen, not under Save or the nav."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    open_capture(page)
    pick(page, "zoe", ZOE)
    type_into(note_field(page), NOTE)
    page.get_by_text("Add a promise", exact=True).tap()
    type_into(page.get_by_label("I promised to"), PROMISE)
    page.get_by_label("By", exact=True).fill("")  # it comes prefilled with next week
    save_button(page).tap()
    error = page.locator("#capture-form").get_by_text("When will you do it?")
    due_field = page.get_by_label("By", exact=True)
    expect(error).to_be_visible()
    expect(due_field).to_be_focused()
    page.wait_for_timeout(300)  # let any smooth scroll finish
    assert due_field.evaluate(ON_TOP) == "itself"
    assert error.evaluate(ON_TOP) == "itself"
