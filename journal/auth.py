"""Accounts: sign up, log in, log out, change password, time zone; flask-login wiring."""
import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from . import clock, passwords
from .audit import audit
from .extensions import htmx, limiter, login_manager
from .models import PushSubscription, User, UserSession
from .web import from_outbox, render, safe_next

bp = Blueprint("auth", __name__)


def _policy(form, field):
    """WTForms validator: the password policy (length, not a common password)."""
    message = passwords.problem(field.data or "")
    if message:
        raise ValidationError(message)


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Remember me on this device")
    time_zone = HiddenField()  # the browser's zone, filled by static/js/forms.js; ignored when not a zone


class SignupForm(FlaskForm):
    """Create an account."""

    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email."), Email("Enter a valid email address."), Length(max=254)],
    )
    password = PasswordField("Password", validators=[DataRequired("Choose a password."), _policy])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    time_zone = HiddenField()  # the browser's zone, filled by static/js/forms.js; UTC when not a zone

    def validate_email(self, field):
        """Refuse an email that already has an account."""
        if field.data and User.by_email(field.data):
            raise ValidationError("An account with this email already exists. Log in instead.")


class PasswordForm(FlaskForm):
    """Change the password of the signed-in user."""

    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    password = PasswordField("New password", validators=[DataRequired("Choose a new password."), _policy])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired("Repeat the new password."), EqualTo("password", "The passwords do not match.")],
    )

    def validate_current(self, field):
        """Check the current password."""
        if field.data and not passwords.verify_password(current_user.password_hash, field.data):
            raise ValidationError("That is not your current password.")


@functools.cache
def zone_choices():
    """Every IANA zone for a select, grouped by area ("Europe": [("Europe/Berlin", "Berlin"), ...]); the rest last."""
    groups = {}
    for name in sorted(clock.zone_names()):
        area, _, place = name.partition("/")
        if place and area != "Etc":
            groups.setdefault(area, []).append((name, place.replace("_", " ").replace("/", " / ")))
        else:
            groups.setdefault("Other", []).append((name, name))
    groups["Other"] = groups.pop("Other", [])
    return groups


class TimeZoneForm(FlaskForm):
    """Choose the account's time zone by hand."""

    time_zone = SelectField("Time zone", validate_choice=False)

    def validate_time_zone(self, field):
        """Accept only an IANA zone name."""
        if not clock.valid_zone(field.data):
            raise ValidationError("Choose a time zone from the list.")


def _time_zone_form(form=None):
    """The account page's time zone form (`form`, or a fresh one showing the current zone), with its choices."""
    if form is None:
        form = TimeZoneForm(formdata=None, time_zone=current_user.time_zone)
    form.time_zone.choices = zone_choices()
    return form


class DeleteAccountForm(FlaskForm):
    """Deleting the account asks for the password again."""

    confirm_password = PasswordField("Your password", validators=[DataRequired("Enter your password to confirm.")])

    def validate_confirm_password(self, field):
        """Check the password."""
        if field.data and not passwords.verify_password(current_user.password_hash, field.data):
            raise ValidationError("That is not your password.")


@login_manager.user_loader
def load_user(login_id):
    """Load the user a session or remember cookie names."""
    return User.from_login_id(login_id)


def from_background():
    """True for the service worker's own fetch (static/sw.js keeps pages with it), not the user asking for a page."""
    return request.headers.get("X-Rapport-Background") == "1"


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, never set by an answer to the service worker's background fetch.

    That fetch carries the cookie it was sent with: its answer (a redirect to the login page re-saves the anonymous
    session) could land after a sign-up's and replace the new signed-in session, signing the user out.
    """

    def save_session(self, app, session, response):
        """Save the session as Flask does, except for a background fetch."""
        if not from_background():
            super().save_session(app, session, response)


@login_manager.unauthorized_handler
def unauthorized():
    """Send anonymous visitors to the login page; htmx requests get HX-Redirect, not a 302."""
    if from_outbox():
        # The offline outbox keeps its notes and asks the user to log in (static/js/outbox.js).
        return jsonify(error="login required", login=url_for("auth.login")), 401
    if htmx:
        # Redirect the whole page back to where the user was, not to the fragment's URL.
        current = htmx.current_url or ""
        parts = urlsplit(current)
        back = parts.path + (f"?{parts.query}" if parts.query else "") if current else None
        target = url_for("auth.login", next=safe_next(back, None))
        return "", 401, {"HX-Redirect": target}
    if not from_background():
        # The service worker's background fetch (static/sw.js) is not the user asking for a page: a message
        # left for it would greet the user on the first page after logging in.
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"), None)))


def _account_key():
    """Rate-limit key for one account, whatever address the attempts come from."""
    return "account:" + (request.form.get("email") or "").strip().lower()


# Per address: 10 attempts a minute, 50 an hour. Per account: 5 failed attempts a minute.
ADDRESS_LIMIT = "10 per minute;50 per hour"
ACCOUNT_LIMIT = "5 per minute"


def _give_back_account_attempt():
    """A successful login gives its attempt back: only failed attempts count against the account.

    Every attempt is counted before its password is checked, not only after it failed (Flask-Limiter's
    deduct_when): workers checking at the same moment would all see room left and all go on.
    """
    key = _account_key()
    for limit in limiter.current_limits:
        if key in limit.request_args:
            limiter.limiter.hit(limit.limit, *limit.request_args, cost=-1)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("today.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = User.authenticate(form.email.data, form.password.data)
        if user is not None:
            _give_back_account_attempt()
            user.follow_browser_zone(form.time_zone.data)
            _sign_in(user, remember=form.remember.data)
            audit("login", user=user)
            return redirect(safe_next(request.args.get("next"), url_for("today.index")))
        audit("login failed", email=form.email.data.strip().lower(), user=User.by_email(form.email.data))
        form.password.errors.append("Wrong email or password.")
    if form.errors:
        status = 422
    return render("auth/login.html", form=form, status=status)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
def signup():
    """Show the sign-up form and create an account."""
    if current_user.is_authenticated:
        return redirect(url_for("today.index"))
    form = SignupForm()
    if form.validate_on_submit():
        browser_zone = form.time_zone.data
        user = User.register(form.email.data, form.password.data,
                             time_zone=browser_zone if clock.valid_zone(browser_zone) else clock.UTC)
        _sign_in(user)
        audit("signup", user=user)
        flash("Welcome to Rapport. Add the first person you want to remember well.", "success")
        return redirect(url_for("today.index"))
    return render("auth/signup.html", form=form, status=422 if form.errors else 200)


def _new_csrf_token():
    """Forget this browser's CSRF token, so the next form gets a new one: a token seen by one user is
    worthless in the next user's session (a shared phone)."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)  # generate_csrf keeps this request's signed token there


def _sign_in(user, remember=False):
    """Open a server-side session for this browser and put its token in the cookie."""
    login_user(user.start_session(request.user_agent.string), remember=remember)
    _new_csrf_token()


def _signed_out(message):
    """Forget this browser's login and clear what it kept: customer data must not stay on a shared phone."""
    logout_user()
    _new_csrf_token()
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    flash(message, "info")
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST only, CSRF-protected): this session ends on the server, and the browser is cleared."""
    if current_user.is_authenticated:
        audit("logout")
        # The phone's own subscription (static/js/logout.js sends it), whichever session made it; this session's
        # other subscriptions go with it (PushSubscription.session cascades).
        PushSubscription.remove_endpoint(current_user, request.form.get("push_endpoint", ""))
        UserSession.end(current_user.login_token)
    return _signed_out("You are logged out.")


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of this account, on every device (a lost phone, a shared computer)."""
    ended = UserSession.end_all(current_user)
    audit("logout everywhere", detail=f"{ended} sessions")
    return _signed_out(f"You are logged out everywhere ({ended} session{'s' if ended != 1 else ''} ended).")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Account page: change the password (the time zone and deletion post to their own routes)."""
    form = PasswordForm()
    if request.method == "POST" and "confirm_password" in request.form:
        form = PasswordForm(formdata=None)
    elif form.validate_on_submit():
        current_user.set_password(form.password.data)
        audit("password changed")
        flash("Password changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return render("auth/account.html", form=form, delete_form=DeleteAccountForm(formdata=None),
                  time_zone_form=_time_zone_form(), status=422 if form.errors else 200, **_sessions())


@bp.route("/account/time-zone", methods=["POST"])
@login_required
def time_zone():
    """Choose the time zone by hand: "today" follows it, and logins from elsewhere no longer change it."""
    form = _time_zone_form(TimeZoneForm())
    if not form.validate_on_submit():
        return render("auth/account.html", form=PasswordForm(formdata=None), delete_form=DeleteAccountForm(formdata=None),
                      time_zone_form=form, status=422, **_sessions())
    current_user.choose_time_zone(form.time_zone.data)
    flash(f"Time zone set to {form.time_zone.data}.", "success")
    return redirect(url_for("auth.account", _anchor="time-zone"))


def _sessions():
    """The account page's list of signed-in browsers, this one marked."""
    current = UserSession.digest(current_user.login_token)
    sessions = sorted(UserSession.of_user(current_user), key=lambda s: s.token_hash != current)  # this one first
    return {"sessions": sessions, "current_session": current}


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    """Delete the account and everything in it, after the password is entered again."""
    delete_form = DeleteAccountForm()
    if not delete_form.validate():
        return render("auth/account.html", form=PasswordForm(formdata=None), delete_form=delete_form,
                      time_zone_form=_time_zone_form(), status=422, **_sessions())
    user = current_user._get_current_object()
    audit("account deleted")
    logout_user()
    _new_csrf_token()
    user.delete_everything()
    response = redirect(url_for("auth.signup"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    flash("Your account and everything in it have been deleted.", "info")
    return response
