"""Hostile input on every route: every query parameter, every form field, every path id and every upload field
gets NUL, control characters, huge numbers, deep JSON, impossible dates and the like. Nothing answers 5xx.

Routes are read from app.url_map, so a new route is swept without being listed here.
"""
import io
import json

import pytest
from helpers import FORM_FIELDS, add_contact, add_family, capture, prepare_export, until_export_ready
from push_service import PhoneKeys

from journal.models import (FamilyMember, Finding, Gesture, Gift, ImportantDate, PlannedVisit, Promise, PushSubscription,
                            Touch)

HOSTILE = [
    "\x00", "a\x00b", "zo\x01\x02e\x1b[2J\x7f", "\u0085\u2028\ufeff", "\ud7ff\U0010ffff",
    "9" * 40, "-" + "9" * 30, "1e308", "-0", "NaN", "Infinity", "0x10",
    "2026-02-31", "1990-02-29", "0000-00-00", "2026-13-01T25:61:00+99:00", "2026-01-01T10:00:00+05:00",
    "[" * 1500, '{"a":' * 1200, "%00%0d%0a", "/%0D%0ASet-Cookie:%20x=1", "' OR 1=1 --", '"unterminated',
    "NEAR(a b", "<script>alert(1)</script>", "javascript:alert(1)", "x" * 5000,
]
# Every parameter some route reads from the query string (besides the forms' fields).
QUERY = ["q", "tag", "page", "limit", "next", "contact", "recipient", "description", "year", "edit", "v", "format",
         "skip_duplicates", "sheets"]
# Leaving these would end the session the sweep runs in.
SESSION_ENDERS = {"auth.logout", "auth.logout_everywhere", "auth.delete_account"}
SKIP = {"static"}


@pytest.fixture
def ids(app, ada):
    """Ada's journal with one row of everything, and its ids by URL argument name."""
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "", "day": "1", "month": "4"})
    capture(ada, [cid], note="Talked about the warehouse.", promise_text="send it", promise_due="2026-12-01",
            gift_idea="book")
    ada.post(f"/people/{cid}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
    ada.post(f"/people/{cid}/visits", data={"visit_on": "2099-12-04", "visit_at": "10:00", "visit_note": "the warehouse"})
    keys = PhoneKeys()
    ada.post("/account/notifications/phones", data={"endpoint": "https://fcm.googleapis.com/fcm/send/ada",
                                                    "p256dh": keys.p256dh, "auth": keys.auth})
    _, job_id = prepare_export(ada, format="xlsx")
    until_export_ready(ada, job_id)
    with app.app_context():
        touch = Touch.get()
        finding = Finding.add(touch.user_id, touch, cid, "promise", {"text": "call back", "date": "2026-12-01"})
        return {"contact_id": cid, "member_id": FamilyMember.get().id, "finding_id": finding.id,
                "date_id": ImportantDate.get(ImportantDate.kind == "anniversary").id, "touch_id": Touch.get().id,
                "promise_id": Promise.get().id, "gift_id": Gift.get().id, "gesture_id": Gesture.get().id,
                "visit_id": PlannedVisit.get().id, "phone_id": PushSubscription.get().id,
                "job_id": job_id, "token": "not-a-token", "filename": "css/app.css", "kind": "due"}


def routes(app, ids):
    """(endpoint, method, url with Ada's ids, the same url with each id hostile) for every route."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP | SESSION_ENDERS:
            continue
        in_url = {name for name in rule.arguments if f"<{name}>" in rule.rule or f":{name}>" in rule.rule}
        unknown = in_url - ids.keys()
        assert not unknown, f"{rule.rule}: add {unknown} to this sweep's ids"
        url = rule.rule
        for name in in_url:
            url = url.replace(f"<{name}>", str(ids[name])).replace(f"<path:{name}>", str(ids[name]))
        hostile_ids = [rule.rule.replace(f"<{name}>", "%00").replace(f"<path:{name}>", "%00")
                       for name in in_url] + [rule.rule.replace(f"<{name}>", "9" * 30) for name in in_url]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, hostile_ids


def test_no_route_answers_5xx_to_hostile_parameters_or_ids(app, ada, ids):
    checked = 0
    for endpoint, method, url, hostile_ids in routes(app, ids):
        for value in HOSTILE:
            params = {name: value for name in QUERY}
            if method == "GET":
                response = ada.get(url, query_string=params)
                assert response.status_code < 500, (url, value)
                response = ada.hx(url, "search-results", query_string=params)
            else:
                response = ada.post(url, data={name: value for name in FORM_FIELDS + QUERY}, query_string=params)
            assert response.status_code < 500, (method, url, value)
            checked += 1
        for bad in hostile_ids:
            call = ada.get if method == "GET" else ada.post
            response = call(bad)
            assert response.status_code in (400, 404, 405), (method, bad, response.status_code)
    assert checked > 50 * len(HOSTILE)


def test_signed_out_pages_take_hostile_parameters(client):
    for url in ("/login", "/signup", "/offline", "/healthz", "/manifest.webmanifest", "/sw.js", "/people/", "/search"):
        for value in HOSTILE:
            response = client.get(url, query_string={name: value for name in QUERY})
            assert response.status_code < 500, (url, value)


DEEP = ("[" * 100_000 + "]" * 100_000).encode()
UPLOADS = [
    ("nul.csv", b"name,company\nZo\x00e,Acme\n"),
    ("nul.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Zo\x00e\nEND:VCARD\n"),
    ("impossible.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Zoe Martin\nBDAY:1990-02-31\nEND:VCARD\n"),
    ("impossible.csv", b"name,birthday\nZoe Martin,1990-02-31\n"),
    ("deep.json", DEEP),
    ("deep.csv", DEEP),
    ("binary.vcf", bytes(range(256)) * 40),
    ("latin1.csv", "name\nJos\xe9\n".encode("latin-1")),
    ("empty.json", b""),
    ("huge.json", b'{"format": "rapport-backup", "version": 1e400, "contacts": [], "touches": []}'),
    ("bignum.json", b'{"format": "rapport-backup", "version": 1, "contacts": [{"name": "A", "cadence_days": '
     + b"9" * 5000 + b'}], "touches": []}'),
    ("types.json", json.dumps({"format": "rapport-backup", "version": 1, "contacts": {"a": 1},
                               "touches": "none"}).encode()),
]


def test_no_upload_answers_5xx(app, login):
    """Every upload field of every form, with each hostile file, by a user with an empty account (so the
    restore reads the file rather than refusing a full account)."""
    empty = login("eve@example.com")
    fields = {"/import": "file", "/restore": "backup"}
    for url, field in fields.items():
        for name, body in UPLOADS:
            response = empty.post(url, data={field: (io.BytesIO(body), name)}, content_type="multipart/form-data")
            assert response.status_code < 500, (url, name)
            if url == "/import" and response.status_code == 200:
                # the file is checked in the background: its preview page must come back without an error too
                assert empty.get("/import").status_code < 500


def test_pages_carry_no_attribute_htmx_would_ignore(app, ada, ids):
    """WTForms writes `hx_get=` as `hx_get`, which htmx ignores (the gift warning once never appeared):
    every attribute on every page is hx-… or data-hx-…, never with underscores."""
    import re

    pages = [f"/people/{ids['contact_id']}", "/", "/capture", "/people/", "/search?q=warehouse", "/export",
             "/import", "/account", f"/gifts/{ids['gift_id']}/edit", f"/touches/{ids['touch_id']}/edit", "/gifts",
             f"/touches/{ids['touch_id']}", "/restore", "/people/new"]
    for page in pages:
        html = ada.get(page).get_data(as_text=True)
        assert not re.search(r"\s(data_)?hx_[a-z_]+=", html), page
