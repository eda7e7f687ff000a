"""Quick capture: the "+" screen for a note right after a visit."""
from flask import Blueprint
from flask_login import login_required

from .web import render

bp = Blueprint("capture", __name__)


@bp.route("/capture")
@login_required
def index():
    """The capture screen."""
    return render("capture/index.html")
