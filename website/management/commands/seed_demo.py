from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

import borsen.demo
import dialog.demo
import digest.demo
import grants.demo
import meetings.demo
import members.demo
import networks.demo
import voices.demo
from networks.models import Post, WorkingGroup


def logins_banner() -> str:
    """The demo logins and their password, with where to log in: seed_demo's last lines.

    Links are built from SITE_URL, which `make run` sets from its HOST and PORT.
    """
    with translation.override(settings.LANGUAGE_CODE):
        login_url = settings.SITE_URL + reverse(settings.LOGIN_URL)
    lines = [
        f"Demo logins, all with the password {members.demo.DEMO_PASSWORD}",
        f"(log in at {login_url}; staff also at {settings.SITE_URL}/admin/):",
    ]
    lines += [f"  {email:36} {role}" for email, role in members.demo.demo_logins()]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Adds clearly marked demo content for local development (DEBUG only). Safe to run again."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: demo content must never reach production.")
        # Each app adds one line here: (what it makes, its create_demo function).
        steps = [
            ("networks: demo news, working groups and example area lists", networks.demo.create_demo),
            ("members: demo actors and one login per role", members.demo.create_demo),
            ("meetings: a year of demo meetings per network", meetings.demo.create_demo),
            ("grants: a demo pot and applications in every status", grants.demo.create_demo),
            ("borsen: asks and offers in every network, one matching pair in Brynäs", borsen.demo.create_demo),
            ("dialog: residents' questions in every state in every network", dialog.demo.create_demo),
            ("voices: demo voices from the networks, one with a captioned video", voices.demo.create_demo),
            ("digest: the demo representative gets Sätra's weekly digest", digest.demo.create_demo),
        ]
        for label, create_demo in steps:
            create_demo()
            self.stdout.write(f"Demo content ready: {label}")
        self.stdout.write(
            f"Now {Post.objects.filter(is_demo=True).count()} demo news posts and "
            f"{WorkingGroup.objects.filter(name__contains='(demo)').count()} demo working groups."
        )
        # Last, so that `make run` shows the logins right above its closing lines.
        self.stdout.write("")
        self.stdout.write(logins_banner())
