"""Plain helpers shared by the browser tests (no set-up of their own): Debian's Chromium, signing up, waiting
for the page, checks on what a page did, data seeded through the database, the capture screen and the phone
without signal.

Browser test modules import them from here (`from .helpers import seed_contact`), never from another test
module; tests/browser/conftest.py builds its fixtures on them. Also used by `make bench` (tests/bench/), so
this module imports neither pytest nor tests/helpers.py.
"""
import datetime
import json
import os
import random
import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from journal import demo
from journal.models import Contact, FamilyMember, ImportantDate, Touch, TouchContact, User

CHROMIUM = "/usr/bin/chromium"
HERE = os.path.dirname(os.path.abspath(__file__))

# Without the background-networking flags, this closed network refuses Chromium's own
# connections, many at a time (see DESIGN.md, "Tests").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = "Pixel 7"
PASSWORD = "correct horse battery"  # the same as tests/helpers.py


def sign_up(page, email, password=PASSWORD):
    """Sign up through the real form; ends on Today."""
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("/")


# --- waiting for the page --------------------------------------------------------------------------------------


def wait_for_js(page, function, arg=None, seconds=15, what=None):
    """Evaluate the JavaScript `function` (its result awaited when it is a promise) until it is truthy; fail after
    `seconds`. Returns that result.

    Instead of `page.wait_for_function`, which cannot wait on a promise (it takes the promise itself as the truthy
    answer and returns at once) and, given a bare expression, evaluates it again on every poll as a string, which
    the app's Content-Security-Policy refuses (EvalError) whenever the first poll was not yet true.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = page.evaluate(function, arg)
        except PlaywrightError as error:  # a navigation replaced the document meanwhile: ask the new one
            if "Execution context was destroyed" not in str(error):
                raise
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"waited {seconds} s for {what or function}"
        page.wait_for_timeout(100)  # Playwright delivers the page's events only while one of its calls runs


# --- what a page did -------------------------------------------------------------------------------------------

SHOTS = "/tmp/browser-shots"

# Chromium logs every non-2xx subresource response to the console; a 422 is the expected validation answer.
EXPECTED_422 = r"status of 422"


def shot(page, name):
    """A viewport-sized (phone-sized) screenshot for a human review; never asserted on."""
    os.makedirs(SHOTS, exist_ok=True)
    # caret="initial": hiding the caret makes Playwright inject a <style>, which our CSP rightly blocks.
    page.screenshot(path=os.path.join(SHOTS, name), caret="initial")


def type_into(locator, text):
    """Tap a field, clear it and type `text` key by key."""
    locator.tap()
    locator.fill("")
    locator.press_sequentially(text)


def assert_only_local(watch, live_server):
    """Every request the page made went to the live server on 127.0.0.1."""
    assert watch.requests, "the page made no requests at all"
    foreign = [url for url in watch.requests if not live_server.is_local(url)]
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"


def assert_clean(watch, allow=()):
    """No console errors (except those matching a pattern in `allow`), no uncaught exceptions, no CSP violations."""
    errors = [e for e in watch.console_errors if not any(re.search(p, e) for p in allow)]
    assert errors == [], f"console errors: {errors}"
    assert watch.page_errors == [], f"page errors: {watch.page_errors}"
    assert watch.csp_violations() == []


class SameDocument:
    """Proves an action happened without a page load: a marker on window survives, no document request."""

    def __init__(self, page):
        self.page = page
        self.documents = []
        self.url = None

    def _request(self, request):
        if request.resource_type == "document":
            self.documents.append(request.url)

    def __enter__(self):
        self.url = self.page.url
        self.page.evaluate("window.__sameDocument = 'still here'")
        self.page.on("request", self._request)
        return self

    def __exit__(self, *exc):
        self.page.remove_listener("request", self._request)
        if exc[0] is None:
            self.check()
        return False

    def check(self):
        """Assert that nothing navigated since the start."""
        assert self.page.evaluate("window.__sameDocument") == "still here", "the page was reloaded"
        assert self.documents == [], f"full page loads happened: {self.documents}"
        assert self.page.url == self.url


# --- data seeded through the database --------------------------------------------------------------------------

NAME = "Jan Kowalski"
BRIEF_URL = re.compile(r"/people/(\d+)$")


def user_of(app, email):
    """The User row signed up through the UI."""
    with app.app_context():
        user = User.by_email(email)
        assert user is not None
        return user


def seed_contact(app, email, name=NAME, full=False):
    """Store a contact for the signed-up user; `full` adds phones, emails, tags, interests, family and dates."""
    with app.app_context():
        user = User.by_email(email)
        contact = Contact(
            user=user.id, name=name, company="Acme Logistics", role="Buyer", city="Lyon",
            how_we_met="Trade fair in Hannover" if full else "", cadence_days=30 if full else None,
        )
        contact.save()
        contact.set_methods("phone", [("mobile", "+33 6 12 34 56 78")])
        contact.set_methods("email", [("work", "jan@acme.example")])
        if full:
            contact.set_methods("phone", [("mobile", "+33 6 12 34 56 78"), ("office", "+33 4 78 00 00 00")])
            contact.set_methods("email", [("work", "jan@acme.example"), ("home", "jan@home.example")])
            contact.set_tags(["key account", "VIP"])
            contact.set_interests(["sailing", "Lyon FC"])
            member = FamilyMember.create(user=user.id, contact=contact, relation="child", name="Hugo")
            contact.set_interests(["football"], family_member=member)
            ImportantDate.create(user=user.id, contact=contact, family_member=member, kind="birthday",
                                 year=2015, month=5, day=9)
            ImportantDate.create(user=user.id, contact=contact, kind="birthday", year=1980, month=3, day=14)
            ImportantDate.create(user=user.id, contact=contact, kind="custom", label="Company founded",
                                 year=1999, month=9, day=1)
        return contact.id


def seed_demo(app, email, contacts=200):
    """The `make demo` journal (200 people with families, touches, promises and gifts) for this user."""
    with app.app_context():
        user = User.by_email(email)
        demo.write(user, demo.generate(random.Random(1), contacts, datetime.date.today()))
        return [c.id for c in Contact.for_user(user).order_by(Contact.id).limit(3)]


def touches_in_db(app):
    """Every stored touch, with the ids of its contacts."""
    with app.app_context():
        return [
            (t, [link.contact_id for link in TouchContact.select().where(TouchContact.touch == t)])
            for t in Touch.select().order_by(Touch.id)
        ]


# --- the capture screen ----------------------------------------------------------------------------------------

DRAFT_KEY = "rapport:drafts"  # a list of drafts, most recent first (static/js/capture.js)


def open_capture(page):
    """Open /capture and wait until htmx and our scripts are ready."""
    page.goto("/capture")
    wait_ready(page)


def wait_ready(page):
    """Wait for the scripts (deferred) and any type-ahead request to settle."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load on the capture screen"


def who(page):
    """The type-ahead search field."""
    return page.get_by_placeholder("Type a few letters of a name")


def note_field(page):
    """The note textarea."""
    return page.get_by_label("What happened?")


def save_button(page):
    """The capture form's Save button."""
    return page.locator("#capture-form").get_by_role("button", name="Save")


def suggestion(page, text):
    """A suggestion row in the type-ahead list."""
    return page.locator("#contact-suggestions label.suggestion", has_text=text)


def chip(page, text):
    """A chosen person's chip above the search field."""
    return page.locator("#chosen label.chosen-chip", has_text=text)


def pick(page, typed, name):
    """Type a few letters, tap the suggestion `name`, and check it became a chosen chip."""
    type_into(who(page), typed)
    row = suggestion(page, name)
    expect(row).to_be_visible()
    row.tap()
    expect(chip(page, name)).to_be_visible()
    expect(chip(page, name).locator("input[type=checkbox]")).to_be_checked()
    expect(page.locator("#contact-suggestions label")).to_have_count(0)


def draft(page):
    """The most recent capture draft kept in localStorage, parsed (or None)."""
    raw = page.evaluate(f"localStorage.getItem({json.dumps(DRAFT_KEY)})")
    drafts = [] if raw is None else json.loads(raw)
    return drafts[0] if drafts else None


def wait_for_draft_note(page, text):
    """Wait until capture.js has stored `text` as the draft's note."""
    page.wait_for_function(
        "([key, text]) => { const d = JSON.parse(localStorage.getItem(key) || 'null');"
        " return !!d && d.length > 0 && d[0].fields && d[0].fields.note === text; }",
        arg=[DRAFT_KEY, text],
    )


def leave_a_draft(page, typed, name, note):
    """Open the capture screen, choose `name` (typing `typed`), write `note`, and leave it unsaved."""
    open_capture(page)
    pick(page, typed, name)
    type_into(note_field(page), note)
    wait_for_draft_note(page, note)


def log_from_brief(page, contact_id):
    """On a contact's brief, tap "+ Log": the capture screen opened for them."""
    page.goto(f"/people/{contact_id}")
    page.locator("#contact-touches").get_by_role("link", name="+ Log").tap()
    expect(page).to_have_url(f"/capture?contact={contact_id}")
    wait_ready(page)


def expect_on_brief(page, contact_id, name):
    """The page is the contact's brief (the capture redirect lands on the touches anchor)."""
    expect(page).to_have_url(re.compile(rf"/people/{contact_id}(#contact-touches)?$"))
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


# --- the phone without signal ----------------------------------------------------------------------------------

# What Chromium logs while the network is cut: expected, not a fault of the page.
# What a page offline logs by design: failed loads, and htmx's own log of a request that could not be sent (its
# htmx:sendError and the failed htmx:afterRequest; offline.js handles both by queueing or flashing).
EXPECTED_OFFLINE = (r"ERR_INTERNET_DISCONNECTED", r"Failed to load resource", r"status of 4\d\d",
                    r"^htmx:sendError, ", r"^htmx:afterRequest, ")


def wait_for_controller(page):
    """Wait until the service worker is active and controls the page.

    A document whose navigation started before the worker was active is never controlled: clients.claim() skips a
    document not yet created. As for a user, the next load of that page is; so reload it once in that case.
    """
    wait_for_js(page, "() => navigator.serviceWorker.getRegistration()"
                      ".then(r => !!r && !!r.active && r.active.state === 'activated')",
                what="the service worker to be activated")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    wait_for_js(page, "() => navigator.serviceWorker.controller !== null", what="the service worker to control the page")


def wait_for_service_worker(page):
    """Wait until the service worker controls the page and has kept the capture screen."""
    wait_for_controller(page)
    wait_for_js(page, "() => caches.open('rapport-pages').then(c => c.match('/capture')).then(r => !!r)",
                what="the service worker to keep /capture")


def wait_until_ready(page):
    """Wait for the deferred scripts."""
    wait_for_js(page, "() => typeof window.htmx === 'object' && typeof window.RapportOutbox === 'object'",
                what="htmx and the outbox script")


def outbox_size(page):
    """How many notes wait in this phone's IndexedDB outbox."""
    return page.evaluate("RapportOutbox.all().then(items => items.length)")


def prepare(page, app, email, name="Zoë Martin"):
    """A contact, its brief viewed online (so the phone knows them), and the service worker in place."""
    contact_id = seed_contact(app, email, name=name)
    page.goto(f"/people/{contact_id}")
    wait_until_ready(page)
    wait_for_service_worker(page)
    page.goto(f"/people/{contact_id}")  # now through the service worker, which keeps it
    wait_until_ready(page)
    wait_for_js(page, "path => caches.open('rapport-pages').then(c => c.match(path)).then(r => !!r)",
                f"/people/{contact_id}", what=f"the service worker to keep /people/{contact_id}")
    return contact_id
