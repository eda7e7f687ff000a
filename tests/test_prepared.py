"""Prepared queries (journal/prepared.py): the SQL built once must be what peewee builds for every call."""
import datetime
import random
import uuid

import pytest
from helpers import ON_POSTGRESQL, add_contact, capture
from peewee import Delete, Model, Update

from journal import demo
from journal.db import db
from journal.models import Contact, Promise, User
from journal.prepared import _PER_CURSOR, MAX_SHAPES, PreparedQuery, prepared


def snapshot(row):
    """A row as plain data: a model's fields, the models joined to it and any extra selected values."""
    if isinstance(row, Model):
        extra = {name: value for name, value in vars(row).items() if not name.startswith("_")}
        return (type(row).__name__, row.__data__, {name: snapshot(value) for name, value in row.__rel__.items()},
                extra)
    return row


@pytest.fixture
def checked(monkeypatch):
    """Every prepared call compares its SQL and parameters with peewee's own, and a SELECT's rows with the rows
    peewee's own query gives; returns the calls seen."""
    seen = []
    run = PreparedQuery.__call__

    def compare(self, *args, **kwargs):
        query, sql, params = self.query(*args, **kwargs)
        assert (sql, params) == tuple(self.direct(*args, **kwargs)), self.__name__
        seen.append(self.__name__)
        result = run(self, *args, **kwargs)
        if not isinstance(query, (Update, Delete)):
            own = [snapshot(r) for r in self.build(**self._arguments(args, kwargs)).execute(db.obj)]
            mine = [snapshot(result)] if self.one and result is not None else [snapshot(r) for r in (result or [])]
            assert mine == (own[:1] if self.one else own), self.__name__
        return result

    monkeypatch.setattr(PreparedQuery, "__call__", compare)
    return seen


def test_every_page_sends_what_peewee_would_build(app, ada, checked):
    """A demo journal through the pages that use prepared queries, each call checked against peewee."""
    with app.app_context():
        user = User.get(User.email == "ada@example.com")
        demo.write(user, demo.generate(random.Random(3), 40, datetime.date.today()))
        ids = [c.id for c in Contact.for_user(user, Contact.id)]
    pages = ["/", "/people/", "/people/?tag=golf", "/people/?page=2", "/capture/contacts?q=ma", "/gifts"]
    pages += [f"/people/{cid}" for cid in ids[:12]]
    pages += [f"/search?q={q}" for q in ("ma", "violin", "a", "zz", "Lyon", '"quoted words"', "5551")]
    for url in pages:
        response = ada.get(url)
        assert response.status_code == 200, url
    # Saves: a capture with two people and a pulse, the same capture again (its retry), and one with a new person.
    same = str(uuid.uuid4())
    for _ in range(2):
        assert capture(ada, ids[:2], uuid=same, pulse="4").status_code == 303
    assert capture(ada, ids[2:3], new=["Zoë New"]).status_code == 303
    with app.app_context():
        assert {c.last_pulse for c in Contact.select().where(Contact.id.in_(ids[:2]))} == {4}
    # Every prepared query the pages use was checked, in several shapes.
    assert {"due_promises.limited", "due_promises.count", "due_for_touch.limited", "due_for_touch.count", "first_dates",
            "dates_in_window_count", "pulse_dropped.limited", "pulse_dropped.count", "not_asked.limited", "not_asked.count",
            "planned_gestures_due.limited", "planned_gestures_count", "kept_counts_of_all", "on_day",
            "waiting", "related_rows", "owned", "live", "latest_for", "people_of", "of_contact", "planned_for",
            "open_with", "kept_counts", "balance"} <= set(checked)
    if not ON_POSTGRESQL:  # PostgreSQL's full-text search is its own SQL (journal/search_index.py)
        assert {"group_rows", "match_count"} <= set(checked)
    assert len(checked) > 150  # on either database (PostgreSQL's search is not prepared)


def test_rows_come_back_as_the_query_gives_them(app, ada, bob):
    """Model rows with joined models, tuples, counts; and another user's ids find nothing."""
    cid = add_contact(ada, name="Ana Silva", company="Acme")
    add_contact(bob, name="Bob's Customer")
    with app.app_context():
        owner = User.get(User.email == "ada@example.com")
        other = User.get(User.email == "bob@example.com")
        assert Contact.owned(owner, cid).name == "Ana Silva"
        assert Contact.owned(other, cid) is None
        rows, total = Contact.list_page(owner, None, 0, 10)
        assert [r.name for r in rows] == ["Ana Silva"] and total == 1
        assert Contact.list_page(owner, None, 1, 10) == ([], 0)
        assert Promise.kept_rate(owner, datetime.date.today()) == (None, 0, 0)


def test_the_sql_is_kept_per_shape(app):
    """None arguments, list lengths and fixed arguments each get their own SQL; values do not."""
    calls = []

    @prepared(fixed=("order",))
    def named(order, user, ids, name):
        calls.append((order, ids, name))
        query = User.select(User.id).where(User.id.in_(ids)).order_by(getattr(User, order))
        return query.where(User.email == name) if name is not None else query

    with app.app_context():
        for ids in ([1], [2], [1, 2], [], [3, 4]):
            for name in (None, "x@example.com", "y@example.com"):
                named.query("id", None, ids, name)
        named.query("email", None, [1], None)
        # Built once per (order, list length, name given or not): 3 lengths × 2, and 1 for the other order.
        assert len(calls) == 7
        _, sql, params = named.query("id", None, [7, 8], "z@example.com")
        assert params == [7, 8, "z@example.com"] and sql.count("?") + sql.count("%s") == 3
        with pytest.raises(TypeError):
            named.query("id", None, [1])  # a missing argument is an error, not a NULL


def test_an_insert_is_refused(app):
    """INSERTs are not prepared (their result depends on peewee's state while it runs them)."""

    @prepared
    def add_user(email):
        return User.insert(email=email, password_hash="x")

    with app.app_context(), pytest.raises(TypeError, match="not INSERT"):
        add_user("new@example.com")


def test_the_kept_sql_texts_are_bounded(app):
    """A client sending lists of ever new lengths cannot grow the cache past MAX_SHAPES; calls still work."""

    @prepared
    def users_in(ids):
        return User.select(User.id).where(User.id.in_(ids))

    with app.app_context():
        for n in range(MAX_SHAPES + 20):
            assert list(users_in(list(range(1, n + 2)))) == []
        assert len(users_in.cache) == MAX_SHAPES
        _, sql, params = users_in.query(list(range(1, MAX_SHAPES + 30)))
        assert len(params) == MAX_SHAPES + 29 and (sql, params) == tuple(users_in.direct(list(range(1, MAX_SHAPES + 30))))


def test_the_peewee_names_prepared_relies_on_are_still_there(app):
    """prepared.py is the one module that reads peewee's private names: a peewee upgrade that renames or reshapes
    them fails here, by name, instead of in a page."""
    with app.app_context():
        ctx = db.obj.get_sql_context()
        assert isinstance(getattr(ctx, "_values", None), list), "peewee Context._values"
        with ctx.scope_normal(converter=str):
            assert ctx.state.converter is str and ctx.state.in_function is None, "peewee State.converter"
        query = User.select(User.id)
        assert callable(getattr(query, "_get_cursor_wrapper", None)), "peewee BaseQuery._get_cursor_wrapper"
        wrapper = query._get_cursor_wrapper(db.execute_sql(*query.sql()))
        assert _PER_CURSOR <= set(vars(wrapper)), f"peewee CursorWrapper attributes: {sorted(vars(wrapper))}"
        assert callable(getattr(wrapper, "initialize", None)), "peewee CursorWrapper.initialize"


def test_on_a_model_the_query_is_called_by_its_one_name(app, ada, bob):
    """A prepared query in a model's body runs when called on the class; a `cls` builder serves every model."""
    cid = add_contact(ada, name="Ana Silva")
    with app.app_context():
        owner = User.get(User.email == "ada@example.com")
        other = User.get(User.email == "bob@example.com")
        assert Contact.owned(owner, cid).name == "Ana Silva" and Contact.owned(other, cid) is None
        assert Promise.owned(owner, cid) is None  # the same query, on another model's table
        assert Promise.open_with(owner, cid) == []
