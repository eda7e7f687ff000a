"""The installable app on the server side: manifest, service worker, offline page, static versions,
compression, and the offline outbox's JSON answers (token, 401 after the session ended, 422, 201/200)."""
import gzip
import json
import re
import uuid

import brotli
from helpers import appended_to_static, csrf_from

from journal.models import Contact, Touch

OUTBOX = {"X-Rapport-Outbox": "1"}


def test_manifest_has_what_an_install_needs(client):
    """id, names, start_url, scope, standalone, colours and 192/512/maskable PNG icons that exist."""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    for key in ("id", "name", "short_name", "start_url", "scope", "theme_color", "background_color"):
        assert manifest[key], key
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(image.data[16:20], "big"), int.from_bytes(image.data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_pages_link_the_manifest_and_the_apple_touch_icon(client):
    """Every page names the manifest and an apple-touch-icon (a 180 px PNG)."""
    html = client.get("/login").get_data(as_text=True)
    assert re.search(r'<link rel="manifest" href="/manifest.webmanifest', html)
    icon = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', html).group(1)
    data = client.get(icon).data
    assert int.from_bytes(data[16:20], "big") == 180


def test_service_worker_is_served_from_the_root_and_precaches_current_files(client):
    """/sw.js (root scope) lists the versioned static files and the offline page; it is never cached stale."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert "/offline" in precache
    page = client.get("/login").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(/static/(?:css|js|vendor)/[^"]+)"', page):
        assert url in precache, url  # the exact versioned URL the pages ask for
    # Fragments, search and exports are never kept: the worker only keeps pages it names.
    assert 'request.headers.get("HX-Request")' in body


def test_service_worker_version_follows_the_files(app, client):
    """A changed static file changes its URL and the worker's cache name (a new version takes over)."""
    before = client.get("/sw.js").get_data(as_text=True)
    with appended_to_static(app, "css/app.css", "\n/* changed */\n"):
        after = client.get("/sw.js").get_data(as_text=True)
    version = lambda body: re.search(r'const VERSION = "(\w+)"', body).group(1)  # noqa: E731
    assert version(before) != version(after)
    assert re.search(r"app\.css\?v=\w+", before).group(0) != re.search(r"app\.css\?v=\w+", after).group(0)


def test_versioned_static_files_are_cached_for_good(client):
    """The current version of a static file may be kept a year; an unversioned or old URL may not."""
    url = re.search(r'href="(/static/css/app\.css\?v=\w+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
    assert "immutable" not in client.get("/static/css/app.css?v=old").headers.get("Cache-Control", "")


def test_text_responses_are_compressed(client):
    """Pages, CSS and JS go out compressed when the browser accepts it."""
    for url in ("/login", "/static/js/capture.js", "/static/css/app.css", "/manifest.webmanifest"):
        response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})  # what Chromium sends
        encoding = response.headers.get("Content-Encoding")
        assert encoding in ("gzip", "br"), url
        assert "Accept-Encoding" in response.headers["Vary"]
        body = gzip.decompress(response.data) if encoding == "gzip" else brotli.decompress(response.data)
        assert len(body) > len(response.data)
        if url.startswith("/static/"):
            assert body == client.get(url).data  # the same bytes, uncompressed


def test_offline_page_holds_no_customer_data(ada):
    """The offline page is the same for everyone: no names, no flashes taken from the user."""
    Contact.create(user=ada.user.id, name="Zoë Martin")
    response = ada.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "You are offline" in html and "Search needs a connection" in html
    assert "Zoë" not in html and "ada@example.com" not in html
    assert 'name="rapport-user"' not in html


def test_background_fetch_leaves_the_flash_for_the_user(ada):
    """The service worker keeping /capture in the background does not take the user's pending message."""
    contact = Contact.create(user=ada.user.id, name="Zoë Martin")
    ada.post("/touches", data={"contact_ids": contact.id, "note": "met", "uuid": str(uuid.uuid4()), "kind": "visit"})
    kept = ada.get("/capture", headers={"X-Rapport-Background": "1"}).get_data(as_text=True)
    assert "Saved to the journal." not in kept
    assert "Saved to the journal." in ada.get("/").get_data(as_text=True)


def test_background_fetch_while_logged_out_leaves_no_message(client):
    """The service worker tries to keep /capture from the login page; the user is not greeted by 'Please log in'."""
    response = client.get("/capture", headers={"X-Rapport-Background": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Please log in" not in client.get("/login").get_data(as_text=True)
    assert "Please log in" in client.get(client.get("/people/").headers["Location"]).get_data(as_text=True)


def test_authenticated_pages_are_not_stored_by_the_browser(ada):
    """Pages with customer data say no-store (only the service worker keeps chosen pages, and logout wipes it)."""
    for url in ("/", "/people/", "/capture", "/account"):
        assert ada.get(url).headers["Cache-Control"] == "no-store", url


def test_outbox_token_is_fresh_and_names_the_user(ada):
    """The outbox gets a CSRF token that the server accepts, and whose notes it may send."""
    response = ada.get("/outbox/token", headers=OUTBOX)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["user"] == str(ada.user.id)
    contact = Contact.create(user=ada.user.id, name="Zoë Martin")
    sent = ada.client.post("/touches", data={"contact_ids": contact.id, "note": "from the car park",
                                             "uuid": str(uuid.uuid4()), "kind": "visit"},
                           headers={"X-CSRFToken": data["token"], **OUTBOX})
    assert sent.status_code == 201


def test_outbox_after_the_session_ended_gets_401_json(client):
    """Without a session, the outbox learns it must ask the user to log in (not a login page)."""
    response = client.get("/outbox/token", headers=OUTBOX)
    assert response.status_code == 401
    assert response.get_json()["login"].startswith("/login")
    assert client.post("/touches", data={"note": "x"}, headers=OUTBOX).status_code in (400, 401)


def test_outbox_replay_is_idempotent_and_answers_json(ada):
    """201 the first time, 200 for the same UUID again, one row; 422 with the reasons for a bad note."""
    contact = Contact.create(user=ada.user.id, name="Zoë Martin")
    capture = {"contact_ids": contact.id, "note": "the daughter's exams went well", "uuid": str(uuid.uuid4()), "kind": "visit"}
    first = ada.post("/touches", data=capture, headers=dict(OUTBOX))
    again = ada.post("/touches", data=capture, headers=dict(OUTBOX))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["uuid"] == again.get_json()["uuid"] == capture["uuid"]
    assert Touch.select().where(Touch.uuid == capture["uuid"]).count() == 1
    assert "Saved to the journal." not in ada.get("/").get_data(as_text=True)  # no flash for a page nobody saw

    refused = ada.post("/touches", data={"note": "nobody chosen", "uuid": str(uuid.uuid4())}, headers=dict(OUTBOX))
    assert refused.status_code == 422
    assert refused.get_json()["errors"]
    assert Touch.select().where(Touch.note == "nobody chosen").count() == 0


def test_another_users_contact_in_a_replayed_note_is_refused(ada, bob):
    """A queued note naming someone else's contact id is refused (422), and nothing is stored."""
    theirs = Contact.create(user=bob.user.id, name="Bob's customer")
    response = ada.post("/touches", data={"contact_ids": theirs.id, "note": "x", "uuid": str(uuid.uuid4())},
                        headers=dict(OUTBOX))
    assert response.status_code == 422
    assert Touch.select().count() == 0


def test_logout_asks_the_browser_to_clear_everything(ada):
    """Logout sends Clear-Site-Data for caches and storage (IndexedDB, service worker, Cache Storage)."""
    token = csrf_from(ada.get("/account").get_data(as_text=True))
    response = ada.client.post("/logout", headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
