"""Jinja filters and globals shared by all templates."""
from .dates import MONTHS_SHORT, format_day
from .extensions import htmx
from .text import fold


def initials(name):
    """Up to two initials for an avatar: "Zoë Martin" -> "ZM", "佐藤" -> "佐"."""
    words = [w for w in (name or "").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


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


def init_app(app):
    """Register the filters and globals."""
    app.jinja_env.filters.update(initials=initials, fold=fold, short_day=short_day, days_away=days_away,
                                 long_day=format_day, device=device)

    @app.context_processor
    def inject_htmx():
        """Expose the flask-htmx request object to templates."""
        return {"htmx": htmx}
