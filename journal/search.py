"""Search before a call: one box, results as you type, grouped and ranked, across everything."""
import html
import re

import click
from flask import Blueprint, request, url_for
from flask.cli import with_appcontext
from flask_login import current_user, login_required

from .db import db
from .models import RELATIONS, Contact, ContactMethod, Interest, Touch
from .search_index import GROUPS, backend, highlight_words, snippet_of
from .text import fold
from .web import render

bp = Blueprint("search", __name__)

PAGE = 20
MAX_RESULTS = 200


def phone_matches(user, text, limit):
    """Contacts with a phone whose digits contain the typed digits (at least four of them)."""
    if not re.fullmatch(r"[\d\s()+\-./]+", text or ""):
        return []
    digits = re.sub(r"\D", "", text)
    if len(digits) < 4:
        return []
    return ContactMethod.contacts_with_phone_digits(user, digits, limit)


def run_search(user, text, limit):
    """The results for `text` as [(key, title, rows)], at most `limit` rows in all, and whether there are more."""
    engine = backend()
    query = engine.match_query(text)
    phones = phone_matches(user, text, limit)
    groups, remaining, more = [], limit, False
    for position, (kind, key, title) in enumerate(GROUPS):
        if remaining <= 0:
            later = [k for k, _, _ in GROUPS[position:]]
            more = more or bool(query and engine.any_in(user, later, query))
            break
        rows = engine.group(user, kind, query, remaining + 1) if query else []
        if kind == 0 and phones:
            found = {int(r["ref_id"]) for r in rows}
            rows = [{"ref_id": cid, "contact_id": cid, "label": None, "body": ""} for cid in phones if cid not in found] + rows
        if len(rows) > remaining:
            more, rows = True, rows[:remaining]
        remaining -= len(rows)
        if rows:
            groups.append((kind, key, title, rows))
    return _present(groups, text), more


def _adds_to(snippet, shown):
    """True when the snippet marks a word that `shown` does not hold (accents and case ignored)."""
    marked_words = [html.unescape(word) for word in re.findall(r"<mark>(.*?)</mark>", str(snippet))]
    return any(fold(word) not in fold(shown) for word in marked_words)


def _present(groups, text):
    """Turn index rows into what the page shows: title, subtitle, snippet and link."""
    contact_ids = sorted({int(r["contact_id"]) for *_, rows in groups for r in rows if r["contact_id"] is not None})
    contacts = {c.id: c for c in Contact.summaries(current_user, contact_ids)} if contact_ids else {}
    touch_ids = sorted({int(r["ref_id"]) for kind, _, _, rows in groups if kind == 4 for r in rows})
    touches = {t.id: t for t in Touch.summaries(current_user, touch_ids)} if touch_ids else {}
    touch_people = Touch.contacts_of(list(touches.values())) if touches else {}
    interest_ids = sorted({int(r["ref_id"]) for kind, _, _, rows in groups if kind == 2 for r in rows})
    whose = {}
    if interest_ids:
        for row in Interest.owners(current_user, interest_ids):
            if row[1]:
                whose[row[0]] = f"{row[1]}, {dict(RELATIONS).get(row[2], 'family').lower()} of "
    anchors = {1: "contact-family", 2: None, 3: "contact-world", 5: "contact-promises", 6: "contact-gifts", 7: "contact-gestures"}
    out = []
    for kind, key, title, rows in groups:
        items = []
        for r in rows:
            ref = int(r["ref_id"])
            snippet = snippet_of(r.get("body"), text)
            if kind == 4:
                touch = touches.get(ref)
                if touch is None:
                    continue
                names = ", ".join(c.name for c in touch_people.get(ref, []))
                items.append({"url": url_for("touches.show", touch_id=ref), "title": f"{touch.kind_label}, {touch.happened_at:%d %b %Y}",
                              "subtitle": names, "snippet": snippet})
                continue
            contact = contacts.get(int(r["contact_id"]))
            if contact is None:
                continue
            brief = url_for("people.brief", contact_id=contact.id, _anchor=anchors.get(kind))
            if kind == 0:
                # The name in another script first: it may be what was typed.
                sub = " · ".join(x for x in (contact.alt_name, contact.role, contact.company, contact.city) if x)
                if snippet and not _adds_to(snippet, sub):
                    snippet = None  # the snippet would only repeat the subtitle
                sub = highlight_words(sub, text)
                items.append({"url": brief, "title": highlight_words(contact.name, text), "subtitle": sub, "snippet": snippet})
            elif kind == 2:
                # An interest: the person is what the salesperson is after ("whose daughter plays violin").
                items.append({"url": brief, "title": whose.get(ref, "") + contact.name,
                              "subtitle": highlight_words(r["label"], text), "snippet": snippet})
            elif r["label"]:
                suffix = {1: f"{contact.name}'s family", 6: f"gift for {contact.name}"}.get(kind, contact.name)
                items.append({"url": brief, "title": highlight_words(r["label"], text), "subtitle": suffix, "snippet": snippet})
            else:
                items.append({"url": brief, "title": contact.name, "subtitle": title, "snippet": snippet})
        if items:
            out.append({"key": key, "title": title, "items": items})
    return out


@bp.route("/search")
@login_required
def index():
    """The search page; with htmx, only the results that fill #search-results."""
    text = request.args.get("q", "")[:200]
    limit = min(max(request.args.get("limit", PAGE, type=int) or PAGE, PAGE), MAX_RESULTS)
    groups, more = run_search(current_user, text, limit) if text.strip() else ([], False)
    return render(
        "search/index.html",
        partials={"search-results": "search/_results.html"},
        section="search",
        q=text,
        groups=groups,
        more=more,
        limit=limit,
        count=sum(len(g["items"]) for g in groups),
    )


@click.command("rebuild")
@with_appcontext
def rebuild_command():
    """Rebuild the search index from the journal's tables."""
    sql = db.execute_sql
    with db.atomic():
        sql("DELETE FROM search_index")  # both backends: the triggers refill it below
        # Touching an indexed column fires the update triggers, which re-insert each row's entry.
        for table, column in [("contact", "name"), ("family_member", "name"), ("interest", "name"), ("touch", "note"),
                              ("promise", "text"), ("gift", "description"), ("gesture", "text")]:
            sql(f'UPDATE "{table}" SET "{column}" = "{column}"')
    count = sql("SELECT count(*) FROM search_index").fetchone()[0]
    click.echo(f"Search index rebuilt: {count} entries.")


def init_app(app):
    """Register `flask search rebuild`."""
    group = click.Group("search", help="Search index commands.")
    group.add_command(rebuild_command)
    app.cli.add_command(group)
