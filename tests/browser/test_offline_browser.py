"""The phone without signal (issue 8): installable, capture offline, read offline, forget on logout.

Every test runs Debian's Chromium as a Pixel 7 against the live server, cuts the network with
`context.set_offline(True)` (which also cuts the service worker's fetches), and checks what the user sees
and the rows in the database. Background Sync does not fire in tests: replay is driven by the page's
`online` event, on app open, and by "Sync now".
"""
import re
import time

from flask import request, request_finished
from playwright.sync_api import expect

from helpers import appended_to_static  # tests/helpers.py

from journal.models import Contact, Gift, Promise, Touch

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXPECTED_OFFLINE,
    PASSWORD,
    PHONE,
    assert_clean,
    outbox_size,
    prepare,
    shot,
    sign_up,
    type_into,
    user_of,
    wait_for_controller,
    wait_for_js,
    wait_for_service_worker,
    wait_until_ready,
)

NOTE = "Léa passed her violin exam; they move the warehouse to Lyon in May."


def touches_with(app, email, note):
    """The touches of this user whose note is `note`."""
    with app.app_context():
        user = user_of(app, email)
        return list(Touch.select().where((Touch.user == user.id) & (Touch.note == note)))


def capture_offline(page, context, contact_name, note=NOTE, promise="", gift=""):
    """With the network cut: open the kept capture screen, choose a person seen before, type, Save."""
    context.set_offline(True)
    page.goto("/capture")
    wait_until_ready(page)
    type_into(page.locator("#who"), contact_name.split()[0][:3])
    suggestion = page.locator("#contact-suggestions label.suggestion", has_text=contact_name)
    expect(suggestion).to_be_visible()
    suggestion.tap()
    expect(page.locator("#chosen")).to_contain_text(contact_name)
    type_into(page.locator("#note"), note)
    if promise:
        page.get_by_text("Add a promise").tap()
        type_into(page.get_by_label("I promised to"), promise)
    if gift:
        page.get_by_text("Add a gift idea").tap()
        type_into(page.get_by_label("Gift idea"), gift)
    page.get_by_role("button", name="Save").tap()
    expect(page.locator(".flash", has_text="Saved on this phone, will sync")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_text(re.compile(r"^1 note unsynced"))
    assert outbox_size(page) == 1


def test_installable(playwright, live_server, tmp_path, new_email):
    """Chromium finds nothing missing for installing Rapport: manifest, icons and service worker.

    A persistent profile, because Playwright's usual contexts are incognito, which cannot install apps.
    """
    phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        base_url=live_server.url, **phone,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_up(page, new_email)
        wait_for_service_worker(page)
        manifest = page.request.get("/manifest.webmanifest").json()
        assert manifest["display"] == "standalone" and manifest["short_name"] == "Rapport"
        assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
        for icon in manifest["icons"]:
            response = page.request.get(icon["src"])
            assert response.status == 200 and response.headers["content-type"] == "image/png"
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
    finally:
        context.close()


def test_capture_offline_reload_then_back_online(watch, page, context, live_server, app, signed_in_page, new_email):
    """Offline: the note (with a promise and a gift idea) is kept on the phone, survives a reload, and is
    stored exactly once back online."""
    contact_id = prepare(page, app, new_email)
    capture_offline(page, context, "Zoë Martin", promise="send the brochure", gift="a book on sailing")
    shot(page, "offline-capture-saved.png")

    page.reload()
    wait_until_ready(page)
    expect(page.locator("[data-outbox-bar]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_contain_text("1 note unsynced")
    assert touches_with(app, new_email, NOTE) == []

    context.set_offline(False)
    expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    expect(page.locator("[data-outbox-bar]")).to_be_hidden()
    assert outbox_size(page) == 0
    stored = touches_with(app, new_email, NOTE)
    assert len(stored) == 1
    with app.app_context():
        assert [(p.text, p.contact_id) for p in Promise.select().where(Promise.touch == stored[0].id)] == \
            [("send the brochure", contact_id)]
        assert [g.description for g in Gift.select().where(Gift.contact == contact_id)] == ["a book on sailing"]

    # Sending again (another tab, a Background Sync) never duplicates: the server knows the UUID.
    page.evaluate("RapportOutbox.replay()")
    assert len(touches_with(app, new_email, NOTE)) == 1
    assert_clean(watch, allow=EXPECTED_OFFLINE)


def test_capture_offline_session_expired_then_log_in(page, context, live_server, app, signed_in_page, new_email):
    """The session ends while the note waits: the note stays, the bar asks to log in, and then it is sent."""
    prepare(page, app, new_email)
    capture_offline(page, context, "Zoë Martin")
    context.clear_cookies()  # the session (and remember-me) cookie is gone
    context.set_offline(False)

    login = page.locator("[data-outbox-login]")
    expect(login).to_be_visible()
    assert outbox_size(page) == 1
    assert touches_with(app, new_email, NOTE) == []

    login.tap()
    page.get_by_label("Email").fill(new_email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    assert outbox_size(page) == 0
    assert len(touches_with(app, new_email, NOTE)) == 1


def test_capture_offline_with_an_expired_csrf_token(page, context, live_server, app, signed_in_page, new_email):
    """A note queued longer than the CSRF token lives (an hour in production, 2 s here) is still stored."""
    app.config["WTF_CSRF_TIME_LIMIT"] = 2
    prepare(page, app, new_email)
    capture_offline(page, context, "Zoë Martin")
    old_token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    time.sleep(3)
    # The page's own token has really expired: the server refuses it (this API request shares the
    # phone's cookies but not its offline switch) ...
    refused = page.request.post("/touches", form={"note": "with an old token", "uuid": "x"},
                                headers={"X-CSRFToken": old_token, "X-Rapport-Outbox": "1"})
    assert refused.status == 400
    # ... and the outbox still gets through, with a fresh one, as soon as the phone is back online.
    context.set_offline(False)
    expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    assert len(touches_with(app, new_email, NOTE)) == 1


def test_read_a_brief_offline(watch, page, context, live_server, app, signed_in_page, new_email):
    """A brief viewed before opens offline with its "as of" banner; search says it needs a connection."""
    contact_id = prepare(page, app, new_email)
    page.goto("/")
    wait_until_ready(page)
    context.set_offline(True)

    page.goto(f"/people/{contact_id}")
    expect(page.get_by_role("heading", name="Zoë Martin")).to_be_visible()
    expect(page.locator("[data-offline-banner]")).to_contain_text("Offline: your copy as of")
    shot(page, "offline-brief.png")

    page.goto("/")
    expect(page.locator("[data-offline-banner]")).to_be_visible()

    page.goto("/search?q=zoe")
    expect(page.get_by_text("Search needs a connection.")).to_be_visible()
    expect(page.get_by_role("link", name="Zoë Martin")).to_be_visible()  # kept pages are listed
    shot(page, "offline-search.png")
    assert_clean(watch, allow=EXPECTED_OFFLINE)


CUSTOMER_DATA_LEFT = """async (name) => {
  const found = [];
  for (const cacheName of await caches.keys()) {
    const cache = await caches.open(cacheName);
    for (const request of await cache.keys()) {
      const text = await (await cache.match(request)).text();
      if (text.includes(name)) { found.push(cacheName + " " + request.url); }
    }
  }
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if ((localStorage.getItem(key) || "").includes(name) || key.startsWith("rapport:")) { found.push("localStorage " + key); }
  }
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  for (const db of dbs) { if (db.name === "rapport") { found.push("indexedDB rapport"); } }
  return found;
}"""


def test_logout_then_offline_leaves_no_customer_data(page, context, live_server, app, signed_in_page, new_email):
    """After logout, nothing about customers is left in caches, storage, IndexedDB or any page offline."""
    contact_id = prepare(page, app, new_email)
    assert page.evaluate(CUSTOMER_DATA_LEFT, "Zoë Martin") != []  # the check can see what is kept

    page.goto("/account")
    page.get_by_role("button", name="Log out", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("networkidle")
    # Logout unregistered the service worker; the login page registers a fresh one. Offline pages come from it
    # only once it controls the page (before that, a busy machine's browser shows its own network error).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)

    context.set_offline(True)
    for url in (f"/people/{contact_id}", "/", "/capture"):
        page.goto(url)
        expect(page.locator("body")).not_to_contain_text("Zoë")
    assert page.evaluate(CUSTOMER_DATA_LEFT, "Zoë Martin") == []


def test_logout_with_unsent_notes_warns_first(page, context, live_server, app, signed_in_page, new_email):
    """A note that cannot be sent makes logout ask; "Cancel" keeps it, "OK" logs out and wipes it."""
    prepare(page, app, new_email)
    capture_offline(page, context, "Zoë Martin")
    # The server stays out of reach for this note (for the page and for the service worker's Background Sync).
    context.route("**/touches", lambda route: route.abort())
    context.set_offline(False)
    page.goto("/account")
    wait_until_ready(page)

    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Log out", exact=True).tap()
    assert "1 note is only on this phone" in asked.value.message
    asked.value.dismiss()
    expect(page.locator("[data-outbox-count]")).to_contain_text("1 note unsynced")
    expect(page).to_have_url(re.compile(r"/account$"))
    assert outbox_size(page) == 1

    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Log out", exact=True).tap()
    asked.value.accept()
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.evaluate(CUSTOMER_DATA_LEFT, "Zoë Martin") == []
    assert touches_with(app, new_email, NOTE) == []


def test_a_new_version_takes_over_and_removes_the_old_files(page, live_server, app, signed_in_page):
    """A changed static file installs a new service worker, which takes over and deletes the old cache."""
    page.goto("/")
    wait_for_service_worker(page)
    before = page.evaluate("caches.keys()")
    with appended_to_static(app, "css/app.css", "\n/* a new version */\n"):
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        wait_for_js(page, "old => caches.keys().then(k => k.filter(n => n.startsWith('rapport-static-')).length === 1"
                          " && !k.includes(old))", [n for n in before if n.startswith('rapport-static-')][0],
                    what="the new service worker to replace the old static cache")
        page.reload()
        wait_until_ready(page)
        # The page now uses the new file, from the new cache.
        href = page.locator('link[rel="stylesheet"]').get_attribute("href")
        assert page.evaluate(f"caches.match({href!r}).then(r => r ? r.text() : '')").endswith("/* a new version */\n")
        assert page.evaluate("caches.keys()").count("rapport-pages") == 1  # the kept pages survive an update


def test_another_user_on_the_same_phone_does_not_see_the_last_users_pages(page, context, live_server, app,
                                                                          signed_in_page, new_email):
    """The first user's session expires without a logout; whoever logs in next cannot open their kept briefs."""
    contact_id = prepare(page, app, new_email)
    context.clear_cookies()
    sign_up(page, "someone-else@example.com")
    wait_until_ready(page)
    wait_for_js(page, "path => caches.open('rapport-pages').then(c => c.match(path)).then(r => !r)",
                f"/people/{contact_id}", what="the last user's kept brief to be gone")
    context.set_offline(True)
    page.goto(f"/people/{contact_id}")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Zoë")
    assert page.evaluate("localStorage.getItem('rapport:people')") is None


def test_a_note_the_server_refuses_comes_back_to_the_form(page, context, live_server, app, signed_in_page, new_email):
    """The person was deleted while the note waited: the server refuses it, and Review puts the note
    back into the capture form with the reason, so nothing typed is lost."""
    contact_id = prepare(page, app, new_email)
    capture_offline(page, context, "Zoë Martin")
    with app.app_context():
        Contact.get_by_id(contact_id).delete_instance()  # deleted on another device meanwhile
    context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_contain_text("1 note unsynced (1 needs a look)")
    page.get_by_role("button", name="Review").tap()
    expect(page).to_have_url("/capture")
    expect(page.locator("#note")).to_have_value(NOTE)
    expect(page.locator(".flash-error")).to_contain_text("One of the chosen people is not in your journal.")
    expect(page.get_by_role("region", name="Unsaved note")).to_contain_text("the server refused it")
    shot(page, "offline-review.png")
    expect(page.locator("[data-outbox-bar]")).to_be_hidden()
    assert outbox_size(page) == 0
    assert touches_with(app, new_email, NOTE) == []


def test_the_service_worker_never_changes_the_session_cookie(page, live_server, app, new_email):
    """The worker's own fetches (the precache, the kept capture screen) never set the session cookie. One of their
    answers (a session cookie for the offline page's CSRF token, or a redirect to the login page for the capture
    screen, asked for with the anonymous cookie while the sign-up page installed the worker) could arrive after
    the sign-up's and replace the new signed-in session: the user was signed out (docs/benchmarks.md)."""
    seen = []

    def note(sender, response, **extra):
        """Each request of the worker's own: its path, whether it came with cookies, whether it sets one."""
        if request.path == "/offline" or request.headers.get("X-Rapport-Background") == "1":
            seen.append((request.path, "Cookie" in request.headers, "Set-Cookie" in response.headers))

    with request_finished.connected_to(note, app):
        sign_up(page, new_email)  # the sign-up page registers the worker, which installs meanwhile
        wait_for_controller(page)
        page.wait_for_load_state("networkidle")
    assert {path for path, *_ in seen} >= {"/offline", "/capture"}, seen
    # Precached without cookies (so the browser ignores the cookie its answer sets), and no answer to the
    # worker's background fetch sets one.
    assert not [s for s in seen if s[0] == "/offline" and s[1]], seen
    assert not [s for s in seen if s[0] != "/offline" and s[2]], seen
    page.goto("/account")  # still signed in
    expect(page).to_have_url(re.compile(r"/account$"))


# The server's answer to the capture form while its database cannot save (templates/errors/_error.html, 503).
UNAVAILABLE = ('<section class="empty error-page" role="alert"><p class="error-code">503</p>'
               "<h1>Saving is not possible right now</h1><p>Nothing was changed, and what you typed is still in the "
               "form: save it again in a few minutes.</p></section>")


def test_a_note_the_server_cannot_save_now_waits_on_the_phone(page, context, live_server, app, signed_in_page,
                                                               new_email):
    """The server answers 503 (its database is read-only, say): the capture is kept in the outbox, waiting (not
    "needs a look"), stays there while the server still cannot save, and is saved once it can."""
    contact_id = prepare(page, app, new_email)
    refused = []

    def cannot_save(route):
        """Answer a POST as the server does while its database cannot save."""
        if route.request.method != "POST":
            return route.continue_()
        refused.append(route.request.headers.get("x-rapport-outbox", "page"))
        route.fulfill(status=503, headers={"Retry-After": "30"}, content_type="text/html; charset=utf-8",
                      body=UNAVAILABLE)

    context.route("**/touches", cannot_save)
    page.goto(f"/capture?contact={contact_id}")
    wait_until_ready(page)
    type_into(page.locator("#note"), NOTE)
    page.get_by_role("button", name="Save").tap()
    expect(page.locator(".flash", has_text="Saved on this phone, will sync")).to_be_visible()
    expect(page.locator("#note")).to_have_value("")
    # The outbox sends it again at once (the phone is online); the server still cannot save: the note waits.
    deadline = time.monotonic() + 30
    while "1" not in refused:
        assert time.monotonic() < deadline, f"the outbox never sent the note again: {refused}"
        page.wait_for_timeout(50)
    assert refused[0] == "page" and set(refused[1:]) == {"1"}, refused
    expect(page.locator("[data-outbox-count]")).to_have_text(re.compile(r"^1 note unsynced$"))
    assert page.evaluate("RapportOutbox.all().then(items => items.map(i => i.status))") == ["waiting"]
    assert touches_with(app, new_email, NOTE) == []

    context.unroute("**/touches", cannot_save)
    page.get_by_role("button", name="Sync now").tap()
    expect(page.locator(".flash", has_text="1 note from this phone saved to the journal")).to_be_visible()
    expect(page.locator("[data-outbox-bar]")).to_be_hidden()
    assert outbox_size(page) == 0
    assert len(touches_with(app, new_email, NOTE)) == 1


BROKEN = ('<section class="empty error-page" role="alert"><p class="error-code">500</p>'
          "<h1>Something went wrong</h1><p>Rapport hit an error. Nothing you saved before is lost; please try again.</p>"
          "</section>")


def test_an_htmx_form_the_server_fails_keeps_what_was_typed_and_says_so(page, context, live_server, app,
                                                                        signed_in_page, new_email):
    """A 500 (or any refusal but 422) on an in-place form used to leave the page silent: now the flash gives the
    error page's words, and the promise typed is still in its field."""
    contact_id = prepare(page, app, new_email)

    def broken(route):
        """Answer the promise's POST as a server error does."""
        if route.request.method != "POST":
            return route.continue_()
        route.fulfill(status=500, content_type="text/html; charset=utf-8", body=BROKEN)

    context.route("**/promises", broken)
    page.goto(f"/people/{contact_id}")
    wait_until_ready(page)
    page.locator("#contact-promises summary").click()
    type_into(page.locator("#contact-promises input[name=text]"), "send the pallet brochure")
    page.get_by_role("button", name="Save promise").click()
    expect(page.locator(".flash", has_text="Something went wrong. Rapport hit an error.")).to_be_visible()
    expect(page.locator("#contact-promises input[name=text]")).to_have_value("send the pallet brochure")
