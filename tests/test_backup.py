"""Full backup and restore: every kind of row survives the round trip; bad files write nothing."""
import datetime
import io
import json

from helpers import add_contact, add_family, capture, text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import Contact, ContactTag, FamilyMember, Gift, Interest, Promise, Touch, User


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
    for payload, message in [(huge_year, "Use a year between 1900"),
                             (huge_cadence, "keep-in-touch days is not a whole number from 1 to 3650"),
                             (huge_price, "Use an amount up to 1,000,000,000"),
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


def empty(app, email):
    """True when the account holds no people and no touches."""
    with app.app_context():
        user = User.by_email(email)
        return not Contact.for_user(user).exists() and not Touch.for_user(user).exists()


def changed(good, change):
    """A copy of the backup `good` with `change(copy)` applied."""
    data = json.loads(json.dumps(good))
    change(data)
    return data


def test_impossible_dates_are_refused(app, ada, login):
    add_contact(ada)
    good = backup_of(ada)
    carl = login("carl@example.com")
    for date, message in [({"kind": "custom", "label": "x", "month": 2, "day": 31}, "February has only 29 days"),
                          ({"kind": "custom", "label": "x", "year": 2023, "month": 2, "day": 29}, "February 2023 has only 28 days"),
                          ({"kind": "custom", "label": "x", "year": 1604, "month": 3, "day": 1}, "Use a year between 1900")]:
        response = restore(carl, changed(good, lambda data: data["contacts"][0]["dates"].append(date)))
        assert response.status_code == 422 and message in text(response), date
    assert empty(app, "carl@example.com")


def test_a_touch_keeps_its_wall_clock_time_and_other_times_become_utc(app, ada, login):
    cid = add_contact(ada)
    capture(ada, [cid], promise_text="send it", promise_due="2026-12-01")
    good = backup_of(ada)

    def with_offsets(data):
        data["touches"][0]["happened_at"] = "2026-01-01T10:00:00+05:00"
        data["contacts"][0]["promises"][0]["done_at"] = "2026-01-02T10:00:00+05:00"
    carl = login("carl@example.com")
    assert restore(carl, changed(good, with_offsets)).status_code == 302
    with app.app_context():
        carl_user = User.by_email("carl@example.com")
        touch = Touch.for_user(carl_user).get()
        assert touch.happened_at == datetime.datetime(2026, 1, 1, 10, 0) and touch.happened_at.tzinfo is None
        assert Promise.for_user(carl_user).get().done_at == datetime.datetime(2026, 1, 2, 5, 0)
    assert carl.get("/export.xlsx").status_code == 200
    assert carl.get("/export.zip").status_code == 200


def test_restore_runs_the_forms_checks(app, ada, login):
    add_contact(ada)
    good = backup_of(ada)
    carl = login("carl@example.com")
    for change, message in [
        (lambda d: d["contacts"][0]["gifts"].append({"description": "x", "link": "javascript:alert(1)"}), "full link"),
        (lambda d: d["contacts"][0]["emails"].append({"label": "", "value": "a@example.com?bcc=b@example.com"}),
         "is not a valid email address"),
        (lambda d: d["contacts"][0]["phones"].append({"label": "", "value": "call me maybe"}), "does not look like a phone"),
        (lambda d: d["contacts"][0].update(tags=[f"tag {n}" for n in range(31)]), "Keep it to 30 items"),
        (lambda d: d["contacts"][0].update(gift_budget_currency="euros"), "three-letter currency code"),
        (lambda d: d["contacts"][0]["gifts"].append({"description": "x", "currency": "E1"}), "three-letter currency code"),
        (lambda d: d["contacts"][0]["gifts"].append({"description": "x", "price": "-3"}), "Use a positive amount"),
    ]:
        response = restore(carl, changed(good, change))
        assert response.status_code == 422 and message in text(response), message
    assert empty(app, "carl@example.com")


def test_damaged_structure_answers_422_and_writes_nothing(app, ada, login):
    zoe = add_contact(ada)
    add_family(ada, zoe, name="Léa")
    add_family(ada, zoe, name="Hugo")
    capture(ada, [zoe], note="one")
    capture(ada, [zoe], note="two")
    good = backup_of(ada)
    carl = login("carl@example.com")
    nested = b'{"format": "rapport-backup", "version": 1, "contacts": ' + b"[" * 100000 + b"]" * 100000 + b"}"

    def second_contact(d):
        d["contacts"].append(dict(d["contacts"][0]))

    def same_family_id(d):
        d["contacts"][0]["family"][1]["id"] = d["contacts"][0]["family"][0]["id"]

    def same_touch_id(d):
        d["touches"][1]["id"] = d["touches"][0]["id"]

    def same_touch_uuid(d):
        d["touches"][1]["uuid"] = d["touches"][0]["uuid"]
    for payload, message in [
        (nested, "nested too deeply"),
        (b'{"format": "rapport-backup", "version": 1' + b', "x": ' + b"9" * 5000 + b"}", "a number that is too long"),
        (changed(good, second_contact), "Two contacts share the id"),
        (changed(good, same_family_id), "Two family members of contact 1 share the id"),
        (changed(good, same_touch_id), "Two touches share the id"),
        (changed(good, same_touch_uuid), "Two touches share the uuid"),
        (changed(good, lambda d: d["contacts"][0].update(tags="vip")), "tags should be a list"),
        (changed(good, lambda d: d["contacts"][0].update(family={"name": "x"})), "family should be a list"),
        (changed(good, lambda d: d["contacts"][0].update(name=12)), "name is not text"),
        (changed(good, lambda d: d["touches"].__setitem__(0, ["x"])), "Touch 1 is not in the expected form"),
        (changed(good, lambda d: d["touches"][0].update(contacts=5)), "contacts should be a list"),
        (changed(good, lambda d: d["contacts"][0]["phones"].append("+33 1")), "is not in the expected form"),
    ]:
        response = restore(carl, payload)
        assert response.status_code == 422 and message in text(response), message
    assert empty(app, "carl@example.com")


def test_repeated_tags_and_interests_are_merged_as_the_forms_do(app, ada, login):
    zoe = add_contact(ada)
    add_family(ada, zoe, name="Léa", interests="violin")
    good = backup_of(ada)

    def repeated(d):
        d["contacts"][0]["tags"] = ["vip", "VIP", "Vîp", "Lyon"]
        d["contacts"][0]["interests"] = ["sailing", "Sailing"]
        d["contacts"][0]["family"][0]["interests"] = ["violin", "VIOLIN", "chess"]
    carl = login("carl@example.com")
    assert restore(carl, changed(good, repeated)).status_code == 302
    with app.app_context():
        carl_user = User.by_email("carl@example.com")
        assert sorted(t.name for t in ContactTag.for_user(carl_user)) == ["Lyon", "vip"]
        interests = Interest.for_user(carl_user)
        assert sorted(i.name for i in interests if not i.family_member_id) == ["sailing"]
        assert sorted(i.name for i in interests if i.family_member_id) == ["chess", "violin"]


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([2 ** 63, -(2 ** 63) - 1, 10 ** 30, 1e308, -0.0, 0.5]),
    st.text(max_size=20), st.sampled_from(["\x00", "a\x01b\x1f", "\u2028", "\ud7ff", "", " ", "2026-02-31", "2026-02-30T10:00",
                                          "2026-01-01T10:00:00+05:00", "0001-01-01T00:00:00+05:00",
                                          "9999-12-31T23:59:59-05:00", "javascript:alert(1)", "1e400", "NaN", "-1"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
DEEP = "[" * 3000 + "]" * 3000


def paths(value, prefix=()):
    """Every path to a value inside a JSON document (keys and list positions)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, prefix + (i,))


def replaced(document, path, value):
    """The document (as JSON bytes) with the value at `path` replaced by `value` (DEEP: a deeply nested list)."""
    data = json.loads(json.dumps(document))
    if not path:
        return DEEP.encode() if value is DEEP else json.dumps(value).encode()
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = "@@here@@" if value is DEEP else value
    return json.dumps(data).replace('"@@here@@"', DEEP).encode()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_damaged_backup_answers_without_a_server_error(app, ada, login, data):
    """A valid backup with one value changed (deep nesting, wrong types, huge numbers, control characters,
    impossible dates, time-zone offsets) never gets a 5xx; a refusal leaves the account empty."""
    test = test_any_damaged_backup_answers_without_a_server_error
    if not hasattr(test, "cache") or test.cache[0] is not app:
        zoe = add_contact(ada, gift_budget="150")
        add_family(ada, zoe, name="Léa", day="29", month="2", year="2016", interests="violin")
        ada.post(f"/people/{zoe}/dates", data={"kind": "custom", "label": "Founded", "day": "1", "month": "4", "year": "1999"})
        capture(ada, [zoe], note="Lunch", pulse="4", give_ask="give", promise_text="send it", promise_due="2026-12-01",
                gift_idea="chess set")
        ada.post(f"/people/{zoe}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
        good = backup_of(ada)
        test.cache = (app, good, list(paths(good)), iter(range(10 ** 6)))
    _, good, every_path, numbers = test.cache
    path = data.draw(st.sampled_from(every_path))
    value = data.draw(st.one_of(st.just(DEEP), ODD_VALUES))
    email = f"fuzz{next(numbers)}@example.com"
    session = login(email)
    response = restore(session, replaced(good, path, value))
    assert response.status_code < 500, (path, value)
    if response.status_code == 422:
        assert "The backup is damaged" not in text(response), (path, value)  # each refusal says what is wrong
        assert empty(app, email), (path, value)
    else:
        assert response.status_code == 302, (path, value)
        assert session.get("/export.xlsx").status_code == 200, (path, value)


def test_control_characters_in_a_backup_are_dropped_as_the_forms_drop_them(app, login):
    """A note with NUL or the search's own snippet markers (\\x02, \\x03) is restored without them."""
    eve = login("eve@example.com")
    backup = {"format": "rapport-backup", "version": 1, "touches": [],
              "contacts": [{"id": 1, "name": "Zo\x00\x02ë", "goals": "grow\x03 fast\tnow\n"}]}
    response = eve.post("/restore", data={"backup": (io.BytesIO(json.dumps(backup).encode()), "b.json")},
                        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        contact = Contact.get()
        assert (contact.name, contact.goals) == ("Zoë", "grow fast\tnow\n")


def test_the_alternative_name_is_backed_up_and_restored(app, ada, login):
    add_contact(ada, name="Yamada Taro", alt_name="山田太郎")
    original = backup_of(ada)
    assert original["contacts"][0]["alt_name"] == "山田太郎"
    carl = login("carl@example.com")
    assert restore(carl, original).status_code == 302
    assert backup_of(carl)["contacts"][0]["alt_name"] == "山田太郎"
    del original["contacts"][0]["alt_name"]  # a backup made before the field
    dan = login("dan@example.com")
    assert restore(dan, original).status_code == 302
    with app.app_context():
        assert Contact.get(Contact.user == User.by_email("dan@example.com")).alt_name == ""
    too_long = {**original, "contacts": [{**original["contacts"][0], "alt_name": "山" * 201}]}
    eve = login("eve@example.com")
    refused = restore(eve, too_long)
    assert refused.status_code == 422 and "Contact 1&#39;s alt_name" in text(refused)
