"""People: contacts, their families, interests, important dates and the pre-call brief."""
from flask import Blueprint
from flask_login import login_required

from .web import render

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.route("/")
@login_required
def index():
    """The alphabetical list of people."""
    return render("people/index.html")


@bp.route("/new")
@login_required
def new():
    """Add a person."""
    return render("people/index.html")
