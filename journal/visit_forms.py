"""The form that plans a visit from the brief."""
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from . import clock
from .formkit import strip
from .models.visits import NOTE_LENGTH


class VisitForm(FlaskForm):
    """A visit planned with a contact: a day (today or later), an optional time, an optional note."""

    visit_on = DateField("Day", validators=[DataRequired("Which day is the visit?")])
    visit_at = TimeField("Time (optional)", validators=[Optional()])
    visit_note = StringField("About (optional)", filters=[strip], validators=[Length(max=NOTE_LENGTH)])

    def validate_visit_on(self, field):
        """Today or later: a visit already past is captured as a touch, not planned."""
        if field.data < clock.today():
            raise ValidationError("That day has passed: plan the visit for today or later.")
