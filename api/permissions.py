"""Who may use the API's pages and the portable record.

The API's endpoints use the permissions of the apps they read (`trainees.permissions.VIEW_TRAINEE`,
`assessments.permissions.VIEW_ASSESSMENT`, …): the same roles and scopes as the pages. A token
only narrows that further by its scopes (`api.auth`).
"""

from django.db.models import QuerySet

from accounts.models import Role
from accounts.permissions import Permission, is_authenticated
from api.models import ApiToken
from certificates.permissions import kansli_regions


def own_tokens(user) -> QuerySet:
    return ApiToken.objects.filter(user=user) if is_authenticated(user) else ApiToken.objects.none()


#: A person's own API tokens (the object is the ApiToken).
TOKENS = Permission("api.tokens", roles=None, scope=own_tokens)
#: Importing a portable record into a region: its BT office (the object is the Region).
IMPORT_RECORD = Permission("api.import_record", roles={Role.KANSLI, Role.ADMIN}, scope=kansli_regions)
#: The mark on the URL of an API endpoint: the endpoint authenticates (session or token) and checks
#: its own permission and token scope; `api.main` records both for each operation.
ENDPOINT = Permission("api.endpoint", roles=None)
