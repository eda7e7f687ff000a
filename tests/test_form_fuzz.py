"""Hypothesis fuzzing of the forms: any input answers without a server error, and rejected input
writes nothing."""
import json
import re

import wtforms.widgets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_people import add_contact, add_family

from markupsafe import Markup

from journal.db import db
from journal.formkit import WTFORMS_HTML_PARAMS, html_params, install_html_params

FIELDS = ["name", "company", "role", "city", "phones", "emails", "tags", "interests", "how_we_met", "cadence_days",
          "gift_budget", "gift_budget_currency", "goals", "relation", "day", "month", "year", "age", "notes", "kind",
          "label", "text", "due_on", "description", "recipient", "status", "occasion", "price", "currency", "link",
          "date", "outcome", "to", "note", "happened_at", "pulse", "give_ask", "uuid", "contact_ids", "new_contacts",
          "promise_text", "promise_due", "fact", "gift_idea", "days"]
values = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "29", "2", "1e9", "99999999999999999999",
                                                           "2026-02-30", "2026-12-01", "2026-12-01T10:00", "NaN",
                                                           "€", "\x00", " ", "1", "12", "EUR", "child", "visit",
                                                           "given", "planned", "https://x.example"]))
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=12)


def snapshot():
    tables = [t for t in db.get_tables() if not t.startswith(("sqlite_", "search_index")) and t != "audit_event"]
    return {t: json.dumps(db.execute_sql(f'SELECT * FROM "{t}" ORDER BY 1').fetchall(), default=str) for t in tables}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_form_input_never_errors_and_rejections_write_nothing(app, ada, data):
    if not hasattr(test_any_form_input_never_errors_and_rejections_write_nothing, "ids"):
        cid = add_contact(ada)
        add_family(ada, cid, name="Léa", day="3", month="12")
        ada.post(f"/people/{cid}/gifts", data={"description": "book", "recipient": ""})
        ada.post(f"/people/{cid}/gestures", data={"text": "Call", "due_on": "2026-12-03"})
        with app.app_context():
            ids = {"cid": cid, "mid": db.execute_sql("SELECT id FROM family_member").fetchone()[0],
                   "gift": db.execute_sql("SELECT id FROM gift").fetchone()[0],
                   "gesture": db.execute_sql("SELECT id FROM gesture").fetchone()[0]}
        test_any_form_input_never_errors_and_rejections_write_nothing.ids = (app, ids)
    ids = test_any_form_input_never_errors_and_rejections_write_nothing.ids[1]
    url = data.draw(st.sampled_from([
        "/people/new", f"/people/{ids['cid']}/card", f"/people/{ids['cid']}/world", f"/people/{ids['cid']}/family",
        f"/people/{ids['cid']}/family/{ids['mid']}", f"/people/{ids['cid']}/dates", f"/people/{ids['cid']}/promises",
        f"/people/{ids['cid']}/gifts", f"/people/{ids['cid']}/gestures", f"/gifts/{ids['gift']}/edit",
        f"/gifts/{ids['gift']}/status", f"/gestures/{ids['gesture']}/done", "/touches", f"/people/{ids['cid']}/snooze",
    ]))
    form = data.draw(forms)
    with app.app_context():
        before = snapshot()
    response = ada.post(url, data=form)
    assert response.status_code < 500, (url, form)
    if response.status_code in (400, 404, 422):
        with app.app_context():
            assert snapshot() == before, (url, form)


def test_numbers_too_big_for_the_database_are_rejected_not_errors(app, ada):
    """An id or number past SQLite's 64-bit integers answers 404 (ids) or a form's answer, never a server error."""
    cid = add_contact(ada)
    big = "9223372036854775808"  # 2 ** 63
    for url in ("/people/new", f"/people/{cid}/card", f"/people/{cid}/family", f"/people/{cid}/dates",
                f"/people/{cid}/gifts", f"/people/{cid}/gestures", f"/people/{cid}/promises", "/touches",
                f"/people/{cid}/snooze"):
        for value in (big, "-" + big, "99999999999999999999"):
            response = ada.post(url, data={field: value for field in FIELDS})
            assert response.status_code < 500, (url, value)
    for url in (f"/capture?contact={big}", f"/people/?page={big}", f"/people/{cid}/timeline?page={big}",
                f"/search?q=zoe&limit={big}", f"/gifts?year={big}"):
        assert ada.get(url).status_code == 200, url
    ids = [rule for rule in app.url_map.iter_rules() if "<" in rule.rule and "path:" not in rule.rule
           and "token" not in rule.rule and "job_id" not in rule.rule]
    assert len(ids) > 20
    for rule in ids:
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", big)
        for method in ("GET", "POST") if "POST" in rule.methods else ("GET",):
            if method in rule.methods:
                assert ada.client.open(url, method=method, headers={"X-CSRFToken": ada.token}).status_code == 404, url


attribute_values = st.one_of(st.booleans(), st.none(), st.integers(-5, 10 ** 6), st.text(max_size=30),
                             st.text(alphabet='<>&"\'x ', max_size=10).map(Markup))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "name", "value", "class_", "for_", "data_hx_target", "aria_label",
                                        "required", "maxlength", "placeholder", "type", "x__y_"]), attribute_values))
def test_fast_html_params_writes_what_wtforms_writes(attributes):
    """journal.formkit.html_params, which every widget uses, gives WTForms' own markup for any attributes."""
    assert html_params(**attributes) == WTFORMS_HTML_PARAMS(**attributes)
    assert type(html_params(**attributes)) is Markup


# What differs between two renderings of a form anyway: the CSRF token's signature and a new capture's uuid.
RANDOM_VALUES = re.compile(r'(name="csrf-token" content|name="(?:csrf_token|uuid)" type="hidden" value|name="form_key" value)="[^"]*"')


def test_widgets_render_with_the_fast_html_params(app, ada):
    """The capture page's and a brief's forms are the same markup with WTForms' own html_params."""
    import wtforms.widgets.core as core

    cid = add_contact(ada)
    pages = {}
    for variant in ("fast", "wtforms"):
        if variant == "wtforms":
            core.html_params = wtforms.widgets.html_params = WTFORMS_HTML_PARAMS
            core.Input.html_params = core.Button.html_params = staticmethod(WTFORMS_HTML_PARAMS)
        try:
            pages[variant] = [RANDOM_VALUES.sub("", ada.get(url).get_data(as_text=True))
                              for url in (f"/capture?contact={cid}", f"/people/{cid}", f"/people/{cid}?edit=card")]
        finally:
            install_html_params()
    assert core.Input.html_params is html_params
    assert pages["fast"] == pages["wtforms"]
    assert all(page.count("<input") > 2 for page in pages["fast"])
