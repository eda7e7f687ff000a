"""People in a real browser on a phone (Pixel 7): add, the brief's in-place edits, family, world, delete, paging.

Every test taps and types like a thumb would (touch taps, key-by-key typing for the fields that matter),
checks what the user sees, and where useful the rows in the database through the `app` fixture.
Screenshots for a human review go to /tmp/browser-shots/ (nothing is asserted on them).
"""
import datetime
import random
import re

import pytest
from playwright.sync_api import expect

from journal import demo
from journal.models import Contact, ContactMethod, FamilyMember, ImportantDate, Interest

from .helpers import (
    BRIEF_URL,
    EXPECTED_422,
    NAME,
    SameDocument,
    assert_clean,
    assert_only_local,
    seed_contact,
    shot,
    type_into,
    user_of,
)

LIST_URL = re.compile(r"/people/$")


# --- helpers -------------------------------------------------------------------------------------------------


def contact_in_db(app, contact_id):
    """The stored contact, fresh from the database (or None)."""
    with app.app_context():
        return Contact.get_or_none(Contact.id == contact_id)


def open_brief(page, contact_id):
    """Open a brief and wait until htmx is ready to handle taps."""
    page.goto(f"/people/{contact_id}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load on the brief"


def card(page):
    """The contact card section of the brief."""
    return page.locator("#contact-card")


def age_on(today, year, month, day):
    """Whole years between a birth date and today."""
    return today.year - year - ((today.month, today.day) < (month, day))


# --- 1. add a person -----------------------------------------------------------------------------------------


def test_add_a_person_lands_on_the_brief(watch, signed_in_page, live_server, app, new_email):
    """Adding a person through /people/new on the phone lands on their brief, with a Call link."""
    page = signed_in_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People", exact=True).tap()
    expect(page).to_have_url(LIST_URL)
    expect(page.get_by_role("heading", name="Nobody here yet")).to_be_visible()
    page.locator("main").get_by_role("link", name="Add", exact=True).tap()
    expect(page).to_have_url("/people/new")
    expect(page.get_by_role("heading", name="Add a person", level=1)).to_be_visible()

    type_into(page.get_by_label("Name", exact=True), NAME)
    type_into(page.get_by_label("Company", exact=True), "Acme Logistics")
    type_into(page.get_by_label("Role", exact=True), "Purchasing manager")
    type_into(page.get_by_label("Phones", exact=True), "mobile: +33 6 12 34 56 78")
    type_into(page.get_by_label("Emails", exact=True), "work: jan@acme.example")
    type_into(page.get_by_label("City", exact=True), "Kraków")
    type_into(page.get_by_label("Interests", exact=True), "sailing, violin")
    type_into(page.get_by_label("Tags", exact=True), "key account")
    type_into(page.get_by_label("How we met", exact=True), "Trade fair in Hannover")
    type_into(page.get_by_label("Keep in touch every … days"), "30")
    page.get_by_role("button", name="Save").tap()

    expect(page).to_have_url(BRIEF_URL)
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"{NAME} added.")
    expect(card(page)).to_contain_text("Purchasing manager · Acme Logistics")
    expect(card(page)).to_contain_text("Kraków")
    call = card(page).get_by_role("link", name="Call", exact=True)
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+?\d+$"))
    assert call.get_attribute("href") == "tel:+33612345678"
    expect(card(page).get_by_role("link", name="Email", exact=True)).to_have_attribute(
        "href", "mailto:jan@acme.example"
    )

    contact_id = int(BRIEF_URL.search(page.url).group(1))
    user = user_of(app, new_email)
    with app.app_context():
        contact = Contact.get_by_id(contact_id)
        assert contact.user_id == user.id
        assert (contact.name, contact.company, contact.city, contact.cadence_days) == (
            NAME, "Acme Logistics", "Kraków", 30,
        )
        assert [(m.kind, m.label, m.value) for m in ContactMethod.select().where(ContactMethod.contact == contact)
                .order_by(ContactMethod.kind.desc())] == [
            ("phone", "mobile", "+33 6 12 34 56 78"), ("email", "work", "jan@acme.example"),
        ]
        assert sorted(i.name for i in Interest.select().where(Interest.contact == contact)) == ["sailing", "violin"]
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 2. edit the card in place -------------------------------------------------------------------------------


def test_edit_the_card_in_place(watch, signed_in_page, live_server, app, new_email):
    """"Edit <name>" swaps a form into the card without a page load; Save swaps the new card back."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    expect(card(page)).to_contain_text("Buyer · Acme Logistics")
    shot(page, "brief.png")

    with SameDocument(page):
        card(page).get_by_role("link", name=f"Edit {NAME}").tap()
        form = card(page).locator("form")
        expect(form).to_be_visible()
        expect(card(page).get_by_role("heading", name=f"Edit {NAME}")).to_be_visible()
        expect(card(page).get_by_label("Name", exact=True)).to_have_value(NAME)
        expect(card(page).get_by_label("Company", exact=True)).to_have_value("Acme Logistics")
        expect(card(page).get_by_label("Phones", exact=True)).to_have_value("mobile: +33 6 12 34 56 78")
        # The rest of the brief is still there around the form.
        expect(page.locator("#contact-family")).to_be_visible()
        shot(page, "edit-card.png")

        type_into(card(page).get_by_label("Company", exact=True), "Nordlicht GmbH")
        type_into(card(page).get_by_label("Phones", exact=True), "mobile: +48 601 234 567")
        card(page).get_by_role("button", name="Save").tap()
        # The details below came out of band with the save: the new number is there without a reload.
        expect(page.locator("#contact-details")).to_contain_text("+48 601 234 567")
        expect(page.locator("#contact-details")).not_to_contain_text("+33 6 12 34 56 78")

        expect(card(page).locator("form")).to_have_count(0)
        expect(card(page)).to_contain_text("Buyer · Nordlicht GmbH")
        expect(card(page).get_by_role("heading", name=NAME, level=1)).to_be_visible()
        expect(card(page).get_by_role("link", name=f"Edit {NAME}")).to_be_visible()
    # Only one section was swapped: there is still exactly one card on the page.
    expect(page.locator("#contact-card")).to_have_count(1)
    assert contact_in_db(app, contact_id).company == "Nordlicht GmbH"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People", exact=True).tap()
    expect(page).to_have_url(LIST_URL)
    row = page.locator(".person-row", has_text=NAME)
    expect(row).to_contain_text("Buyer · Nordlicht GmbH")
    shot(page, "list.png")
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_cancel_editing_the_card(watch, signed_in_page, live_server, app, new_email):
    """Cancel in the card form swaps the unchanged card back in place."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    with SameDocument(page):
        card(page).get_by_role("link", name=f"Edit {NAME}").tap()
        type_into(card(page).get_by_label("Company", exact=True), "Not saved")
        card(page).get_by_role("link", name="Cancel").tap()
        expect(card(page).locator("form")).to_have_count(0)
        expect(card(page)).to_contain_text("Buyer · Acme Logistics")
    assert contact_in_db(app, contact_id).company == "Acme Logistics"
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 3. validation in place ----------------------------------------------------------------------------------


def test_card_validation_error_in_place(watch, signed_in_page, live_server, app, new_email):
    """An empty name answers 422 inside the card, keeping what was typed; fixing it then saves."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    answers = []
    page.on("response", lambda r: answers.append(r.status) if r.request.method == "POST" else None)

    with SameDocument(page):
        card(page).get_by_role("link", name=f"Edit {NAME}").tap()
        name = card(page).get_by_label("Name", exact=True)
        expect(name).to_have_value(NAME)
        type_into(card(page).get_by_label("Company", exact=True), "Helix Pharma")
        type_into(card(page).get_by_label("City", exact=True), "Göteborg")
        name.tap()
        name.fill("")
        card(page).get_by_role("button", name="Save").tap()

        error = card(page).locator(".error", has_text="Enter a name.")
        expect(error).to_be_visible()
        assert answers == [422]
        name = card(page).get_by_label("Name", exact=True)
        expect(name).to_have_value("")
        expect(name).to_have_attribute("aria-invalid", "true")
        expect(name).to_be_focused()
        expect(card(page).get_by_label("Company", exact=True)).to_have_value("Helix Pharma")
        expect(card(page).get_by_label("City", exact=True)).to_have_value("Göteborg")
        expect(card(page).get_by_label("Phones", exact=True)).to_have_value("mobile: +33 6 12 34 56 78")
        expect(card(page).get_by_label("Emails", exact=True)).to_have_value("work: jan@acme.example")
        # Nothing was stored.
        stored = contact_in_db(app, contact_id)
        assert (stored.name, stored.company) == (NAME, "Acme Logistics")

        type_into(name, "Jan K. Kowalski")
        card(page).get_by_role("button", name="Save").tap()
        expect(card(page).locator("form")).to_have_count(0)
        expect(card(page).get_by_role("heading", name="Jan K. Kowalski", level=1)).to_be_visible()
        expect(card(page)).to_contain_text("Buyer · Helix Pharma")
        expect(card(page)).to_contain_text("Göteborg")
        expect(page.get_by_text("Enter a name.")).to_have_count(0)
    assert answers == [422, 200]
    stored = contact_in_db(app, contact_id)
    assert (stored.name, stored.company, stored.city) == ("Jan K. Kowalski", "Helix Pharma", "Göteborg")
    assert_clean(watch, allow=[EXPECTED_422])
    assert_only_local(watch, live_server)


# --- 4. family, and the dates that follow --------------------------------------------------------------------


def test_add_a_family_member_refreshes_dates(watch, signed_in_page, live_server, app, new_email):
    """"+ Add" in Family: Léa, 3 December 2017, violin. Family shows her age; Dates refresh by themselves."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    family = page.locator("#contact-family")
    dates = page.locator("#contact-dates")
    expect(dates).to_have_class(re.compile(r"\bline\b"))  # an empty section is one line
    refreshes = []
    page.on(
        "request",
        lambda r: refreshes.append(r.url) if r.method == "GET" and r.headers.get("hx-target") == "contact-dates" else None,
    )

    with SameDocument(page):
        family.get_by_role("link", name="+ Add").tap()
        expect(family.locator("form")).to_be_visible()
        expect(family.get_by_label("Relation")).to_have_value("child")
        type_into(family.get_by_label("Name", exact=True), "Léa")
        family.get_by_label("Day").select_option("3")
        family.get_by_label("Month").select_option(label="December")
        type_into(family.get_by_label("Year"), "2017")
        type_into(family.get_by_label("Interests"), "violin")
        shot(page, "family-form.png")
        family.get_by_role("button", name="Save").tap()

        expect(family.locator("form")).to_have_count(0)
        age = age_on(datetime.date.today(), 2017, 12, 3)
        row = family.locator("li.row", has_text="Léa")
        expect(row).to_contain_text(f"Léa, {age}")
        expect(row).to_contain_text("child")
        expect(row).to_contain_text("Birthday 3 Dec 2017")
        expect(row.locator(".chip.interest")).to_have_text(["violin"])
        expect(family.get_by_role("link", name="Edit Léa")).to_be_visible()

        # The Dates section came out of band with the save's answer: no reload, no tap, no second request.
        expect(dates.locator(".next-date")).to_contain_text("Léa's birthday")
        expect(dates).not_to_have_class(re.compile(r"\bline\b"))
    assert refreshes == [], refreshes
    shot(page, "brief-with-family.png")

    with app.app_context():
        member = FamilyMember.get(FamilyMember.contact == contact_id)
        assert (member.name, member.relation) == ("Léa", "child")
        birthday = ImportantDate.get(ImportantDate.family_member == member)
        assert (birthday.kind, birthday.year, birthday.month, birthday.day) == ("birthday", 2017, 12, 3)
        assert [i.name for i in Interest.select().where(Interest.family_member == member)] == ["violin"]
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_family_validation_error_in_place(watch, signed_in_page, live_server, app, new_email):
    """A day without a month answers 422 inside Family with the values kept; nothing is stored."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    family = page.locator("#contact-family")
    with SameDocument(page):
        family.get_by_role("link", name="+ Add").tap()
        type_into(family.get_by_label("Name", exact=True), "Léa")
        family.get_by_label("Day").select_option("3")
        type_into(family.get_by_label("Interests"), "violin")
        family.get_by_role("button", name="Save").tap()
        expect(family.get_by_text("Give both the day and the month.")).to_be_visible()
        expect(family.get_by_label("Name", exact=True)).to_have_value("Léa")
        expect(family.get_by_label("Day")).to_have_value("3")
        expect(family.get_by_label("Interests")).to_have_value("violin")
    with app.app_context():
        assert FamilyMember.select().count() == 0
    assert_clean(watch, allow=[EXPECTED_422])
    assert_only_local(watch, live_server)


# --- 5. their world ------------------------------------------------------------------------------------------


def test_edit_their_world(watch, signed_in_page, live_server, app, new_email):
    """"Edit their world" opens the five questions in place; Save shows the answer."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    world = page.locator("#contact-world")
    expect(world.get_by_role("link", name="Add their world")).to_be_visible()  # one line, not five "Not noted yet"
    goal = "Open a second warehouse in Łódź next year"
    with SameDocument(page):
        world.get_by_role("link", name="Edit their world").tap()
        field = world.get_by_label("What are their goals?")
        expect(field).to_be_visible()
        expect(world.get_by_label("How can I help them succeed?")).to_be_visible()
        type_into(field, goal)
        world.get_by_role("button", name="Save").tap()
        expect(world.locator("form")).to_have_count(0)
        expect(world.locator("dd", has_text=goal)).to_be_visible()
        expect(world.get_by_role("link", name="Edit their world")).to_be_visible()
        expect(world.get_by_role("link", name="Add more")).to_be_visible()
    assert contact_in_db(app, contact_id).goals == goal
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 6. delete -----------------------------------------------------------------------------------------------


def test_delete_a_person(watch, signed_in_page, live_server, app, new_email):
    """"Delete <name>…" asks first; Delete ends on the list without them, and the rows are gone."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email, full=True)
    open_brief(page, contact_id)
    page.get_by_role("link", name=f"Delete {NAME}…").tap()
    expect(page).to_have_url(f"/people/{contact_id}/delete")
    expect(page.get_by_role("heading", name=f"Delete {NAME}?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("It cannot be undone.")
    expect(page.locator("main")).to_contain_text("1 family member")
    page.get_by_role("button", name="Delete", exact=True).tap()

    expect(page).to_have_url(LIST_URL)
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"{NAME} was deleted.")
    expect(page.locator(".person-row")).to_have_count(0)
    expect(page.get_by_role("heading", name="Nobody here yet")).to_be_visible()
    with app.app_context():
        assert Contact.select().count() == 0
        assert FamilyMember.select().count() == 0
        assert ImportantDate.select().count() == 0
        assert ContactMethod.select().count() == 0
    assert page.goto(f"/people/{contact_id}").status == 404
    assert_clean(watch, allow=[r"status of 404"])
    assert_only_local(watch, live_server)


def test_keep_on_the_delete_page(signed_in_page, app, new_email):
    """"Keep" on the confirmation returns to the brief and deletes nothing."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email)
    open_brief(page, contact_id)
    page.get_by_role("link", name=f"Delete {NAME}…").tap()
    page.get_by_role("link", name="Keep").tap()
    expect(page).to_have_url(f"/people/{contact_id}")
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    assert contact_in_db(app, contact_id) is not None


# --- 7. list paging ------------------------------------------------------------------------------------------


def test_show_more_appends_rows(watch, signed_in_page, live_server, app, new_email):
    """60 people: the list shows a page, "Show more" appends the rest in place, in alphabetical order."""
    page = signed_in_page
    user = user_of(app, new_email)
    with app.app_context():
        assert demo.write(user, demo.generate(random.Random(1), 60, datetime.date(2026, 1, 1))) == 60
        expected = [c.name for c in Contact.alphabetical(user)]
    size = app.config["PEOPLE_PAGE_SIZE"]
    assert size < 60

    page.goto("/people/")
    page.wait_for_load_state("networkidle")
    rows = page.locator(".person-row")
    expect(rows).to_have_count(size)
    expect(page.locator("main")).to_contain_text("60 people")
    more = page.get_by_role("link", name="Show more")
    expect(more).to_be_visible()

    with SameDocument(page):
        more.tap()
        expect(rows).to_have_count(60)
        expect(more).to_have_count(0)
    names = page.locator(".person-row .person-name").all_inner_texts()
    assert names == expected, "rows are missing, duplicated or out of order after Show more"
    # The new rows were appended to the same list, not a second one.
    expect(page.locator("ul.people-list")).to_have_count(1)
    expect(page.locator("ul.people-list > li.person-row")).to_have_count(60)
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- 8. touch targets, network, console ----------------------------------------------------------------------


def tappables(page):
    """The visible links, buttons and summaries inside main, with their accessible name and box."""
    found = []
    for control in page.locator("main a, main button, main summary, main [role=button]").all():
        if not control.is_visible():
            continue
        box = control.bounding_box()
        name = control.get_attribute("aria-label") or " ".join(control.inner_text().split()) or control.evaluate(
            "el => el.outerHTML.slice(0, 80)"
        )
        found.append((name, box))
    return found


def test_brief_touch_targets(signed_in_page, app, new_email):
    """Every link and button in the brief's read-only view is at least 44 px tall (dates list opened too)."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email, full=True)
    open_brief(page, contact_id)
    page.locator("#contact-dates summary").tap()
    expect(page.locator("#contact-dates details")).to_have_attribute("open", "")
    controls = tappables(page)
    names = [name for name, _ in controls]
    for expected in (f"Edit {NAME}", "Call", "Text", "Email", "Edit Hugo", "Edit their world", "+ Add",
                     "key account", "Edit Company founded", f"Delete {NAME}…"):
        assert any(expected in name for name in names), f"{expected!r} not found among {names}"
    small = [f"{name}: {box['height']:.0f}px" for name, box in controls if box["height"] < 44]
    assert small == [], f"controls under 44 px tall: {small}"


def test_phone_and_email_sit_beside_their_labels(signed_in_page, app, new_email):
    """On a phone the first phone number and email are on the line of their labels, not below them (issue 19)."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email, full=True)
    open_brief(page, contact_id)
    card = page.locator("#contact-details")
    for label, value in (("Phones", "a[href^='tel:']"), ("Emails", "a[href^='mailto:']")):
        term = card.locator("dt", has_text=label).bounding_box()
        first = card.locator(f"dd {value}").first.bounding_box()
        middle = lambda box: box["y"] + box["height"] / 2
        assert abs(middle(term) - middle(first)) <= 4, (label, term, first)


def test_brief_is_local_and_clean(watch, signed_in_page, live_server, app, new_email):
    """The full brief, and every section's edit form, load with no console errors and no foreign requests."""
    page = signed_in_page
    contact_id = seed_contact(app, new_email, full=True)
    open_brief(page, contact_id)
    assert_clean(watch)
    for section, control in (
        ("#contact-card", f"Edit {NAME}"),
        ("#contact-family", "Edit Hugo"),
        ("#contact-world", "Edit their world"),
    ):
        page.locator(section).get_by_role("link", name=control).tap()
        expect(page.locator(section).locator("form").first).to_be_visible()
        page.locator(section).get_by_role("link", name="Cancel").tap()
        expect(page.locator(section).locator("form")).to_have_count(0)
    dates = page.locator("#contact-dates")
    dates.get_by_role("link", name="+ Add").tap()
    expect(dates.get_by_role("button", name="Save date")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_clean(watch)
    assert_only_local(watch, live_server)


# --- without JavaScript: the plain links and forms behind the htmx ones ------------------------------------


@pytest.fixture
def no_js_page(browser, browser_context_args):
    """A Pixel 7 page with JavaScript off (the fallback every htmx control promises)."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    yield context.new_page()
    context.close()


def log_in_without_js(page, email, password):
    """Log in through the plain form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").tap()
    expect(page).to_have_url("/")


def test_edit_the_card_without_javascript(no_js_page, live_server, app, make_user, password):
    """With JavaScript off, "Edit <name>" opens the card form as a page and Save stores the change."""
    page = no_js_page
    make_user("ada@example.com", password)
    contact_id = seed_contact(app, "ada@example.com")
    log_in_without_js(page, "ada@example.com", password)
    page.goto(f"/people/{contact_id}")
    card(page).get_by_role("link", name=f"Edit {NAME}").tap()
    expect(page).to_have_url(f"/people/{contact_id}?edit=card")
    type_into(card(page).get_by_label("Company", exact=True), "Nordlicht GmbH")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        card(page).get_by_role("button", name="Save").tap()
    assert answer.value.status < 400, f"Save answered {answer.value.status}"
    expect(card(page)).to_contain_text("Buyer · Nordlicht GmbH")
    assert contact_in_db(app, contact_id).company == "Nordlicht GmbH"


def test_add_family_without_javascript(no_js_page, live_server, app, make_user, password):
    """With JavaScript off, "+ Add" in Family opens the form as a page and Save returns to the brief."""
    page = no_js_page
    make_user("ada@example.com", password)
    contact_id = seed_contact(app, "ada@example.com")
    log_in_without_js(page, "ada@example.com", password)
    page.goto(f"/people/{contact_id}")
    family = page.locator("#contact-family")
    family.get_by_role("link", name="+ Add").tap()
    type_into(family.get_by_label("Name", exact=True), "Léa")
    family.get_by_role("button", name="Save").tap()
    expect(page).to_have_url(re.compile(rf"/people/{contact_id}(#contact-family)?$"))
    expect(family.locator("li.row", has_text="Léa")).to_be_visible()


def test_a_gift_idea_like_one_already_given_warns_while_typing(watch, signed_in_page, live_server, app, new_email):
    """Typing an idea on the brief that resembles a gift already given shows the warning before Save (the field's
    htmx attributes are data-hx-*: WTForms writes hx_get as it is, and htmx would ignore it)."""
    import datetime

    from journal.models import Gift

    page = signed_in_page
    contact_id = seed_contact(app, new_email, name="Tom Walsh")
    with app.app_context():
        Gift.create(user=user_of(app, new_email).id, contact=contact_id, description="Jeu d'échecs en bois",
                    status="given", date=datetime.date(2025, 12, 3))
    open_brief(page, contact_id)
    gifts = page.locator("#contact-gifts")
    gifts.get_by_text("Add a gift idea").tap()
    with page.expect_response(lambda r: "/gifts/check" in r.url):
        type_into(gifts.get_by_label("Gift idea"), "echecs magnetiques")
    expect(page.locator("#gift-warning")).to_contain_text("You gave Tom Walsh “Jeu d'échecs en bois” in Dec 2025.")
    assert_clean(watch)
