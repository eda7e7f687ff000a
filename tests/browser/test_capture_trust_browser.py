"""Capture you can trust (issue 14): offline notes in a row, drafts that never pick the wrong person, no
second copy after Back, and no double-created people from a double tap.

Each test walks the path a new user took on a Pixel 7 when the bug was seen, with role and label selectors,
and checks what the user sees and the rows in the database.
"""
import re
import time

import pytest
from playwright.sync_api import expect

from journal.models import Contact, Promise, Touch, TouchContact

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAFT_KEY,
    EXPECTED_OFFLINE,
    PHONE,
    assert_clean,
    chip,
    draft,
    expect_on_brief,
    leave_a_draft,
    log_from_brief,
    note_field,
    open_capture,
    outbox_size,
    pick,
    prepare,
    save_button,
    seed_contact,
    shot,
    sign_up,
    touches_in_db,
    type_into,
    user_of,
    wait_ready,
    wait_until_ready,
)

JAN = "Jan Kowalski"
ZOE = "Zoë Martin"

# What the thumb would hit at the middle of an element: the element itself, or what covers it.
ON_TOP = """el => { const r = el.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && (el === top || el.contains(top)) ? 'itself' : (top ? top.outerHTML.slice(0, 80) : 'off screen'); }"""


def wait_for(page, condition, what, seconds=30):
    """Poll a condition of the test's own (not the page's) until it holds, with a generous deadline; Playwright
    delivers its events (route handlers) only while a call of its own runs, hence the short page waits."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        page.wait_for_timeout(50)


def uncovered(locator):
    """Scroll `locator` into view and say what a tap at its middle would hit ('itself' when nothing covers it)."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate(ON_TOP)


def contacts_of_touches(app):
    """{note: [contact names]} for every stored touch."""
    with app.app_context():
        out = {}
        for touch in Touch.select().order_by(Touch.id):
            names = [Contact.get_by_id(link.contact_id).name
                     for link in TouchContact.select().where(TouchContact.touch == touch).order_by(TouchContact.id)]
            out.setdefault(touch.note, []).append(names)
        return out


def draft_banner(page):
    """The message at the top of the capture form about a kept draft."""
    return page.get_by_role("region", name="Unsaved note")


# --- 1. offline, several notes in a row ------------------------------------------------------------------------


def test_five_offline_notes_in_a_row_then_online_give_five_touches(watch, page, context, live_server, app,
                                                                  signed_in_page, new_email):
    """Offline, five visits in a dead zone: each Save is tappable (the unsynced bar never covers it), the
    bar counts five, and back online there are exactly five touches, each stored once."""
    zoe = prepare(page, app, new_email, name=ZOE)
    context.set_offline(True)
    page.goto("/capture")
    wait_until_ready(page)
    notes = [f"Visit {n}: the forklift lease, the warehouse move, Léa's exam ({n})." for n in range(1, 6)]
    for n, note in enumerate(notes, start=1):
        type_into(page.get_by_role("searchbox", name="Who was it with?"), "zo")
        page.get_by_role("checkbox", name=ZOE).check()
        expect(chip(page, ZOE)).to_be_visible()
        type_into(note_field(page), note)
        save = save_button(page)
        assert uncovered(save) == "itself", f"note {n}: Save is covered"
        save.tap()
        expect(page.locator(".flash", has_text="Saved on this phone, will sync")).to_be_visible()
        expect(page.locator("[data-outbox-count]")).to_have_text(
            re.compile(rf"^{n} notes? unsynced"))
        expect(note_field(page)).to_have_value("")
        assert outbox_size(page) == n
        # Nothing covers any control of the form or the navigation while the bar shows.
        for control in [save, page.get_by_role("button", name="Sync now").or_(page.locator("[data-outbox-count]")).first,
                        *page.get_by_role("navigation", name="Main").get_by_role("link").all()]:
            if control.is_visible():
                assert uncovered(control) == "itself", f"after note {n}: {control} is covered"
    shot(page, "offline-five-notes.png")
    assert touches_in_db(app) == []

    context.set_offline(False)
    # The page and Background Sync (when Chromium fires it) may share the sending, each reporting its part.
    expect(page.locator(".flash", has_text=re.compile(r"\d notes? from this phone saved to the journal"))).to_be_visible()
    expect(page.locator("[data-outbox-bar]")).to_be_hidden()
    assert outbox_size(page) == 0
    stored = contacts_of_touches(app)
    assert stored == {note: [[ZOE]] for note in notes}
    assert_clean(watch, allow=EXPECTED_OFFLINE)
    with app.app_context():
        assert Contact.get_by_id(zoe).name == ZOE


# --- 2. drafts -------------------------------------------------------------------------------------------------


def test_an_emptied_draft_is_no_draft_and_never_adds_a_person(watch, signed_in_page, live_server, app, new_email):
    """On Jan's brief "+ Log", type a few letters, delete them, go to Today, tap "+": nobody is chosen, no
    draft is announced, and a note for Zoë is stored on Zoë only."""
    page = signed_in_page
    jan = seed_contact(app, new_email, name=JAN)
    zoe = seed_contact(app, new_email, name=ZOE)
    log_from_brief(page, jan)
    expect(chip(page, JAN)).to_be_visible()
    note_field(page).tap()
    page.keyboard.type("Lé")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(note_field(page)).to_have_value("")
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=DRAFT_KEY)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Capture a note").tap()
    expect(page).to_have_url("/capture")
    wait_ready(page)
    expect(page.locator("#chosen label")).to_have_count(0)
    expect(page.get_by_text("draft was restored")).to_have_count(0)
    expect(draft_banner(page)).to_have_count(0)

    pick(page, "zo", ZOE)
    note = "Zoë signed the lease; wants the brochure in German."
    type_into(note_field(page), note)
    save_button(page).tap()
    expect_on_brief(page, zoe, ZOE)
    assert contacts_of_touches(app) == {note: [[ZOE]]}
    assert draft(page) is None
    assert_clean(watch)


def test_a_restored_draft_says_so_at_the_top_and_can_be_discarded(signed_in_page, live_server, app, new_email):
    """A real draft for Zoë comes back on "+" with a message at the top naming Zoë, and "Discard" empties the form."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    note = "Zoë: the forklift lease ends in March."
    leave_a_draft(page, "zo", ZOE, note)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Capture a note").tap()
    expect(page).to_have_url("/capture")  # the tap's navigation has begun: wait_ready waits for the capture page
    wait_ready(page)
    banner = draft_banner(page)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"Your unsaved note for {ZOE} was restored")
    expect(note_field(page)).to_have_value(note)
    expect(chip(page, ZOE)).to_be_visible()
    # At the top, where the eye starts: above the who field.
    assert banner.bounding_box()["y"] < page.get_by_role("searchbox", name="Who was it with?").bounding_box()["y"]
    shot(page, "capture-draft-restored.png")

    banner.get_by_role("button", name="Discard").tap()
    expect(banner).to_be_hidden()
    expect(note_field(page)).to_have_value("")
    expect(page.locator("#chosen label")).to_have_count(0)
    assert draft(page) is None
    page.reload()
    wait_ready(page)
    expect(note_field(page)).to_have_value("")
    expect(draft_banner(page)).to_have_count(0)


@pytest.mark.parametrize("choice", ["continue", "discard"])
def test_log_from_jan_while_a_draft_for_zoe_waits(choice, watch, signed_in_page, live_server, app, new_email):
    """A draft for Zoë waits; "+ Log" on Jan's brief starts with Jan only and offers the draft. Continuing it
    shows Zoë (not Jan) and saves on Zoë only; discarding it keeps Jan and an empty note."""
    page = signed_in_page
    jan = seed_contact(app, new_email, name=JAN)
    zoe = seed_contact(app, new_email, name=ZOE)
    zoe_note = "Zoë: wants the brochure in German."
    leave_a_draft(page, "zo", ZOE, zoe_note)

    log_from_brief(page, jan)
    expect(page.locator("#chosen label")).to_have_count(1)
    expect(chip(page, JAN)).to_be_visible()
    expect(note_field(page)).to_have_value("")
    banner = draft_banner(page)
    expect(banner).to_contain_text(f"You have an unsaved note for {ZOE}")
    shot(page, "capture-draft-offer.png")
    # The offer does not touch the kept draft until the user chooses.
    assert draft(page)["fields"]["note"] == zoe_note

    if choice == "continue":
        banner.get_by_role("button", name="Continue it").tap()
        expect(page.locator("#chosen label")).to_have_count(1)
        expect(chip(page, ZOE)).to_be_visible()
        expect(chip(page, JAN)).to_have_count(0)
        expect(note_field(page)).to_have_value(zoe_note)
        save_button(page).tap()
        expect_on_brief(page, zoe, ZOE)
        assert contacts_of_touches(app) == {zoe_note: [[ZOE]]}
    else:
        banner.get_by_role("button", name="Discard it").tap()
        expect(banner).to_be_hidden()
        assert draft(page) is None
        expect(chip(page, JAN)).to_be_visible()
        expect(page.locator("#chosen label")).to_have_count(1)
        jan_note = "Jan: the new warehouse opens in May."
        type_into(note_field(page), jan_note)
        save_button(page).tap()
        expect_on_brief(page, jan, JAN)
        assert contacts_of_touches(app) == {jan_note: [[JAN]]}
    assert draft(page) is None
    assert_clean(watch)


# --- 3. Back after a save ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bfcache", [True, False], ids=["bfcache", "no-bfcache"])
def test_back_after_a_save_cannot_store_a_second_copy(bfcache, playwright, live_server, app, new_email):
    """Save a capture, land on the brief, press Back: no form holding the saved note comes back, and
    whatever Back shows cannot store the note twice. Playwright turns the back/forward cache off by
    default, so this test launches its own Chromium (with and without it)."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        ignore_default_args=["--disable-back-forward-cache"] if bfcache else None,
    )
    try:
        phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
        context = browser.new_context(base_url=live_server.url, **phone)
        page = context.new_page()
        sign_up(page, new_email)
        zoe = seed_contact(app, new_email, name=ZOE)
        note = "Zoë: the lease is signed, brochure by Friday."
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Capture a note").tap()
        wait_ready(page)
        pick(page, "zo", ZOE)
        type_into(note_field(page), note)
        save_button(page).tap()
        expect_on_brief(page, zoe, ZOE)
        assert contacts_of_touches(app) == {note: [[ZOE]]}

        page.go_back()
        page.wait_for_load_state()
        if page.locator("#capture-form").count():
            wait_ready(page)
            # A capture form after Back is a fresh one: the saved text is not waiting to be saved again.
            expect(note_field(page)).to_have_value("")
            expect(page.locator("#chosen label")).to_have_count(0)
            # Even a user who picks Zoë again and taps Save cannot store the note twice.
            pick(page, "zo", ZOE)
            save_button(page).tap()
            expect(page.locator("#capture-form")).to_contain_text("Write a few words about what happened.")
        else:
            expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        assert contacts_of_touches(app) == {note: [[ZOE]]}
        context.close()
    finally:
        browser.close()


# --- 4. double taps ------------------------------------------------------------------------------------------------


def double_tap(page, locator):
    """Two real taps on the middle of `locator`, a few milliseconds apart (a nervous thumb)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate("""([x, y]) => { const el = document.elementFromPoint(x, y);
        window.__secondTap = false;
        el.click(); setTimeout(() => { el.click(); window.__secondTap = true; }, 6); }""", [x, y])


def test_twenty_double_taps_on_add_a_person_give_twenty_people(signed_in_page, live_server, app, new_email):
    """Twenty names, each Saved with a double tap: exactly twenty people, one per name."""
    page = signed_in_page
    names = [f"Customer {n:02d} Nowak" for n in range(1, 21)]
    for name in names:
        page.goto("/people/new")
        page.get_by_label("Name", exact=True).fill(name)
        save = page.get_by_role("button", name="Save")
        double_tap(page, save)
        expect(page).to_have_url(re.compile(r"/people/\d+$"))
        expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    user = user_of(app, new_email)
    with app.app_context():
        stored = sorted(c.name for c in Contact.select().where(Contact.user == user.id))
    assert stored == names


def test_an_htmx_form_is_sent_once_and_its_button_waits(signed_in_page, live_server, app, new_email):
    """A promise on the brief: while its request runs, Save is disabled; a double tap stores one promise."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    page.goto(f"/people/{zoe}")
    wait_ready(page)
    held = []
    page.route("**/promises", lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    section = page.locator("#contact-promises")
    section.get_by_text("Add a promise").tap()
    type_into(section.get_by_label("I promised to"), "send the brochure")
    save = section.get_by_role("button", name="Save")
    double_tap(page, save)
    page.wait_for_function("() => window.__secondTap === true")
    expect(save).to_be_disabled()
    wait_for(page, lambda: held, "the first request to reach the route")
    held.pop().continue_()
    expect(section.locator("li", has_text="send the brochure")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert held == [], "the second tap sent the form again"
    with app.app_context():
        assert [p.text for p in Promise.select()] == ["send the brochure"]


# --- the 422 after a stale draft: the restore overwrote what was typed before the script ran ----------------------


def test_text_typed_before_the_script_runs_is_never_overwritten(browser, browser_context_args, live_server, app, new_email):
    """On a slow phone the capture screen shows before capture.js runs; a note typed meanwhile must survive the
    draft restore (it used to be replaced by an old empty draft: Save then answered 422, "Write a few words").
    Without a service worker, which would serve capture.js from its cache past the test's hold on it."""
    context = browser.new_context(**browser_context_args, service_workers="block")
    page = context.new_page()
    sign_up(page, new_email)
    zoe = seed_contact(app, new_email, name=ZOE)
    leave_a_draft(page, "zo", ZOE, "Zoë: an older note, still unsaved.")

    held = []
    page.route(re.compile(r"/static/js/capture\.js"), lambda route: held.append(route))
    page.goto("/capture", wait_until="commit")
    expect(note_field(page)).to_be_visible()
    note = "Typed at once: the warehouse move is confirmed."
    note_field(page).fill(note)
    wait_for(page, lambda: held, "the page to ask for capture.js")
    held[0].continue_()
    wait_ready(page)
    expect(note_field(page)).to_have_value(note)
    # The older draft is offered, not lost, and not merged in.
    expect(draft_banner(page)).to_contain_text(f"You have an unsaved note for {ZOE}")
    expect(page.locator("#chosen label")).to_have_count(0)
    pick(page, "zo", ZOE)
    save_button(page).tap()
    expect_on_brief(page, zoe, ZOE)
    assert contacts_of_touches(app) == {note: [[ZOE]]}
    context.close()


def test_the_note_says_how_long_it_may_be_before_save(watch, signed_in_page, live_server, app, new_email):
    """Near the limit a counter shows how much fits; over it, by how much, counted as the server counts. Save
    then answers 422 and keeps every word."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    open_capture(page)
    pick(page, "zo", ZOE)
    counter = page.locator("#note-counter")
    note_field(page).fill("Short note.")
    expect(counter).to_be_hidden()
    note_field(page).fill("a" * 18_500)
    expect(counter).to_have_text("18,500 of 20,000 characters")
    long_note = "a" * 9_975 + "\n" * 60 + "a" * 9_975  # 20,010: a line break counts one, however it is sent
    note_field(page).fill(long_note)
    expect(counter).to_have_text("10 characters too many: shorten it to save.")
    expect(note_field(page)).to_have_attribute("aria-invalid", "true")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/touches")) as answer:
        save_button(page).tap()
    assert answer.value.status == 422
    expect(page.locator("#capture-form .error", has_text="20000")).to_be_visible()
    assert len(note_field(page).input_value()) == len(long_note)
    expect(counter).to_have_text("10 characters too many: shorten it to save.")
    assert touches_in_db(app) == []


def test_a_long_paste_is_kept_whole_and_refused_with_a_reason(signed_in_page, live_server, app, new_email):
    """A promise pasted over its 500-character limit is not cut by the browser: the counter says by how much, and
    Save answers 422 with the whole text still in the field."""
    page = signed_in_page
    seed_contact(app, new_email, name=ZOE)
    open_capture(page)
    pick(page, "zo", ZOE)
    type_into(note_field(page), "Short visit.")
    page.get_by_text("Add a promise", exact=True).tap()
    promise = page.get_by_label("I promised to")
    pasted = "send the brochure and the price list " * 17  # 629 characters, trailing space trimmed: 628
    promise.fill(pasted)
    expect(promise).to_have_value(pasted)
    expect(page.locator("#promise_text-counter")).to_have_text("128 characters too many: shorten it to save.")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/touches")) as answer:
        save_button(page).tap()
    assert answer.value.status == 422
    expect(page.locator("#capture-form").get_by_text("500")).to_be_visible()
    expect(page.get_by_label("I promised to")).to_have_value(pasted.strip())
    assert touches_in_db(app) == []
