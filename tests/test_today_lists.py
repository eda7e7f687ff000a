"""Today short and fast (issue 19, items 4 and 7): three rows a list, "and N more" leading to the list's own page
(paged, filtered by tag and text, owner-scoped), and statements that neither grow with the data nor scan it."""
import datetime
import logging
import random
import re

import pytest
from helpers import CARD, ON_POSTGRESQL, PASSWORD, add_contact, capture, text

from journal import demo
from journal.db import db
from journal.models import Contact, Promise, User

TODAY = datetime.date.today()
LISTS = ("promises", "due", "dates", "gestures", "mood-dropped", "not-asked")


def _promises(app, user_id, contact_id, count, days_late=3):
    """`count` overdue promises to one contact, the first the most overdue; their ids."""
    with app.app_context():
        return [Promise.create(user=user_id, contact=contact_id, text=f"promise {n:02d}",
                               due_on=TODAY - datetime.timedelta(days=days_late + count - n)).id for n in range(count)]


def _rows(html):
    """The list rows' main text, in order."""
    return re.findall(r'<li class="row">\s*<a class="row-main row-link"[^>]*>\s*<span>(?:<strong>)?([^<]*)', html)


def _due_people(app, session, names, tags=None):
    """Contacts with a 7-day cadence, created 30 days ago (so due); their ids by name."""
    ids = {name: add_contact(session, name=name, cadence_days="7", tags=(tags or {}).get(name, "")) for name in names}
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=30)).execute()
    return ids


def test_today_shows_three_a_list_and_links_the_rest(app, ada):
    """Five overdue promises: the three most overdue on Today, then "and 2 more due", a link to the whole list."""
    cid = add_contact(ada, name="Zoë Martin")
    _promises(app, ada.user.id, cid, 5)
    html = text(ada.get("/"))
    section = html[html.index('id="today-promises"'):html.index("</section>", html.index('id="today-promises"'))]
    assert _rows(section) == ["promise 00", "promise 01", "promise 02"]
    assert '<a class="more-link" href="/today/promises">and 2 more due' in section
    page = ada.get("/today/promises")
    assert page.status_code == 200
    assert _rows(text(page)) == [f"promise {n:02d}" for n in range(5)]
    assert "5 in all" in text(page) and "<h1>Promises due</h1>" in text(page)


def test_no_link_when_everything_is_shown(app, ada):
    cid = add_contact(ada)
    _promises(app, ada.user.id, cid, 3)
    assert "/today/promises" not in text(ada.get("/"))


@pytest.mark.parametrize("kind", LISTS)
def test_every_list_answers_and_is_empty_for_a_new_user(ada, kind):
    response = ada.get(f"/today/{kind}")
    assert response.status_code == 200 and 'id="today-list"' in text(response)
    assert "in all" not in text(response) and "Back to Today" in text(response)


def test_lists_page_with_show_more_and_sane_page_numbers(app, ada):
    app.config["PEOPLE_PAGE_SIZE"] = 2
    ids = _due_people(app, ada, ["Ann Lee", "Ben Ode", "Cy Park", "Dee Roy", "Eve Sand"])
    first = text(ada.get("/today/due"))
    assert _rows(first) == ["Ann Lee", "Ben Ode"] and "5 in all" in first
    assert 'href="/today/due?page=2"' in first and 'hx-target="#more-rows"' in first
    more = ada.hx("/today/due?page=2", "more-rows")
    assert more.status_code == 200 and "<html" not in text(more) and 'id="today-list"' not in text(more)
    assert _rows(text(more)) == ["Cy Park", "Dee Roy"] and "page=3" in text(more)
    assert _rows(text(ada.get("/today/due?page=3"))) == ["Eve Sand"]
    for bad in ("abc", "-1", "0", "1e9", "99999999999999999999999"):
        assert ada.get(f"/today/due?page={bad}").status_code == 200
    assert _rows(text(ada.get("/today/due?page=abc"))) == ["Ann Lee", "Ben Ode"]
    past = ada.get("/today/due?page=1000")
    assert past.status_code == 200 and "No more here" in text(past)
    assert ada.get("/today/nothing-like-this").status_code == 404
    # Each row leads to the brief and offers the capture, as on Today.
    assert f'href="/people/{ids["Ann Lee"]}"' in first and f'href="/capture?contact={ids["Ann Lee"]}"' in first


def test_lists_filter_by_tag_and_by_text(app, ada):
    _due_people(app, ada, ["Zoë Martin", "Tom Walsh", "Marc Zander"], tags={"Zoë Martin": "Key account, Lyon",
                                                                             "Marc Zander": "key account"})
    # A tag, case and accents aside, as the People list filters.
    tagged = text(ada.get("/today/due?tag=KEY ACCOUNT"))
    assert _rows(tagged) == ["Marc Zander", "Zoë Martin"] or _rows(tagged) == ["Zoë Martin", "Marc Zander"]
    assert "tagged “KEY ACCOUNT”" in tagged
    # Text: a word of the name starting with it, accents ignored ("zoe" finds Zoë; "ma" finds Martin and Marc).
    assert _rows(text(ada.get("/today/due?q=zoe"))) == ["Zoë Martin"]
    assert set(_rows(text(ada.get("/today/due?q=ma")))) == {"Zoë Martin", "Marc Zander"}
    assert _rows(text(ada.get("/today/due?q=ma&tag=lyon"))) == ["Zoë Martin"]
    # The filter form keeps what was typed and refreshes only the list.
    page = text(ada.get("/today/due?q=zoe&tag=lyon"))
    assert 'name="q" value="zoe"' in page and 'name="tag" value="lyon"' in page and 'hx-target="#today-list"' in page
    fragment = ada.hx("/today/due?q=tom", "today-list")
    assert text(fragment).startswith('<div id="today-list">') and _rows(text(fragment)) == ["Tom Walsh"]
    # Nothing matches, or no such tag: a sane answer that says so.
    for url in ("/today/due?tag=no such tag", "/today/due?q=xyz", "/today/due?q=%25", "/today/due?q=_"):
        response = ada.get(url)
        assert response.status_code == 200 and "Nothing here" in text(response) and _rows(text(response)) == []


def test_the_text_filter_reads_a_promise_itself(app, ada):
    zoe = add_contact(ada, name="Zoë Martin")
    tom = add_contact(ada, name="Tom Walsh")
    with app.app_context():
        Promise.create(user=ada.user.id, contact=zoe, text="Send the Brochüre", due_on=TODAY)
        Promise.create(user=ada.user.id, contact=tom, text="call back", due_on=TODAY)
    assert _rows(text(ada.get("/today/promises?q=brochure"))) == ["Send the Brochüre"]
    assert _rows(text(ada.get("/today/promises?q=tom"))) == ["call back"]


def test_done_on_a_list_page_comes_back_to_it(app, ada):
    cid = add_contact(ada)
    pid = _promises(app, ada.user.id, cid, 1)[0]
    page = text(ada.get("/today/promises?q=promise"))
    assert 'name="next" value="/today/promises?q=promise"' in page
    assert f'hx-post="/promises/{pid}/done"' not in page  # a plain form here: the list's page is no Today section
    response = ada.post(f"/promises/{pid}/done", data={"next": "/today/promises?q=promise"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/today/promises?q=promise")
    with app.app_context():
        assert Promise.get_by_id(pid).done_at is not None


def test_lists_are_the_owners_own(app, ada, bob):
    cid = add_contact(ada, name="Zoë Martin", cadence_days="7")
    _promises(app, ada.user.id, cid, 4)
    with app.app_context():
        Contact.update(created_at=datetime.datetime.now() - datetime.timedelta(days=30)).execute()
    assert len(_rows(text(ada.get("/today/promises")))) == 4
    for kind in LISTS:
        html = text(bob.get(f"/today/{kind}"))
        assert "Zoë" not in html and "promise 0" not in html and "in all" not in html
    assert "Zoë" not in text(bob.get("/today/due?q=zoe"))
    # A tag of Ada's filters nothing of hers into Bob's list.
    assert "Zoë" not in text(bob.get("/today/due?tag=key account"))


def test_a_list_needs_a_login(client):
    response = client.get("/today/due")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_writes_move_people_on_and_off_the_due_list(app, ada):
    """The due day is an index on an expression of the contact's own columns, so every write keeps it: here a
    capture, a cadence change through the card's form, a snooze and a deletion."""
    ids = _due_people(app, ada, ["Ann Lee", "Ben Ode", "Cy Park", "Dee Roy"])
    assert _rows(text(ada.get("/today/due"))) == ["Ann Lee", "Ben Ode", "Cy Park", "Dee Roy"]
    assert "and 1 more due" in text(ada.get("/"))
    capture(ada, [ids["Ann Lee"]])
    card = {**CARD, "name": "Ben Ode", "cadence_days": "60"}
    assert ada.post(f"/people/{ids['Ben Ode']}/card", data=card, htmx_target="contact-card").status_code == 200
    ada.post(f"/people/{ids['Cy Park']}/snooze", data={"days": "7"})
    assert _rows(text(ada.get("/today/due"))) == ["Dee Roy"]
    assert ada.post(f"/people/{ids['Dee Roy']}/delete", data={"password": PASSWORD}).status_code in (302, 303)
    assert _rows(text(ada.get("/today/due"))) == [] and "/today/due" not in text(ada.get("/"))


class Statements(logging.Handler):
    """Counts peewee's SQL statements while attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if record.name == "peewee":
            self.sql.append(record.getMessage())


def _today_statements(session):
    logger = logging.getLogger("peewee")
    counter, level = Statements(), logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        assert session.get("/").status_code == 200
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    return counter.sql


def test_today_statements_do_not_grow_with_the_data(app, ada):
    """The same statements at 15 and at 60 demo people (each list: its first rows, then a count)."""
    with app.app_context():
        user = User.get(User.email == "ada@example.com")
        demo.write(user, demo.generate(random.Random(7), 15, TODAY))
    ada.get("/")
    small = _today_statements(ada)
    with app.app_context():
        demo.write(user, demo.generate(random.Random(8), 45, TODAY))
    large = _today_statements(ada)
    assert len(small) == len(large), "\n".join(large)
    assert not any("OVER ()" in sql for sql in large)  # no list builds all its rows to count them


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's query plans; PostgreSQL chooses by its statistics")
def test_todays_counts_can_read_migration_0019s_indexes(app, ada):
    """An index on an expression serves only that very expression: each index of migration 0019 can serve one of
    Today's statements as the app writes it (forced with INDEXED BY, which fails with "no query solution" when the
    expression differs; with the statistics of real data, docs/benchmarks.md, the planner picks them itself)."""
    add_contact(ada)
    sql = _today_statements(ada)
    served = set()
    with app.app_context():
        for statement in sql:
            query, params = eval(statement, {"datetime": datetime})  # noqa: S307 - peewee's own log line of (sql, params)
            for index, table in (("contact_touch_due", "contact"), ("contact_pulse_dropped", "contact"),
                                 ("contact_quiet", "contact"), ("promise_kept_on_time", "promise")):
                head = f'FROM "{table}" AS "t1" WHERE'
                if not query.startswith("SELECT COUNT(*)") and "SELECT COUNT(*)" not in query or head not in query:
                    continue
                forced = query.replace(head, f'FROM "{table}" AS "t1" INDEXED BY "{index}" WHERE', 1)
                try:
                    plan = " ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + forced, params))
                except Exception:  # noqa: BLE001 - "no query solution": not this statement's index
                    continue
                # The two expression indexes must be searched by their expression, not only by user.
                if index not in ("contact_touch_due", "promise_kept_on_time") or "<expr>" in plan:
                    served.add(index)
    assert served == {"contact_touch_due", "contact_pulse_dropped", "contact_quiet", "promise_kept_on_time"}
