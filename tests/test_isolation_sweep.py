"""Isolation sweep: every route that takes an id, called by another user with Ada's ids, answers 404
and changes nothing. New routes are picked up from app.url_map automatically."""
import json

from helpers import add_contact, add_family, capture, prepare_export, until_export_ready
from push_service import PhoneKeys

from journal.db import db
from journal.models import (FamilyMember, Finding, Gesture, Gift, ImportantDate, PlannedVisit, Promise, PushSubscription,
                            Touch)

# A form that fills every field any of the routes reads, so a missing owner check cannot hide
# behind a validation error.
PAYLOAD = {
    "name": "Hijacked", "company": "x", "role": "x", "city": "x", "phones": "", "emails": "", "tags": "", "interests": "",
    "how_we_met": "x", "cadence_days": "7", "goals": "x", "challenges": "x", "how_to_help": "x", "ideas_to_give": "x",
    "feel_important": "x", "relation": "child", "day": "1", "month": "1", "year": "2010", "age": "", "notes": "x",
    "kind": "custom", "label": "x", "text": "x", "due_on": "2026-12-01", "description": "x", "recipient": "",
    "status": "given", "occasion": "other", "price": "1", "currency": "EUR", "link": "", "date": "2026-01-01",
    "outcome": "x", "to": "planned", "note": "x", "happened_at": "2026-01-01T10:00", "days": "7",
    "visit_on": "2099-12-01", "visit_at": "10:00", "visit_note": "x",
}
# Files; the feed is keyed by a secret token (test_account_data); a list of Today is named, not numbered, and
# answers each user their own rows (test_today_lists).
SKIP = {"static", "calendar.feed", "today_lists.show"}


def snapshot():
    """Every row of every table, to compare before and after."""
    tables = [t for t in db.get_tables() if not t.startswith("sqlite_")]
    return {t: json.dumps(db.execute_sql(f'SELECT * FROM "{t}" ORDER BY 1').fetchall(), default=str) for t in tables}


def test_every_id_route_refuses_another_users_ids(app, ada, bob):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "", "day": "1", "month": "4"})
    capture(ada, [cid], note="private", promise_text="send it", promise_due="2026-12-01", gift_idea="book")
    ada.post(f"/people/{cid}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
    ada.post(f"/people/{cid}/visits", data={"visit_on": "2099-12-04", "visit_at": "10:00", "visit_note": "the warehouse"})
    keys = PhoneKeys()
    ada.post("/account/notifications/phones", data={"endpoint": "https://fcm.googleapis.com/fcm/send/ada",
                                                    "p256dh": keys.p256dh, "auth": keys.auth})
    bobs_contact = add_contact(bob, name="Bob's own client", phones="", emails="")
    _, job_id = prepare_export(ada, format="xlsx")  # an export prepared in the background
    until_export_ready(ada, job_id)
    with app.app_context():
        touch = Touch.get()
        finding = Finding.add(touch.user_id, touch, cid, "promise", {"text": "call back", "date": "2026-12-01"})
        ids = {
            "contact_id": cid,
            "finding_id": finding.id,
            "member_id": FamilyMember.get().id,
            "date_id": ImportantDate.get(ImportantDate.kind == "anniversary").id,
            "touch_id": Touch.get().id,
            "promise_id": Promise.get().id,
            "gift_id": Gift.get().id,
            "gesture_id": Gesture.get().id,
            "visit_id": PlannedVisit.get().id, "phone_id": PushSubscription.get().id,
            "job_id": job_id,
        }
        before = snapshot()
    checked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or not rule.arguments:
            continue
        in_url = {name for name in rule.arguments if f"<{name}>" in rule.rule}  # not the defaults
        unknown = in_url - ids.keys()
        assert not unknown, f"{rule.rule}: add {unknown} to this sweep"
        variants = [{name: ids[name] for name in in_url}]
        if "contact_id" in in_url and len(in_url) > 1:
            # Bob's own contact with Ada's family member, date...: still someone else's row.
            variants.append({**variants[0], "contact_id": bobs_contact})
        for values in variants:
            url = rule.rule
            for name, value in values.items():
                url = url.replace(f"<{name}>", str(value))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = bob.get(url)
                else:
                    response = bob.post(url, data=PAYLOAD)
                assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
                checked.append(f"{method} {rule.rule}")
    with app.app_context():
        assert snapshot() == before
    assert ada.get(f"/export/jobs/{job_id}/file").status_code == 200  # still there for its owner
    assert len(set(checked)) >= 25  # the sweep really covered the id routes
