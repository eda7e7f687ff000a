"""Where pushes may go: the well-known push services over https, and the prefixes PUSH_ENDPOINT_ALLOW adds.

pywebpush posts to any URL it is given (http:// included), so the app checks every endpoint twice: when a phone
subscribes (anything else is refused) and again before each send (a row written some other way is never posted to).
"""
from urllib.parse import urlsplit

from flask import current_app

# Google's FCM (Chrome, Edge on Android), Mozilla's autopush (Firefox), Apple's web push (Safari, iOS 16.4+).
KNOWN_HOSTS = frozenset({"fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com"})
KNOWN_SUFFIXES = (".notify.windows.com",)  # Microsoft's WNS: one host per region (wns2-par02p.notify.windows.com)
MAX_LENGTH = 1000


def extra_prefixes():
    """The URL prefixes PUSH_ENDPOINT_ALLOW adds (comma-separated), as a tuple."""
    setting = current_app.config.get("PUSH_ENDPOINT_ALLOW") or ""
    if isinstance(setting, str):
        setting = setting.split(",")
    return tuple(prefix.strip() for prefix in setting if prefix.strip())


def _under(url, prefix):
    """True when `url` starts with `prefix` at a boundary ("https://a.example" does not allow "https://a.example.evil")."""
    if not url.startswith(prefix):
        return False
    return prefix.endswith("/") or len(url) == len(prefix) or url[len(prefix)] in "/?"


def allowed(endpoint):
    """True when a push may be posted to `endpoint`: https to a known push service, or under an allowed prefix."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_LENGTH:
        return False
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or any(c.isspace() for c in endpoint):
        return False
    if any(_under(endpoint, prefix) for prefix in extra_prefixes()):
        return True
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or port not in (None, 443):
        return False
    return host in KNOWN_HOSTS or any(host.endswith(suffix) and len(host) > len(suffix) for suffix in KNOWN_SUFFIXES)
