from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import borsen.demo
import grants.demo
import meetings.demo
import members.demo
import networks.demo
import voices.demo
from networks.models import Post, WorkingGroup


class Command(BaseCommand):
    help = "Adds clearly marked demo content for local development (DEBUG only). Safe to run again."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: demo content must never reach production.")
        # Each app adds one line here: (what it makes, its create_demo function).
        steps = [
            ("networks: demo news and working groups", networks.demo.create_demo),
            ("members: demo actors and one login per role", members.demo.create_demo),
            ("meetings: a year of demo meetings per network", meetings.demo.create_demo),
            ("grants: a demo pot and applications in every status", grants.demo.create_demo),
            ("borsen: asks and offers in every network, one matching pair in Brynäs", borsen.demo.create_demo),
            ("voices: demo voices from the networks, one with a captioned video", voices.demo.create_demo),
        ]
        for label, create_demo in steps:
            create_demo()
            self.stdout.write(f"Demo content ready: {label}")
        self.stdout.write(
            f"Now {Post.objects.filter(is_demo=True).count()} demo news posts and "
            f"{WorkingGroup.objects.filter(name__contains='(demo)').count()} demo working groups."
        )
