"""Password hashing (Argon2id via argon2-cffi) and the password policy."""
import gzip
import os
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 8
_STRONG = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
# Only where the app's config says PASSWORD_HASH_FOR_TESTS (the test suite, never read from the environment):
# Argon2id still, at the smallest cost, since the suite signs up and logs in hundreds of times.
_FOR_TESTS = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher():
    """The hasher for this app: argon2-cffi's defaults, or the test suite's cheap one."""
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FOR_TESTS"):
        return _FOR_TESTS
    return _STRONG


@lru_cache(maxsize=1)
def common_passwords():
    """The set of common passwords that are refused (Django's list, vendored in journal/data)."""
    path = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def problem(password):
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if password.strip().lower() in common_passwords():
        return "This password is too common. Choose one that is harder to guess."
    return None


def hash_password(password):
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """True when the password matches the hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with older parameters."""
    return _hasher().check_needs_rehash(password_hash)


def dummy_hash():
    """A hash to verify against when an account does not exist, so timing reveals nothing (made with the
    hasher in use, so it costs what a real account's check costs)."""
    return _dummy_hash(_hasher())


@lru_cache(maxsize=2)
def _dummy_hash(hasher):
    """One dummy hash per hasher."""
    return hasher.hash("not-a-real-password")
