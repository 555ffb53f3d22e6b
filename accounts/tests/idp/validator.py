"""The test provider's claims: per username from IDP_CONFIG_FILE ({"people": {...}, "redirect_uris": [...]})."""

import json
import os
import time
from pathlib import Path

from oauth2_provider.oauth2_validators import OAuth2Validator

#: Keys of a person's entry that steer the provider rather than being claims.
CONTROL_KEYS = {"expired"}


def config() -> dict:
    return json.loads(Path(os.environ["IDP_CONFIG_FILE"]).read_text(encoding="utf-8"))


def person(username: str) -> dict:
    return config()["people"].get(username, {})


class Validator(OAuth2Validator):
    # Every claim goes out whatever the scope (a real provider releases what the client is registered for).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return {k: v for k, v in person(request.user.username).items() if k not in CONTROL_KEYS}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if person(request.user.username).get("expired"):
            claims["exp"] = int(time.time()) - 3600  # an ID token that expired an hour ago
        return claims, expiration

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # The relying party's address depends on the test (test client or live server): read it from the file.
        return redirect_uri in config()["redirect_uris"]
