"""Run the test OpenID Connect provider: `python -m accounts.tests.idp.serve`.

Environment: IDP_DB (SQLite file), IDP_RSA_KEY_FILE, IDP_CONFIG_FILE, IDP_CLIENT_ID, IDP_CLIENT_SECRET.
Binds a free port on 127.0.0.1, migrates, registers BT-portalen as a client, prints `READY <port>` and serves
until terminated.
"""

import contextlib
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    server = Server(("127.0.0.1", 0), QuietHandler)
    port = server.server_port
    os.environ["IDP_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "accounts.tests.idp.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.update_or_create(
        client_id=os.environ["IDP_CLIENT_ID"],
        defaults={
            "name": "BT-portalen",
            "client_secret": os.environ["IDP_CLIENT_SECRET"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "algorithm": Application.RS256_ALGORITHM,
            "redirect_uris": "http://unused.invalid/",  # checked against IDP_CONFIG_FILE (validator.py)
            "skip_authorization": True,
        },
    )
    server.set_app(get_wsgi_application())
    print(f"READY {port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
