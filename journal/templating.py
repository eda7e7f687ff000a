"""Jinja filters and globals shared by all templates."""
import calendar

from flask import g, url_for
from markupsafe import Markup

from .dates import MONTHS_SHORT, format_day
from .extensions import htmx
from .once import new_key
from .pwa import SCRIPTS, static_url
from .text import fold

def initials(name):
    """Up to two initials for an avatar: "Zoë Martin" -> "ZM", "佐藤" -> "佐"."""
    words = [w for w in (name or "").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def avatar(name):
    """The round badge with a person's initials (a function, not an include: it repeats in every row)."""
    return Markup('<span class="avatar" aria-hidden="true">{}</span>').format(initials(name))


def short_day(day, today=None):
    """'3 Dec', with the year when it is not this year's."""
    text = f"{day.day} {MONTHS_SHORT[day.month - 1]}"
    if today is not None and day.year != today.year:
        text += f" {day.year}"
    return text


def visit_day(visit, today=None):
    """A planned visit's day as the brief says it: 'Wed 15 Apr', with the time when set ('Wed 15 Apr, 10:00')."""
    text = f"{calendar.day_abbr[visit.on.weekday()]} {short_day(visit.on, today)}"
    return text + (f", {visit.at.strftime('%H:%M')}" if visit.at else "")


BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device(agent):
    """'Chrome on Android' from a User-Agent string, enough to tell one's own devices apart."""
    agent = agent or ""
    browser = next((name for key, name in BROWSERS if key in agent), "A browser")
    system = next((name for key, name in SYSTEMS if key in agent), "")
    return f"{browser} on {system}" if system else browser


def days_away(days):
    """'today', 'tomorrow', 'in 5 days'."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def icon(name, size=24):
    """An icon from the cached sprite file, not repeated inline; its markup is built once per sprite URL."""
    key = (static_url("icons/sprite.svg"), name, size)
    markup = _ICONS.get(key)
    if markup is None:
        markup = _ICONS[key] = Markup(
            '<svg class="icon icon-{0}" width="{1}" height="{1}" aria-hidden="true" focusable="false">'
            '<use href="{2}#{0}"></use></svg>'
        ).format(name, size, key[0])
    return markup


# Icons' markup by (sprite URL, name, size): a new sprite file has a new URL.
_ICONS = {}


def page_url(endpoint, **values):
    """Templates' url_for, remembered for the length of one request: a page repeats its navigation's, its icons'
    and its forms' URLs. Nothing outlives the request (some URLs carry a secret, such as the calendar feed's)."""
    memo = g.setdefault("page_urls", {})
    try:
        key = (endpoint, *sorted(values.items()))
        url = memo.get(key)
    except TypeError:  # a list among the values: built every time
        return url_for(endpoint, **values)
    if url is None:
        url = memo[key] = url_for(endpoint, **values)
    return url


def init_app(app):
    """Register the filters and globals."""
    app.jinja_env.filters.update(initials=initials, fold=fold, short_day=short_day, days_away=days_away,
                                 long_day=format_day, device=device, visit_day=visit_day)
    app.jinja_env.globals.update(avatar=avatar, icon=icon, url_for=page_url,
                                 new_form_key=new_key, page_scripts=SCRIPTS)

    @app.context_processor
    def inject_htmx():
        """Expose the flask-htmx request object to templates."""
        return {"htmx": htmx}
