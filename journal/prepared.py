"""Queries whose SQL peewee builds once per process, then runs again with each call's values.

Building the SQL text of a query is most of a page's CPU time: peewee walks the whole expression tree
for every statement, about 0.2 ms each, while SQLite runs a brief's statements in a tenth of that
(docs/benchmarks.md, "Where the server's time goes"). A function decorated with @prepared builds its
query from placeholders the first time it is called; peewee renders that once, and every later call
only converts its values the way peewee would have and sends the same SQL again.

    class Promise(OwnedModel):
        @prepared
        def open_with(user, contact):  # the open promises to one contact
            return Promise.select().where((Promise.user == user) & (Promise.contact == contact))

    Promise.open_with(current_user, contact)  # a list of the rows, as the query itself would give them

On a model class the decorated function is the query's one name: called on the class, it runs the query.
A builder whose first parameter is `cls` gets the class it is called on (so one query serves every model
that inherits it), and `one=True` makes a call answer the first row or None.

This module is the only place that uses peewee's private names (a Context's `_values` and `state`, a
query's `_get_cursor_wrapper`, a cursor wrapper's attributes): tests/test_prepared.py fails loudly if a
peewee upgrade changes them, and compares every prepared call with the query peewee itself builds.
Only hot statements are prepared (a session's lookup, an owned row, a brief's and Today's reads):
docs/benchmarks.md, "One name per query", has the measurement that keeps them.

Rules for the builder, so the cached SQL fits every call:
- Use each argument only as a value in the query (compared, in a list, a LIMIT): it is a placeholder
  when the builder runs. Work something out from it before the call and pass the result instead.
- An argument that is None is passed as None, and a list or tuple as a list of placeholders: the SQL is
  kept per pattern of None arguments and list lengths, so `if contact is not None:` may shape the query.
- Arguments named in `fixed` (a model, a column, a sort order) reach the builder as they are and are part
  of the cache key: they must be hashable, and few in kinds.
"""
import functools
import inspect

from peewee import SQL, Delete, Insert, Node, Update, fn

from .db import counted, db, totalled


MAX_SHAPES = 256  # SQL texts kept per prepared query; further shapes are built for each call


class Param(Node):
    """A placeholder for one value of a call (or one item of a list argument)."""

    def __init__(self, name, index=None):
        self.name, self.index = name, index

    def __sql__(self, ctx):
        """Write a parameter marker; remember which argument fills it and how peewee would convert it."""
        # Expression.__sql__ sets the left-hand field's converter, as peewee's Context.value() would use
        # for a plain value. Values inside a function call are not converted (peewee wraps them in
        # Value(arg, False)), so neither are placeholders there.
        converter = None if ctx.state.in_function else ctx.state.converter
        ctx._values.append(_Slot(self.name, self.index, converter))
        return ctx.literal(ctx.state.param or "?")


class _Slot:
    """Where one parameter of the cached SQL comes from."""

    __slots__ = ("name", "index", "converter")

    def __init__(self, name, index, converter):
        self.name, self.index, self.converter = name, index, converter

    def value(self, arguments):
        """This parameter's value for one call, converted as peewee converts it."""
        value = arguments[self.name]
        if self.index is not None:
            value = value[self.index]
        return self.converter(value) if self.converter else value


class PreparedQuery:
    """A query builder whose rendered SQL is kept per database class and argument shape."""

    def __init__(self, build, fixed=(), one=False):
        self.build, self.one = build, one
        self.signature = inspect.signature(build)
        self.names = tuple(self.signature.parameters)
        self.of_class = self.names[:1] == ("cls",)
        self.fixed = frozenset(fixed) | ({"cls"} if self.of_class else set())
        self.cache = {}
        functools.update_wrapper(self, build)

    def __get__(self, instance, owner):
        """As a model's attribute: the query itself, or bound to the class it is called on (`cls`)."""
        return _OfClass(self, owner) if self.of_class else self

    def _shape(self, arguments):
        """What decides the SQL's text: which arguments are None, and each list argument's length."""
        return tuple(value if name in self.fixed
                     else None if value is None else len(value) if isinstance(value, (list, tuple)) else -1
                     for name, value in arguments.items())

    def _prepare(self, arguments, key):
        """Build the query from placeholders and render it once for this database and shape."""
        placeholders = {
            name: value if name in self.fixed or value is None
            else [Param(name, i) for i in range(len(value))] if isinstance(value, (list, tuple))
            else Param(name)
            for name, value in arguments.items()
        }
        query = self.build(**placeholders)
        if isinstance(query, Insert):  # its result (the new row's id) depends on state its execution sets
            raise TypeError(f"{self.__name__}: prepared queries are SELECT, UPDATE or DELETE, not INSERT")
        sql, params = db.obj.get_sql_context().parse(query)
        # The last item: the row reader's set-up for this SQL, once a call has worked it out (_rows).
        entry = [query, sql, params, None]
        if len(self.cache) < MAX_SHAPES:  # lists of every length a client can send must not fill memory
            self.cache[key] = entry
        return entry

    def _arguments(self, args, kwargs):
        """{name: value} of one call's arguments, defaults included."""
        if not kwargs and len(args) == len(self.names):
            return dict(zip(self.names, args))  # the usual call, without inspect's slower bind()
        arguments = self.signature.bind(*args, **kwargs)
        arguments.apply_defaults()
        return arguments.arguments

    def _entry(self, args, kwargs):
        """The cached entry for these arguments' shape, and this call's parameters."""
        arguments = self._arguments(args, kwargs)
        key = (type(db.obj), self._shape(arguments))
        entry = self.cache.get(key) or self._prepare(arguments, key)
        return entry, [p.value(arguments) if type(p) is _Slot else p for p in entry[2]]

    def query(self, *args, **kwargs):
        """The query built for these arguments' shape, its SQL, and this call's parameters."""
        entry, values = self._entry(args, kwargs)
        return entry[0], entry[1], values

    def direct(self, *args, **kwargs):
        """The SQL and parameters peewee itself builds from these values (what every call must match)."""
        return db.obj.get_sql_context().parse(self.build(**self._arguments(args, kwargs)))

    def __call__(self, *args, **kwargs):
        """Run the query with these values: a SELECT's rows, or what an UPDATE or DELETE's execute() returns."""
        entry, values = self._entry(args, kwargs)
        query = entry[0]
        cursor = db.execute_sql(entry[1], values)
        if isinstance(query, (Update, Delete)):
            return query.handle_result(db.obj, cursor)  # rows changed
        if self.one:
            return next(iter(_rows(entry, cursor)), None)
        return list(_rows(entry, cursor))

    def first_rows(self, limit, *args, **kwargs):
        """The first `limit` rows and how many there are in all, in one statement (COUNT(*) OVER ()).

        A separate COUNT would wrap the whole query again: one more statement to build and to run.
        """
        return totalled(self._counted(limit, *args, **kwargs))

    def top(self, limit, *args, **kwargs):
        """The first `limit` rows and how many there are in all, in two statements: the rows, then a COUNT(*).

        Where an index serves the query, neither reads past what it needs: the rows stop at the limit, and the count
        reads the index alone. first_rows' COUNT(*) OVER () builds and sorts every row of the query first (Today at
        10,000 contacts: docs/benchmarks.md, "Today, short and fast").
        """
        return self._limited(limit, *args, **kwargs), self._count(*args, **kwargs)[0]

    def first(self, limit, *args, **kwargs):
        """The first `limit` rows (a LIMIT, prepared on its own)."""
        return self._limited(limit, *args, **kwargs)

    def built(self, *args, **kwargs):
        """The query itself, built from these values (not kept): to narrow or page it further."""
        return self.build(**self._arguments(args, kwargs))

    def _derived(self, suffix, change, limited=False, one=False):
        """This query changed by `change(query)` (or `change(query, rows_limit)`, when `limited`), prepared on its own."""
        build = self.build

        def build_derived(**arguments):
            values = [arguments.pop("rows_limit")] if limited else []
            return change(build(**arguments), *values)

        parameters = list(self.signature.parameters.values())
        if limited:
            parameters.insert(0, inspect.Parameter("rows_limit", inspect.Parameter.POSITIONAL_OR_KEYWORD))
        build_derived.__name__ = build_derived.__qualname__ = f"{self.__name__}.{suffix}"
        build_derived.__signature__ = self.signature.replace(parameters=parameters)
        return PreparedQuery(build_derived, self.fixed, one)

    @functools.cached_property
    def _limited(self):
        """This query limited to its first rows."""
        return self._derived("limited", lambda query, rows_limit: query.limit(rows_limit), limited=True)

    @functools.cached_property
    def _count(self):
        """How many rows this query has: COUNT(*) over the same joins and conditions, unsorted."""
        return self._derived("count", lambda query: query.select(fn.COUNT(SQL("*"))).order_by().tuples(), one=True)

    @functools.cached_property
    def _counted(self):
        """This query with its row count on every row, limited: prepared on its own."""
        build = self.build

        def build_counted(rows_limit, **arguments):
            return counted(build(**arguments), rows_limit)

        limit = inspect.Parameter("rows_limit", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        build_counted.__name__ = build_counted.__qualname__ = f"{self.__name__}.first_rows"
        build_counted.__signature__ = self.signature.replace(parameters=[limit, *self.signature.parameters.values()])
        return PreparedQuery(build_counted, self.fixed)


class _OfClass:
    """A prepared query whose first argument is the model class it was called on."""

    __slots__ = ("query", "model")

    def __init__(self, query, model):
        self.query, self.model = query, model

    def __call__(self, *args, **kwargs):
        """Run the query for this class."""
        return self.query(self.model, *args, **kwargs)

    def first_rows(self, limit, *args, **kwargs):
        """The first rows and the count, for this class."""
        return self.query.first_rows(limit, self.model, *args, **kwargs)


# What peewee's row readers (cursor wrappers) set for each cursor; the rest only depends on the SQL.
_PER_CURSOR = frozenset(("cursor", "count", "index", "initialized", "populated", "row_cache"))


def _rows(entry, cursor):
    """peewee's row reader for a cursor of the entry's SQL, set up as for the entry's earlier calls.

    A reader of joined models works out, from the columns, which model each one fills and how the models
    link: a tenth of a millisecond per statement, the same for every run of the same SQL. The first
    call keeps what it worked out; later calls start from there.
    """
    wrapper = entry[0]._get_cursor_wrapper(cursor)
    if cursor.description is None:  # no result columns: nothing to set up
        return wrapper
    if entry[3] is None:
        wrapper.initialize()
        entry[3] = {name: value for name, value in vars(wrapper).items() if name not in _PER_CURSOR}
    else:
        vars(wrapper).update(entry[3])
    wrapper.initialized = True
    return wrapper


def prepared(build=None, *, fixed=(), one=False):
    """Decorator: run `build`'s query with SQL rendered once (see the module's docstring)."""
    if build is None:
        return functools.partial(PreparedQuery, fixed=fixed, one=one)
    return PreparedQuery(build, fixed, one)
