"""Settings for the tests (pytest.ini): natverk/settings.py with what tests need changed.

Processes the tests start (gunicorn, manage.py) run natverk/settings.py itself, with
environment variables of their own (tests/appservers.py).
"""

import os

# natverk/settings.py refuses to start without a key when DEBUG is off; in the environment,
# so that tests that run settings.py again (runpy) find it too.
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")

from natverk.settings import *  # noqa: E402, F403
from natverk.settings import STORAGES  # noqa: E402

# The test client and live_server speak plain http to 127.0.0.1 or localhost.
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# No collectstatic: static files from the source folders, unhashed (live_server cannot
# serve hashed names).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A page cached in one test must not answer in the next (tests/test_cache.py turns it on).
ANON_CACHE_SECONDS = 0
