"""Search in a team's database (issue 21): one account's entries of one kind lie together in the index.

SQLite: the FTS5 index's rowid was the source row's id * 8 + kind, and a "u<user>k<kind>" token in a `scope` column
chose the account's entries: every word of a query was matched across all accounts, then intersected with that
token, and a typed prefix ("wareh*") merged that prefix's words of the whole team, so a search cost each account
in proportion to the team's notes (20 times the account alone at 100 accounts x 2,000 people). Now every word is
prefixed with its scope, user id * 8 + kind ("412xwarehouse", rapport_scoped, journal/search_query.py), so one
account's words of one kind sort together in FTS5's dictionary and a prefix expands over them alone; and the rowid
is (user id << 40) + (kind << 37) + the source row's id, so that each query also asks for its account's rowid
range (nothing else can match, whatever was typed). The scope column, and the prefix indexes of 2 and 3
characters (which would now index the scopes' digits), are gone. Newest first is still the source row's id,
within each kind. The index is copied over from the old one (already folded) in the new rowid order.

PostgreSQL: the GIN index held every account's words together ("warehouse" of the whole team under one entry), so a
search either intersected the team's matches with the account's rows, or read all the account's rows of a kind, one
heap page each, wherever a team's writes had put them (0.6 s for one typed word at 100 accounts x 2,000 people).
Now each lexeme of an entry's vector is prefixed with its scope, user id * 8 + kind ('412/warehouse'), and so are a
query's (rapport_scoped_query): one account's words and prefixes of one kind lie together in the GIN index, and a
search reads only that account's matching entries. The vectors are rewritten from themselves (no text is folded
again); the (user_id, kind, rowid) index, which no query needs now, is dropped.
"""
import importlib.util
import os

from peewee import SqliteDatabase

USER_SHIFT, KIND_SHIFT = 40, 37  # as journal/search_index.py's

_spec = importlib.util.spec_from_file_location("search_folding", os.path.join(os.path.dirname(__file__), "0015_search_folding.py"))
folding = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(folding)

# A vector's lexemes, each prefixed with "<scope>/", keeping their positions and weights (written as a tsvector's
# text: the lexeme quoted, its quotes doubled and backslashes escaped).
SCOPED_VECTOR = r"""
SELECT coalesce(string_agg('''' || replace(replace($1 || '/' || lexeme, '\', '\\'), '''', '''''') || ''''
       || coalesce(':' || (SELECT string_agg(p || w, ',') FROM unnest(positions, weights) AS x(p, w)), ''), ' '), '')::tsvector
FROM unnest($2)
"""
# A query's lexemes prefixed the same way (a tsquery's text quotes each lexeme, doubling its quotes).
SCOPED_QUERY = r"""
SELECT regexp_replace($2::text, '''((?:[^'']|'''')*)''', '''' || $1 || '/\1''', 'g')::tsquery
"""


def up(migrator, db):
    """Re-key SQLite's index by account and kind; scope PostgreSQL's lexemes by account and kind."""
    if isinstance(db, SqliteDatabase):
        rekey_sqlite(db)
    else:
        scope_postgresql(db)


def down(migrator, db):
    """The index of migration 0015 (SQLite: rowid id * 8 + kind and the scope token; PostgreSQL: unscoped lexemes,
    recomputed from the index's own text), with 0015's triggers."""
    if isinstance(db, SqliteDatabase):
        folding.index_sqlite(db, folding.SOURCES)
        return
    db.execute_sql("DROP INDEX IF EXISTS search_index_tsv")
    folding.index_postgresql(db, folding.SOURCES, folding.fold_function_postgresql())
    db.execute_sql("CREATE INDEX search_index_tsv ON search_index USING gin (tsv)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS search_index_scope ON search_index (user_id, kind, rowid)")
    db.execute_sql("DROP FUNCTION IF EXISTS rapport_scoped(bigint, tsvector)")
    db.execute_sql("DROP FUNCTION IF EXISTS rapport_scoped_query(bigint, tsquery)")


def vector_sql(prefix, kind, title_sql, body_sql):
    """SQL of an entry's vector for the row `prefix` (NEW, or a table's alias): its title's words weighing A and its
    body's D, scoped by account and kind."""
    return (f"rapport_scoped({prefix}.user_id::bigint * 8 + {kind}, "
            f"setweight(to_tsvector('simple', rapport_fold({title_sql})), 'A') || "
            f"setweight(to_tsvector('simple', rapport_fold({body_sql})), 'D'))")


ENTRY_COLUMNS = "rowid, user_id, kind, ref_id, contact_id, label, title, body, tsv"


def entry_values(kind, label, title, body, contact):
    """SQL of the values (ENTRY_COLUMNS) of the index entry of one source's row NEW (a trigger's row, or a table's
    alias in a bulk INSERT ... SELECT)."""
    title_sql = folding._joined("NEW", [f"{c}::text" for c in title]) or "''"
    body_sql = folding._joined("NEW", [f"{c}::text" for c in body]) or "''"
    return (f"NEW.id::bigint * 8 + {kind}, NEW.user_id, {kind}, NEW.id, {'NEW.' + contact if contact else 'NULL'}, "
            f"{'NEW.' + label if label else chr(39) * 2}, {title_sql}, {body_sql}, {vector_sql('NEW', kind, title_sql, body_sql)}")


def scope_postgresql(db):
    """Create the scoping functions, make the triggers write scoped vectors, and rewrite every vector."""
    db.execute_sql("CREATE OR REPLACE FUNCTION rapport_scoped(bigint, tsvector) RETURNS tsvector LANGUAGE sql "
                   f"IMMUTABLE PARALLEL SAFE AS $scoped$ {SCOPED_VECTOR} $scoped$")
    db.execute_sql("CREATE OR REPLACE FUNCTION rapport_scoped_query(bigint, tsquery) RETURNS tsquery LANGUAGE sql "
                   f"IMMUTABLE PARALLEL SAFE AS $scoped$ {SCOPED_QUERY} $scoped$")
    for table, entries in folding.SOURCES.items():
        inserts, deletes = [], []
        for kind, label, title, body, contact, _ in entries:
            inserts.append(f"INSERT INTO search_index ({ENTRY_COLUMNS}) VALUES ({entry_values(kind, label, title, body, contact)});")
            deletes.append(f"DELETE FROM search_index WHERE rowid = OLD.id::bigint * 8 + {kind};")
        db.execute_sql(
            f"CREATE OR REPLACE FUNCTION {table}_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {' '.join(deletes)} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {' '.join(inserts)} END IF; "
            "RETURN NULL; END $$"
        )
    # Rewritten without its indexes; the GIN index is built again once, at the end.
    db.execute_sql("DROP INDEX IF EXISTS search_index_tsv")
    db.execute_sql("DROP INDEX IF EXISTS search_index_scope")
    db.execute_sql("UPDATE search_index SET tsv = rapport_scoped(user_id::bigint * 8 + kind, tsv)")
    db.execute_sql("CREATE INDEX search_index_tsv ON search_index USING gin (tsv)")


def rowid_sql(prefix, kind):
    """SQL of an entry's rowid for the row `prefix` (new or old) of a source of this kind."""
    return f"(({prefix}.user_id << {USER_SHIFT}) + ({kind} << {KIND_SHIFT}) + {prefix}.id)"


def scoped(prefix, kind, columns):
    """SQL of the columns' text, folded and scoped, for an FTS5 entry of the row `prefix` (new); '' without columns."""
    if not columns:
        return "''"
    return f"rapport_scoped({prefix}.user_id * 8 + {kind}, rapport_fold({folding._joined(prefix, columns)}))"


def rekey_sqlite(db):
    """Copy the index into one without the scope column, keyed by account and kind, and re-create the triggers."""
    db.execute_sql(
        "CREATE VIRTUAL TABLE search_index_rekeyed USING fts5(ref_id UNINDEXED, contact_id UNINDEXED, "
        "label UNINDEXED, title, body, raw UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
    )
    # The old rowid is id * 8 + kind and the scope token "u<user>k<kind>": the new key and scope are made from both.
    db.execute_sql(
        "INSERT INTO search_index_rekeyed (rowid, ref_id, contact_id, label, title, body, raw) "
        f"SELECT (user_id << {USER_SHIFT}) + (kind << {KIND_SHIFT}) + (rowid >> 3) AS new_rowid, ref_id, contact_id, "
        "label, rapport_scoped(user_id * 8 + kind, title), rapport_scoped(user_id * 8 + kind, body), raw "
        "FROM (SELECT rowid, CAST(substr(scope, 2, instr(scope, 'k') - 2) AS INTEGER) AS user_id, rowid & 7 AS kind, "
        "ref_id, contact_id, label, title, body, raw FROM search_index) ORDER BY new_rowid"
    )
    for table in folding.SOURCES:
        for suffix in ("ai", "ad", "au"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_search_{suffix}"')
    db.execute_sql("DROP TABLE search_index")
    db.execute_sql("ALTER TABLE search_index_rekeyed RENAME TO search_index")
    for table, entries in folding.SOURCES.items():
        inserts = " ".join(
            "INSERT INTO search_index(rowid, ref_id, contact_id, label, title, body, raw) VALUES ("
            f"{rowid_sql('new', kind)}, new.id, {'new.' + contact if contact else 'NULL'}, "
            f"{'new.' + label if label else chr(39) * 2}, "
            f"{scoped('new', kind, title)}, {scoped('new', kind, body)}, "
            f"{folding._joined('new', body) if body else chr(39) * 2});"
            for kind, label, title, body, contact, _ in entries)
        deletes = " ".join(f"DELETE FROM search_index WHERE rowid = {rowid_sql('old', kind)};" for kind, *_ in entries)
        watched = sorted({c for *_, cols in entries for c in cols})
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ai" AFTER INSERT ON "{table}" BEGIN {inserts} END')
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ad" AFTER DELETE ON "{table}" BEGIN {deletes} END')
        db.execute_sql(f'CREATE TRIGGER "{table}_search_au" AFTER UPDATE OF {", ".join(watched)} ON "{table}" '
                       f"BEGIN {deletes} {inserts} END")
