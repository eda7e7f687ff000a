"""Audit log helpers for views: who, what, when, from which address."""
from flask import request
from flask_login import current_user

from .models import AuditEvent


def audit(event, detail="", user=None, email=""):
    """Record an event for the current (or given) user, with the request's address."""
    who = user if user is not None else (current_user if current_user.is_authenticated else None)
    if who is not None and hasattr(who, "_get_current_object"):
        who = who._get_current_object()
    AuditEvent.record(event, user=who, email=email, detail=detail, ip=request.remote_addr or "")
