from django.core.management.base import BaseCommand

from networks.seed import NETWORKS, seed_networks


class Command(BaseCommand):
    help = "Creates the four neighbourhood networks, unless they exist. Safe to run again."

    def handle(self, *args, **options) -> None:
        created = seed_networks()
        self.stdout.write(f"Networks: {created} created, {len(NETWORKS) - created} already there.")
