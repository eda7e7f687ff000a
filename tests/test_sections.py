"""Each htmx section of the brief and of Today costs only its own statements, and dependent sections come
out of band in the same answer (issue 15, item 4)."""
import datetime
import logging
import random

import pytest

from journal import demo
from journal.models import Contact, FamilyMember, Gesture, User

# Statements every signed-in request runs before a section's own: the session lookup.
# A brief fragment adds the owned contact; the numbers below are each section's own statements on top.
BRIEF_OWN = {
    "contact-card": 6,      # five related kinds + the give/ask/purchases balance (repeat customer)
    "contact-dates": 5,     # the five related kinds (dates need family names for titles)
    "contact-family": 5,
    "contact-world": 0,     # the contact row alone
    "contact-touches": 3,   # latest touches, their people, the balance
    "contact-promises": 2,  # open promises, the kept rate
    "contact-gifts": 7,     # gifts, this year's spend, and the family for the recipients (five related kinds)
    "contact-gestures": 1,  # planned gestures
    "contact-visits": 1,    # open planned visits
}
TODAY_OWN = {"today-promises": 3, "today-due": 2}  # a list: its first rows, then its count


class Statements(logging.Handler):
    """Counts the SQL statements peewee sends while it is attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if record.name == "peewee":  # not peewee.pool's connection messages
            self.sql.append(record.getMessage())

    def __enter__(self):
        logger = logging.getLogger("peewee")
        self.level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("peewee")
        logger.removeHandler(self)
        logger.setLevel(self.level)


@pytest.fixture
def journal(app, ada):
    """Ada's demo journal (40 people with families, dates, touches, promises, gifts, gestures); one rich contact's id."""
    with app.app_context():
        user = User.get(User.email == "ada@example.com")
        demo.write(user, demo.generate(random.Random(5), 40, datetime.date.today()))
        rich = (Contact.select(Contact.id).join(FamilyMember).where(Contact.user == user)
                .group_by(Contact.id).order_by(Contact.id).first())
    ada.get("/")  # the session row is warm, as for any request after the first
    return rich.id


def counted(session, url, target=None):
    """(status, statements, html) of one GET, as htmx for `target` when given."""
    with Statements() as statements:
        response = session.hx(url, target) if target else session.get(url)
    return response.status_code, statements.sql, response.get_data(as_text=True)


@pytest.mark.parametrize("target", sorted(BRIEF_OWN))
def test_a_brief_section_runs_only_its_own_statements(ada, journal, target):
    """A section's fragment: the session, the contact, and that section's own queries, nothing of the others."""
    status, sql, html = counted(ada, f"/people/{journal}", target)
    assert status == 200
    assert html.startswith(f'<section id="{target}"') or f'id="{target}"' in html.split(">", 1)[0] + ">"
    assert html.count("<section") == 1 and "<html" not in html
    assert len(sql) == 2 + BRIEF_OWN[target], "\n".join(sql)


def test_the_whole_brief_is_the_sum_of_its_sections_at_most(ada, journal):
    """The page reads each kind of data once, however many sections show it."""
    status, sql, html = counted(ada, f"/people/{journal}")
    assert status == 200 and all(f'id="{target}"' in html for target in BRIEF_OWN)
    # related, balance, touches, promises, gifts, gestures, planned visits
    assert len(sql) <= 2 + 5 + 1 + 2 + 2 + 2 + 1 + 1 + 1, "\n".join(sql)


@pytest.mark.parametrize("target", sorted(TODAY_OWN))
def test_a_today_section_runs_only_its_own_statements(ada, journal, target):
    """Today's promises or due-for-touch fragment runs that section's queries alone."""
    status, sql, html = counted(ada, "/", target)
    assert status == 200 and html.startswith(f'<section id="{target}"') and "<html" not in html
    assert len(sql) == 1 + TODAY_OWN[target], "\n".join(sql)


def test_today_page_shows_every_section(ada, journal):
    """The whole page still runs every section's loader."""
    status, _, html = counted(ada, "/")
    assert status == 200
    for heading in ("Promises due", "Time to get in touch", "Coming up in 14 days", "Needs attention"):
        assert heading in html


def test_a_done_gesture_sends_the_touches_out_of_band(app, ada, journal):
    """Marking a gesture done logs a touch: the Last touches section comes in the same answer, out of band."""
    with app.app_context():
        gesture = Gesture.create(user=User.get(User.email == "ada@example.com"), contact=journal,
                                 text="Send the Lyon trade-fair photos", due_on=datetime.date.today())
    response = ada.post(f"/gestures/{gesture.id}/done", data={"outcome": "Delighted"}, htmx_target="contact-gestures")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="contact-gestures"')
    touches = html.split('<section id="contact-touches"', 1)[1]
    assert touches.startswith(' class="card" aria-labelledby="touches-title" hx-swap-oob="true">')
    assert "Send the Lyon trade-fair photos" in touches
