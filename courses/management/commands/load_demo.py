import time

from django.core.management.base import BaseCommand

from courses.demo import SIZES, demo_load
from evaluation.refresh import evaluation_refresh


class Command(BaseCommand):
    help = (
        "Load the demo territory (académie de Versailles: Val-d'Oise and Yvelines): schools, teachers with "
        "18 months of learning history, courses, ambassadors. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="full")
        parser.add_argument("--small", action="store_const", const="small", dest="size", help="Same as --size small.")
        parser.add_argument("--no-history", action="store_true", help="Create no learning history.")

    def handle(self, *args, size, no_history, **options):
        started = time.monotonic()
        report = demo_load(size=size, with_history=not no_history)
        evaluation_refresh()  # the evaluation pages read derived tables: fill them now, not at night
        counts = report.counts
        self.stdout.write(
            f"Demo territory ({size}), loaded in {time.monotonic() - started:.0f} s: "
            f"{counts['schools_95']} schools in the Val-d'Oise and {counts['schools_78']} in the Yvelines, "
            f"{counts['teachers']} teachers, {counts['courses']} courses, {counts['enrolments']} enrolments, "
            f"{report.statements_after - report.statements_before} new statements ({report.statements_after} in all), "
            f"{counts['level_changes']} level changes over {counts['months_with_level_changes']} months, "
            f"ambassador proposals: {counts['proposals_pending']} pending, {counts['proposals_confirmed']} "
            f"confirmed, {counts['proposals_declined']} declined; {counts['badges']} badges; session places: "
            f"{counts['session_places_past']} past, {counts['session_places_future']} to come; questionnaires: "
            f"{counts['questionnaire_reactions']} reactions, follow-ups {counts['follow_ups_sent']} sent and "
            f"{counts['follow_ups_answered']} answered."
        )
        self.stdout.write("")
        self.stdout.write("Logins (http://127.0.0.1:8000/comptes/login/):")
        for role, email, password in report.logins:
            self.stdout.write(f"  {role:<24} {email:<38} {password}")
        self.stdout.write("")
