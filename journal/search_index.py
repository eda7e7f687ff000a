"""The full-text index (SQLite FTS5), kept in step by the triggers of migration 0006."""
import re

from markupsafe import Markup, escape
from peewee import SQL, Select, fn
from playhouse.sqlite_ext import FTS5Model, SearchField

from .db import db, is_sqlite
from .prepared import prepared
from .search_query import parse, wanted_words
from .text import fold

# Group order on the results page, and the kind number each source row has in the index.
GROUPS = [
    (0, "people", "People"),
    (1, "family", "Family"),
    (2, "interests", "Interests"),
    (3, "world", "Their world"),
    (4, "touches", "Touches"),
    (5, "promises", "Promises"),
    (6, "gifts", "Gifts"),
    (7, "gestures", "Gestures"),
]
RANKED = {0, 1, 2, 6}  # groups ordered by relevance; the others (notes) newest first
RANK_AT_MOST = 300  # above this many matches, bm25 ranking is skipped (see SearchIndex.group)


USER_SHIFT, KIND_SHIFT = 40, 37  # an entry's rowid: (user id << 40) + (kind << 37) + its source row's id (0021)


def scope_of(user, kind):
    """The scope of the user's entries of one kind: every word of theirs in the index is prefixed with it (SQLite
    "412xwarehouse", PostgreSQL '412/warehouse'; migrations/0021_team_search.py)."""
    return user.id * 8 + kind


def rowid_range(user, first_kind, last_kind):
    """The lowest and highest rowid of the user's entries of kinds first_kind..last_kind (SQLite's index)."""
    base = user.id << USER_SHIFT
    return base + (first_kind << KIND_SHIFT), base + ((last_kind + 1) << KIND_SHIFT) - 1


class SearchIndex(FTS5Model):
    """One row per searchable thing, keyed by account and kind (migrations/0021_team_search.py): each word is prefixed
    with its account's and kind's scope, and a search also asks for that account's rowid range, so a team's other
    accounts cost nothing and can never match."""

    ref_id = SearchField(unindexed=True)
    contact_id = SearchField(unindexed=True)
    label = SearchField(unindexed=True)
    title = SearchField()
    body = SearchField()
    raw = SearchField(unindexed=True)  # the body as written (body is folded), for the snippet

    class Meta:
        database = db
        table_name = "search_index"

    @staticmethod
    def match_query(text):
        """The parsed query (journal/search_query.py), or None when nothing can match."""
        return parse(text) or None

    @staticmethod
    def within(fts, low, high):
        """The condition: the entry matches the FTS5 query `fts` and its rowid lies in low..high (one account's)."""
        return SearchIndex.match(fts) & (SearchIndex.rowid >= low) & (SearchIndex.rowid <= high)

    @staticmethod
    def fts_query(query, scopes):
        """A safe FTS5 query for the parsed query within these scopes (any of them)."""
        def term(t, scope):
            return '"' + " ".join(f"{scope}x{word}" for word in t.words) + '"' + ("*" if t.prefix else "")

        alternatives = []
        for scope in scopes:
            for alternative in query:
                expression = "(" + " AND ".join(term(t, scope) for t in alternative.include) + ")"
                alternatives.append("(" + expression + "".join(f" NOT {term(t, scope)}" for t in alternative.exclude) + ")")
        return " OR ".join(alternatives)

    @classmethod
    def any_in(cls, user, kinds, query):
        """True when any of these groups (consecutive kinds) has a match: one lookup, no ranking."""
        low, high = rowid_range(user, min(kinds), max(kinds))
        fts = cls.fts_query(query, [scope_of(user, kind) for kind in kinds])
        return cls.select(cls.rowid).where(cls.within(fts, low, high)).limit(1).exists()

    @classmethod
    def group(cls, user, kind, query, limit):
        """Up to `limit` matches of one kind for one user: best first, or newest first.

        Names are ranked with bm25 (titles weigh ten times more than notes) while the matches are few;
        ranking thousands of matches (a two-letter prefix) costs more than it helps, so then, as for
        notes, the newest come first.
        """
        low, high = rowid_range(user, kind, kind)
        fts = cls.fts_query(query, [scope_of(user, kind)])
        ranked = kind in RANKED and cls.match_count(fts, low, high, RANK_AT_MOST + 1)[0] <= RANK_AT_MOST
        return cls.group_rows(ranked, fts, low, high, limit)

    @prepared(one=True)
    def match_count(query, low, high, at_most):
        """(how many rows in the rowid range match, counting no further than `at_most`,)."""
        matches = (SearchIndex.select(SearchIndex.rowid)
                   .where(SearchIndex.within(query, low, high))
                   .limit(at_most))
        return Select([matches.alias("matches")], [fn.COUNT(SQL("1"))]).tuples()

    @prepared(fixed=("ranked",))
    def group_rows(ranked, query, low, high, limit):
        """The matching rows of a rowid range with their body as written, best first (bm25, names weighing ten times
        notes) or newest first."""
        order = SearchIndex.bm25(0, 0, 0, 10.0, 1.0, 0) if ranked else SearchIndex.rowid.desc()
        return (SearchIndex.select(SearchIndex.rowid, SearchIndex.ref_id, SearchIndex.contact_id, SearchIndex.label,
                                   SearchIndex.raw.alias("body"))
                .where(SearchIndex.within(query, low, high))
                .order_by(order).limit(limit).dicts())

    @classmethod
    def contact_ids(cls, user, query, limit):
        """Ids of the contacts that the user's matching entries other than touches belong to."""
        ids = set()
        for first, last in ((0, 3), (5, 7)):  # every kind but touches (4), which belong to several contacts
            low, high = rowid_range(user, first, last)
            fts = cls.fts_query(query, [scope_of(user, kind) for kind in range(first, last + 1)])
            rows = (cls.select(cls.contact_id)
                    .where(cls.within(fts, low, high)).limit(limit).tuples())
            ids |= {int(r[0]) for r in rows if r[0] is not None}
        return ids


def contact_ids_matching(user, text, limit=20000):
    """Ids of the user's contacts that anything matching `text` belongs to (for exporting a search)."""
    engine = backend()
    query = engine.match_query(text)
    if not query:
        return []
    ids = engine.contact_ids(user, query, limit)
    return sorted(ids)


class PostgresSearch:
    """The same search on PostgreSQL: a weighted tsvector with a GIN index (see migrations/0006_search.py)."""

    @staticmethod
    def match_query(text):
        """The parsed query (journal/search_query.py), or None when nothing can match."""
        return parse(text) or None

    @staticmethod
    def _tsquery(query):
        """SQL and parameters of the tsquery: each term split into words by PostgreSQL's own parser, the
        alternatives joined with ||, exclusions with && !!, a prefix term ending in :*."""
        def term(t):
            if not t.prefix:
                return "phraseto_tsquery('simple', rapport_fold(%s))", [t.text]
            last = "to_tsquery('simple', quote_literal(rapport_fold(%s)) || ':*')"
            if len(t.words) == 1:
                return last, [t.words[0]]
            return f"tsquery_phrase(phraseto_tsquery('simple', rapport_fold(%s)), {last})", [" ".join(t.words[:-1]), t.words[-1]]

        parts, params = [], []
        for alternative in query:
            pieces = []
            for t in alternative.include:
                sql, args = term(t)
                pieces.append(sql)
                params += args
            for t in alternative.exclude:
                sql, args = term(t)
                pieces.append(f"!!({sql})")
                params += args
            parts.append("(" + " && ".join(pieces) + ")")
        return "(" + " || ".join(parts) + ")", params

    @classmethod
    def matching(cls, user, kinds, query):
        """SQL and parameters of `FROM search_index, (query) WHERE ...`: the user's entries of these kinds matching
        the query, each kind's lexemes looked up under its own scope (q is the first kind's query, for ranking)."""
        tsquery, params = cls._tsquery(query)
        scoped = ", ".join(f"rapport_scoped_query(%s, {tsquery}) AS q{n}" for n in range(len(kinds)))
        matches = " OR ".join(f"tsv @@ q{n}" for n in range(len(kinds)))
        args = [value for kind in kinds for value in [scope_of(user, kind)] + params]
        # The user and kind are checked on each row too: the scoped lexemes already keep other accounts out.
        return (f"FROM search_index, (SELECT {scoped}) AS query WHERE user_id = %s AND kind = ANY(%s) AND ({matches})",
                args + [user.id, list(kinds)])

    @classmethod
    def group(cls, user, kind, query, limit):
        """Up to `limit` matches of one kind, ranked (names weigh ten times notes) or newest first."""
        base, args = cls.matching(user, [kind], query)
        ranked = False
        if kind in RANKED:
            count = db.execute_sql(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {RANK_AT_MOST + 1}) AS c", args).fetchone()[0]
            ranked = count <= RANK_AT_MOST
        order = "ts_rank(tsv, q0) DESC, rowid DESC" if ranked else "rowid DESC"
        cursor = db.execute_sql(f"SELECT rowid, ref_id, contact_id, label, body {base} ORDER BY {order} LIMIT %s",
                                args + [limit])
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    @classmethod
    def any_in(cls, user, kinds, query):
        """True when any of these groups has a match."""
        base, args = cls.matching(user, kinds, query)
        return db.execute_sql(f"SELECT 1 {base} LIMIT 1", args).fetchone() is not None

    @classmethod
    def contact_ids(cls, user, query, limit):
        """Ids of the contacts that the user's matching entries other than touches belong to."""
        base, args = cls.matching(user, [kind for kind, _, _ in GROUPS if kind != 4], query)
        cursor = db.execute_sql(f"SELECT DISTINCT contact_id {base} AND contact_id IS NOT NULL LIMIT %s", args + [limit])
        return {r[0] for r in cursor.fetchall()}


def backend():
    """The search implementation for the bound database."""
    return SearchIndex if is_sqlite() else PostgresSearch


SNIPPET_WORDS = 14


def snippet_of(body, query_text):
    """The words of `body` around the first one searched for, marked as highlight_words marks a title, with … where
    it is cut; None when no word of the body starts with a word searched for (the match was a phrase PostgreSQL's
    parser splits otherwise, say). Built from the text as written on both backends (the index holds it folded)."""
    terms = wanted_words(query_text)
    if not body or not terms:
        return None
    pieces = re.split(r"(\w+)", body)
    words = range(1, len(pieces), 2)  # re.split puts the words at the odd places
    first = next((n for n, i in enumerate(words) if any(fold(pieces[i]).startswith(t) for t in terms)), None)
    if first is None:
        return None
    start = max(0, first - 4)
    end = min(len(words), start + SNIPPET_WORDS)
    window = "".join(pieces[words[start]:words[end - 1] + 1])
    return Markup("…" if start else "") + highlight_words(window, query_text) + Markup("…" if end < len(words) else "")


def highlight_words(label, query_text):
    """Mark the words of a raw label that start with a typed word (accents and case ignored)."""
    terms = wanted_words(query_text)
    if not terms:
        return escape(label)
    out, plain = [], []
    for n, piece in enumerate(re.split(r"(\w+)", label or "")):
        if n % 2 and any(fold(piece).startswith(t) for t in terms):  # re.split puts the words at the odd places
            out += [escape("".join(plain)), "<mark>", escape(piece), "</mark>"]
            plain = []
        else:
            plain.append(piece)
    out.append(escape("".join(plain)))  # escaped a run at a time: a title of many words costs a few escapes
    return Markup("".join(out))
