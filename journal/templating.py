"""Jinja filters and globals shared by all templates."""
from flask import request, url_for
from markupsafe import Markup

from .dates import MONTHS_SHORT, format_day
from .extensions import htmx
from .pwa import static_url, static_version
from .text import fold

# A stand-in id, long enough never to occur by chance in a URL: id_url builds a URL once with it, then swaps in ids.
# A string argument holding its digits is built by url_for every time.
ID_MARK = 9876543210
ID_DIGITS = str(ID_MARK)[:8]


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
# Templates' URLs by (host, script root, endpoint, static file version, values). Emptied when it reaches
# URL_CACHE_SIZE, so that values people type (a tag in a link) cannot grow it without bound.
_URLS = {}
URL_CACHE_SIZE = 20000
# id_url's URLs with stand-in ids, by (script root, endpoint, the other values and the ids' names), emptied
# at URL_CACHE_SIZE like _URLS.
_ID_URLS = {}


def url_once(endpoint, **values):
    """Templates' url_for, kept for the process: a page builds dozens of URLs, most of them the same every time.

    URLs with integer arguments (ids, page numbers) go through id_url(), whose one URL with stand-in ids
    serves every id. A static file's URL carries its content hash (pwa.static_version), which is part of
    the key: a changed file gets its new URL at once.
    """
    if endpoint.startswith("."):  # relative to the blueprint of the request
        return url_for(endpoint, **values)
    if _ids_among(values):
        return id_url(endpoint, **values)
    version = static_version(values.get("filename", "")) if endpoint == "static" else None
    try:
        key = (request.host_url, request.script_root, endpoint, version, *sorted(values.items()))
        url = _URLS.get(key)
    except TypeError:  # a list among the values: built every time
        return url_for(endpoint, **values)
    if url is None:
        url = _URLS[key] = _keep(_URLS, url_for(endpoint, **values))
    return url


def _ids_among(values):
    """True when id_url can build these values: some are ids (ints >= 0), the rest strings or None."""
    found = False
    for value in values.values():
        kind = type(value)
        if kind is int:
            if value < 0:
                return False
            found = True
        elif not (value is None or (kind is str and ID_DIGITS not in value)):
            return False
    return found


def _keep(cache, value):
    """`value`, after emptying `cache` if it is full (keys can hold what people type, such as a tag)."""
    if len(cache) >= URL_CACHE_SIZE:
        cache.clear()
    return value


def id_url(endpoint, **values):
    """url_for for a link repeated in every row of a list, where only integer ids change.

    Building a URL costs about as much as rendering the row: the URL is built once per process (script
    root and other values) with stand-in ids, and each link only swaps its own ids in.
    """
    others = [(name, value) for name, value in values.items() if type(value) is not int]
    try:
        key = (request.script_root, endpoint, tuple(values), *others)
        entry = _ID_URLS.get(key)
    except TypeError:  # a list among the values
        return url_for(endpoint, **values)
    if entry is None:
        marks = {name: ID_MARK + n for n, name in enumerate(name for name, value in values.items() if type(value) is int)}
        template = url_for(endpoint, **{**values, **marks})
        entry = _ID_URLS[key] = _keep(_ID_URLS, ([(name, str(mark)) for name, mark in marks.items()], template))
    marks, url = entry
    for name, mark in marks:
        url = url.replace(mark, str(int(values[name])))
    return url


def init_app(app):
    """Register the filters and globals."""
    app.jinja_env.filters.update(initials=initials, fold=fold, short_day=short_day, days_away=days_away,
                                 long_day=format_day, device=device)
    from .once import new_key
    from .pwa import SCRIPTS

    app.jinja_env.globals.update(avatar=avatar, icon=icon, id_url=id_url, url_for=url_once,
                                 new_form_key=new_key, page_scripts=SCRIPTS)

    @app.context_processor
    def inject_htmx():
        """Expose the flask-htmx request object to templates."""
        return {"htmx": htmx}
