"""A form that creates something, sent twice (a double tap, a resend), creates it once (issue 14).

Each form carries a key made when it is rendered (journal/once.py). The same key with the same content answers
with the first result; the same key with other content, or another key, is a new submit: nothing is ever matched
by name, since two customers can share one.
"""
import datetime
import re
import threading
import uuid

import pytest
from helpers import CARD, add_contact, text

from journal.models import Contact, FamilyMember, FormSubmission, Gesture, Gift, ImportantDate, Promise, utcnow

NEXT_WEEK = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()


def key_from(html):
    """The form key of the (first) creating form on a page."""
    match = re.search(r'name="form_key" value="([0-9a-f-]{36})"', html)
    assert match, "no form key on the page"
    return match.group(1)


# Each creating form: (url for a contact id, its fields, the model it creates, the htmx target or None).
FORMS = {
    "family": (lambda cid: f"/people/{cid}/family",
               {"relation": "child", "name": "Léa", "day": "", "month": "", "year": "", "age": "8", "interests": "violin",
                "notes": ""}, FamilyMember, "contact-family"),
    "date": (lambda cid: f"/people/{cid}/dates", {"kind": "birthday", "label": "", "day": "14", "month": "3", "year": ""},
             ImportantDate, "contact-dates"),
    "promise": (lambda cid: f"/people/{cid}/promises", {"text": "send the brochure", "due_on": NEXT_WEEK}, Promise,
                "contact-promises"),
    "gift": (lambda cid: f"/people/{cid}/gifts", {"description": "a book on sailing", "recipient": ""}, Gift, "contact-gifts"),
    "gesture": (lambda cid: f"/people/{cid}/gestures", {"text": "send a card for the new warehouse", "due_on": NEXT_WEEK},
                Gesture, "contact-gestures"),
}


def count(app, model, **where):
    """Rows of `model` (optionally filtered by equality on columns)."""
    with app.app_context():
        query = model.select()
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return query.count()


def post_at_once(app, session, copies, url, data, headers=None):
    """POST the same form `copies` times at the same moment, from threads with clients of their own signed in as
    `session` (each request on its own database connection); returns the responses' (status, Location)."""
    start = threading.Barrier(copies)
    answers = []

    def send():
        client = app.test_client()
        with session.client.session_transaction() as kept:
            with client.session_transaction() as mine:
                mine.update(kept)
        start.wait(timeout=30)
        response = client.post(url, data=data, headers={"X-CSRFToken": session.token, **(headers or {})})
        answers.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == copies, "a request did not finish"
    return answers


def test_every_creating_form_on_the_brief_carries_a_fresh_key(app, ada):
    cid = add_contact(ada)
    html = text(ada.get(f"/people/{cid}?edit=family-new"))
    html += text(ada.get(f"/people/{cid}?edit=date-new"))
    keys = re.findall(r'name="form_key" value="([0-9a-f-]{36})"', html)
    # visit, family, promise, gift and gesture on the first page; visit, date, promise, gift and gesture on the second
    assert len(keys) == 10 and len(set(keys)) == 10
    assert 'name="form_key"' in text(ada.get("/people/new"))


def test_add_a_person_twice_with_one_key_creates_one_person(app, ada):
    key = key_from(text(ada.get("/people/new")))
    first = ada.post("/people/new", data={**CARD, "form_key": key})
    again = ada.post("/people/new", data={**CARD, "form_key": key})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert count(app, Contact) == 1
    # The brief shows the first submit's message once.
    brief = text(ada.get(first.headers["Location"]))
    assert brief.count("Zoë Martin added.") == 1


def test_two_customers_with_one_name_are_two_people(app, ada):
    for _ in range(2):
        key = key_from(text(ada.get("/people/new")))
        assert ada.post("/people/new", data={**CARD, "form_key": key}).status_code == 302
    assert count(app, Contact, name="Zoë Martin") == 2


def test_the_same_key_with_other_content_is_a_new_person(app, ada):
    """A form the browser kept (Back) and sent again with another name: nothing the user typed is dropped."""
    key = key_from(text(ada.get("/people/new")))
    ada.post("/people/new", data={**CARD, "form_key": key})
    other = ada.post("/people/new", data={**CARD, "name": "Jan Kowalski", "form_key": key})
    assert other.status_code == 302
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Jan Kowalski", "Zoë Martin"]


def test_a_form_without_a_key_still_creates(app, ada):
    assert ada.post("/people/new", data=CARD).status_code == 302
    assert ada.post("/people/new", data={**CARD, "form_key": "not-a-uuid"}).status_code == 302
    assert count(app, Contact) == 2


def test_an_invalid_first_submit_does_not_use_up_the_key(app, ada):
    key = key_from(text(ada.get("/people/new")))
    refused = ada.post("/people/new", data={**CARD, "name": "", "form_key": key})
    assert refused.status_code == 422
    assert ada.post("/people/new", data={**CARD, "form_key": key}).status_code == 302
    assert count(app, Contact) == 1


def test_another_users_key_is_theirs(app, ada, bob):
    key = str(uuid.uuid4())
    ada.post("/people/new", data={**CARD, "form_key": key})
    answer = bob.post("/people/new", data={**CARD, "form_key": key})
    assert answer.status_code == 302
    with app.app_context():
        owners = sorted(c.user_id for c in Contact.select())
        assert owners == sorted([ada.user.id, bob.user.id])
    # Bob's repeat leads to Bob's person, never Ada's.
    again = bob.post("/people/new", data={**CARD, "form_key": key})
    assert again.headers["Location"] == answer.headers["Location"]


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("as_htmx", [True, False], ids=["htmx", "plain"])
def test_each_creating_form_sent_twice_creates_once(name, as_htmx, app, ada):
    url, fields, model, target = FORMS[name]
    cid = add_contact(ada)
    before = count(app, model)
    data = {**fields, "form_key": str(uuid.uuid4())}
    first = ada.post(url(cid), data=data, htmx_target=target if as_htmx else None)
    again = ada.post(url(cid), data=data, htmx_target=target if as_htmx else None)
    assert first.status_code in (200, 302) and again.status_code == first.status_code, text(again)
    if as_htmx:
        # The second answer is the section as the first left it: no error, the item shown once.
        shown = {"family": "Léa", "date": "14 Mar", "promise": "send the brochure", "gift": "a book on sailing",
                 "gesture": "send a card for the new warehouse"}[name]
        assert text(again).count(shown) == text(first).count(shown) >= 1
        assert 'class="error"' not in text(again)
    else:
        assert again.headers["Location"] == first.headers["Location"]
    assert count(app, model) == before + 1
    # A new key (the next form rendered) adds another one, even with the same words.
    ada.post(url(cid), data={**fields, "form_key": str(uuid.uuid4()), **({"kind": "anniversary"} if name == "date" else {})},
             htmx_target=target if as_htmx else None)
    assert count(app, model) == before + 2


def test_a_repeated_birthday_is_not_refused_as_a_second_birthday(app, ada):
    """The first submit added the birthday; its repeat answers as the first did, not "already has a birthday"."""
    cid = add_contact(ada)
    url, fields, _, target = FORMS["date"]
    data = {**fields, "form_key": str(uuid.uuid4())}
    assert ada.post(url(cid), data=data, htmx_target=target).status_code == 200
    again = ada.post(url(cid), data=data, htmx_target=target)
    assert again.status_code == 200 and "already has a birthday" not in text(again)
    assert count(app, ImportantDate, contact=cid, kind="birthday") == 1


def test_another_users_contact_still_answers_404(app, ada, bob):
    cid = add_contact(ada)
    url, fields, model, target = FORMS["promise"]
    data = {**fields, "form_key": str(uuid.uuid4())}
    assert ada.post(url(cid), data=data, htmx_target=target).status_code == 200
    # Bob replays Ada's form, key and all: 404, and nothing is added or revealed.
    assert bob.post(url(cid), data=data, htmx_target=target).status_code == 404
    assert count(app, model) == 1


def test_double_submits_at_the_same_moment_create_one_person(app, ada):
    """Six copies of one form sent at once (threads, each its own connection): one person, and every
    answer leads to that person."""
    key = key_from(text(ada.get("/people/new")))
    answers = post_at_once(app, ada, 6, "/people/new", {**CARD, "form_key": key})
    assert count(app, Contact) == 1, answers
    with app.app_context():
        person = Contact.get()
    assert set(answers) == {(302, f"/people/{person.id}")}


def test_keys_older_than_a_day_are_forgotten(app, ada):
    cid = add_contact(ada)
    url, fields, _, target = FORMS["promise"]
    ada.post(url(cid), data={**fields, "form_key": str(uuid.uuid4())}, htmx_target=target)
    with app.app_context():
        FormSubmission.update(created_at=utcnow() - datetime.timedelta(days=2)).execute()
    ada.post(url(cid), data={**fields, "form_key": str(uuid.uuid4())}, htmx_target=target)
    with app.app_context():
        assert FormSubmission.select().count() == 1  # the old one went when the new one came


def test_deleting_the_account_deletes_its_keys(app, ada):
    add_contact(ada)
    key = key_from(text(ada.get("/people/new")))
    ada.post("/people/new", data={**CARD, "form_key": key})
    with app.app_context():
        assert FormSubmission.select().count() == 1
        ada.user.delete_everything()
        assert FormSubmission.select().count() == 0


def test_done_on_a_gesture_tapped_twice_at_once_logs_one_touch(app, ada):
    """Marking a gesture done logs a touch: two taps at once (threads) log one, and both answer the section."""
    from journal.models import Touch

    cid = add_contact(ada)
    url, fields, _, target = FORMS["gesture"]
    ada.post(url(cid), data={**fields, "form_key": str(uuid.uuid4())}, htmx_target=target)
    with app.app_context():
        gesture = Gesture.get()
    answers = post_at_once(app, ada, 4, f"/gestures/{gesture.id}/done", {"outcome": "Loved it"},
                           headers={"HX-Request": "true", "HX-Target": target})
    assert [status for status, _ in answers] == [200] * 4
    with app.app_context():
        assert Touch.select().where(Touch.kind == "gesture").count() == 1
        done = Gesture.get_by_id(gesture.id)
        assert (done.status, done.outcome) == ("done", "Loved it") and done.touch_id is not None


def test_no_field_cuts_what_is_pasted_into_it(app, ada):
    """Length limits are counters (data-limit), never a maxlength that cuts a pasted text without a word; only the
    three-letter currency codes keep one."""
    cid = add_contact(ada)
    pages = [text(ada.get(url)) for url in ("/capture", "/people/new", f"/people/{cid}", f"/people/{cid}?edit=card",
                                             f"/people/{cid}?edit=family-new", f"/people/{cid}?edit=date-new", "/account")]
    html = "\n".join(pages)
    assert set(re.findall(r'maxlength="(\d+)"', html)) <= {"3"}
    for name, limit in (("note", "20000"), ("promise_text", "500"), ("gift_idea", "300"), ("name", "200")):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'data-limit="{limit}"' in tag, tag
        field_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'id="{field_id}-counter"' in html, name
