"""A process that signs one assessment request with a supervisor's signing PIN through the service, at a
given moment (btportal/tests/test_bad_input.py races two of them on one SQLite file).

    python btportal/tests/sign_with_pin.py REQUEST_ID PIN GO_FILE

Says it is ready (a file ready-REQUEST_ID next to GO_FILE), waits until GO_FILE exists, then signs; while its transaction is open it lingers a moment (so that two
such processes overlap for sure); prints "signed" or the error, and exits 0 or 1.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btportal.settings")

import django

django.setup()

from django.test.utils import override_settings  # noqa: E402

# The test stored the PIN with the tests' fast hasher (btportal/settings.py, TESTING); this process is no test run.
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

from assessments import services  # noqa: E402
from assessments.models import AssessmentRequest  # noqa: E402

request_id, pin, go = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
request = AssessmentRequest.objects.get(pk=request_id)
check = services.check_signable


def lingering_check(req):
    """The service's own check, then a moment inside the signing transaction (it has read the request)."""
    check(req)
    time.sleep(0.5)


services.check_signable = lingering_check
(go.parent / f"ready-{request_id}").touch()  # started (a fresh Django process takes a while)
while not go.exists():
    time.sleep(0.01)
try:
    services.sign_request(request, data={"overall": 3}, pin=pin)
except Exception as error:
    print(f"{type(error).__name__}: {error}")
    sys.exit(1)
print("signed")
