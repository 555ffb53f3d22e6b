from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: the BT office registers people; they then set a password by reset link."""

    def is_open_for_signup(self, request):
        return False
