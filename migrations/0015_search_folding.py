"""One folding for the search index and the typed query, on both backends (issue 17, item 9), and a contact's
alternative name (item 6: 山田太郎 beside "Yamada Taro"), searched as part of the contact's title.

Before, SQLite's index text was folded twice over by SQL (a chain of replace() for ł, ø, ß..., then the FTS5
tokenizer's `remove_diacritics 2`), PostgreSQL's by unaccent, and the typed query by Python's fold (journal/text.py):
each its own way, so `Віталій` (й kept by the tokenizer, turned into и by fold) found nothing.

Now every backend folds with journal/text.py's fold:
- SQLite: the triggers call rapport_fold, the Python function itself (registered on every connection by
  journal/db.py), and the FTS5 tokenizer folds nothing more (`remove_diacritics 0`): the index holds exactly
  Python's folding. The index is re-created with that tokenizer and refilled.
- PostgreSQL: rapport_fold becomes fold written in SQL (normalize NFKD, the same letters put back or replaced, the
  same combining marks dropped, the same case folding), generated here from journal/text.py's tables and Python's
  own Unicode data, so that rapport_fold(fold(x)) = rapport_fold(x): a query folded by Python and again by
  PostgreSQL finds what the index folded. unaccent is no longer used: it turns й into и (and misses what NFKD
  removes, such as the dakuten of ガ or Hebrew points; and lower() keeps Greek final sigma, which casefold turns
  into σ), so an index folded by it disagreed with fold. The vectors are recomputed from the stored text.

Sort names, tag and interest keys holding й or ў (the only letters fold now keeps apart) are folded again.
"""
import sys
import unicodedata

from peewee import CharField, SqliteDatabase

from journal.text import FOLD_LETTERS, OWN_LETTERS, fold

# table: [(kind, label column, title columns, body columns, contact column, watched columns)], as in 0006 but for
# the contact's alternative name, part of its title.
SOURCES = {
    "contact": [
        (0, "name", ["name", "alt_name"], ["company", "role", "city", "how_we_met"], "id",
         ["name", "alt_name", "company", "role", "city", "how_we_met"]),
        (3, None, [], ["goals", "challenges", "how_to_help", "ideas_to_give", "feel_important"], "id",
         ["goals", "challenges", "how_to_help", "ideas_to_give", "feel_important"]),
    ],
    "family_member": [(1, "name", ["name"], ["notes"], "contact_id", ["name", "notes", "contact_id"])],
    "interest": [(2, "name", ["name"], [], "contact_id", ["name", "contact_id", "family_member_id"])],
    "touch": [(4, None, [], ["note"], None, ["note", "kind"])],
    "promise": [(5, None, [], ["text"], "contact_id", ["text", "contact_id"])],
    "gift": [(6, "description", ["description"], ["notes"], "contact_id", ["description", "notes", "contact_id"])],
    "gesture": [(7, None, [], ["text", "outcome"], "contact_id", ["text", "outcome", "contact_id"])],
}
# Folded keys that fold() now spells differently where the text holds a breve letter: (table, key, source, length).
KEYS = [("contact", "sort_name", "name", 200), ("contact_tag", "key", "name", 60), ("interest", "key", "name", 60)]


def up(migrator, db):
    """Add contact.alt_name, fold stored keys again, and make the index fold as journal/text.py does."""
    migrator.migrate(migrator.add_column("contact", "alt_name", CharField(max_length=200, default="")))
    refold_keys(db)
    if isinstance(db, SqliteDatabase):
        index_sqlite(db, SOURCES)
    else:
        index_postgresql(db, SOURCES, fold_function_postgresql())


def down(migrator, db):
    """The index without the alternative name, and no alt_name column (the folding stays the Python one)."""
    without = {table: [(kind, label, [c for c in title if c != "alt_name"], body, contact,
                        [c for c in watched if c != "alt_name"])
                       for kind, label, title, body, contact, watched in entries] for table, entries in SOURCES.items()}
    if isinstance(db, SqliteDatabase):
        index_sqlite(db, without)
    else:
        index_postgresql(db, without, fold_function_postgresql())
    migrator.migrate(migrator.drop_column("contact", "alt_name"))


def refold_keys(db):
    """Fold again the keys whose text holds й or ў, which fold used to turn into и and у."""
    letters = sorted({letter for letter in OWN_LETTERS.values()})
    for table, key, source, length in KEYS:
        like = " OR ".join(f'"{source}" LIKE {db.param}' for _ in letters)
        rows = db.execute_sql(f'SELECT id, "{source}" FROM "{table}" WHERE {like}',
                              [f"%{letter}%" for letter in letters]).fetchall()
        for row_id, text in rows:
            db.execute_sql(f'UPDATE "{table}" SET "{key}" = {db.param} WHERE id = {db.param}', (fold(text)[:length], row_id))


def _joined(prefix, columns):
    """SQL of the columns' text joined by spaces, NULL-safe: coalesce(new.a, '') || ' ' || ..."""
    return " || ' ' || ".join(f"coalesce({prefix}.{c}, '')" for c in columns)


def index_sqlite(db, sources):
    """Re-create the FTS5 index with a tokenizer that folds nothing itself, triggers that fold with rapport_fold,
    and fill it from the tables. `raw` keeps the body as written, for the results' snippets (as PostgreSQL's body)."""
    for table in sources:
        for suffix in ("ai", "ad", "au"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_search_{suffix}"')
    db.execute_sql("DROP TABLE IF EXISTS search_index")
    db.execute_sql(
        "CREATE VIRTUAL TABLE search_index USING fts5(scope, ref_id UNINDEXED, contact_id UNINDEXED, "
        "label UNINDEXED, title, body, raw UNINDEXED, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
    )
    for table, entries in sources.items():
        inserts = " ".join(
            "INSERT INTO search_index(rowid, scope, ref_id, contact_id, label, title, body, raw) VALUES ("
            f"new.id * 8 + {kind}, 'u' || new.user_id || 'k{kind}', new.id, {'new.' + contact if contact else 'NULL'}, "
            f"{'new.' + label if label else chr(39) * 2}, "
            f"{'rapport_fold(' + _joined('new', title) + ')' if title else chr(39) * 2}, "
            f"{'rapport_fold(' + _joined('new', body) + ')' if body else chr(39) * 2}, "
            f"{_joined('new', body) if body else chr(39) * 2});"
            for kind, label, title, body, contact, _ in entries)
        deletes = " ".join(f"DELETE FROM search_index WHERE rowid = old.id * 8 + {kind};" for kind, *_ in entries)
        watched = sorted({c for *_, cols in entries for c in cols})
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ai" AFTER INSERT ON "{table}" BEGIN {inserts} END')
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ad" AFTER DELETE ON "{table}" BEGIN {deletes} END')
        db.execute_sql(f'CREATE TRIGGER "{table}_search_au" AFTER UPDATE OF {", ".join(watched)} ON "{table}" '
                       f"BEGIN {deletes} {inserts} END")
        # Fill the index from what is there: the update trigger re-inserts every row.
        db.execute_sql(f'UPDATE "{table}" SET {watched[0]} = {watched[0]}')


def _ranges(chars):
    """A regular expression's bracket contents for these characters, as ranges of consecutive code points."""
    spans = []
    for code in sorted(ord(c) for c in chars):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in spans)


def _sql_text(text):
    """A string literal for SQL."""
    return "'" + text.replace("'", "''") + "'"


def fold_function_postgresql():
    """SQL of rapport_fold(text) for PostgreSQL: journal/text.py's fold, step for step.

    fold: NFKD, й and ў put back together, combining marks dropped, casefold, its letter table (ł, ß...). Here
    lower() stands for casefold, and one table maps what lower() leaves that fold would not (its letters, and
    what casefold alone changes: final sigma, ᲀ...), so that rapport_fold(fold(x)) = rapport_fold(x).
    """
    every = (chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    marks, table = [], {}
    for c in every:
        if unicodedata.combining(c):
            marks.append(c)
        elif unicodedata.normalize("NFKD", c) == c:
            lowered, folded = c.lower(), c.casefold().translate(FOLD_LETTERS).lower()
            if lowered != folded:
                table[lowered] = folded
    sql = "normalize(coalesce($1, ''), NFKD)"
    for split, letter in OWN_LETTERS.items():
        sql = f"replace({sql}, {_sql_text(split)}, {_sql_text(letter)})"
    sql = f"lower(regexp_replace({sql}, {_sql_text('[' + _ranges(marks) + ']')}, '', 'g'))"
    for c, to in table.items():
        if len(c) > 1 or len(to) > 1:
            sql = f"replace({sql}, {_sql_text(c)}, {_sql_text(to)})"
    singles = {c: to for c, to in table.items() if len(c) == len(to) == 1}
    sql = f"translate({sql}, {_sql_text(''.join(singles))}, {_sql_text(''.join(singles.values()))})"
    # ASCII text (most notes) only needs lower(), as in fold: the whole of it costs 2-3 times as much.
    return f"SELECT CASE WHEN $1 ~ '^[\\x01-\\x7f]*$' THEN lower($1) ELSE {sql} END"


def index_postgresql(db, sources, fold_sql):
    """Replace rapport_fold and the triggers' functions, then recompute every vector from the index's own text."""
    db.execute_sql(f"CREATE OR REPLACE FUNCTION rapport_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
                   f"AS $fold$ {fold_sql} $fold$")
    for table, entries in sources.items():
        inserts, deletes = [], []
        for kind, label, title, body, contact, _ in entries:
            title_sql = _joined("NEW", [f"{c}::text" for c in title]) or "''"
            body_sql = _joined("NEW", [f"{c}::text" for c in body]) or "''"
            inserts.append(
                "INSERT INTO search_index (rowid, user_id, kind, ref_id, contact_id, label, title, body, tsv) VALUES ("
                f"NEW.id::bigint * 8 + {kind}, NEW.user_id, {kind}, NEW.id, {'NEW.' + contact if contact else 'NULL'}, "
                f"{'NEW.' + label if label else chr(39) * 2}, {title_sql}, {body_sql}, "
                f"setweight(to_tsvector('simple', rapport_fold({title_sql})), 'A') || "
                f"setweight(to_tsvector('simple', rapport_fold({body_sql})), 'D'));"
            )
            deletes.append(f"DELETE FROM search_index WHERE rowid = OLD.id::bigint * 8 + {kind};")
        watched = sorted({c for *_, cols in entries for c in cols})
        db.execute_sql(
            f"CREATE OR REPLACE FUNCTION {table}_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {' '.join(deletes)} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {' '.join(inserts)} END IF; "
            "RETURN NULL; END $$"
        )
        db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_search_au ON "{table}"')
        db.execute_sql(f'CREATE TRIGGER {table}_search_au AFTER UPDATE OF {", ".join(watched)} ON "{table}" '
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_search()")
    db.execute_sql("UPDATE search_index SET tsv = setweight(to_tsvector('simple', rapport_fold(title)), 'A') || "
                   "setweight(to_tsvector('simple', rapport_fold(body)), 'D')")
