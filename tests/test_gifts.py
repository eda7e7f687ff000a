"""Gifts and gestures: status flow, no repeats, spend and budget, gesture to touch, Today, isolation."""
import datetime
from decimal import Decimal

from helpers import add_contact, add_family, capture, text

from journal.models import Contact, FamilyMember, Gesture, Gift, Touch, TouchContact, User, upcoming_dates, uncovered_dates

TODAY = datetime.date.today()


def add_idea(session, cid, description, recipient=""):
    """Add a gift idea from the brief, as htmx."""
    return session.post(f"/people/{cid}/gifts", data={"description": description, "recipient": recipient},
                        htmx_target="contact-gifts")


def edit_gift(session, gift_id, **fields):
    """Save the full gift form."""
    data = {"description": "x", "recipient": "", "status": "idea", "occasion": "other", "price": "", "currency": "EUR",
            "link": "", "date": "", "notes": ""}
    data.update(fields)
    return session.post(f"/gifts/{gift_id}/edit", data=data)


def test_idea_in_one_step_then_the_status_flow(app, ada):
    cid = add_contact(ada)
    response = add_idea(ada, cid, "A book on sailing")
    assert response.status_code == 200 and "A book on sailing" in text(response)
    with app.app_context():
        gift = Gift.get()
        assert (gift.status, gift.contact_id, gift.family_member_id, gift.date) == ("idea", cid, None, None)
    for step in ("planned", "bought", "given"):
        moved = ada.post(f"/gifts/{gift.id}/status", data={"to": step}, htmx_target="contact-gifts")
        assert moved.status_code == 200
        with app.app_context():
            assert Gift.get_by_id(gift.id).status == step
    with app.app_context():
        assert Gift.get_by_id(gift.id).date == TODAY
    # No jumping back from given to idea.
    ada.post(f"/gifts/{gift.id}/status", data={"to": "idea"})
    with app.app_context():
        assert Gift.get_by_id(gift.id).status == "given"
    brief = text(ada.get(f"/people/{cid}"))
    assert "Last given" in brief and "A book on sailing" in brief


def test_gift_form_validation_keeps_values(app, ada):
    cid = add_contact(ada)
    add_idea(ada, cid, "Cookbook")
    gift_id = Gift.select().get().id
    bad = edit_gift(ada, gift_id, description="Cookbook", price="-3", currency="euros", link="not a link", notes="For Léa")
    html = text(bad)
    assert bad.status_code == 422
    assert "Use a positive amount." in html and "three-letter currency code" in html and "full link" in html
    assert "For Léa" in html and 'value="euros"' in html
    ok = edit_gift(ada, gift_id, description="Cookbook", status="bought", price="24.50", currency="eur", link="https://shop.example/book")
    assert ok.status_code == 302
    with app.app_context():
        gift = Gift.get_by_id(gift_id)
        assert (gift.status, gift.price, gift.currency, gift.date) == ("bought", Decimal("24.50"), "EUR", TODAY)


def test_repeat_warning_positive_negative_and_accents(app, ada):
    cid = add_contact(ada, name="Tom Walsh")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    with app.app_context():
        lea = FamilyMember.get().id
        Gift.create(user=ada.user.id, contact=cid, family_member=lea, description="Jeu d'échecs en bois", status="given",
                    date=datetime.date(2025, 12, 3))
        Gift.create(user=ada.user.id, contact=cid, description="Bottle of Bordeaux", status="idea")
    check = lambda description, recipient: text(ada.hx(  # noqa: E731
        f"/people/{cid}/gifts/check?description={description}&recipient={recipient}", "gift-warning"))
    warning = check("ECHECS magnetiques", lea)
    assert "You gave Léa (Tom&#39;s child) “Jeu d&#39;échecs en bois” in Dec 2025." in warning
    assert "You gave" not in check("a violin", lea)  # nothing in common
    assert "You gave" not in check("chess set and echecs", "")  # another recipient: Tom himself
    assert "You gave" not in check("Bordeaux", "")  # only an idea, never given
    # Saving anyway keeps the idea, with the warning shown.
    saved = add_idea(ada, cid, "Échecs de voyage", recipient=str(lea))
    assert saved.status_code == 200 and "You gave Léa" in text(saved)
    with app.app_context():
        assert Gift.select().where(Gift.description == "Échecs de voyage").count() == 1


def test_yearly_spend_and_budget_warning(app, ada):
    cid = add_contact(ada, name="Ana Silva", gift_budget="100", gift_budget_currency="EUR")
    other = add_contact(ada, name="Ben Okafor")
    with app.app_context():
        Gift.create(user=ada.user.id, contact=cid, description="Wine", status="given", price=Decimal("60"), date=TODAY)
        Gift.create(user=ada.user.id, contact=cid, description="Old", status="given", price=Decimal("500"),
                    date=datetime.date(TODAY.year - 1, 6, 1))
        Gift.create(user=ada.user.id, contact=cid, description="Idea only", status="idea", price=Decimal("999"))
        Gift.create(user=ada.user.id, contact=other, description="Tea", status="bought", price=Decimal("20"), date=TODAY)
        Gift.create(user=ada.user.id, contact=other, description="Tickets", status="given", price=Decimal("35"),
                    currency="GBP", date=TODAY)
        user = User.get_by_id(ada.user.id)
        assert Gift.spend(user, TODAY.year) == {"EUR": Decimal("80"), "GBP": Decimal("35")}
        assert Gift.spend(user, TODAY.year, contact=cid) == {"EUR": Decimal("60")}
        assert Gift.spend(user, TODAY.year - 1) == {"EUR": Decimal("500")}
        gift = Gift.create(user=ada.user.id, contact=cid, description="Scarf", status="idea")
    page = text(ada.get(f"/gifts?year={TODAY.year}"))
    assert "80.00 EUR" in page and "35.00 GBP" in page and "Ana Silva" in page and "Ben Okafor" in page
    within = edit_gift(ada, gift.id, description="Scarf", status="planned", price="30")
    assert within.status_code == 302
    assert "over the yearly budget" not in text(ada.get(within.headers["Location"]))
    over = edit_gift(ada, gift.id, description="Scarf", status="planned", price="45")
    assert over.status_code == 302
    assert "over the yearly budget of 100.00 EUR" in text(ada.get(over.headers["Location"]))


def test_gesture_prompts_done_logs_a_touch(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    brief = text(ada.get(f"/people/{cid}"))
    for prompt in ("How can I help Zoë sell more?", "What would make Zoë more efficient?",
                   "What would make Zoë feel important?", "What new idea can I give Zoë?",
                   "What would be a great gift for Zoë&#39;s family?"):
        assert prompt in brief
    bad = ada.post(f"/people/{cid}/gestures", data={"text": "", "due_on": ""}, htmx_target="contact-gestures")
    assert bad.status_code == 422 and "What will you do?" in text(bad)
    ada.post(f"/people/{cid}/gestures", data={"text": "Send the automation article", "due_on": str(TODAY)},
             htmx_target="contact-gestures")
    with app.app_context():
        gesture = Gesture.get()
    done = ada.post(f"/gestures/{gesture.id}/done", data={"outcome": "Loved it"}, htmx_target="contact-gestures")
    assert done.status_code == 200
    with app.app_context():
        gesture = Gesture.get_by_id(gesture.id)
        touch = Touch.get_by_id(gesture.touch_id)
        assert gesture.status == "done" and gesture.outcome == "Loved it"
        assert touch.kind == "gesture" and "Send the automation article" in touch.note and "Loved it" in touch.note
        assert [tc.contact_id for tc in TouchContact.select()] == [cid]
        assert Contact.get_by_id(cid).last_touch_at is not None
    ada.post(f"/people/{cid}/gestures", data={"text": "Drop me", "due_on": str(TODAY)})
    with app.app_context():
        dropped = Gesture.get(Gesture.text == "Drop me")
    ada.post(f"/gestures/{dropped.id}/drop")
    with app.app_context():
        assert Gesture.get_by_id(dropped.id).status == "dropped" and Touch.select().count() == 1


def test_today_suggests_gifts_for_uncovered_dates_and_lists_gestures(app, ada):
    soon = TODAY + datetime.timedelta(days=5)
    cid = add_contact(ada, name="Tom Walsh")
    add_family(ada, cid, name="Lea", day=str(soon.day), month=str(soon.month), year=str(soon.year - 9))
    add_family(ada, cid, name="Hugo", relation="child", day=str(soon.day), month=str(soon.month), year=str(soon.year - 6))
    with app.app_context():
        hugo = FamilyMember.get(FamilyMember.name == "Hugo").id
        Gift.create(user=ada.user.id, contact=cid, family_member=hugo, description="Lego", status="planned")
    html = text(ada.get("/"))
    lea_row = html.split("<strong>Lea</strong>")[1].split("</li>")[0]
    hugo_row = html.split("<strong>Hugo</strong>")[1].split("</li>")[0]
    assert "turns 9" in lea_row and "No gift or gesture planned" in lea_row
    assert "No gift or gesture planned" not in hugo_row
    ada.post(f"/people/{cid}/gestures", data={"text": "Call on Lea's birthday", "due_on": str(soon)})
    html = text(ada.get("/"))
    assert "No gift or gesture planned" not in html
    assert "Extra mile, planned" in html and "Call on Lea&#39;s birthday" in html
    with app.app_context():
        user = User.get_by_id(ada.user.id)
        assert uncovered_dates(user, TODAY, upcoming_dates(user, TODAY)[0]) == []


def test_idea_from_quick_capture(app, ada):
    cid = add_contact(ada)
    capture(ada, [cid], note="Talked about his trip", gift_idea="travel guide to Japan")
    with app.app_context():
        assert [(g.description, g.status, g.contact_id) for g in Gift.select()] == [("travel guide to Japan", "idea", cid)]


def test_another_users_gifts_and_gestures_answer_404(app, ada, bob):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa")
    add_idea(ada, cid, "Secret idea")
    ada.post(f"/people/{cid}/gestures", data={"text": "Secret gesture", "due_on": str(TODAY)})
    with app.app_context():
        gift, gesture, lea = Gift.get(), Gesture.get(), FamilyMember.get()
    for url in (f"/gifts/{gift.id}/edit", f"/people/{cid}/gifts/check?description=x"):
        assert bob.get(url).status_code == 404, url
    for url, data in [(f"/gifts/{gift.id}/edit", {"description": "x"}), (f"/gifts/{gift.id}/status", {"to": "planned"}),
                      (f"/gifts/{gift.id}/delete", {}), (f"/gestures/{gesture.id}/done", {}),
                      (f"/gestures/{gesture.id}/drop", {}), (f"/people/{cid}/gifts", {"description": "x"}),
                      (f"/people/{cid}/gestures", {"text": "x", "due_on": str(TODAY)})]:
        assert bob.post(url, data=data).status_code == 404, url
    # A gift for another user's family member is refused, even on Bob's own contact.
    own = add_contact(bob, name="Bob's client")
    refused = add_idea(bob, own, "Sneaky", recipient=str(lea.id))
    assert refused.status_code == 404
    with app.app_context():
        assert Gift.select().count() == 1 and Gift.get().status == "idea" and Gift.get().description == "Secret idea"
        assert Gesture.get().status == "planned" and Touch.select().count() == 0


def test_budget_with_cents_and_the_step_that_spends(app, ada):
    """Review findings: cents used to crash (float + Decimal), and moving to bought skipped the warning."""
    cid = add_contact(ada, name="Ana Silva", gift_budget="100", gift_budget_currency="EUR")
    with app.app_context():
        Gift.create(user=ada.user.id, contact=cid, description="Tea", status="given", price=Decimal("19.99"), date=TODAY)
        idea = Gift.create(user=ada.user.id, contact=cid, description="Scarf", status="idea", price=Decimal("25.50"))
        big = Gift.create(user=ada.user.id, contact=cid, description="Watch", status="idea", price=Decimal("80.01"))
    assert ada.post(f"/gifts/{idea.id}/status", data={"to": "planned"}, htmx_target="contact-gifts").status_code == 200
    moved = ada.post(f"/gifts/{big.id}/status", data={"to": "bought"}, htmx_target="contact-gifts")
    assert moved.status_code == 200
    assert "takes Ana Silva to 100.00 EUR" not in text(moved)  # 19.99 + 80.01 is exactly the budget
    assert "over the yearly budget" not in text(moved)
    with app.app_context():
        assert Gift.spend(User.get_by_id(ada.user.id), TODAY.year) == {"EUR": Decimal("100.00")}
    over = ada.post(f"/gifts/{idea.id}/status", data={"to": "bought"}, htmx_target="contact-gifts")
    assert "takes Ana Silva to 125.50 EUR" in text(over) and "over the yearly budget of 100.00 EUR" in text(over)


def test_gesture_outcome_too_long_is_kept_with_an_error(app, ada):
    cid = add_contact(ada)
    ada.post(f"/people/{cid}/gestures", data={"text": "Call", "due_on": str(TODAY)})
    with app.app_context():
        gesture = Gesture.get()
    long_text = "Went well. " * 200
    response = ada.post(f"/gestures/{gesture.id}/done", data={"outcome": long_text}, htmx_target="contact-gestures")
    assert response.status_code == 422
    assert "Went well. Went well." in text(response) and 'class="error"' in text(response)
    with app.app_context():
        assert Gesture.get_by_id(gesture.id).status == "planned"


def test_removing_a_family_member_keeps_their_gifts(app, ada):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa")
    with app.app_context():
        lea = FamilyMember.get()
        gift = Gift.create(user=ada.user.id, contact=cid, family_member=lea, description="Violin bow", status="given",
                           price=Decimal("40"), date=TODAY)
    ada.post(f"/people/{cid}/family/{lea.id}/delete")
    with app.app_context():
        kept = Gift.get_by_id(gift.id)
        assert kept.family_member_id is None and kept.contact_id == cid


def test_last_given_prefers_a_dated_gift_over_an_undated_one(app, ada):
    """A given gift without a date (restored from an old backup) counts as the oldest, on SQLite and PostgreSQL alike."""
    cid = add_contact(ada)
    with app.app_context():
        Gift.create(user=ada.user.id, contact=cid, description="Dated fountain pen", status="given",
                    date=TODAY - datetime.timedelta(days=30))
        Gift.create(user=ada.user.id, contact=cid, description="Undated scarf", status="given", date=None)
    brief = text(ada.get(f"/people/{cid}"))
    last_given = brief[brief.index("Last given"):]
    assert "Dated fountain pen" in last_given and "Undated scarf" not in last_given
