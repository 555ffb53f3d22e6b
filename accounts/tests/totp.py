"""The current code of a TOTP secret, as an authenticator app shows it, for the tests that log in with one."""

import time

from allauth.mfa.totp.internal.auth import hotp_value

STEP = 30  # seconds a code lasts (RFC 6238; allauth's default period)
MARGIN = 3  # seconds a code must still have when read: the test posts it before its window ends


def current_code(secret: str) -> str:
    """The six-digit code of the present window. Waits for the next window when this one ends within
    MARGIN seconds: a code read at 29.9 s and checked at 30.1 s is refused (allauth accepts the present
    window only), which made the tests fail now and then on a busy machine."""
    left = STEP - time.time() % STEP
    if left < MARGIN:
        time.sleep(left + 0.05)
    return f"{hotp_value(secret, int(time.time()) // STEP):06d}"
