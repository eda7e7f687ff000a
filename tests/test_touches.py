"""Moments of touch: idempotent capture, new people, promises, cadence, recap, edit, isolation (the note's chips:
tests/test_smart_capture.py)."""
import datetime
import json
import uuid

from helpers import add_contact, capture, text

from journal.models import Contact, Promise, Touch, TouchContact


def test_capture_stores_a_touch_and_shows_it_on_the_brief(app, ada):
    cid = add_contact(ada)
    response = capture(ada, [cid], note="Daughter Léa has exams.", pulse="4", give_ask="give", happened_at="2026-11-20T10:30")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/people/{cid}#contact-touches")
    with app.app_context():
        touch = Touch.get()
        assert (touch.kind, touch.note, touch.pulse, touch.give_ask) == ("visit", "Daughter Léa has exams.", 4, "give")
        assert touch.happened_at == datetime.datetime(2026, 11, 20, 10, 30)
        assert Contact.get_by_id(cid).last_touch_at == datetime.datetime(2026, 11, 20, 10, 30)
    brief = text(ada.get(f"/people/{cid}"))
    assert "Daughter Léa has exams." in brief and "Happy" in brief


def test_same_uuid_twice_is_stored_once_and_answers_success(app, ada):
    cid = add_contact(ada)
    key = str(uuid.uuid4())
    first = capture(ada, [cid], uuid=key, promise_text="send the brochure", promise_due="2026-12-01", htmx=True)
    again = capture(ada, [cid], uuid=key, promise_text="send the brochure", promise_due="2026-12-01", htmx=True)
    for response in (first, again):
        # No swap and no HX-Redirect: the page goes to the brief itself, replacing the form in the history.
        assert response.status_code == 204
        assert "HX-Redirect" not in response.headers
        assert json.loads(response.headers["HX-Trigger"]) == {
            "touchSaved": {"uuid": key, "sent": key, "url": f"/people/{cid}#contact-touches"}}
    with app.app_context():
        assert Touch.select().count() == 1
        assert Promise.select().count() == 1


def test_capture_without_time_uses_now(app, ada):
    cid = add_contact(ada)
    before = datetime.datetime.now().replace(second=0, microsecond=0)
    capture(ada, [cid])
    with app.app_context():
        assert before <= Touch.get().happened_at <= datetime.datetime.now()


def test_capture_creates_new_people_by_name_and_links_several(app, ada):
    cid = add_contact(ada)
    response = capture(ada, [cid], new=["Jan Kowalski"], kind="meeting")
    assert response.status_code == 303
    with app.app_context():
        jan = Contact.get(Contact.name == "Jan Kowalski")
        assert jan.user_id == ada.user.id
        touch = Touch.get()
        assert {tc.contact_id for tc in TouchContact.select()} == {cid, jan.id}
        assert Contact.get_by_id(cid).last_touch_at == touch.happened_at == jan.last_touch_at


def test_capture_with_a_promise(app, ada):
    cid = add_contact(ada, interests="sailing")
    response = capture(ada, [cid], promise_text="send the brochure", promise_due="2026-11-27")
    assert response.status_code == 303
    with app.app_context():
        promise = Promise.get()
        assert (promise.text, promise.due_on, promise.contact_id, promise.touch_id) == (
            "send the brochure", datetime.date(2026, 11, 27), cid, Touch.get().id)


def test_capture_validation_keeps_everything(app, ada):
    cid = add_contact(ada)
    response = capture(ada, [cid], note="", promise_text="call back", promise_due="", htmx=True)
    html = text(response)
    assert response.status_code == 422
    assert html.startswith('<form id="capture-form"')
    assert "Write a few words" not in html  # a promise alone is enough
    assert "When will you do it?" in html
    assert 'value="call back"' in html
    assert f'name="contact_ids" value="{cid}" checked' in html and "Zoë Martin" in html
    nobody = capture(ada, [], note="Lost in the car park")
    assert nobody.status_code == 422 and "Choose who this was with" in text(nobody) and "Lost in the car park" in text(nobody)
    with app.app_context():
        assert Touch.select().count() == 0 and Promise.select().count() == 0


def test_capture_refuses_another_users_contact(app, ada, bob):
    theirs = add_contact(ada)
    mine = add_contact(bob, name="Bob's client")
    response = capture(bob, [mine, theirs], note="Sneaky")
    assert response.status_code == 422
    assert "not in your journal" in text(response)
    assert "Sneaky" in text(response)
    with app.app_context():
        assert Touch.select().count() == 0
        assert Contact.get_by_id(theirs).last_touch_at is None


def test_type_ahead_matches_accents_and_offers_new(ada, bob):
    add_contact(ada, name="Łukasz Nowak")
    add_contact(ada, name="Zoë Martin")
    add_contact(bob, name="Lukas Bob-only")
    html = text(ada.hx("/capture/contacts?q=luk", "contact-suggestions"))
    assert "Łukasz Nowak" in html and "Zoë Martin" not in html and "Bob-only" not in html
    assert "Add “luk” as a new person" in html
    assert "Zoë Martin" in text(ada.hx("/capture/contacts?q=zoe", "contact-suggestions"))
    assert "Zoë Martin" in text(ada.hx("/capture/contacts?q=mart", "contact-suggestions"))  # any word
    exact = text(ada.hx("/capture/contacts?q=zoë martin", "contact-suggestions"))
    assert "as a new person" not in exact
    wild = ada.hx("/capture/contacts?q=%25", "contact-suggestions")  # a LIKE wildcard matches nobody
    assert wild.status_code == 200 and 'name="contact_ids"' not in text(wild)


def test_capture_page_preselects_a_contact(ada):
    cid = add_contact(ada)
    html = text(ada.get(f"/capture?contact={cid}"))
    assert f'name="contact_ids" value="{cid}" checked' in html
    assert 'data-draft="capture"' in html
    assert '<input checked id="kind-0" name="kind" required type="radio" value="visit">' in html


def test_touch_page_recap_and_share_links(ada):
    cid = add_contact(ada)
    capture(ada, [cid], note="Discussed the Q1 order.", happened_at="2026-11-20T10:30",
            promise_text="send the brochure", promise_due="2026-11-27")
    touch_id = Touch.select().get().id
    html = text(ada.get(f"/touches/{touch_id}"))
    assert "Hi Zoë," in html
    assert "What we discussed:\nDiscussed the Q1 order." in html
    assert "- send the brochure, by Fri 27 Nov" in html
    assert 'href="mailto:zoe@acme.example?subject=' in html
    assert "data-share=" in html and 'data-copy="recap"' in html


def test_edit_and_delete_touch(app, ada):
    cid = add_contact(ada)
    capture(ada, [cid], note="First", happened_at="2026-11-20T10:30")
    touch_id = Touch.select().get().id
    bad = ada.post(f"/touches/{touch_id}/edit", data={"kind": "call", "note": "", "happened_at": "2026-11-21T09:00"})
    assert bad.status_code == 422 and "Write a few words" in text(bad)
    ok = ada.post(f"/touches/{touch_id}/edit", data={"kind": "call", "note": "Fixed", "happened_at": "2026-11-21T09:00"})
    assert ok.status_code == 302
    with app.app_context():
        t = Touch.get_by_id(touch_id)
        assert (t.kind, t.note, t.happened_at) == ("call", "Fixed", datetime.datetime(2026, 11, 21, 9, 0))
        assert Contact.get_by_id(cid).last_touch_at == datetime.datetime(2026, 11, 21, 9, 0)
    ada.post(f"/touches/{touch_id}/delete")
    with app.app_context():
        assert Touch.select().count() == 0 and TouchContact.select().count() == 0
        assert Contact.get_by_id(cid).last_touch_at is None


def test_timeline_is_paged_newest_first(ada):
    cid = add_contact(ada)
    for day in range(1, 13):
        capture(ada, [cid], note=f"Touch number {day}", happened_at=f"2026-10-{day:02d}T09:00")
    brief = text(ada.get(f"/people/{cid}"))
    assert "Touch number 12" in brief and "Touch number 11" in brief and "Touch number 10" in brief
    assert "Touch number 9<" not in brief  # only the last three on the brief itself
    first = text(ada.hx(f"/people/{cid}/timeline", "contact-timeline"))
    assert first.index("Touch number 12") < first.index("Touch number 3")
    assert "Touch number 2<" not in first and 'id="more-touches"' in first
    more = text(ada.hx(f"/people/{cid}/timeline?page=2", "more-touches"))
    assert "Touch number 2<" in more and "Touch number 1<" in more and "more-touches" not in more


def test_give_ask_balance_and_repeat_customer(ada):
    cid = add_contact(ada)
    capture(ada, [cid], give_ask="give")
    capture(ada, [cid], give_ask="give")
    capture(ada, [cid], give_ask="ask", kind="purchase")
    brief = text(ada.get(f"/people/{cid}"))
    assert "<strong>2</strong> about them, <strong>1</strong> about me" in brief
    assert "Repeat customer" not in brief
    capture(ada, [cid], kind="purchase", happened_at="2024-01-01T10:00")
    assert "Repeat customer" in text(ada.get(f"/people/{cid}"))


def test_another_users_touch_answers_404(app, ada, bob):
    cid = add_contact(ada)
    capture(ada, [cid], note="Private note")
    touch_id = Touch.select().get().id
    assert bob.get(f"/touches/{touch_id}").status_code == 404
    assert bob.get(f"/touches/{touch_id}/edit").status_code == 404
    assert bob.post(f"/touches/{touch_id}/edit", data={"kind": "call", "note": "x"}).status_code == 404
    assert bob.post(f"/touches/{touch_id}/delete").status_code == 404
    assert bob.get(f"/people/{cid}/timeline").status_code == 404
    with app.app_context():
        assert Touch.get_by_id(touch_id).note == "Private note"


def test_deleting_a_contact_removes_their_own_touches_but_keeps_shared_ones(app, ada):
    zoe = add_contact(ada)
    tom = add_contact(ada, name="Tom Walsh")
    capture(ada, [zoe], note="Only Zoë", promise_text="send it", promise_due="2026-12-01")
    capture(ada, [zoe, tom], note="Both of them")
    ask = text(ada.get(f"/people/{zoe}/delete"))
    assert "1 touch," in ask and "1 promise" in ask
    ada.post(f"/people/{zoe}/delete")
    with app.app_context():
        assert [t.note for t in Touch.select()] == ["Both of them"]
        assert [tc.contact_id for tc in TouchContact.select()] == [tom]
        assert Promise.select().count() == 0


def test_capture_links_the_promise_to_the_first_person_chosen(app, ada):
    first_id = add_contact(ada, name="Jan Novak")
    zoe = add_contact(ada, name="Zoë Martin")
    response = capture(ada, [zoe, first_id], promise_text="send it", promise_due="2026-12-01")
    assert response.headers["Location"].endswith(f"/people/{zoe}#contact-touches")
    with app.app_context():
        assert Promise.get().contact_id == zoe


def test_a_reused_id_with_other_content_is_stored_as_a_new_touch(app, ada):
    cid = add_contact(ada)
    key = str(uuid.uuid4())
    capture(ada, [cid], uuid=key, note="first note")
    again = capture(ada, [cid], uuid=key, note="first note")  # a retry: nothing new
    other = capture(ada, [cid], uuid=key, note="lunch", htmx=True)  # a new note that reused the id
    assert again.status_code == 303 and other.status_code == 204
    assert key in other.headers["HX-Trigger"]  # the page still clears the draft it sent
    with app.app_context():
        assert sorted(t.note for t in Touch.select()) == ["first note", "lunch"]
        assert len({t.uuid for t in Touch.select()}) == 2


def test_editing_a_touch_needs_its_time(app, ada):
    cid = add_contact(ada)
    capture(ada, [cid], note="First", happened_at="2026-11-20T10:30")
    touch_id = Touch.select().get().id
    response = ada.post(f"/touches/{touch_id}/edit", data={"kind": "call", "note": "Kept text", "happened_at": ""})
    assert response.status_code == 422
    assert "When did it happen?" in text(response) and "Kept text" in text(response)


def test_line_breaks_are_stored_alike_whichever_way_the_note_came(app, ada):
    """A plain form sends CR LF, htmx and the outbox send LF: the note is stored (and its length counted) one way."""
    cid = add_contact(ada)
    capture(ada, [cid], note="Léa's exam\r\nthe warehouse")
    capture(ada, [cid], note="Léa's exam\nthe warehouse", htmx=True)
    with app.app_context():
        assert [t.note for t in Touch.select()] == ["Léa's exam\nthe warehouse"] * 2
    limit = "a" * 10_000 + "\r\n" * 1_000 + "a" * 9_000  # 20,000 characters once a line break counts one
    assert capture(ada, [cid], note=limit).status_code == 303


def test_a_time_with_an_offset_is_kept_as_the_wall_clock_time(app, ada):
    """The phone's outbox (or any client) may send an offset: the touch keeps the time read on the clock there."""
    cid = add_contact(ada)
    saved = capture(ada, [cid], note="Offset", happened_at="2026-01-01T10:00:00+05:00")
    assert saved.status_code == 303, text(saved)
    with app.app_context():
        touch = Touch.get()
        assert touch.happened_at == datetime.datetime(2026, 1, 1, 10, 0)
    edited = ada.post(f"/touches/{touch.id}/edit", data={"kind": "call", "note": "Offset", "happened_at": "2026-01-02T09:30-08:00"})
    assert edited.status_code == 302
    with app.app_context():
        assert Touch.get().happened_at == datetime.datetime(2026, 1, 2, 9, 30)
    assert ada.get("/export.xlsx").status_code == 200


def test_type_ahead_finds_a_person_by_their_alternative_name(ada, bob):
    """Typing 山田 or "tar" after a visit offers Yamada Taro, whichever name the salesperson thinks of first."""
    add_contact(ada, name="Yamada Taro", alt_name="山田太郎", phones="", emails="")
    add_contact(ada, name="Олег Петренко", alt_name="Oleg Petrenko", phones="", emails="")
    add_contact(bob, name="Bob's Yamada", alt_name="山田花子", phones="", emails="")
    assert "Yamada Taro" in text(ada.hx("/capture/contacts?q=山田", "contact-suggestions"))
    assert "Bob&#39;s Yamada" not in text(ada.hx("/capture/contacts?q=山田", "contact-suggestions"))
    assert "Олег Петренко" in text(ada.hx("/capture/contacts?q=petr", "contact-suggestions"))  # any word, folded
    assert "Олег Петренко" not in text(ada.hx("/capture/contacts?q=%25", "contact-suggestions"))
