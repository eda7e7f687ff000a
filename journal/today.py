"""Today: the home screen."""
import datetime

from flask import Blueprint
from flask_login import login_required

from .dates import format_day
from .web import render

bp = Blueprint("today", __name__)


@bp.route("/")
@login_required
def index():
    """The home screen: what needs doing today."""
    return render("today/index.html", today_label=format_day(datetime.date.today()))
