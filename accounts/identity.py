"""Whose address is this? The identity checks of signing an assessment (issue 13, item 3).

- `normalised(email)`: how an address is compared: case-folded, and without a plus-alias
  ("anna+bt@example.se" reaches anna@example.se's mailbox, so it is hers).
- `addresses_of(user)`: every address the person is known by: their login address and the other
  addresses recorded for them (allauth's EmailAddress rows; intake records the address an
  application was made from).
- `known_supervisor(email)`: the active account behind an address that is a supervisor's: one
  holding a handledare or huvudhandledare role, or one in the supervisor register (a supervisor
  profile). A signature from any other address is kept but does not count as evidence until the
  huvudhandledare or a studierektor confirms the assessor.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorProfile, User

SUPERVISOR_ROLES = (Role.HANDLEDARE, Role.HUVUDHANDLEDARE)


def normalised(email: str) -> str:
    local, _at, domain = (email or "").strip().casefold().rpartition("@")
    if not _at:
        return (email or "").strip().casefold()
    return f"{local.split('+', 1)[0]}@{domain}"


def addresses_of(user) -> set[str]:
    from allauth.account.models import EmailAddress

    found = {normalised(user.email)} if user.email else set()
    found |= {normalised(e) for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return found


def is_own_address(user, email: str) -> bool:
    return normalised(email) in addresses_of(user)


def remember_address(user, email: str) -> None:
    """Record another address of the person (unverified; it is not a login)."""
    from allauth.account.models import EmailAddress

    email = (email or "").strip().lower()
    if not email or normalised(email) in addresses_of(user):
        return
    try:
        with transaction.atomic():
            EmailAddress.objects.create(user=user, email=email, verified=False, primary=False)
    except IntegrityError:  # the address is another person's login address: not theirs to claim
        pass


def known_supervisor(email: str) -> User | None:
    """The active supervisor account with exactly this address (plus-aliases do not count: the
    register knows the address it was given)."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    return user if user is not None and is_known_supervisor(user) else None


def is_known_supervisor(user) -> bool:
    """Whether the active account `user` is a supervisor: a supervisor's role today, or a supervisor's
    profile. The role assignments are those the permission checks read (read once per request)."""
    from accounts.permissions import active_assignments

    if any(a.role in SUPERVISOR_ROLES for a in active_assignments(user)):
        return True
    return SupervisorProfile.objects.filter(user=user).exists()


# ---------------------------------------------------------------------------
# A registered supervisor's personal signing PIN
# ---------------------------------------------------------------------------

PIN_LENGTHS = range(6, 9)


def set_signing_pin(profile: SupervisorProfile, pin: str) -> None:
    """Set (or replace) the supervisor's personal signing PIN, stored as a password hash."""
    from django.contrib.auth.hashers import make_password

    from core.errors import DomainError

    pin = (pin or "").strip()
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise DomainError(_("The signing PIN is 6 to 8 digits."))
    if len(set(pin)) == 1 or pin in "0123456789012345678" or pin in "9876543210987654321":
        raise DomainError(_("Choose a PIN that is not a series or one digit repeated."))
    profile.signing_pin = make_password(pin)
    profile.save(update_fields=["signing_pin"])


def check_signing_pin(email: str, pin: str) -> User | None:
    """The known supervisor with this address whose personal signing PIN this is, or None."""
    from django.contrib.auth.hashers import check_password

    user = known_supervisor(email)
    profile = SupervisorProfile.objects.filter(user=user).first() if user is not None else None
    if profile is None or not profile.signing_pin or not pin:
        return None
    return user if check_password(pin.strip(), profile.signing_pin) else None
