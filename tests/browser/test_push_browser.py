"""Web Push on a phone (issue 20): "Enable on this phone" through the page, a push delivered to the real service
worker (CDP ServiceWorker.deliverPushMessage), its notification, and a tap that sends the open window to the brief.

Headless Chromium cannot subscribe to a real push service, so the page's pushManager is stubbed to answer with the
fake push service's endpoint and a key pair the test holds; the server's encrypted POST is decrypted with it (as the
phone's browser would) and handed to the worker.
"""
import datetime
import json
import re

from playwright.sync_api import expect
from push_service import FakePushService, PhoneKeys  # tests/push_service.py

from journal import push_delivery
from journal.models import Contact, PlannedVisit, PushSubscription, User

from .helpers import PASSWORD, seed_contact, sign_up, wait_for_controller, wait_for_js, wait_until_ready

# Before the page's scripts: pushManager answers with the fake subscription (kept across this tab's pages, as a
# browser keeps its subscription), and remembers the key the page passed.
STUB = """
(() => {
  const fake = %s;
  const held = () => sessionStorage.getItem("fake-push") === "1";
  const key = () => new Uint8Array((sessionStorage.getItem("fake-push-key") || "").split(",").map(Number)).buffer;
  const made = () => ({
    endpoint: fake.endpoint,
    options: { userVisibleOnly: true, applicationServerKey: key() },
    toJSON: () => fake,
    unsubscribe: () => {
      sessionStorage.removeItem("fake-push");
      sessionStorage.setItem("fake-push-unsubscribed", "1");
      return Promise.resolve(true);
    },
  });
  PushManager.prototype.subscribe = function (options) {
    sessionStorage.setItem("fake-push", "1");
    sessionStorage.setItem("fake-push-key", String(Array.from(new Uint8Array(options.applicationServerKey))));
    sessionStorage.setItem("fake-push-key-bytes", String(new Uint8Array(options.applicationServerKey).length));
    return Promise.resolve(made());
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(held() ? made() : null); };
})();
"""


def registration_id(context, page, origin):
    """The service worker registration id of `origin`, from CDP's ServiceWorker.enable events."""
    cdp = context.new_cdp_session(page)
    found = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: found.extend(r["registrationId"] for r in event["registrations"]
                                      if r["scopeURL"].startswith(origin) and not r.get("isDeleted")))
    cdp.send("ServiceWorker.enable")
    wait_for_js(page, "() => true", what="a page call, so that CDP events arrive")
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=30)
    while not found:
        assert datetime.datetime.now() < deadline, "no service worker registration reported by CDP"
        page.wait_for_timeout(100)  # Playwright delivers CDP events only while one of its calls runs
    return cdp, found[-1]


def test_enable_then_a_visit_reminder_shows_and_its_tap_opens_the_brief(page, context, live_server, app, new_email):
    with FakePushService() as service:
        app.config["PUSH_ENDPOINT_ALLOW"] = service.url + "/push/"
        phone = PhoneKeys()
        endpoint = service.url + "/push/chromium"
        context.grant_permissions(["notifications"], origin=live_server.url)
        fake = {"endpoint": endpoint, "keys": {"p256dh": phone.p256dh, "auth": phone.auth}}
        page.add_init_script(STUB % json.dumps(fake))
        sign_up(page, new_email)
        contact_id = seed_contact(app, new_email, name="Jan Kowalski")

        page.goto("/account")
        page.get_by_role("link", name="Notifications").tap()
        wait_until_ready(page)
        wait_for_controller(page)
        # The browser still holds a subscription made with an old VAPID key: it is ended and made again.
        page.evaluate("sessionStorage.setItem('fake-push', '1'); sessionStorage.setItem('fake-push-key', '4,1,2,3')")
        page.get_by_role("button", name="Enable on this phone").tap()
        expect(page.get_by_text("Notifications are on for this phone.")).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('fake-push-unsubscribed')") == "1"
        assert page.evaluate("sessionStorage.getItem('fake-push-key-bytes')") == "65"  # the VAPID public key
        with app.app_context():
            user = User.by_email(new_email)
            assert [p.endpoint for p in PushSubscription.of_user(user)] == [endpoint]
            user.choose_time_zone("UTC")
            PlannedVisit.plan(Contact.get_by_id(contact_id), datetime.date(2026, 12, 2), datetime.time(11, 0))
            # 10:30 UTC: half an hour before the visit, and the digest's window (08:00-10:00) is over.
            moment = datetime.datetime(2026, 12, 2, 10, 30, tzinfo=datetime.timezone.utc)
            assert push_delivery.send_due(moment) == {"sent": 1}
        plaintext = phone.decrypt(service.received[0]["body"]).decode()

        cdp, registration = registration_id(context, page, live_server.url)
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server.url + "/", "registrationId": registration, "data": plaintext})
        shown = wait_for_js(page, """() => navigator.serviceWorker.ready.then(r => r.getNotifications())
            .then(ns => ns.map(n => ({title: n.title, body: n.body, navigate: n.data && n.data.navigate})))
            .then(list => list.length ? list : null)""", what="the notification")
        assert shown == [{"title": "Visit at 11:00", "body": "Jan Kowalski at 11:00",
                          "navigate": f"{live_server.url}/people/{contact_id}"}]

        # A test cannot tap a notification: the worker runs what its notificationclick handler runs, with this
        # window (Notifications) open.
        worker = context.service_workers[0]
        worker.evaluate("self.registration.getNotifications()"
                        ".then(ns => { ns[0].close(); return openNotification(ns[0]); })")
        expect(page).to_have_url(f"{live_server.url}/people/{contact_id}")
        expect(page.get_by_role("heading", name="Jan Kowalski", exact=True)).to_be_visible()

        # A link to another origin, however it is spelled, opens Today instead.
        worker.evaluate("openNotification({data: {navigate: 'https://x//evil.example/p'}})")
        expect(page).to_have_url(f"{live_server.url}/")

        # Logging out on this phone ends its subscription, on the server and in the browser, and closes the
        # notifications that name customers.
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server.url + "/", "registrationId": registration, "data": plaintext})
        wait_for_js(page, "() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length)",
                    what="the notification shown again")
        closed = []
        page.expose_binding("notificationClosed", lambda source, title: closed.append(title))
        page.add_init_script("""Notification.prototype.close = (function (close) {
          return function () { window.notificationClosed(this.title); return close.call(this); };
        })(Notification.prototype.close);""")
        page.goto("/account")
        page.get_by_role("button", name="Log out", exact=True).tap()
        expect(page).to_have_url(re.compile(r"/login"))
        with app.app_context():
            assert PushSubscription.select().count() == 0
        assert page.evaluate("sessionStorage.getItem('fake-push')") is None
        assert closed == ["Visit at 11:00"]


def test_an_iphone_not_installed_is_told_to_add_to_home_screen(browser, playwright, live_server, new_email):
    context = browser.new_context(**playwright.devices["iPhone 13"], base_url=live_server.url)
    try:
        page = context.new_page()
        sign_up(page, new_email, PASSWORD)
        page.goto("/account/notifications")
        wait_until_ready(page)
        page.get_by_role("button", name="Enable on this phone").tap()
        expect(page.get_by_role("status")).to_contain_text("Add to Home Screen")
    finally:
        context.close()
