"""Passwords (argon2id) and opaque bearer tokens (stored only as SHA-256).

Sign-in throttling lives in :mod:`webcare.server.services.login_throttle` (in the database).
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TOKEN_PREFIX = "wct_"  # noqa: S105 - a prefix, not a secret

# RFC 9106 "second recommended option": argon2id, t=3, m=64 MiB, p=4.
_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, type=Type.ID)
# Verified against when the user does not exist, so a miss costs as much as a hit.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-effort check; a missing hash (an account that cannot log in) never matches."""
    try:
        if stored_hash is None:
            _HASHER.verify(_DUMMY_HASH, password)
            return False
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def new_token() -> str:
    """A fresh opaque token: 256 random bits, with a prefix that secret scanners recognise."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the server stores instead of a token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
