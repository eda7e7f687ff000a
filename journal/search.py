"""Search: one box to find a person before a call."""
from flask import Blueprint
from flask_login import login_required

from .web import render

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def index():
    """The search page."""
    return render("search/index.html")
