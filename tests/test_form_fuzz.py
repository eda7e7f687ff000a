"""Hypothesis fuzzing of the forms: any input answers without a server error, and rejected input
writes nothing."""
import json

from helpers import FORM_FIELDS, add_contact, add_family
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.db import db

values = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "29", "2", "1e9", "99999999999999999999",
                                                           "2026-02-30", "2026-12-01", "2026-12-01T10:00", "NaN",
                                                           "€", "\x00", " ", "1", "12", "EUR", "child", "visit",
                                                           "given", "planned", "https://x.example"]))
forms = st.dictionaries(st.sampled_from(FORM_FIELDS), values, max_size=12)


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
            response = ada.post(url, data={field: value for field in FORM_FIELDS})
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


