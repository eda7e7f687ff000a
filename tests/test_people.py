"""People: contacts, the list, the brief, in-place edits, family, dates, deletion."""
import datetime
import logging
import re

import pytest
from helpers import CARD, add_contact, add_family, text

from journal.models import Contact, ContactMethod, ContactTag, FamilyMember, ImportantDate, Interest

def test_create_contact_stores_everything(app, ada):
    cid = add_contact(ada)
    with app.app_context():
        c = Contact.get_by_id(cid)
        assert (c.name, c.company, c.role, c.city, c.cadence_days) == ("Zoë Martin", "Acme Logistics", "Purchasing manager", "Lyon", 30)
        methods = [(m.kind, m.label, m.value) for m in ContactMethod.select().where(ContactMethod.contact == c).order_by(ContactMethod.kind.desc(), ContactMethod.position)]
        assert methods == [("phone", "mobile", "+33 6 12 34 56 78"), ("phone", "", "+33 4 00 00 00 00"), ("email", "work", "zoe@acme.example")]
        assert sorted(t.name for t in c.tags) == ["Lyon", "key account"]
        assert sorted(i.name for i in c.interests) == ["Lyon FC", "sailing"]


def test_invalid_contact_answers_422_with_values_kept(app, ada):
    response = ada.post("/people/new", data={**CARD, "name": " ", "phones": "call me maybe", "emails": "not-an-email", "cadence_days": "0"})
    html = text(response)
    assert response.status_code == 422
    assert "Enter a name." in html
    assert "does not look like a phone number" in html
    assert "is not a valid email address" in html
    assert "between 1 and 3650" in html
    assert "Acme Logistics" in html and "call me maybe" in html and "Trade fair in Hannover" in html
    with app.app_context():
        assert Contact.select().count() == 0


def test_list_is_alphabetical_ignoring_accents_and_paged(app, ada):
    app.config["PEOPLE_PAGE_SIZE"] = 2
    for name in ["Mia Rossi", "Łukasz Nowak", "Ana Silva", "佐藤 健", "Émile Bernard"]:
        add_contact(ada, name=name, tags="")
    first = text(ada.get("/people/"))
    names = re.findall(r'class="person-name">([^<]+)<', first)
    assert names == ["Ana Silva", "Émile Bernard"]
    assert "5 people" in first
    assert 'id="more-people"' in first
    more = ada.hx("/people/?page=2", "more-people")
    assert "<html" not in text(more)
    assert re.findall(r'class="person-name">([^<]+)<', text(more)) == ["Łukasz Nowak", "Mia Rossi"]
    last = ada.hx("/people/?page=3", "more-people")
    assert re.findall(r'class="person-name">([^<]+)<', text(last)) == ["佐藤 健"]
    assert 'id="more-people"' not in text(last)


def test_list_filters_by_tag_and_links_phone_sms_email(ada):
    add_contact(ada, name="Jan Kowalski", tags="VIP", phones="+48 600 100 200", emails="jan@example.com")
    add_contact(ada, name="Tom Walsh", tags="reseller", phones="", emails="")
    html = text(ada.get("/people/?tag=vip"))
    assert "Jan Kowalski" in html and "Tom Walsh" not in html
    assert 'href="tel:+48600100200"' in html
    assert 'href="sms:+48600100200"' in html
    assert 'href="mailto:jan@example.com"' in html
    assert "1 person tagged" in html
    everyone = text(ada.get("/people/"))
    assert "Jan Kowalski" in everyone and "Tom Walsh" in everyone
    assert ">VIP <span" in everyone


def test_empty_list_shows_an_honest_empty_state(ada):
    html = text(ada.get("/people/"))
    assert "Nobody here yet" in html and "person-row" not in html


def test_brief_shows_the_essentials(ada):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017", interests="violin")
    add_family(ada, cid, relation="partner", name="Pierre", age="45")
    ada.post(f"/people/{cid}/world", data={"goals": "Open a second warehouse", "challenges": "", "how_to_help": "", "ideas_to_give": "", "feel_important": "Being asked"})
    html = text(ada.get(f"/people/{cid}"))
    assert "<h1>Zoë Martin</h1>" in html
    assert "Purchasing manager · Acme Logistics" in html
    assert 'href="tel:+33612345678"' in html and ">Call<" in html
    today = datetime.date.today()
    lea_age = today.year - 2017 - ((today.month, today.day) < (12, 3))
    assert f"<strong>Léa</strong>, {lea_age}" in html
    assert "<strong>Pierre</strong>, about 45" in html
    assert "violin" in html and "sailing" in html
    assert "Léa&#39;s birthday" in html  # the next important date
    for question in ("What are their goals?", "What are their current challenges?", "How can I help them succeed?",
                     "What ideas can I give them?", "What makes them feel important?"):
        assert question in html
    assert "Open a second warehouse" in html and "Being asked" in html


def test_edit_card_in_place(app, ada):
    cid = add_contact(ada)
    form = ada.hx(f"/people/{cid}?edit=card", "contact-card")
    assert form.status_code == 200
    body = text(form)
    assert body.startswith('<section id="contact-card"') and "<html" not in body
    assert 'value="Acme Logistics"' in body and "mobile: +33 6 12 34 56 78" in body

    bad = ada.post(f"/people/{cid}/card", data={**CARD, "name": "", "company": "Kept Co"}, htmx_target="contact-card")
    assert bad.status_code == 422
    assert "Enter a name." in text(bad) and 'value="Kept Co"' in text(bad)
    assert text(bad).startswith('<section id="contact-card"')

    ok = ada.post(f"/people/{cid}/card", data={**CARD, "name": "Zoë Martin-Dubois", "tags": "VIP"}, htmx_target="contact-card")
    assert ok.status_code == 200
    assert "<h1>Zoë Martin-Dubois</h1>" in text(ok) and "<form" not in text(ok)
    with app.app_context():
        assert Contact.get_by_id(cid).name == "Zoë Martin-Dubois"
        assert [t.name for t in ContactTag.select()] == ["VIP"]


def test_edit_without_htmx_falls_back_to_pages(ada):
    cid = add_contact(ada)
    page = ada.get(f"/people/{cid}?edit=world")
    assert "<html" in text(page) and "What are their goals?</label>" in text(page)
    saved = ada.post(f"/people/{cid}/world", data={"goals": "Grow", "challenges": "", "how_to_help": "", "ideas_to_give": "", "feel_important": ""})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/people/{cid}#contact-world")
    bad = ada.post(f"/people/{cid}/world", data={"goals": "x" * 2001})
    assert bad.status_code == 422 and "<html" in text(bad)


@pytest.mark.parametrize(
    "fields, stored, shown",
    [
        ({"day": "14", "month": "3", "year": "2018"}, (2018, 3, 14, False), "Birthday 14 Mar 2018"),
        ({"day": "29", "month": "2"}, (None, 2, 29, False), "Birthday 29 Feb"),
        ({"age": "8"}, (datetime.date.today().year - 8, None, None, True), "<strong>Léa</strong>, about 8"),
    ],
)
def test_family_birthday_forms(app, ada, fields, stored, shown):
    cid = add_contact(ada)
    response = add_family(ada, cid, interests="violin, Violin, chess", **fields)
    assert response.status_code == 200
    # The Dates section comes in the same response, out of band: no second request rebuilds the brief.
    family_html, _, dates_html = text(response).partition('<section id="contact-dates"')
    assert 'id="contact-family"' in family_html and 'hx-swap-oob="true"' in dates_html.split(">", 1)[0]
    assert "HX-Trigger" not in response.headers
    assert shown in family_html
    if fields.get("day"):
        assert "Léa&#39;s birthday" in dates_html
    with app.app_context():
        member = FamilyMember.get()
        d = ImportantDate.get(ImportantDate.family_member == member)
        assert (d.year, d.month, d.day, d.year_approximate) == stored
        assert sorted(i.name for i in Interest.select().where(Interest.family_member == member)) == ["chess", "violin"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"day": "30", "month": "2"}, "February has only 29 days"),
        ({"day": "29", "month": "2", "year": "2023"}, "February 2023 has only 28 days"),
        ({"day": "5"}, "Give both the day and the month"),
        ({"year": "2015", "age": "9"}, "Give a birth year or an age, not both"),
        ({"day": "1", "month": "1", "year": str(datetime.date.today().year + 1)}, "in the future"),
        ({"age": "300"}, "between 0 and 120"),
        ({"name": ""}, "Enter a name."),
    ],
)
def test_family_validation_keeps_values(app, ada, fields, message):
    cid = add_contact(ada)
    response = add_family(ada, cid, notes="Plays in the school orchestra", **fields)
    assert response.status_code == 422
    html = text(response)
    assert message in html
    assert "Plays in the school orchestra" in html
    assert html.startswith('<section id="contact-family"')
    with app.app_context():
        assert FamilyMember.select().count() == 0


def test_edit_and_remove_family_member(app, ada):
    cid = add_contact(ada)
    add_family(ada, cid, name="Hugo", day="1", month="6", year="2015")
    with app.app_context():
        mid = FamilyMember.get().id
    form = ada.hx(f"/people/{cid}?edit=family-{mid}", "contact-family")
    assert 'value="Hugo"' in text(form) and 'value="2015"' in text(form)
    saved = ada.post(f"/people/{cid}/family/{mid}", data={"relation": "child", "name": "Hugo", "day": "", "month": "", "year": "", "age": "", "interests": "", "notes": ""}, htmx_target="contact-family")
    assert saved.status_code == 200
    with app.app_context():
        assert ImportantDate.select().count() == 0  # the birthday was cleared
    removed = ada.post(f"/people/{cid}/family/{mid}/delete", htmx_target="contact-family")
    assert removed.status_code == 200 and "Hugo" not in text(removed)
    with app.app_context():
        assert FamilyMember.select().count() == 0


def test_important_dates(app, ada):
    cid = add_contact(ada)
    missing = ada.post(f"/people/{cid}/dates", data={"kind": "custom", "label": "", "day": "12", "month": "5", "year": "1998"}, htmx_target="contact-dates")
    assert missing.status_code == 422 and "Say what the date is" in text(missing) and 'value="1998"' in text(missing)
    no_day = ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "", "day": "", "month": "", "year": ""}, htmx_target="contact-dates")
    assert no_day.status_code == 422 and "Choose the day and month" in text(no_day)
    ok = ada.post(f"/people/{cid}/dates", data={"kind": "custom", "label": "Company founded", "day": "12", "month": "5", "year": "1998"}, htmx_target="contact-dates")
    assert ok.status_code == 200 and "Company founded" in text(ok)
    bday = ada.post(f"/people/{cid}/dates", data={"kind": "birthday", "label": "", "day": "2", "month": "1", "year": "1980"}, htmx_target="contact-dates")
    assert bday.status_code == 200 and "Zoë Martin&#39;s birthday" in text(bday)
    twice = ada.post(f"/people/{cid}/dates", data={"kind": "birthday", "label": "", "day": "3", "month": "1", "year": ""}, htmx_target="contact-dates")
    assert twice.status_code == 422 and "already has a birthday" in text(twice)
    with app.app_context():
        founded = ImportantDate.get(ImportantDate.label == "Company founded")
        assert (founded.year, founded.month, founded.day) == (1998, 5, 12)
    edited = ada.post(f"/people/{cid}/dates/{founded.id}", data={"kind": "custom", "label": "Company founded", "day": "13", "month": "5", "year": "1998"}, htmx_target="contact-dates")
    assert edited.status_code == 200
    ada.post(f"/people/{cid}/dates/{founded.id}/delete", htmx_target="contact-dates")
    with app.app_context():
        assert [d.kind for d in ImportantDate.select()] == ["birthday"]
    card = text(ada.get(f"/people/{cid}"))
    assert "<dt>Born</dt><dd>2 Jan 1980" in card


def test_delete_asks_then_removes_everything(app, ada):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", interests="violin")
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "", "day": "1", "month": "4"})
    ask = ada.get(f"/people/{cid}/delete")
    assert ask.status_code == 200 and "Delete Zoë Martin?" in text(ask) and "1 family member" in text(ask)
    with app.app_context():
        assert Contact.select().count() == 1  # asking deletes nothing
    done = ada.post(f"/people/{cid}/delete")
    assert done.status_code == 302
    with app.app_context():
        for model in (Contact, ContactMethod, ContactTag, FamilyMember, Interest, ImportantDate):
            assert model.select().count() == 0, model.__name__


def _ids(app):
    with app.app_context():
        return {m.__name__: [r.id for r in m.select()] for m in (Contact, FamilyMember, ImportantDate)}


def test_another_users_people_answer_404(app, ada, bob):
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12")
    ada.post(f"/people/{cid}/dates", data={"kind": "anniversary", "label": "", "day": "1", "month": "4"})
    with app.app_context():
        mid = FamilyMember.get().id
        did = ImportantDate.get(ImportantDate.kind == "anniversary").id
    before = _ids(app)
    family = {"relation": "child", "name": "Hacked", "day": "", "month": "", "year": "", "age": "", "interests": "", "notes": ""}
    for url in (f"/people/{cid}", f"/people/{cid}?edit=card", f"/people/{cid}?edit=family-{mid}", f"/people/{cid}/delete"):
        assert bob.get(url).status_code == 404, url
    for url, data in [
        (f"/people/{cid}/card", CARD),
        (f"/people/{cid}/world", {"goals": "x"}),
        (f"/people/{cid}/family", family),
        (f"/people/{cid}/family/{mid}", family),
        (f"/people/{cid}/family/{mid}/delete", {}),
        (f"/people/{cid}/dates/{did}", {"kind": "custom", "label": "x", "day": "1", "month": "1"}),
        (f"/people/{cid}/dates/{did}/delete", {}),
        (f"/people/{cid}/delete", {}),
    ]:
        assert bob.post(url, data=data).status_code == 404, url
    # Bob's own contact cannot reach Ada's family member or date either.
    own = add_contact(bob, name="Bob's client")
    assert bob.get(f"/people/{own}?edit=family-{mid}").status_code == 404
    assert bob.post(f"/people/{own}/family/{mid}", data=family).status_code == 404
    assert bob.post(f"/people/{own}/dates/{did}/delete").status_code == 404
    after = _ids(app)
    after["Contact"].remove(own)
    assert after == before
    with app.app_context():
        assert Contact.get_by_id(cid).name == "Zoë Martin" and FamilyMember.get_by_id(mid).name == "Léa"
    assert "Zoë Martin" not in text(bob.get("/people/"))


class QueryCounter(logging.Handler):
    """Counts the SQL statements peewee logs."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _count_queries(fn):
    logger = logging.getLogger("peewee")
    counter, level = QueryCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        response = fn()
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    assert response.status_code == 200
    return counter.count


def test_brief_query_count_does_not_grow_with_data(ada):
    small = add_contact(ada, name="Small", tags="a", interests="one")
    add_family(ada, small, name="Only", day="1", month="2", interests="x")
    big = add_contact(ada, name="Big", tags="a, b, c, d, e", interests="one, two, three, four, five, six")
    for i in range(8):
        add_family(ada, big, name=f"Kid {i}", day=str(i + 1), month="3", year="2010", interests="x, y, z")
    for i in range(5):
        ada.post(f"/people/{big}/dates", data={"kind": "custom", "label": f"Day {i}", "day": str(i + 1), "month": "7"})
    n_small = _count_queries(lambda: ada.get(f"/people/{small}"))
    n_big = _count_queries(lambda: ada.get(f"/people/{big}"))
    assert n_small == n_big
    assert n_big <= 18  # user, contact, 5 related, touches and their people, promises, kept rate, balance, gifts, gestures, spend, PRAGMA optimize


def test_an_age_with_a_birthday_still_ahead(app, ada):
    """Review finding: "8" with a birthday next week means born nine years ago this week, turning 9."""
    cid = add_contact(ada)
    soon = datetime.date.today() + datetime.timedelta(days=5)
    response = add_family(ada, cid, name="Lea", day=str(soon.day), month=str(soon.month), age="8")
    assert "<strong>Lea</strong>, about 8" in text(response)
    with app.app_context():
        d = ImportantDate.get()
        assert d.partial.age_on(soon) == 9 and d.partial.years_at(d.partial.next_occurrence(datetime.date.today())) == 9


def test_names_and_tags_that_grow_when_folded_fit_their_columns(app, ada):
    """"ß" folds to "ss": a 200-letter name or a 60-letter tag still saves (PostgreSQL enforces column lengths)."""
    long_name, long_tag = "ß" * 200, "ß" * 59 + "x"
    cid = add_contact(ada, name=long_name, tags=long_tag, interests="ß" * 60, phones="", emails="")
    with app.app_context():
        contact = Contact.get_by_id(cid)
        assert contact.name == long_name and contact.sort_name == "ss" * 100
    assert long_name in text(ada.get("/people/"))
    assert long_name in text(ada.get("/people/", query_string={"tag": long_tag}))
    assert long_name not in text(ada.get("/people/", query_string={"tag": "Lyon"}))


def test_text_is_stored_composed_and_right_to_left_text_as_typed(app, ada):
    """"Zoé" typed with a combining accent (a Mac's keyboard) is the same name as "Zoé" typed on a phone: NFC;
    Hebrew with its right-to-left mark is kept as typed."""
    cid = add_contact(ada, name="Zoe\u0301 Martin", company="\u05e9\u05dc\u05d5\u05dd\u200f \u05e2\u05d5\u05dc\u05dd",
                      phones="", emails="")
    with app.app_context():
        contact = Contact.get_by_id(cid)
        assert contact.name == "Zo\u00e9 Martin"
        assert contact.company == "\u05e9\u05dc\u05d5\u05dd\u200f \u05e2\u05d5\u05dc\u05dd"
    assert f"/people/{cid}" in text(ada.get("/search", query_string={"q": "zoe\u0301"}))  # a search typed the Mac way


def test_an_alternative_name_is_kept_edited_and_shown_under_the_name(app, ada):
    """vCard 4's ALTID alternatives, typed by hand: 山田太郎 beside "Yamada Taro", in a field of its own."""
    form = text(ada.get("/people/new"))
    assert "Also known as" in form and 'name="alt_name"' in form
    cid = add_contact(ada, name="Yamada Taro", alt_name="  山田太郎 ", role="Buyer", company="Sakura Foods")
    html = text(ada.get(f"/people/{cid}"))
    assert html.index("<h1>Yamada Taro</h1>") < html.index("山田太郎") < html.index("Buyer · Sakura Foods")
    with app.app_context():
        assert Contact.get_by_id(cid).alt_name == "山田太郎"
    assert 'value="山田太郎"' in text(ada.hx(f"/people/{cid}?edit=card", "contact-card"))
    too_long = ada.post(f"/people/{cid}/card", data={**CARD, "alt_name": "山" * 201}, htmx_target="contact-card")
    assert too_long.status_code == 422 and "山" * 201 in text(too_long)
    ok = ada.post(f"/people/{cid}/card", data={**CARD, "name": "Yamada Taro", "alt_name": "やまだ たろう"},
                  htmx_target="contact-card")
    assert ok.status_code == 200 and "やまだ たろう" in text(ok) and "山田太郎" not in text(ok)
    plain = add_contact(ada, name="Tom Walsh")
    assert "Also known as" not in text(ada.get(f"/people/{plain}"))


def test_their_world_shows_what_is_noted_and_one_line_for_the_rest(ada):
    """An empty "Their world" is one line that opens the form, not five "Not noted yet"; once something is noted,
    it shows, and the questions still open are one line too."""
    cid = add_contact(ada)
    world = lambda html: html[html.index('id="contact-world"'):html.index("</section>", html.index('id="contact-world"'))]
    empty = world(text(ada.get(f"/people/{cid}")))
    assert "Not noted yet" not in empty and "<dt>" not in empty
    assert "Add their world</a>" in empty and f'href="/people/{cid}?edit=world#contact-world"' in empty
    ada.post(f"/people/{cid}/world", data={"goals": "Open a second warehouse", "challenges": "", "how_to_help": "",
                                           "ideas_to_give": "", "feel_important": ""})
    noted = world(text(ada.get(f"/people/{cid}")))
    assert "<dd>Open a second warehouse</dd>" in noted and noted.count("<dt>") == 1
    assert "Add more</a>" in noted and "Not noted yet" not in noted
