"""A real CAS 3.0 server for Guichet's sign-on tests: django-cas-server (PyPI, installed by
.ci/run) on Django's threaded development server, on 127.0.0.1 and an ephemeral port.

Started by crates/testkit/src/cas.rs: a temporary SQLite database, the users given as JSON
(username, password, email, first_name, last_name), one service pattern accepting Guichet's
`/sso/cas/` URLs on loopback with single logout and the attributes uid, mail, givenName,
sn. Prints the port once it listens; stops when stdin closes.
"""

import argparse
import json
import os
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="a directory for the database")
parser.add_argument("--users", required=True, help="JSON list of users")
args = parser.parse_args()

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    SECRET_KEY="guichet-test-cas-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "cas_server",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.locale.LocaleMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(args.data, "cas.sqlite3"),
        }
    },
    STATIC_URL="/static/",
    USE_TZ=True,
    CAS_AUTH_CLASS="cas_server.auth.DjangoAuthUser",
    CAS_NEW_VERSION_HTML_WARNING=False,
    CAS_NEW_VERSION_EMAIL_WARNING=False,
    CAS_SHOW_POWERED=False,
    CAS_SLO_TIMEOUT=5,
)
django.setup()

from django.urls import include, path  # noqa: E402

urlpatterns = [path("cas/", include("cas_server.urls", namespace="cas_server"))]

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

from cas_server import models  # noqa: E402

for u in json.loads(args.users):
    User.objects.create_user(
        u["username"],
        email=u.get("email", ""),
        password=u["password"],
        first_name=u.get("first_name", ""),
        last_name=u.get("last_name", ""),
    )

pattern = models.ServicePattern.objects.create(
    pos=100,
    name="guichet",
    pattern=r"^http://127\.0\.0\.1:[0-9]+/sso/cas/.*$",
    single_log_out=True,
)
for name, replace in [
    ("username", "uid"),
    ("email", "mail"),
    ("first_name", "givenName"),
    ("last_name", "sn"),
]:
    models.ReplaceAttributName.objects.create(
        name=name, replace=replace, service_pattern=pattern
    )


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *a):
        pass


httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
httpd.set_app(get_wsgi_application())
threading.Thread(target=httpd.serve_forever, daemon=True).start()
print(httpd.server_port, flush=True)
sys.stdin.read()
httpd.shutdown()
