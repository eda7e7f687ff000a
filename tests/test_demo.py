"""`flask demo-data`: realistic, reproducible contacts."""
from journal.models import Contact, FamilyMember, ImportantDate, Interest, User


def _snapshot(app):
    with app.app_context():
        return [
            (c.name, c.company, c.city, sorted(i.name for i in c.interests), sorted((f.relation, f.name) for f in c.family),
             sorted((d.kind, d.year or 0, d.month or 0, d.day or 0) for d in c.dates))
            for c in Contact.select().order_by(Contact.id)
        ]


def test_demo_data_is_realistic_and_reproducible(app, runner):
    args = ["demo-data", "--email", "demo@example.com", "--password", "rapport demo 2026", "--contacts", "60", "--seed", "7"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "60 contacts" in result.output
    first = _snapshot(app)
    assert len(first) == 60
    names = " ".join(row[0] for row in first)
    assert any(ch in names for ch in "ëŁłéçøö") and any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in names)
    with app.app_context():
        assert FamilyMember.select().count() > 30
        assert ImportantDate.select().where(ImportantDate.kind == "birthday").count() > 30
        assert Interest.select().count() > 60
        assert ImportantDate.select().where(ImportantDate.year_approximate == True).count() > 0  # noqa: E712
        assert User.authenticate("demo@example.com", "rapport demo 2026") is not None

    # Refilling with the same seed replaces the data with identical rows.
    assert runner.invoke(args=args).exit_code == 0
    assert _snapshot(app) == first
    # Another seed gives other people.
    runner.invoke(args=args[:-1] + ["8"])
    assert _snapshot(app) != first


def test_demo_user_can_log_in_and_see_people(app, runner, client):
    runner.invoke(args=["demo-data", "--email", "d@example.com", "--password", "rapport demo 2026", "--contacts", "5", "--seed", "1"])
    from conftest import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "d@example.com", "password": "rapport demo 2026", "csrf_token": token})
    html = client.get("/people/").get_data(as_text=True)
    assert "5 people" in html
