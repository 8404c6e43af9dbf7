from django.core.management.base import BaseCommand

from friendlygov.feedback.services import publish_default_form


class Command(BaseCommand):
    help = "Publish the shipped default survey form (idempotent: an existing version is kept)."

    def handle(self, *args, verbosity=1, **options):
        form, created = publish_default_form()
        if verbosity:
            self.stdout.write(f"survey form {form}: {'published' if created else 'already there'}")
