"""Web Push reminders (issue 20): subscribing a phone, the allow list, the digest and the visit brief delivered
encrypted and signed to a fake push service on loopback, sent once, retried, and the subscriptions that end."""
import datetime
import json

import pytest
from helpers import PASSWORD, Session, add_contact, add_family, csrf_from, text
from push_service import FakePushService, PhoneKeys, verify_vapid

from journal import push_delivery
from journal.models import (Contact, ImportantDate, PlannedVisit, Promise, PushMessage, PushSettings,
                            PushSubscription, User, UserSession)
from journal.models.base import utcnow

# 07:05 UTC on Wednesday 2 December 2026 is 08:05 in Berlin: just after the default digest time (08:00).
MORNING = "2026-12-02T07:05"
TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def service(app):
    """The fake push service, allowed by PUSH_ENDPOINT_ALLOW as a test or private push service would be."""
    with FakePushService() as fake:
        app.config["PUSH_ENDPOINT_ALLOW"] = fake.url + "/push/"
        yield fake


def in_berlin(app, session):
    """Put the session's user in Europe/Berlin."""
    with app.app_context():
        User.get_by_id(session.user.id).choose_time_zone("Europe/Berlin")


def subscribe(session, endpoint, phone=None):
    """POST a subscription as static/js/push.js does after pushManager.subscribe(); returns the response."""
    phone = phone or PhoneKeys()
    return session.post("/account/notifications/phones",
                        data={"endpoint": endpoint, "p256dh": phone.p256dh, "auth": phone.auth})


def send_due(runner, now=MORNING):
    """Run `flask push send-due --now`; returns its output."""
    result = runner.invoke(args=["push", "send-due", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def phones(app, user=None):
    """The stored subscriptions (of one user)."""
    with app.app_context():
        query = PushSubscription.select()
        if user is not None:
            query = query.where(PushSubscription.user == user.id)
        return list(query)


def promise_due(app, session, cid, text="send the brochure", due=TODAY):
    """An open promise to contact `cid`."""
    with app.app_context():
        Promise.create(user=session.user.id, contact=cid, text=text, due_on=due)


@pytest.mark.parametrize("endpoint", ["http://fcm.googleapis.com/fcm/send/abc", "https://evil.example/push/abc",
                                      "https://fcm.googleapis.com.evil.example/x", "https://user@fcm.googleapis.com/x",
                                      "https://fcm.googleapis.com:8443/x", "http://127.0.0.1:9/push/x", ""])
def test_an_endpoint_off_the_allow_list_is_refused(app, ada, service, endpoint):
    response = subscribe(ada, endpoint)
    assert response.status_code == 422
    assert "not one Rapport sends to" in text(response)
    assert phones(app) == []


def test_known_push_services_are_allowed(app):
    from journal.push_endpoints import allowed

    with app.test_request_context():
        for url in ("https://fcm.googleapis.com/fcm/send/x", "https://updates.push.services.mozilla.com/wpush/v2/x",
                    "https://web.push.apple.com/QGx", "https://wns2-par02p.notify.windows.com/w/?token=x"):
            assert allowed(url), url
        assert not allowed("https://notify.windows.com.evil.example/w")


def test_bad_keys_are_refused(app, ada, service):
    response = ada.post("/account/notifications/phones",
                        data={"endpoint": service.url + "/push/1", "p256dh": "abc", "auth": "!!"})
    assert response.status_code == 422
    assert phones(app) == []


def test_a_row_with_an_unlisted_endpoint_is_never_posted(app, ada, runner, service):
    in_berlin(app, ada)
    cid = add_contact(ada)
    promise_due(app, ada, cid)
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    app.config["PUSH_ENDPOINT_ALLOW"] = ""  # the allow list narrowed since: the send-time check refuses it
    assert "refused: 1" in send_due(runner)
    assert service.received == []


def test_digest_is_encrypted_signed_with_a_ttl_and_sent_once(app, ada, runner, service):
    in_berlin(app, ada)
    cid = add_contact(ada)
    promise_due(app, ada, cid)
    phone = PhoneKeys()
    assert subscribe(ada, service.url + "/push/ada-phone", phone).status_code == 302
    assert "sent: 1" in send_due(runner)
    assert "nothing due" in send_due(runner)  # the task ran twice: one message
    send_due(runner, "2026-12-02T07:10")
    assert len(service.received) == 1
    post = service.received[0]
    headers = {k.lower(): v for k, v in post["headers"].items()}
    assert post["path"] == "/push/ada-phone"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str((24 * 60 - (8 * 60 + 5)) * 60)  # until the end of Ada's day
    with app.app_context():
        verify_vapid(headers["authorization"], audience=service.url, subject=app.config["VAPID_SUBJECT"],
                     public_key=push_delivery.public_key())
    message = json.loads(phone.decrypt(post["body"]))
    assert message["web_push"] == 8030
    assert message["notification"]["title"] == "Today in Rapport"
    assert message["notification"]["body"] == "1 promise due"
    assert message["notification"]["navigate"] == "http://localhost/"
    assert message["notification"]["app_badge"] == "1" and message["app_badge"] == 1
    assert message["notification"]["tag"] == "digest:2026-12-02"
    assert len(post["body"]) < 1024
    assert "send the brochure" not in json.dumps(message)  # the digest counts, it does not quote
    with app.app_context():
        assert [(m.key, m.status) for m in PushMessage.select()] == [("digest:2026-12-02", "sent")]


def test_no_digest_on_a_day_with_nothing_due(app, ada, runner, service):
    in_berlin(app, ada)
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    assert "nothing due" in send_due(runner)
    assert service.received == []


def test_digest_at_the_time_the_user_picked(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    response = ada.post("/account/notifications/settings", data={"digest_at": "06:30", "visit_minutes": "60"})
    assert response.status_code == 302
    send_due(runner, "2026-12-02T05:25")  # 06:25 in Berlin
    assert service.received == []
    send_due(runner, "2026-12-02T05:30")
    assert len(service.received) == 1
    ada.post("/account/notifications/settings", data={"digest_at": "", "visit_minutes": "60"})
    send_due(runner, "2026-12-03T05:30")
    assert len(service.received) == 1  # no digest any more


def test_settings_refuse_bad_values_with_the_form_back(app, ada):
    response = ada.post("/account/notifications/settings", data={"digest_at": "25:99", "visit_minutes": "7"})
    assert response.status_code == 422
    page = text(response)
    assert 'value="25:99"' in page and "Not a valid" in page
    with app.app_context():
        assert PushSettings.select().count() == 0


def plan_visit(app, session, cid, at=datetime.time(10, 0), on=TODAY):
    """A planned visit with contact `cid`."""
    with app.app_context():
        return PlannedVisit.plan(Contact.get_by_id(cid), on, at).id


def test_visit_brief_an_hour_ahead_until_the_visit(app, ada, runner, service):
    in_berlin(app, ada)
    cid = add_contact(ada, name="Jan Kowalski")
    assert add_family(ada, cid, name="Léa", interests="violin").status_code == 200
    promise_due(app, ada, cid, text="the brochure", due=datetime.date(2026, 12, 4))  # a Friday
    plan_visit(app, ada, cid)
    phone = PhoneKeys()
    assert subscribe(ada, service.url + "/push/1", phone).status_code == 302
    ada.post("/account/notifications/settings", data={"digest_at": "", "visit_minutes": "60"})
    send_due(runner, "2026-12-02T07:55")  # 08:55 in Berlin: more than an hour before
    assert service.received == []
    send_due(runner, "2026-12-02T08:05")
    send_due(runner, "2026-12-02T08:10")
    assert len(service.received) == 1
    post = service.received[0]
    assert {k.lower(): v for k, v in post["headers"].items()}["ttl"] == str(55 * 60)  # until the visit
    message = json.loads(phone.decrypt(post["body"]))
    assert message["notification"]["title"] == "Visit at 10:00"
    assert message["notification"]["body"] == ("Jan Kowalski at 10:00 – ask about Léa (violin); "
                                               "you promised the brochure (due Fri)")
    assert message["notification"]["navigate"] == f"http://localhost/people/{cid}"


def test_names_only_leaves_the_notes_out(app, ada, runner, service):
    in_berlin(app, ada)
    cid = add_contact(ada, name="Jan Kowalski")
    promise_due(app, ada, cid, text="the brochure", due=datetime.date(2026, 12, 4))
    plan_visit(app, ada, cid)
    phone = PhoneKeys()
    assert subscribe(ada, service.url + "/push/1", phone).status_code == 302
    ada.post("/account/notifications/settings",
             data={"digest_at": "", "visit_minutes": "30", "names_only": "y"})
    send_due(runner, "2026-12-02T08:25")  # 09:25: not yet, 30 minutes ahead
    send_due(runner, "2026-12-02T08:35")
    assert json.loads(phone.decrypt(service.received[0]["body"]))["notification"]["body"] == "Jan Kowalski at 10:00"


def test_gone_subscription_is_removed(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    service.answers = [410]
    assert "gone: 1" in send_due(runner)
    assert phones(app) == []


def test_a_failed_send_is_retried_a_few_times(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    service.answers = [500, 503]
    assert "failed: 1" in send_due(runner)
    assert "nothing due" in send_due(runner, "2026-12-02T07:06")  # not before its time
    assert "failed: 1" in send_due(runner, "2026-12-02T07:10")
    assert "sent: 1" in send_due(runner, "2026-12-02T07:25")
    assert len(service.received) == 3
    assert len({r["body"] for r in service.received}) == 3  # each try encrypted afresh
    with app.app_context():
        assert [(m.status, m.attempts) for m in PushMessage.select()] == [("sent", 3)]
    assert len(phones(app)) == 1


def test_subscriptions_are_owned(app, ada, bob, service):
    assert subscribe(ada, service.url + "/push/ada").status_code == 302
    page = text(ada.get("/account/notifications"))
    assert "Remove" in page
    phone = phones(app)[0]
    assert bob.post(f"/account/notifications/phones/{phone.id}/remove").status_code == 404
    assert "Remove" not in text(bob.get("/account/notifications"))
    assert len(phones(app)) == 1
    assert ada.post(f"/account/notifications/phones/{phone.id}/remove").status_code == 302
    assert phones(app) == []


def test_remove_needs_the_csrf_token(app, ada, service):
    app.config["WTF_CSRF_ENABLED"] = True
    assert subscribe(ada, service.url + "/push/ada").status_code == 302
    phone = phones(app)[0]
    assert ada.client.post(f"/account/notifications/phones/{phone.id}/remove").status_code == 400
    assert len(phones(app)) == 1


def second_session(app, session):
    """The same user signed in again on another client: a second session, as after a new login on the phone."""
    other = app.test_client()
    page = text(other.get("/login"))
    response = other.post("/login", data={"email": session.user.email, "password": PASSWORD,
                                          "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return Session(other, session.user)


def test_logout_removes_this_phones_subscription(app, ada, service):
    # The subscription was made in the first session; logging out of the second (which the phone sends its
    # endpoint with) must still remove it, although the first session (the cascade's) goes on.
    assert subscribe(ada, service.url + "/push/ada").status_code == 302
    second = second_session(app, ada)
    response = second.post("/logout", data={"push_endpoint": service.url + "/push/ada"})
    assert response.status_code == 302
    assert ada.get("/account").status_code == 200  # the session that subscribed is still signed in
    assert phones(app) == []


def test_ended_sessions_take_their_subscriptions(app, login, service):
    ada = login("ada@example.com")
    other = app.test_client()  # Ada's second phone
    page = text(other.get("/login"))
    other.post("/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": csrf_from(page)})
    second = Session(other, ada.user)
    assert subscribe(ada, service.url + "/push/one").status_code == 302
    assert subscribe(second, service.url + "/push/two").status_code == 302
    # A password change on the second phone ends the first session, and its subscription.
    response = second.post("/account", data={"current": PASSWORD, "password": "another horse battery",
                                              "confirm": "another horse battery"})
    assert response.status_code == 302
    assert [p.endpoint for p in phones(app)] == [service.url + "/push/two"]
    # Log out everywhere ends the rest.
    assert second.post("/logout/everywhere").status_code == 302
    assert phones(app) == []


def test_an_expired_session_takes_its_subscription(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    with app.app_context():
        UserSession.update(last_seen_at=utcnow() - datetime.timedelta(days=UserSession.IDLE_DAYS + 1)).execute()
    assert "nothing due" in send_due(runner)
    assert service.received == [] and phones(app) == []


def test_deleting_the_account_removes_its_subscriptions(app, ada, service):
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    assert ada.post("/account/delete", data={"confirm_password": PASSWORD}).status_code == 302
    assert phones(app) == []


def test_the_periodic_task_sends_what_is_due(app, ada, service, monkeypatch):
    from journal import clock, tasks

    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    monkeypatch.setattr(clock, "utc_now", lambda: datetime.datetime(2026, 12, 2, 7, 5, tzinfo=datetime.timezone.utc))
    assert tasks.push_due.s().validate_datetime(datetime.datetime(2026, 12, 2, 7, 5))  # every five minutes
    with app.app_context():
        tasks.push_due.call_local()
        tasks.push_due.call_local()
    assert len(service.received) == 1


def test_the_page_lists_phones_and_offers_the_switch(app, ada, service):
    page = text(ada.get("/account/notifications"))
    assert "Enable on this phone" in page and "None yet." in page
    assert 'data-public-key="' in page
    assert "Notifications" in text(ada.get("/account"))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    assert "None yet." not in text(ada.get("/account/notifications"))


def test_names_only_digest_counts_the_dates(app, ada, runner, service):
    in_berlin(app, ada)
    cid = add_contact(ada, name="Jan Kowalski")
    assert add_family(ada, cid, name="Léa", day="3", month="12").status_code == 200  # her birthday tomorrow
    with app.app_context():
        ImportantDate.create(user=ada.user.id, contact=cid, kind="anniversary", label="Wedding", month=12, day=2)
    promise_due(app, ada, cid)
    phone = PhoneKeys()
    assert subscribe(ada, service.url + "/push/1", phone).status_code == 302
    ada.post("/account/notifications/settings", data={"digest_at": "08:00", "visit_minutes": "60", "names_only": "y"})
    assert "sent: 1" in send_due(runner)
    body = json.loads(phone.decrypt(service.received[0]["body"]))["notification"]["body"]
    assert body == "1 promise due, 2 important dates"


def test_a_browser_gets_the_reminders_of_the_last_user_who_subscribed_it(app, ada, bob, service):
    endpoint = service.url + "/push/shared-phone"
    assert subscribe(ada, endpoint).status_code == 302
    assert subscribe(bob, endpoint).status_code == 302
    assert phones(app, ada.user) == []
    assert [p.endpoint for p in phones(app, bob.user)] == [endpoint]


def test_one_users_error_does_not_stop_the_others(app, ada, bob, runner, service, monkeypatch):
    from journal import push_messages

    for session in (ada, bob):
        in_berlin(app, session)
        promise_due(app, session, add_contact(session))
    assert subscribe(ada, service.url + "/push/ada").status_code == 302
    assert subscribe(bob, service.url + "/push/bob").status_code == 302
    digest = push_messages.digest

    def broken_for_ada(user, *args, **kwargs):
        if user.id == ada.user.id:
            raise RuntimeError("a bad row")
        return digest(user, *args, **kwargs)

    monkeypatch.setattr(push_messages, "digest", broken_for_ada)
    assert "sent: 1" in send_due(runner)
    assert [r["path"] for r in service.received] == ["/push/bob"]


def test_a_send_abandoned_mid_way_is_retried_once_stale(app, ada, runner, service, monkeypatch):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    post = push_delivery.post

    def dies(*args, **kwargs):
        raise RuntimeError("the consumer died here")

    monkeypatch.setattr(push_delivery, "post", dies)
    send_due(runner)  # the row is claimed ("sending"), nothing is sent
    monkeypatch.setattr(push_delivery, "post", post)
    assert "nothing due" in send_due(runner, "2026-12-02T07:06")  # another run may still be sending it
    assert "sent: 1" in send_due(runner, "2026-12-02T07:11")
    assert len(service.received) == 1
    with app.app_context():
        assert [(m.status, m.attempts) for m in PushMessage.select()] == [("sent", 2)]


def test_visit_reminder_counts_real_time_across_a_dst_change(app, ada, runner, service):
    # Sunday 29 March 2026 in Berlin: 02:00 becomes 03:00. A 03:30 visit is 01:30 UTC; two hours before is 23:30 UTC.
    in_berlin(app, ada)
    plan_visit(app, ada, add_contact(ada, name="Jan Kowalski"), at=datetime.time(3, 30), on=datetime.date(2026, 3, 29))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    ada.post("/account/notifications/settings", data={"digest_at": "", "visit_minutes": "120"})
    assert "nothing due" in send_due(runner, "2026-03-28T23:25")
    assert "sent: 1" in send_due(runner, "2026-03-28T23:35")
    assert {k.lower(): v for k, v in service.received[0]["headers"].items()}["ttl"] == str(115 * 60)


def test_a_late_digest_window_runs_past_midnight(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    ada.post("/account/notifications/settings", data={"digest_at": "23:00", "visit_minutes": "60"})
    # The consumer was down at 23:00; at 00:30 in Berlin the window (until 01:00) is still open.
    assert "sent: 1" in send_due(runner, "2026-12-02T23:30")
    assert {k.lower(): v for k, v in service.received[0]["headers"].items()}["ttl"] == str(30 * 60)
    assert "nothing due" in send_due(runner, "2026-12-02T23:45")
    with app.app_context():
        assert [m.key for m in PushMessage.select()] == ["digest:2026-12-02"]


def test_a_phone_added_again_does_not_get_the_days_digest_twice(app, ada, runner, service):
    in_berlin(app, ada)
    promise_due(app, ada, add_contact(ada))
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    assert "sent: 1" in send_due(runner)
    phone = phones(app)[0]
    assert ada.post(f"/account/notifications/phones/{phone.id}/remove").status_code == 302
    assert subscribe(ada, service.url + "/push/1").status_code == 302
    assert "nothing due" in send_due(runner, "2026-12-02T07:10")
    assert len(service.received) == 1
