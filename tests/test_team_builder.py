"""tests/bench/team.py's bulk builder at a tiny size (issue 21): the team benchmark is not part of `make test`, so this
keeps its builder from drifting away from the schema, the demo data and the app's own bookkeeping."""
import importlib.util
import os

from journal import clock
from journal.db import db
from journal.models import Contact, FamilyMember, Gift, Interest, Promise, Touch, TouchContact, User

from helpers import csrf_from, text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _team():
    """tests/bench/team.py as a module (tests/bench is no package)."""
    spec = importlib.util.spec_from_file_location("team_bench", os.path.join(ROOT, "tests", "bench", "team.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _contact_owner_mismatches(model):
    """Rows of `model` whose account differs from their person's."""
    return model.select().join(Contact, on=(model.contact == Contact.id)).where(model.user != Contact.user).count()


def test_team_builder_fills_every_account_with_its_own_rows(app):
    team = _team()
    with app.app_context():
        tables = team.plan([0, 1, 2], 20, 5, clock.today())
        team.write(tables)
        users = {u.email: u for u in User.select()}
        assert sorted(users) == ["team0@example.com", "team1@example.com", "team2@example.com"]
        for user in users.values():
            assert Contact.for_user(user).count() == 20
            assert Touch.for_user(user).count() > 20 * 4
        assert Touch.select().count() == TouchContact.select().count() == len(tables[Touch].rows)
        # Every row belongs to the account of its person (the touches through their link).
        for model in (TouchContact, Promise, Gift, FamilyMember, Interest):
            assert _contact_owner_mismatches(model) == 0, model.__name__
        assert TouchContact.select().join(Touch).where(TouchContact.user != Touch.user).count() == 0
        # What the builder computed for each person is what the app's own bookkeeping computes.
        fields = [Contact.id, Contact.last_touch_at, Contact.last_pulse, Contact.previous_pulse, Contact.last_pulse_at]
        built = list(Contact.select(*fields).order_by(Contact.id).tuples())
        Touch.refresh_last_touch([row[0] for row in built])
        assert list(Contact.select(*fields).order_by(Contact.id).tuples()) == built
        # The ids go on after the built ones (PostgreSQL's sequences were moved).
        extra = User.register("late@example.com", "a password for late")
        assert extra.id == 4
        mine = Contact.for_user(users["team1@example.com"]).order_by(Contact.id).first().name
        others = {c.name for c in Contact.select().where(Contact.user != users["team1@example.com"].id)}
        db.close()

    # The search index was filled: one account finds its own person, and nobody else's.
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": "team1@example.com", "password": team.PASSWORD,
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    found = text(client.get("/search", query_string={"q": mine}))
    assert mine in found
    assert not [name for name in others - {mine} if name in found and name.split()[0] not in mine]
