"""The delmål are public knowledge for everyone logged in."""

from accounts.permissions import Permission

VIEW = Permission("goals.view", roles=None)
