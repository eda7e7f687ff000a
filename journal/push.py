"""Account → Notifications: enable reminders on a phone, list and remove phones, choose when reminders come; and the
`flask push send-due` command the scheduler (journal/tasks.py) and operators use."""
import base64
import binascii
import datetime

import click
from flask import Blueprint, flash, redirect, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TimeField
from wtforms.validators import Optional, ValidationError

from . import clock, push_delivery
from .audit import audit
from .formkit import choices, strip
from .models import PushSettings, PushSubscription
from .push_endpoints import allowed
from .templating import device
from .web import get_owned_or_404, render

bp = Blueprint("push", __name__)

VISIT_CHOICES = choices([("0", "No reminder"), ("15", "15 minutes before"), ("30", "30 minutes before"),
                 ("60", "1 hour before"), ("120", "2 hours before")])


def _key_bytes(text, size):
    """`text` as base64url (padding optional), checked to decode to `size` bytes; ValidationError otherwise."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise ValidationError("This phone sent a subscription Rapport cannot use. Try again.")
    return raw


class SubscriptionForm(FlaskForm):
    """A phone's push subscription, filled in by static/js/push.js from pushManager.subscribe()."""

    endpoint = HiddenField(filters=[strip])
    p256dh = HiddenField(filters=[strip])
    auth = HiddenField(filters=[strip])

    def validate_endpoint(self, field):
        """Only the known push services over https (and PUSH_ENDPOINT_ALLOW): the server posts nowhere else."""
        if not allowed(field.data):
            raise ValidationError("This browser's push service is not one Rapport sends to, so it cannot get "
                                  "notifications. Try Chrome, Firefox, Edge or Safari.")

    def validate_p256dh(self, field):
        """The phone's public key: an uncompressed P-256 point (65 bytes)."""
        _key_bytes(field.data or "", 65)

    def validate_auth(self, field):
        """The phone's 16-byte authentication secret."""
        _key_bytes(field.data or "", 16)


class SettingsForm(FlaskForm):
    """When reminders come, and how much they say."""

    digest_at = TimeField("Morning digest at", validators=[Optional()],
                          render_kw={"step": 60})
    visit_minutes = SelectField("Before a planned visit", choices=VISIT_CHOICES)
    names_only = BooleanField("Names only: leave out what my notes say (promises, family, interests)")


class RemoveForm(FlaskForm):
    """Remove one phone (the CSRF token only)."""


def _settings_form(settings, form=None):
    """The settings form: `form` as posted, or one showing `settings`."""
    if form is not None:
        return form
    return SettingsForm(formdata=None, digest_at=settings.digest_at, visit_minutes=str(settings.visit_minutes),
                        names_only=settings.names_only)


def _page(status=200, subscription_form=None, settings_form=None):
    """The Notifications page, with the forms given (posted ones keep their values and errors)."""
    settings = PushSettings.of(current_user)
    return render("push/notifications.html", status=status, section="account",
                  subscription_form=subscription_form or SubscriptionForm(formdata=None),
                  settings_form=_settings_form(settings, settings_form), remove_form=RemoveForm(formdata=None),
                  phones=list(PushSubscription.of_user(current_user)), public_key=push_delivery.public_key())


@bp.route("/account/notifications")
@login_required
def notifications():
    """Account → Notifications: this phone's switch, the phones that get reminders, and when they come."""
    return _page()


@bp.route("/account/notifications/phones", methods=["POST"])
@login_required
def subscribe():
    """Store this phone's push subscription (sent by the page after the user allowed notifications)."""
    form = SubscriptionForm()
    if not form.validate_on_submit():
        return _page(422, subscription_form=form)
    stored = PushSubscription.subscribe(current_user, form.endpoint.data, form.p256dh.data, form.auth.data,
                                        label=_label(), origin=request.url_root)
    if stored is None:  # the session ended between the page and the tap
        return redirect(url_for("auth.login"))
    audit("push enabled")
    flash("Notifications are on for this phone.", "success")
    return redirect(url_for("push.notifications"))


def _label():
    """What the phone list calls this phone ("Chrome on Android")."""
    return device(request.user_agent.string)


@bp.route("/account/notifications/phones/<phone_id>/remove", methods=["POST"])
@login_required
def remove(phone_id):
    """Stop reminders to one phone (another user's phone answers 404)."""
    phone = get_owned_or_404(PushSubscription, phone_id)
    if RemoveForm().validate_on_submit():
        PushSubscription.delete().where(PushSubscription.id == phone.id).execute()
        audit("push removed")
        flash(f"{phone.label or 'The phone'} no longer gets notifications.", "info")
    return redirect(url_for("push.notifications"))


@bp.route("/account/notifications/settings", methods=["POST"])
@login_required
def settings():
    """Choose the digest's time (empty: none), the reminder before a visit, and names only."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(422, settings_form=form)
    PushSettings.of(current_user).change(form.digest_at.data, int(form.visit_minutes.data), form.names_only.data)
    flash("Notification settings saved.", "success")
    return redirect(url_for("push.notifications", _anchor="when"))


push_command = AppGroup("push", help="Web Push reminders.")


@push_command.command("send-due")
@click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM",
              help="The moment to send for, in UTC unless it carries an offset (default: now).")
def send_due_command(now_text):
    """Send the digests and visit reminders due at that moment, each once."""
    if now_text:
        try:
            moment = datetime.datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DDTHH:MM", param_hint="--now")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
    else:
        moment = clock.utc_now()
    counts = push_delivery.send_due(moment)
    click.echo(", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items())) or "nothing due")


def init_app(app):
    """Register the `push` command."""
    app.cli.add_command(push_command)
