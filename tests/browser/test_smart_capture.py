"""The smart capture on a phone (Pixel 7), issue 18 items 2 and 3: the note's chips as it is typed, one turned off,
Save in three taps; and a note saved offline, whose findings wait on Today under "From your notes".

These run the real extractor (journal/extraction.py) on a real note."""
import datetime
import re

from playwright.sync_api import expect

from journal import extraction
from journal.models import FamilyMember, Finding, PlannedVisit, Promise, Touch

from .helpers import (
    EXPECTED_OFFLINE,
    assert_clean,
    assert_only_local,
    chip,
    expect_on_brief,
    note_field,
    outbox_size,
    prepare,
    save_button,
    seed_contact,
    shot,
    suggestion,
    touches_in_db,
    type_into,
    user_of,
    wait_ready,
    wait_until_ready,
)
from .test_capture_browser import Taps

ZOE = "Zoë Martin"
NOTE = "Promised to send the brochure by Friday. His daughter Léa, 8, plays violin. Next meeting on 15 April."
NEXT_VISIT = re.compile(r"Next visit: \w{3} 15 Apr")


def april_15():
    """The 15 April the note means: the next one from today."""
    today = datetime.date.today()
    day = datetime.date(today.year, 4, 15)
    return day if day >= today else datetime.date(today.year + 1, 4, 15)


def found_chips(page):
    """The chips under the note."""
    return page.locator("#found li.found-chip")


def test_three_chips_one_turned_off_saved_in_three_taps(watch, signed_in_page, live_server, app, new_email):
    """Today → "+" (1) → Zoë (2) → the note: three chips; the family one off (one more tap) → Save (3): the
    promise and the next visit are on Zoë's brief, Léa is not."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    page.goto("/")
    taps = Taps()
    taps.tap(page.get_by_role("navigation", name="Main").get_by_role("link", name="Capture a note"))
    expect(page).to_have_url("/capture")
    wait_ready(page)
    page.keyboard.type("zoe", delay=40)
    expect(suggestion(page, ZOE)).to_be_visible()
    taps.tap(page.get_by_role("checkbox", name=ZOE))
    expect(chip(page, ZOE)).to_be_visible()
    expect(note_field(page)).to_be_focused()
    page.keyboard.type(NOTE)

    chips = found_chips(page)
    expect(chips).to_have_count(3)  # the chips come (debounced) after the last word
    expect(chips.nth(0)).to_contain_text("Promise: send the brochure ·")
    expect(chips.nth(1)).to_contain_text("Léa (daughter), 8 · violin")
    expect(chips.nth(2)).to_contain_text(NEXT_VISIT)
    boxes = page.locator("#found .found-toggle input[type=checkbox]")
    for n in range(3):
        expect(boxes.nth(n)).to_be_checked()
    shot(page, "smart-capture-chips.png")

    # One tap turns a chip off: the whole chip is its checkbox.
    chip_taps = Taps()
    chip_taps.tap(page.locator("#found .found-toggle", has_text="Léa"))
    expect(page.get_by_role("checkbox", name=re.compile("^Léa"))).not_to_be_checked()
    taps.tap(save_button(page))
    assert taps.count == 3 and chip_taps.count == 1

    expect_on_brief(page, zoe, ZOE)
    expect(page.locator("#contact-promises")).to_contain_text("send the brochure")
    expect(page.locator("main")).to_contain_text(NEXT_VISIT)
    expect(page.locator("#contact-family")).not_to_contain_text("Léa")
    stored = touches_in_db(app)
    assert len(stored) == 1 and stored[0][0].note == NOTE
    with app.app_context():
        touch = stored[0][0]
        assert [(p.text, p.contact_id, p.touch_id) for p in Promise.select()] == [("send the brochure", zoe, touch.id)]
        assert [(v.contact_id, v.on, v.source_touch_id) for v in PlannedVisit.select()] == [(zoe, april_15(), touch.id)]
        assert FamilyMember.select().count() == 0 and Finding.select().count() == 0  # every chip was seen
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_a_note_saved_offline_waits_on_today_under_from_your_notes(watch, page, context, live_server, app,
                                                                    signed_in_page, new_email):
    """Offline no chips come; back online the note syncs, and Today lists what it said: Keep stores one."""
    zoe = prepare(page, app, new_email)
    context.set_offline(True)
    page.goto("/capture")
    wait_until_ready(page)
    type_into(page.locator("#who"), "Zo")
    expect(suggestion(page, ZOE)).to_be_visible()
    suggestion(page, ZOE).tap()
    expect(page.locator("#chosen")).to_contain_text(ZOE)
    type_into(note_field(page), NOTE)
    page.get_by_role("button", name="Save").tap()
    expect(page.locator(".flash", has_text="Saved on this phone, will sync")).to_be_visible()
    expect(found_chips(page)).to_have_count(0)  # nobody saw any chips
    assert outbox_size(page) == 1

    context.set_offline(False)  # the page replays its outbox on "online"
    expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    assert outbox_size(page) == 0
    page.goto("/")
    section = page.locator("#today-findings")
    expect(section.get_by_role("heading", name="From your notes")).to_be_visible()
    rows = section.locator("li.finding")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Promise: send the brochure ·")
    expect(section).to_contain_text("Léa (daughter), 8 · violin")
    expect(section).to_contain_text(NEXT_VISIT)
    expect(rows.nth(0)).to_contain_text(f"for {ZOE}")
    shot(page, "smart-capture-from-your-notes.png")

    section.get_by_role("button", name=re.compile(r"^Keep: Promise: send the brochure")).tap()
    expect(section).to_contain_text("Kept: Promise: send the brochure")
    section.get_by_role("button", name=re.compile(r"^Dismiss: Léa")).tap()
    expect(section).to_contain_text("Dismissed: Léa")
    with app.app_context():
        user = user_of(app, new_email)
        touch = Touch.get(Touch.user == user.id)
        assert [(p.text, p.contact_id, p.touch_id) for p in Promise.select()] == [("send the brochure", zoe, touch.id)]
        assert FamilyMember.select().count() == 0
        assert [f.kind for f in Finding.select()] == ["meeting"]
    page.reload()
    expect(page.locator("#today-findings li.finding")).to_have_count(1)
    # This Chromium keeps navigator.onLine true under set_offline, so htmx sends and logs its own sendError
    # (the capture form and the chips alike) before offline.js keeps the note: expected without signal.
    # A chips read sent in the instant the signal came back, by a page opened from the phone's cache with an older
    # token, is refused (400) and ignored by offline.js (the note is read again when it syncs); the outbox's fresh
    # token then goes into the page, so later reads pass.
    assert_clean(watch, allow=EXPECTED_OFFLINE + (r"^htmx:(sendError|afterRequest), \[object HTML\w+Element\]",
                                                  r"^Response Status Error Code 400 from /capture/found, "))


def test_the_extractor_reads_the_note_of_these_tests():
    """What the two tests above stand on: the real rules find a promise, a family member and a next visit."""
    found = extraction.extract(NOTE, today=datetime.date.today())
    assert [p.text for p in found.promises] == ["send the brochure"]
    assert [(f.name, f.relation, f.age) for f in found.family] == [("Léa", "child", 8)]
    assert [m.date for m in found.meetings] == [april_15()]


def test_a_chip_moves_to_another_chosen_person_with_one_tap(watch, signed_in_page, live_server, app, new_email):
    """With Zoë and Tom chosen, the promise is Zoë's (the first); one tap on "Tom Baker" beside it makes it Tom's,
    and Save stores it on Tom."""
    page = signed_in_page
    zoe = seed_contact(app, new_email, name=ZOE)
    tom = seed_contact(app, new_email, name="Tom Baker")
    page.goto(f"/capture?contact={zoe}")
    wait_ready(page)
    type_into(page.locator("#who"), "Tom")
    suggestion(page, "Tom Baker").tap()
    expect(chip(page, "Tom Baker")).to_be_visible()
    type_into(note_field(page), "Promised to send the brochure by Friday.")
    promise = found_chips(page).filter(has_text="Promise: send the brochure")
    expect(promise).to_have_count(1)
    expect(promise.get_by_role("radio", name=ZOE)).to_be_checked()
    taps = Taps()
    taps.tap(promise.locator("label.owner-choice", has_text="Tom Baker"))
    expect(promise.get_by_role("radio", name="Tom Baker")).to_be_checked()
    assert taps.count == 1
    save_button(page).tap()
    expect(page).to_have_url(re.compile(rf"/people/{zoe}"))
    with app.app_context():
        assert [(p.text, p.contact_id) for p in Promise.select()] == [("send the brochure", tom)]
    assert_clean(watch)
