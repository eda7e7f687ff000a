"""XSS corpus: hostile text in every field is rendered escaped and inert on every page and fragment."""
import re
from html.parser import HTMLParser

import pytest
from helpers import add_contact, add_family, capture

from journal import chips
from journal.models import FamilyMember, Finding, Gift, Touch

CORPUS = [
    "<script>alert(1)</script>",
    "<svg onload=alert(2)>",
    '" hx-get="/logout" hx-trigger="load',
    "<div hx-on:click=alert(3)>x</div>",
    "{{7*7}}",
    "<img src=x onerror=alert(4)>",
]
PAYLOAD = " ".join(CORPUS)


class _Markup(HTMLParser):
    """Collects the real tags and attributes of a page (escaped text is not markup)."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("hx-get", "hx-post") and value == "/logout":
                self.problems.append(f"<{tag} {name}=/logout>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append("inline <script>")
        if tag in ("svg", "img") and any(n in ("onload", "onerror") for n, _ in attrs):
            self.problems.append(f"<{tag} with a handler>")


def inert(html):
    """No payload survives as markup, and no template expression was evaluated."""
    parser = _Markup()
    parser.feed(html)
    assert parser.problems == []
    # "49" standing alone, not inside a CSRF token, an asset hash, a date, a time or a longer number
    assert not re.search(r"(?<![\w.:#\-])49(?![\w.:\-])", html) or "{{7*7}}" in html


@pytest.fixture
def hostile(app, ada):
    """Ada's journal with the corpus in every text field."""
    cid = add_contact(ada, name="Evil " + PAYLOAD[:150], company=PAYLOAD[:200], role=PAYLOAD[:200], city=PAYLOAD[:200],
                      how_we_met=PAYLOAD, tags="tag<script>alert(5)</script>", interests="<svg onload=alert(6)>",
                      phones="", emails="")
    add_family(ada, cid, name="<script>kid</script>", notes=PAYLOAD, interests="<b>bold</b>")
    ada.post(f"/people/{cid}/world", data={k: PAYLOAD for k in ("goals", "challenges", "how_to_help", "ideas_to_give",
                                                              "feel_important")})
    ada.post(f"/people/{cid}/dates", data={"kind": "custom", "label": "<script>x</script>", "day": "1", "month": "1"})
    capture(ada, [cid], note=PAYLOAD, promise_text=PAYLOAD[:400], promise_due="2026-12-01", gift_idea=PAYLOAD[:250])
    # A chip the user edited (an interest) and a finding waiting on Today, both with markup in them.
    capture(ada, [cid], note="chips", found_for=chips.digest("chips"), **{
        "chip-0-key": "interest:x", "chip-0-on": "1", "chip-0-owner": f"c:{cid}", "chip-0-text": "<script>alert(7)</script>"})
    with app.app_context():
        touch = Touch.select().order_by(Touch.id).first()
        Finding.add(touch.user_id, touch, cid, "promise", {"text": PAYLOAD[:400], "date": "2026-12-01"})
    ada.post(f"/people/{cid}/gestures", data={"text": PAYLOAD, "due_on": "2026-12-03"})
    with app.app_context():
        return cid, Touch.get().id, Gift.get().id, FamilyMember.get().id


def test_every_page_and_fragment_is_inert(ada, hostile):
    cid, touch_id, gift_id, member_id = hostile
    pages = ["/", "/people/", "/people/?tag=tag", f"/people/{cid}", f"/people/{cid}?edit=card", f"/people/{cid}?edit=world",
             f"/people/{cid}?edit=family-{member_id}", f"/people/{cid}/timeline", f"/people/{cid}/delete",
             f"/touches/{touch_id}", f"/touches/{touch_id}/edit", f"/gifts/{gift_id}/edit", "/gifts", "/export",
             "/search?q=evil", "/search?q=alert", f"/capture?contact={cid}", "/capture/contacts?q=evil"]
    for url in pages:
        response = ada.get(url)
        assert response.status_code == 200, url
        inert(response.get_data(as_text=True))
    fragments = [("/search?q=evil", "search-results"), (f"/people/{cid}", "contact-card"),
                 (f"/people/{cid}", "contact-family"), (f"/people/{cid}", "contact-world"),
                 (f"/people/{cid}", "contact-gifts"), (f"/people/{cid}", "contact-gestures"),
                 (f"/people/{cid}/timeline", "contact-timeline"), ("/capture/contacts?q=evil", "contact-suggestions")]
    for url, target in fragments:
        inert(ada.hx(url, target).get_data(as_text=True))


def test_hostile_search_queries_are_inert(ada, hostile):
    for q in CORPUS:
        response = ada.get("/search", query_string={"q": q})
        assert response.status_code == 200
        inert(response.get_data(as_text=True))
