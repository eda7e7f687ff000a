"""Smart capture (issue 18, items 2 and 3): the note's chips under the capture form (rendering, whose each is, their
kept state, Save, 422), and "From your notes" on Today for notes saved without the chips in sight.

The extractor is substituted here (journal.extraction.extract): these tests are about the chips, not the rules."""
import datetime
import json
import re
import uuid

import pytest
from helpers import PASSWORD, add_contact, add_family, capture, text
from test_sections import Statements

from journal import chips, extraction
from journal.extraction import Extraction, FoundFamily, FoundItem, FoundMeeting, FoundPromise
from journal.models import Contact, FamilyMember, Finding, Gift, ImportantDate, Interest, PlannedVisit, Promise, Touch

NOTE = "Promised to send the brochure by Friday. His daughter Léa, 8, plays violin. Next meeting on 15 April at 10."
FRIDAY = datetime.date(2026, 3, 13)
APRIL_15 = datetime.date(2026, 4, 15)


def found_in(note):
    """What the substitute extractor finds in NOTE-like text: each item only when its words are in the note."""
    found = Extraction()
    if "brochure" in note:
        found.promises.append(FoundPromise("send the brochure", FRIDAY, "Promised to send the brochure by Friday."))
    if "catalogue" in note:
        found.promises.append(FoundPromise("send the catalogue", FRIDAY + datetime.timedelta(days=3), "the catalogue"))
    if "Léa" in note:
        found.family.append(FoundFamily("child", "Léa", 9 if "Léa, 9" in note else 8, ("violin",),
                                        "His daughter Léa, 8, plays violin."))
    if "Maria" in note:
        found.family.append(FoundFamily("partner", "Maria", None, (), "Tom's wife Maria is back.", about="Tom"))
    if "samples" in note:
        found.promises.append(FoundPromise("bring samples", FRIDAY, "Jan wants samples."))
    if "sailing" in note:
        found.interests.append(FoundItem("sailing", "He loves sailing."))
    if "malt" in note:
        found.gifts.append(FoundItem("single malt", "A single malt would please him."))
    if "15 April" in note:
        found.meetings.append(FoundMeeting(APRIL_15, datetime.time(10, 0), "Next meeting on 15 April at 10."))
    return found


@pytest.fixture(autouse=True)
def substitute(monkeypatch):
    """The substitute extractor, recording the day each note was read against."""
    days = []

    def extract(note, today, languages=extraction.LANGUAGES):
        days.append(today)
        return found_in(note)

    monkeypatch.setattr(extraction, "extract", extract)
    return days


def found(session, contact_ids=(), new=(), note=NOTE, **fields):
    """POST /capture/found as htmx does (the whole capture form); returns the response."""
    data = {"note": note, "contact_ids": [str(i) for i in contact_ids], "new_contacts": list(new), "kind": "visit"}
    data.update(fields)
    return session.post("/capture/found", data=data, htmx_target="found")


def replay(session, contact_ids, note=NOTE, **fields):
    """POST a capture as the phone's outbox replays it (static/js/outbox.js); returns the response."""
    data = {"uuid": str(uuid.uuid4()), "kind": "visit", "note": note, "contact_ids": [str(i) for i in contact_ids]}
    data.update(fields)
    return session.post("/touches", data=data, headers={"X-Rapport-Outbox": "1"})


def chip_fields(html):
    """The chip inputs of a rendered #found, as a browser would send them back ({name: value})."""
    fields = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or not name.group(1).startswith(("chip-", "found_for")):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if ('type="checkbox"' in tag or 'type="radio"' in tag) and " checked" not in tag:
            continue
        fields[name.group(1)] = value.group(1).replace("&#34;", '"').replace("&quot;", '"') if value else ""
    for select, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        if select.startswith("chip-") and chosen:
            fields[select] = chosen.group(1)
    return fields


def labels(html):
    """The chips' labels, in order."""
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'<span class="found-label">(.*?)</span>', html, re.S)]


def test_chips_show_what_the_note_says_each_on(ada, substitute):
    zoe = add_contact(ada)
    response = found(ada, [zoe], note=NOTE + " He loves sailing. A single malt would please him.")
    html = text(response)
    assert response.status_code == 200 and html.startswith('<div id="found"')
    assert labels(html) == ["Promise: send the brochure · Fri 13 Mar", "Léa (daughter), 8 · violin", "Interest: sailing",
                            "Gift idea: single malt", "Next visit: Wed 15 Apr, 10:00"]
    assert html.count('type="checkbox"') == html.count("checked") == 5
    assert 'type="radio" name="chip-0-owner"' not in html  # one person: nothing to move
    assert f'name="found_for" value="{chips.digest(NOTE + " He loves sailing. A single malt would please him.")}"' in html
    assert substitute == [datetime.date.today()]
    # The time of the visit is the day the dates resolve against.
    found(ada, [zoe], happened_at="2026-03-09T10:00")
    assert substitute[-1] == datetime.date(2026, 3, 9)


def test_a_family_member_already_known_says_so(ada):
    zoe = add_contact(ada)
    add_family(ada, zoe, name="Lea", age="8")
    assert labels(text(found(ada, [zoe], note="His daughter Léa, 9, plays violin.")))[0] == "Lea: age 8 → 9 · violin"
    assert labels(text(found(ada, [zoe], note="Léa")))[0] == "Lea: already in the journal · violin"


def test_the_family_check_costs_one_query_however_many_people(app, ada):
    people = [add_contact(ada, name=f"Person {n}") for n in range(4)]
    for cid in people:
        add_family(ada, cid, name="Léa", age="7")
    counts = []
    for chosen in (people[:1], people):
        with Statements() as statements:
            assert found(ada, chosen).status_code == 200
        counts.append(len([s for s in statements.sql if "family_member" in s]))
    assert counts == [1, 1]


def test_each_chip_belongs_to_the_person_it_names(ada):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Baker")
    html = text(found(ada, [zoe, tom], new=["Jan Novak"], note="brochure. Maria. samples."))
    fields = chip_fields(html)
    owners = {fields[f"chip-{n}-key"]: fields[f"chip-{n}-owner"] for n in range(3)}
    assert owners == {"promise:send the brochure": f"c:{zoe}",  # nobody named: the first chosen
                      "promise:bring samples": "n:jan novak",  # "Jan wants samples": the new person Jan Novak
                      "family:maria": f"c:{tom}"}  # "Tom's wife Maria"
    # One tap moves a chip: every chosen person is a radio beside it.
    assert len(re.findall(r'type="radio" name="chip-\d+-owner"', html)) == 3 * 3 and "> Jan Novak</label>" in html


def test_a_chip_turned_off_moved_or_edited_keeps_that_state_as_the_note_changes(ada):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Baker")
    first = chip_fields(text(found(ada, [zoe, tom], note="brochure. catalogue. Léa")))
    keys = {first[f"chip-{n}-key"]: n for n in range(3)}
    brochure, catalogue, lea = keys["promise:send the brochure"], keys["promise:send the catalogue"], keys["family:lea"]
    del first[f"chip-{brochure}-on"]  # turned off
    first[f"chip-{catalogue}-owner"] = f"c:{tom}"  # moved
    first[f"chip-{lea}-age"] = "9"  # edited
    html = text(found(ada, [zoe, tom], note="catalogue. Léa. brochure. sailing", **first))
    again = chip_fields(html)
    by_key = {again[f"chip-{n}-key"]: n for n in range(4)}
    assert f"chip-{by_key['promise:send the brochure']}-on" not in again
    assert again[f"chip-{by_key['promise:send the catalogue']}-owner"] == f"c:{tom}"
    assert again[f"chip-{by_key['family:lea']}-age"] == "9" and "Léa (daughter), 9 · violin" in labels(html)
    assert f"chip-{by_key['interest:sailing']}-on" in again  # new: on


def test_save_stores_the_touch_and_the_chips_that_are_on(app, ada):
    zoe = add_contact(ada, interests="golf")
    note = NOTE + " He loves sailing. A single malt would please him."
    fields = chip_fields(text(found(ada, [zoe], note=note)))
    lea = next(n for n in range(5) if fields[f"chip-{n}-key"] == "family:lea")
    del fields[f"chip-{lea}-on"]
    response = capture(ada, [zoe], note=note, htmx=True, **fields)
    assert response.status_code == 204
    with app.app_context():
        touch = Touch.get()
        assert [(p.text, p.due_on, p.contact_id, p.touch_id) for p in Promise.select()] == [
            ("send the brochure", FRIDAY, zoe, touch.id)]
        assert FamilyMember.select().count() == 0
        assert sorted(i.name for i in Interest.select()) == ["golf", "sailing"]
        assert [g.description for g in Gift.select()] == ["single malt"]
        visit = PlannedVisit.get()
        assert (visit.contact_id, visit.on, visit.at, visit.source_touch_id) == (zoe, APRIL_15, datetime.time(10), touch.id)
        assert Finding.select().count() == 0  # every chip was seen


def test_a_family_chip_merges_by_name_and_an_age_moves_only_an_approximate_year(app, ada):
    zoe = add_contact(ada)
    add_family(ada, zoe, name="Lea", age="8")
    note = "His daughter Léa, 9, plays violin."
    capture(ada, [zoe], note=note, **chip_fields(text(found(ada, [zoe], note=note))))
    with app.app_context():
        lea = FamilyMember.get()
        assert FamilyMember.select().count() == 1
        birthday = ImportantDate.get(ImportantDate.family_member == lea)
        assert (birthday.year, birthday.year_approximate) == (datetime.date.today().year - 9, True)
        assert [i.name for i in Interest.select().where(Interest.family_member == lea)] == ["violin"]
        ImportantDate.update(year=2015, year_approximate=False).execute()
    capture(ada, [zoe], note=note, **chip_fields(text(found(ada, [zoe], note=note))))
    with app.app_context():
        assert ImportantDate.get().year == 2015  # an exact year stays


def test_a_bad_chip_answers_422_with_everything_kept(app, ada):
    zoe = add_contact(ada)
    fields = chip_fields(text(found(ada, [zoe])))
    keys = {fields[f"chip-{n}-key"].partition(":")[0]: n for n in range(3)}
    fields[f"chip-{keys['promise']}-date"] = "2026-02-30"
    fields[f"chip-{keys['family']}-age"] = "130"
    fields[f"chip-{keys['family']}-relation"] = "cousin"
    fields[f"chip-{keys['meeting']}-owner"] = "c:999999"
    response = capture(ada, [zoe], note=NOTE, htmx=True, **fields)
    html = text(response)
    assert response.status_code == 422 and html.startswith('<form id="capture-form"')
    for message in ("Choose a date.", "Use an age between 0 and 120.", "Choose a relation.",
                    "Choose one of the people of this note."):
        assert message in html
    assert NOTE in html and 'value="2026-02-30"' in html and 'value="130"' in html and len(labels(html)) == 3
    with app.app_context():
        assert Touch.select().count() == 0 and Promise.select().count() == 0 and PlannedVisit.select().count() == 0


def test_chips_nobody_saw_wait_on_today(app, ada):
    """A Save before the chips of the last words came: what was sent keeps its state, the rest becomes findings."""
    zoe = add_contact(ada)
    fields = chip_fields(text(found(ada, [zoe], note="Promised to send the brochure by Friday.")))
    del fields["chip-0-on"]  # seen and turned off: neither stored nor waiting
    response = capture(ada, [zoe], note=NOTE, htmx=True, **fields)  # found_for is the digest of the shorter note
    assert response.status_code == 204
    with app.app_context():
        assert Promise.select().count() == 0 and FamilyMember.select().count() == 0
        assert sorted(f.kind for f in Finding.select()) == ["family", "meeting"]
        assert all(f.contact_id == zoe and f.touch_id == Touch.get().id for f in Finding.select())


def test_an_outbox_replay_keeps_its_chips_and_leaves_the_rest_on_today(app, ada):
    zoe = add_contact(ada)
    fields = chip_fields(text(found(ada, [zoe])))
    promise = next(n for n in range(3) if fields[f"chip-{n}-key"].startswith("promise"))
    response = replay(ada, [zoe], **{k: v for k, v in fields.items() if k.startswith(f"chip-{promise}-")})
    assert response.status_code == 201 and response.get_json()["url"].endswith(f"/people/{zoe}#contact-touches")
    with app.app_context():
        assert Promise.select().count() == 1
        assert sorted(f.kind for f in Finding.select()) == ["family", "meeting"]


def waiting(app, ada, zoe, note=NOTE):
    """Capture `note` for Zoë with no chips seen; the findings' ids by kind."""
    assert replay(ada, [zoe], note=note, happened_at="2026-03-09T10:00").status_code == 201
    with app.app_context():
        return {f.kind: f.id for f in Finding.select()}


def test_today_lists_the_findings_and_keep_stores_them_as_chips_would(app, ada):
    zoe = add_contact(ada, name="Zoë Martin")
    ids = waiting(app, ada, zoe)
    html = text(ada.get("/"))
    assert "From your notes" in html
    for label in ("Promise: send the brochure · Fri 13 Mar", "Léa (daughter), 8 · violin", "Next visit: Wed 15 Apr, 10:00"):
        assert label in html
    assert html.count("Zoë Martin</a> · note of 9 Mar") == 3
    for kind in ("promise", "family", "meeting"):
        response = ada.post(f"/findings/{ids[kind]}/keep", htmx_target=f"finding-{ids[kind]}")
        assert response.status_code == 200 and "Kept:" in text(response)
    with app.app_context():
        touch = Touch.get()
        assert [(p.text, p.due_on, p.touch_id) for p in Promise.select()] == [("send the brochure", FRIDAY, touch.id)]
        lea = FamilyMember.get()
        assert (lea.name, lea.relation, lea.contact_id) == ("Léa", "child", zoe)
        # The age is read against the visit's day, as a chip's would be.
        assert ImportantDate.get().year == 2026 - 8
        assert (PlannedVisit.get().on, PlannedVisit.get().source_touch_id) == (APRIL_15, touch.id)
        assert Finding.select().count() == 0
    assert "From your notes" not in text(ada.get("/"))


def test_dismiss_forgets_a_finding_and_keeps_the_note(app, ada):
    zoe = add_contact(ada)
    ids = waiting(app, ada, zoe)
    response = ada.post(f"/findings/{ids['promise']}/dismiss")
    assert response.status_code == 303
    with app.app_context():
        assert Promise.select().count() == 0 and Finding.select().count() == 2 and Touch.get().note == NOTE


def test_findings_are_the_owners_alone_and_need_the_csrf_token(app, ada, bob):
    zoe = add_contact(ada)
    ids = waiting(app, ada, zoe)
    for action in ("keep", "dismiss"):
        assert bob.post(f"/findings/{ids['promise']}/{action}").status_code == 404
        assert ada.client.post(f"/findings/{ids['promise']}/{action}").status_code == 400  # no CSRF token
    assert "From your notes" not in text(bob.get("/"))
    with app.app_context():
        assert Finding.select().count() == 3 and Promise.select().count() == 0


def test_todays_statements_do_not_grow_with_the_findings(app, ada):
    zoe = add_contact(ada)
    waiting(app, ada, zoe, note="brochure")
    ada.get("/")
    with Statements() as one:
        ada.get("/")
    waiting(app, ada, zoe, note=NOTE + " sailing malt catalogue")
    with Statements() as many:
        assert text(ada.get("/")).count('class="row finding"') == 7
    assert len(many.sql) == len(one.sql)


def test_findings_go_with_their_touch_and_their_account_and_stay_out_of_backups(app, ada):
    zoe = add_contact(ada)
    waiting(app, ada, zoe)
    backup = ada.get("/backup.json")
    assert backup.status_code == 200 and "finding" not in json.dumps(backup.get_json()).lower()
    with app.app_context():
        touch_id = Touch.get().id
    ada.post(f"/touches/{touch_id}/delete")
    with app.app_context():
        assert Finding.select().count() == 0
    waiting(app, ada, zoe)
    assert ada.post("/account/delete", data={"confirm_password": PASSWORD}).status_code == 302
    with app.app_context():
        assert Finding.select().count() == 0 and Contact.select().count() == 0


def test_a_chip_stays_with_its_new_person_when_another_new_name_goes(ada):
    """New people are named by their name, not their place: taking Alice away does not give her chip to Bob."""
    zoe = add_contact(ada, name="Zoë Martin")
    first = chip_fields(text(found(ada, [zoe], new=["Jan Novak", "Bob Stone"], note="samples.")))
    assert first["chip-0-owner"] == "n:jan novak"
    again = chip_fields(text(found(ada, [zoe], new=["Bob Stone"], note="samples.", **first)))
    assert again["chip-0-owner"] != "n:bob stone"  # Jan is gone: back to the first chosen, not to Bob


def test_keep_twice_stores_once(app, ada):
    """Two Keeps of one finding (a double tap, two tabs): one promise."""
    zoe = add_contact(ada)
    ids = waiting(app, ada, zoe)
    assert ada.post(f"/findings/{ids['promise']}/keep").status_code in (200, 303)
    assert ada.post(f"/findings/{ids['promise']}/keep").status_code == 404
    with app.app_context():
        assert Promise.select().count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("time", "9:30", None),  # stored as 09:30
    ("time", "25:00", "Use a time like 10:30."),
    ("age", "²", "Use an age between 0 and 120."),
    ("age", "9" * 5000, "Use an age between 0 and 120."),
    ("found", "[" * 100000, None),
])
def test_odd_chip_values_are_refused_or_read_never_a_500(app, ada, field, value, message):
    """Tampered or old-browser chip values: a message beside the chip, or the value read; nothing breaks."""
    zoe = add_contact(ada)
    fields = chip_fields(text(found(ada, [zoe])))
    keys = {fields[f"chip-{n}-key"].partition(":")[0]: n for n in range(3)}
    kind = {"time": "meeting", "age": "family", "found": "promise"}[field]
    fields[f"chip-{keys[kind]}-{field}"] = value
    response = capture(ada, [zoe], note=NOTE, htmx=True, **fields)
    if message:
        assert response.status_code == 422 and message in text(response)
    else:
        assert response.status_code == 204
        with app.app_context():
            assert PlannedVisit.get().at == (datetime.time(9, 30) if field == "time" else datetime.time(10, 0))


def test_a_visit_planned_by_this_very_note_is_not_offered_as_done(app, ada):
    """A note written on 15 April that plans the next meeting for 15 April: a visit planned, not one to mark done."""
    zoe = add_contact(ada)
    fields = chip_fields(text(found(ada, [zoe], happened_at="2026-04-15T09:00")))
    response = capture(ada, [zoe], note=NOTE, happened_at="2026-04-15T09:00", **fields)
    assert response.status_code == 303
    with app.app_context():
        assert PlannedVisit.get().source_touch_id == Touch.get().id
    assert "You had a visit planned" not in text(ada.get(f"/people/{zoe}"))
