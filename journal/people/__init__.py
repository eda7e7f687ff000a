"""People: contacts, their families, interests, important dates and the pre-call brief."""
from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from . import views  # noqa: E402,F401  (registers the routes on bp)
