"""Today on a phone (Pixel 7) with the 200-person demo journal (issue 19, items 4, 5 and 6): "Next up" on the first
screen, ranked by its rule; "Needs attention" as the README states it, with the mood one tap away in the capture;
and every "and N more" leading to the whole list, paged and filtered.

Data is seeded through the database (the `app` fixture the live server serves); what is checked is what the user
sees. Screenshots for a human review go to /tmp/browser-shots/ (nothing is asserted on them).
"""
import datetime
import re
import uuid

from playwright.sync_api import expect

from journal import clock
from journal.models import Contact, Promise, Touch, User

from .helpers import assert_clean, assert_only_local, open_capture, pick, save_button, seed_demo, shot, wait_ready

LIST_ROWS = "#today-list li.row"


def _today(app, email):
    """The user's today (their time zone)."""
    with app.app_context():
        return clock.today(User.by_email(email))


def _person(app, email, name, touches=()):
    """A contact with touches given as (days ago, pulse or None); their id."""
    with app.app_context():
        user = User.by_email(email)
        contact = Contact.create(user=user.id, name=name)
        now = clock.now(user).replace(tzinfo=None)
        for days_ago, pulse in touches:
            touch = Touch.create(user=user.id, uuid=str(uuid.uuid4()), kind="visit", pulse=pulse,
                                 happened_at=now - datetime.timedelta(days=days_ago))
            touch.set_contacts([contact.id])
        return contact.id


def _bar_top(page):
    """Where the fixed bottom bar (navigation and dock) starts, in CSS pixels from the top of the viewport."""
    return page.locator("[data-dock]").bounding_box()["y"]


def test_next_up_is_on_the_first_screen_ranked_by_its_rule(app, live_server, signed_in_page, new_email, watch):
    """An overdue promise older than any of the demo's comes first; the card with its three actions ends above the
    bottom bar, and each action leads on."""
    page = signed_in_page
    seed_demo(app, new_email)
    today = _today(app, new_email)
    zoe = _person(app, new_email, "Zoë Overdue", [(60, None)])
    with app.app_context():
        Promise.create(user=User.by_email(new_email).id, contact=zoe, text="send the signed contract",
                       due_on=today - datetime.timedelta(days=45))
    page.goto("/")
    card = page.locator("#today-next")
    rows = card.locator("li.row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("send the signed contract · Zoë Overdue")
    expect(rows.first).to_contain_text("Promise overdue by 45 days")
    box = card.bounding_box()
    assert box["y"] + box["height"] <= _bar_top(page), (box, _bar_top(page))
    assert _bar_top(page) < page.viewport_size["height"]  # the bar is there, fixed at the bottom
    shot(page, "today-next-up.png")
    rows.first.locator("a").tap()
    expect(page).to_have_url(re.compile(rf"/people/{zoe}$"))
    assert_only_local(watch, live_server)
    assert_clean(watch)


def test_needs_attention_and_the_mood_one_tap_away(app, live_server, signed_in_page, new_email, watch):
    """Someone met today is not under "Needs attention", even with no mood asked in a long time; someone whose mood
    dropped with no touch since is. The capture's mood row shows without opening a fold."""
    page = signed_in_page
    seed_demo(app, new_email)
    quiet = _person(app, new_email, "Quentin Quiet", [(200, 4), (40, None)])
    _person(app, new_email, "Dora Dropped", [(20, 5), (12, 2)])
    # Quentin is not asked in 90 days and quiet for 40: listed, until met today.
    page.goto("/today/not-asked?q=quentin")
    expect(page.locator(LIST_ROWS)).to_have_count(1)
    expect(page.locator(LIST_ROWS).first).to_contain_text("Quentin Quiet")

    # Met today through the capture, asking how he is: one tap on the mood, no fold opened.
    open_capture(page)
    pick(page, "quentin", "Quentin Quiet")
    page.locator("#note").fill("Coffee at the warehouse, he is fine.")
    happy = page.locator("#capture-form fieldset.pulse label.seg", has_text=re.compile(r"^Happy$"))
    expect(happy).to_be_visible()
    assert page.locator("#capture-form details.more fieldset.pulse").count() == 0  # not inside a fold
    happy.tap()
    save_button(page).tap()
    expect(page).to_have_url(re.compile(rf"/people/{quiet}(#.*)?$"))
    with app.app_context():
        assert Contact.get_by_id(quiet).last_pulse == 4

    page.goto("/")
    attention = page.locator("section[aria-labelledby=attention]")
    expect(attention).to_be_visible()
    expect(attention).not_to_contain_text("Quentin Quiet")
    for kind in ("not-asked", "mood-dropped"):
        page.goto(f"/today/{kind}?q=quentin")
        expect(page.locator("#today-list")).to_contain_text("Nothing here")
    # Dora's mood dropped twelve days ago and nobody touched base since: listed.
    page.goto("/today/mood-dropped?q=dora")
    expect(page.locator(LIST_ROWS)).to_have_count(1)
    expect(page.locator(LIST_ROWS).first).to_contain_text("Their mood dropped: Delighted → Unhappy")
    shot(page, "today-mood-dropped.png")
    assert_only_local(watch, live_server)
    assert_clean(watch)


def test_and_n_more_leads_to_the_whole_list_paged_and_filtered(app, live_server, signed_in_page, new_email, watch):
    """Today shows three people due; "and N more due" opens the list's page: 50 rows, "Show more" adds the next
    page in place, typing narrows it, a tag chip narrows it to that tag."""
    page = signed_in_page
    seed_demo(app, new_email)
    page.goto("/")
    due = page.locator("#today-due")
    expect(due.locator("li.row")).to_have_count(3)
    more = due.locator("a.more-link")
    expect(more).to_have_text(re.compile(r"and (\d+) more due"))
    extra = int(re.search(r"and (\d+) more", more.inner_text()).group(1))
    total = extra + 3
    assert total > 50, total  # 200 demo people: more than a page
    more.tap()
    expect(page).to_have_url(re.compile(r"/today/due$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Time to get in touch")
    expect(page.locator("#today-list")).to_contain_text(f"{total} in all")
    rows = page.locator(LIST_ROWS)
    expect(rows).to_have_count(50)
    wait_ready(page)
    page.locator("#more-rows a").tap()
    expect(rows).to_have_count(min(total, 100))
    expect(page).to_have_url(re.compile(r"/today/due$"))  # in place

    # Typing narrows the list (a word of the name starting with it).
    first_name = rows.first.locator("strong").inner_text()
    word = first_name.split()[-1][:3]
    page.locator("#list-q").fill(word)
    expect(page).to_have_url(re.compile(rf"\?q={re.escape(word)}"))
    expect(page.locator("#today-list")).to_contain_text(f"matching “{word}”")
    names = rows.locator("strong").all_inner_texts()
    assert 0 < len(names) < total and first_name in names, names
    assert all(any(part.lower().startswith(word.lower()) for part in name.split()) for name in names), names

    # A tag chip narrows it to that tag, keeping the text.
    page.locator("#list-q").fill("")
    expect(page).to_have_url(re.compile(r"/today/due(\?q=)?$"))
    chip = page.get_by_role("navigation", name="Filter by tag").locator("a.chip").nth(1)
    tag = chip.inner_text().strip()
    chip.tap()
    expect(page).to_have_url(re.compile(r"/today/due\?tag="))
    expect(page.locator("#today-list")).to_contain_text(f"tagged “{tag}”")
    tagged = int(re.search(r"(\d+) in all", page.locator("#today-list .list-total").inner_text()).group(1))
    assert 0 < tagged < total
    shot(page, "today-list-due-tagged.png")
    assert_only_local(watch, live_server)
    assert_clean(watch)
