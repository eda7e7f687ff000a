"""The audit log: logins, exports, imports, deletions; never note text, passwords or tokens."""
import io
import re

from helpers import PASSWORD, add_contact, capture, csrf_from

from journal.models import AuditEvent


def events(app):
    with app.app_context():
        return [(e.event, e.email, e.detail, e.ip, e.user_id) for e in AuditEvent.select().order_by(AuditEvent.id)]


def test_logins_exports_imports_and_deletions_are_recorded(app, ada, client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "ada@example.com", "password": "not the one", "csrf_token": token},
                environ_base={"REMOTE_ADDR": "203.0.113.7"})
    cid = add_contact(ada)
    capture(ada, [cid], note="Secret family news")
    ada.get("/export.xlsx?tag=VIP")
    ada.get("/backup.json")
    vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Jan Novak\nEND:VCARD\n"
    preview = ada.post("/import", data={"file": (io.BytesIO(vcard.encode()), "a.vcf")}, content_type="multipart/form-data")
    confirm = re.search(r'action="(/import/jobs/\d+/confirm)"', preview.get_data(as_text=True)).group(1)
    ada.post(confirm, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    ada.post(f"/people/{cid}/delete")
    log = events(app)
    kinds = [e[0] for e in log]
    assert kinds[:2] == ["login", "login failed"]  # the fixture's login, then the failed one
    assert log[1][1] == "ada@example.com" and log[1][3] == "203.0.113.7"
    assert ("export", "ada@example.com", "xlsx tag=VIP") == log[kinds.index("export")][:3]
    assert "json backup" in [e[2] for e in log if e[0] == "export"]
    assert ("vcard, 1 contacts", "198.51.100.4") in [(e[2], e[3]) for e in log if e[0] == "import"]
    assert "contact deleted" in kinds
    everything = repr(log)
    for secret in ("Secret family news", PASSWORD, "not the one"):
        assert secret not in everything


def test_deleting_the_account_keeps_events_but_not_who(app, ada):
    ada.post("/account/delete", data={"confirm_password": PASSWORD})
    log = events(app)
    assert log[-1][0] == "account deleted"
    assert all(e[1] == "" and e[4] is None for e in log)
