"""Sending pushes: what is due for whom at a moment, one row per message (sent once), VAPID-signed POSTs, retries."""
import base64
import datetime
import itertools
import logging
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from . import clock, config, push_messages
from .models import PlannedVisit, PushMessage, PushSettings, PushSubscription
from .push_endpoints import allowed

log = logging.getLogger(__name__)

DIGEST_WINDOW = datetime.timedelta(hours=2)  # a digest not sent by then (the consumer was down) waits for tomorrow
TIMEOUT = 10  # seconds a push service may take to answer
_keys = {}


def vapid():
    """The app's VAPID key (config.vapid_private_key: PEM or raw base64url), read once per process."""
    text = config.vapid_private_key(current_app)
    if text not in _keys:
        _keys[text] = Vapid.from_pem(text.encode()) if "-----BEGIN" in text else Vapid.from_string(text)
    return _keys[text]


def public_key():
    """The VAPID public key as a page passes it to pushManager.subscribe (base64url of the uncompressed point)."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class _NoRedirects(requests.Session):
    """A session that never follows a redirect: a push service's 3xx must not carry the POST to another host."""

    def request(self, method, url, *args, **kwargs):
        """requests' request, with redirects off."""
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


def post(subscription, payload, ttl):
    """POST one encrypted message to the phone's push service: "sent", "gone" (404/410: the subscription is deleted),
    "refused" (an endpoint off the allow list: never posted to) or "failed" (try again later)."""
    if not allowed(subscription.endpoint):
        log.warning("push subscription %s: endpoint not allowed, not sent", subscription.id)
        return "refused"
    try:
        with _NoRedirects() as session:
            webpush(subscription.info, data=payload, vapid_private_key=vapid(), ttl=ttl, timeout=TIMEOUT,
                    vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]}, headers={"Urgency": "normal"},
                    requests_session=session)
        return "sent"
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            PushSubscription.delete().where(PushSubscription.id == subscription.id).execute()
            return "gone"
        log.warning("push subscription %s: the push service answered %s", subscription.id, status)
        return "failed"
    except (requests.RequestException, ValueError) as error:
        log.warning("push subscription %s: %s", subscription.id, type(error).__name__)
        return "failed"


def link(origin, endpoint, **values):
    """An absolute URL of the app as the phone knows it (`origin`, saved when it subscribed): no request is running
    here (the consumer, the command), so url_for has no host; this is the URL map url_for reads."""
    parts = urlsplit(origin or "http://localhost/")
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _utc(moment):
    """An aware moment in UTC (aware datetimes in one zone compare and subtract by wall clock: these must not)."""
    return moment.astimezone(datetime.timezone.utc)


def due_for(user, settings, moment):
    """The messages due for `user` at `moment` (aware), timed by the user's wall clock and measured in real time:
    [(key, title, body, (endpoint, values), until)], `until` aware."""
    zone = clock.zone(user)
    now = _utc(moment)
    today = moment.astimezone(zone).date()
    due = []
    if settings.digest_at is not None:
        for day in (today - datetime.timedelta(days=1), today):  # a late window runs past midnight
            start = _utc(push_messages.at(day, settings.digest_at, zone))
            if start <= now < start + DIGEST_WINDOW:
                body = push_messages.digest(user, day, settings.names_only)
                if body:
                    until = max(_utc(push_messages.end_of_day(day, zone)), start + DIGEST_WINDOW)
                    due.append((f"digest:{day.isoformat()}", "Today in Rapport", body, ("today.index", {}), until))
    if settings.visit_minutes:
        lead = datetime.timedelta(minutes=settings.visit_minutes)
        for day in (today, today + datetime.timedelta(days=1)):  # a visit just after midnight is due before it
            for visit in PlannedVisit.on_day(user, day):
                if visit.at is None:
                    continue
                start = _utc(push_messages.at(visit.on, visit.at, zone))
                if start - lead <= now < start:
                    body = push_messages.visit_body(visit, visit.contact.name, today, settings.names_only)
                    due.append((f"visit:{visit.id}:{visit.on:%Y%m%d}T{visit.at:%H%M}", f"Visit at {visit.at:%H:%M}",
                                body, ("people.brief", {"contact_id": visit.contact_id}), start))
    return due


def deliver(message, subscription, now):
    """Send a claimed message and record how it went; returns post()'s answer."""
    ttl = max(60, int((message.expires_at - now).total_seconds()))
    outcome = post(subscription, message.payload, ttl)
    message.outcome(outcome == "sent", now, final=outcome in ("refused", "gone"))
    return outcome


def _send_to_user(phones, settings, moment, now, counts):
    """Claim and send what is due for one user (`phones`: their live subscriptions), adding to `counts`."""
    user = phones[0].user
    due = due_for(user, settings, moment)
    badge = push_messages.badge_count(user, moment.astimezone(clock.zone(user)).date()) if due else None
    for key, title, body, (endpoint, values), until in due:
        expires = now + datetime.timedelta(seconds=push_messages.seconds_until(until, moment))
        for phone in phones:
            # A phone removed and added again (a new row) has had the day's digest already.
            if key.startswith("digest:") and PushMessage.sent_before(user.id, key, phone.created_at):
                continue
            payload = push_messages.payload(title, body, link(phone.origin, endpoint, **values), badge, key)
            message = PushMessage.claim(phone, key, payload, expires, now)
            if message is not None:
                _count(counts, _deliver_safely(message, phone, now))


def _deliver_safely(message, phone, now):
    """deliver(), with an unexpected error logged rather than raised (the row stays claimed: it is retried once
    its claim is stale); None then."""
    try:
        return deliver(message, phone, now)
    except Exception:
        log.exception("push message %s: sending failed", message.id)
        return None


def _count(counts, outcome):
    """Add one `outcome` to `counts` (None: an error, already logged)."""
    if outcome is not None:
        counts[outcome] = counts.get(outcome, 0) + 1


def send_due(moment):
    """Send everything due at `moment` (aware) to every phone, once: what was sent (or is being sent) by another run
    is skipped, failed or abandoned sends due another try are retried; one user's error does not stop the others'.
    Returns {outcome: count}."""
    moment = moment.replace(second=0, microsecond=0)
    now = _utc(moment).replace(tzinfo=None)
    PushSubscription.remove_expired()
    counts = {}
    subscriptions = list(PushSubscription.live())
    settings = PushSettings.of_users(sorted({s.user_id for s in subscriptions}))
    for user_id, phones in itertools.groupby(subscriptions, key=lambda s: s.user_id):
        try:
            _send_to_user(list(phones), settings[user_id], moment, now, counts)
        except Exception:
            log.exception("push: the reminders of user %s failed", user_id)
    for message in PushMessage.claim_retries(now):
        phone = PushSubscription.get_or_none(PushSubscription.id == message.subscription_id)
        if phone is not None:
            _count(counts, _deliver_safely(message, phone, now))
    PushMessage.remove_old(now)
    return counts
