"""Search in the browser: three letters on a phone find the right person, as you type."""
import random

from playwright.sync_api import expect

from journal import demo
from journal.models import User

from .helpers import BRIEF_URL, assert_clean, assert_only_local, seed_contact, shot, type_into


def test_three_letters_put_the_right_person_on_top(watch, signed_in_page, live_server, app, new_email):
    """With 300 other people in the journal, typing "łuk" on the Search tab shows Łukasz first, then opens his brief."""
    page = signed_in_page
    with app.app_context():
        user = User.by_email(new_email)
        demo.write(user, demo.generate(random.Random(3), 300, demo.datetime.date.today()))
    target = seed_contact(app, new_email, name="Łukasz Wiśniewski")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").tap()
    box = page.get_by_label("Search people, families, notes")
    expect(box).to_be_focused()
    page.evaluate("window.__sameDocument = true")
    type_into(box, "luk")
    first = page.locator("#search-results .result").first
    expect(first).to_contain_text("Łukasz Wiśniewski")
    expect(page.locator("#search-results .result-group").first).to_have_attribute("aria-label", "People")
    assert page.evaluate("window.__sameDocument === true"), "results should arrive without a page load"
    expect(page).to_have_url(live_server.url + "/search?q=luk")  # the URL follows what was typed
    shot(page, "search.png")
    first.tap()
    expect(page).to_have_url(BRIEF_URL)
    assert page.url.endswith(f"/people/{target}")
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_search_from_today_box(watch, signed_in_page, live_server, app, new_email):
    """The box at the top of Today searches in place, by a child's interest."""
    page = signed_in_page
    contact = seed_contact(app, new_email, name="Ingrid Svensson", full=True)  # her son Hugo plays football
    page.goto("/")
    type_into(page.get_by_label("Search people, families, notes"), "footb")
    result = page.locator("#search-results .result").first
    expect(result).to_contain_text("football")
    expect(result).to_contain_text("Hugo, child of Ingrid Svensson")
    expect(page).to_have_url(live_server.url + "/")  # Today stays Today while searching
    result.tap()
    expect(page).to_have_url(BRIEF_URL)
    assert page.url.endswith(f"/people/{contact}")
    assert_clean(watch)
