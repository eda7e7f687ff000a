"""Full backup and restore: every kind of row survives the round trip; bad files write nothing."""
import io
import json

from helpers import add_contact, add_family, capture, text

from journal.models import Contact, FamilyMember, Gift, Touch, User


def backup_of(session):
    response = session.get("/backup.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return response.get_json()


def comparable(data):
    """A backup without ids, uuids and the export time, so two accounts can be compared."""
    data = json.loads(json.dumps(data))
    data.pop("exported_at")
    position = {c["id"]: i for i, c in enumerate(data["contacts"])}
    for c in data["contacts"]:
        members = {f["id"]: i for i, f in enumerate(c["family"])}
        c.pop("id")
        for f in c["family"]:
            f.pop("id")
        for g in c["gifts"]:
            g["for"] = members.get(g["for"])
        for item in c["promises"] + c["gestures"]:
            item["touch"] = item["touch"] is not None
    for t in data["touches"]:
        t.pop("id")
        t.pop("uuid")
        t["contacts"] = sorted(position[i] for i in t["contacts"])
    return data


def restore(session, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return session.post("/restore", data={"backup": (io.BytesIO(body), "backup.json")}, content_type="multipart/form-data")


def test_round_trip_into_an_empty_account(app, ada, login):
    zoe = add_contact(ada, gift_budget="150")
    tom = add_contact(ada, name="Tom Walsh", phones="", emails="")
    add_family(ada, zoe, name="Léa", day="29", month="2", year="2016", interests="violin")
    ada.post(f"/people/{zoe}/dates", data={"kind": "custom", "label": "Company founded", "day": "1", "month": "4", "year": "1999"})
    capture(ada, [zoe, tom], note="Lunch with both", pulse="4", give_ask="give", promise_text="send it",
            promise_due="2026-12-01", gift_idea="chess set")
    ada.post(f"/people/{zoe}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
    with app.app_context():
        lea = FamilyMember.get(FamilyMember.name == "Léa")
        Gift.create(user=ada.user.id, contact=zoe, family_member=lea, description="bow", status="given", price="12.50",
                    currency="EUR", date="2026-02-01")
    original = backup_of(ada)
    assert "password" not in json.dumps(original) and "session_token" not in json.dumps(original)
    carl = login("carl@example.com")
    response = restore(carl, original)
    assert response.status_code == 302
    assert comparable(backup_of(carl)) == comparable(original)
    # Restoring twice is refused: the account is no longer empty, and nothing more is written.
    again = restore(carl, original)
    assert again.status_code == 422 and "empty account" in text(again)
    with app.app_context():
        assert Contact.for_user(User.by_email("carl@example.com")).count() == 2


def test_bad_files_write_nothing(app, ada, login):
    add_contact(ada)
    good = backup_of(ada)
    carl = login("carl@example.com")
    broken = json.loads(json.dumps(good))
    broken["touches"].append({"id": 999, "kind": "visit", "happened_at": "not a time", "contacts": []})
    too_long = json.loads(json.dumps(good))
    too_long["contacts"][0]["company"] = "A" * 201  # the column holds 200 (PostgreSQL refuses more; SQLite kept it)
    huge_year = json.loads(json.dumps(good))
    huge_year["contacts"][0].setdefault("dates", []).append({"kind": "custom", "label": "x", "year": 2 ** 63})
    huge_cadence = json.loads(json.dumps(good))
    huge_cadence["contacts"][0]["cadence_days"] = 2 ** 40
    huge_price = json.loads(json.dumps(good))
    huge_price["contacts"][0].setdefault("gifts", []).append({"description": "yacht", "price": "1e20"})
    for payload, message in [(huge_year, "year is not a whole number from 1 to 9999"),
                             (huge_cadence, "keep-in-touch days is not a whole number from 1 to 3650"),
                             (huge_price, "price is not an amount from 0 to 1,000,000,000"),
                             (b"not json at all", "not a JSON backup"), ({"format": "other"}, "not a Rapport backup"),
                             (broken, "is not a date and time"), ({**good, "version": 99}, "version 99"),
                             (too_long, "company is not text of at most 200 characters")]:
        response = restore(carl, payload)
        assert response.status_code == 422 and message in text(response), message
    with app.app_context():
        carl_user = User.by_email("carl@example.com")
        assert Contact.for_user(carl_user).count() == 0 and Touch.for_user(carl_user).count() == 0
    missing = carl.post("/restore", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose the backup file" in text(missing)
