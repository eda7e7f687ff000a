"""peewee models, one module per feature. Every row belongs to one user; queries live here as model methods."""
from .accounts import AuditEvent, User, UserSession
from .base import BaseModel, folded_key, too_long, utcnow
from .findings import FINDING_KINDS, Finding
from .gestures import GESTURE_STATUSES, Gesture
from .gifts import GIFT_NEXT, GIFT_OCCASIONS, GIFT_STATUSES, SPENT, Gift
from .jobs import ImportRow, Job
from .owned import OwnedModel
from .people import DATE_KINDS, RELATED, RELATIONS, Contact, ContactMethod, ContactTag, FamilyMember, ImportantDate, Interest
from .promises import Promise
from .push import PushMessage, PushSettings, PushSubscription
from .rate_limits import RateLimit
from .submissions import FormSubmission
from .today import (due_for_touch, due_promises, needing_attention, planned_gestures_count, planned_gestures_due, uncovered_dates,
                    upcoming_dates)
from .touches import GIVE_ASK, PULSES, TOUCH_KINDS, Touch, TouchContact
from .visits import PlannedVisit

__all__ = [
    "AuditEvent", "BaseModel", "Contact", "ContactMethod", "ContactTag", "DATE_KINDS", "FamilyMember",
    "FINDING_KINDS", "Finding", "FormSubmission", "GESTURE_STATUSES", "GIFT_NEXT", "GIFT_OCCASIONS", "GIFT_STATUSES",
    "GIVE_ASK", "Gesture", "Gift", "ImportantDate", "ImportRow", "Interest", "Job", "OwnedModel", "PULSES",
    "PlannedVisit", "Promise", "PushMessage", "PushSettings", "PushSubscription", "RELATED",
    "RELATIONS", "RateLimit", "SPENT", "TOUCH_KINDS", "Touch", "TouchContact", "User", "UserSession", "due_for_touch",
    "due_promises", "folded_key", "needing_attention", "planned_gestures_due", "too_long", "uncovered_dates",
    "upcoming_dates", "utcnow",
]
