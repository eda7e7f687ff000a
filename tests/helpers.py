"""Plain helpers shared by the tests (no set-up of their own): the database the suite runs on, a logged-in
session, and the forms most tests fill in (a contact, a family member, a capture, an export job).

Test modules import them from here (`from helpers import add_contact`), never from another test module;
tests/conftest.py builds its fixtures on them.
"""
import contextlib
import io
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.request
import uuid
from html.parser import HTMLParser

import pytest

from journal import migrate
from journal.db import db, open_database

PASSWORD = "correct horse battery"

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ON_POSTGRESQL = PG_URL.startswith("postgres")

# For tests of something only SQLite has (pragmas, its backup API, its file); each says what covers PostgreSQL.
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite only (TEST_DATABASE_URL runs the suite on PostgreSQL)")


# --- the database ----------------------------------------------------------------------------------------------


def wipe_postgresql(url=None):
    """Drop and re-create the public schema of TEST_DATABASE_URL: no tables, triggers, functions or extensions."""
    import psycopg

    conninfo, env = migrate.libpq_target(open_database(url or PG_URL))  # the app's reading of the URL, pool options aside
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD"), autocommit=True) as conn:
        conn.execute("SET lock_timeout = '10s'")  # a connection a test left in a transaction fails the wipe, not hangs it
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def close_app_database(app):
    """Close this app's connections (the global proxy may point at another app's database by now).

    A pool (SQLite files always; postgresql+pool:// URLs) keeps its connections open after close(): close them all,
    or every test would leave some behind.
    """
    for database in (app.extensions["peewee"], db):
        if not database.is_closed():
            database.close()
        if hasattr(database, "close_all"):
            database.close_all()


@contextlib.contextmanager
def read_only_database(app):
    """While the block runs, `app` opens its database read-only, as a read-only file, mount or replica leaves it:
    reads work, and every write fails (SQLite: "attempt to write a readonly database", through a `mode=ro`
    connection, since chmod stops no root; PostgreSQL: "cannot execute ... in a read-only transaction").

    Use it while no request is in progress: connections already handed out keep what they could do.
    """
    database = app.extensions["peewee"]
    name, params = database.database, dict(database.connect_params)
    close_app_database(app)
    if ON_POSTGRESQL:
        database.connect_params["options"] = "-c default_transaction_read_only=on"
    else:
        database.database = "file:" + urllib.request.pathname2url(name) + "?mode=ro"
        database.connect_params["uri"] = True
    try:
        yield
    finally:
        close_app_database(app)
        database.database, database.connect_params = name, params


# --- processes (the integration tests start the app's real servers) ---------------------------------------------


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree(root):
    """{pid: command line} of every process descended from `root`."""
    parents, commands = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                commands[int(entry)] = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
    found, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = commands.get(pid, "")
                todo.append(pid)
    return found


def wait_for(condition, seconds, what):
    """Wait until condition() is true, failing with `what` after a generous deadline."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.25)


# --- pages and sessions ----------------------------------------------------------------------------------------


def text(response):
    """A response's body as text."""
    return response.get_data(as_text=True)


def csrf_from(html):
    """The CSRF token in a rendered page (meta tag or hidden input)."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class Session:
    """A logged-in browser session: a test client plus its CSRF token."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.token = csrf_from(client.get("/account").get_data(as_text=True))

    def get(self, url, **kw):
        """GET a page."""
        return self.client.get(url, **kw)

    def post(self, url, data=None, htmx_target=None, **kw):
        """POST a form with the CSRF token, optionally as htmx targeting an element id."""
        headers = kw.pop("headers", {})
        headers["X-CSRFToken"] = self.token
        if htmx_target:
            headers.update({"HX-Request": "true", "HX-Target": htmx_target})
        return self.client.post(url, data=data or {}, headers=headers, **kw)

    def hx(self, url, target, **kw):
        """GET as htmx, targeting an element id."""
        return self.client.get(url, headers={"HX-Request": "true", "HX-Target": target}, **kw)


@contextlib.contextmanager
def appended_to_static(app, filename, text):
    """While the block runs, `app` serves a copy of its static folder in which `filename` has `text` appended
    (a new version of that file); yields the changed file's path.

    A copy, so that the checkout's own static/ is never written: tests running at the same time (pytest -n) see
    the real files, and an interrupted run leaves nothing changed behind.
    """
    real_folder = app.static_folder
    with tempfile.TemporaryDirectory(prefix="static-") as scratch:
        folder = os.path.join(scratch, os.path.basename(real_folder))  # the same name: /static/ URLs are unchanged
        shutil.copytree(real_folder, folder)
        path = os.path.join(folder, filename)
        with open(path, "ab") as handle:
            handle.write(text.encode())
        app.static_folder = folder
        try:
            yield path
        finally:
            app.static_folder = real_folder


# --- forms most tests fill in ------------------------------------------------------------------------------------

# Every field any form of the app reads (the fuzzing tests fill them with anything).
FORM_FIELDS = ["name", "alt_name", "company", "role", "city", "phones", "emails", "tags", "interests", "how_we_met", "cadence_days",
          "gift_budget", "gift_budget_currency", "goals", "relation", "day", "month", "year", "age", "notes", "kind",
          "label", "text", "due_on", "description", "recipient", "status", "occasion", "price", "currency", "link",
          "date", "outcome", "to", "note", "happened_at", "pulse", "give_ask", "uuid", "contact_ids", "new_contacts",
          "promise_text", "promise_due", "gift_idea", "days", "visit_on", "visit_at", "visit_note", "touch", "found_for",
          "chip-0-key", "chip-0-on", "chip-0-owner", "chip-0-text", "chip-0-date", "chip-0-name", "chip-0-relation",
          "chip-0-age", "endpoint", "p256dh", "auth", "digest_at", "visit_minutes", "names_only", "push_endpoint"]

CARD = {
    "name": "Zoë Martin",
    "company": "Acme Logistics",
    "role": "Purchasing manager",
    "city": "Lyon",
    "phones": "mobile: +33 6 12 34 56 78\n+33 4 00 00 00 00",
    "emails": "work: zoe@acme.example",
    "tags": "key account, Lyon",
    "interests": "sailing, Lyon FC",
    "how_we_met": "Trade fair in Hannover",
    "cadence_days": "30",
}


def add_contact(session, **overrides):
    """Create a contact through the form; return its id."""
    response = session.post("/people/new", data={**CARD, **overrides})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert session.get(response.headers["Location"]).status_code == 200  # as a browser would, showing the flash
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def add_family(session, cid, **fields):
    """Add a family member through the form (as htmx); return the response."""
    data = {"relation": "child", "name": "Léa", "day": "", "month": "", "year": "", "age": "", "interests": "", "notes": ""}
    data.update(fields)
    return session.post(f"/people/{cid}/family", data=data, htmx_target="contact-family")


def feed_url(session):
    """Turn the calendar feed on through the account page and return its path."""
    session.post("/account/calendar", data={"action": "on"})
    page = text(session.get("/account"))
    return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)


def capture(session, contact_ids=(), new=(), htmx=False, **fields):
    """POST a quick capture; returns the response."""
    data = {"uuid": fields.pop("uuid", str(uuid.uuid4())), "kind": "visit", "note": "Talked about the new warehouse.",
            "contact_ids": [str(i) for i in contact_ids], "new_contacts": list(new)}
    data.update(fields)
    return session.post("/touches", data=data, htmx_target="capture-form" if htmx else None)


def prepare_export(session, **form):
    """Ask for an export as htmx does (into #export-progress); return (response, job id)."""
    response = session.post("/export/prepare", data=form, htmx_target="export-progress")
    assert response.status_code == 200, response.get_data(as_text=True)
    job_id = re.search(r'"/export/jobs/(\d+)', response.get_data(as_text=True))
    return response, job_id.group(1) if job_id else None


def until_export_ready(session, job_id, seconds=60):
    """Poll the progress fragment as the page does, until it offers the file or fails; return the last fragment."""
    deadline = time.monotonic() + seconds
    while True:
        html = session.hx(f"/export/jobs/{job_id}", "export-progress").get_data(as_text=True)
        if "Your file is ready" in html or "could not be prepared" in html:
            return html
        assert time.monotonic() < deadline, "the export never finished"
        time.sleep(0.05)


def upload(session, name, body):
    """Send a file as the import form does; the answer is its preview (the check ran at once)."""
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    return session.post("/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def confirm_url(preview):
    """Where an import preview's Import button posts."""
    return re.search(r'action="(/import/jobs/\d+/confirm)"', text(preview)).group(1)


def confirm(session, preview, skip_duplicates=True):
    """Tap Import on the preview: the form carries the CSRF token and the duplicates choice, never the file."""
    return session.post(confirm_url(preview), data={"skip_duplicates": "1"} if skip_duplicates else {})


class _FormReader(HTMLParser):
    """The fields of the form posting to one action, as a browser would send them unchanged."""

    def __init__(self, action):
        """Read the form whose action is `action`."""
        super().__init__()
        self.action, self.inside, self.values, self.select, self.textarea = action, False, {}, None, None

    def handle_starttag(self, tag, attrs):
        """Note each field's value (checked radios and boxes only, the selected option of a select)."""
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and (a.get("type") not in ("radio", "checkbox") or "checked" in a):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a.get("name")
            self.values.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.values[self.textarea] = ""

    def handle_endtag(self, tag):
        """Close a select, a textarea or the form."""
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        """A textarea's text."""
        if self.inside and self.textarea:
            self.values[self.textarea] += data


def form_values(html, action):
    """{name: value} of the form in `html` that posts to `action`, as the page fills it in."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.values
