from django.core.management.base import BaseCommand

from courses.demo import demo_load
from evaluation.refresh import evaluation_refresh


class Command(BaseCommand):
    help = "Load the demo territory (Val-d'Oise): schools, teachers with a learning history, courses. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--teachers-per-school", type=int, default=5)
        parser.add_argument("--no-history", action="store_true", help="Create no learning history.")

    def handle(self, *args, teachers_per_school, no_history, **options):
        report = demo_load(teachers_per_school=teachers_per_school, with_history=not no_history)
        evaluation_refresh()  # the evaluation pages read derived tables: fill them now, not at night
        self.stdout.write(
            f"Demo territory: {report.schools} schools, {report.teachers} teachers, {report.courses} courses, "
            f"{report.statements_after - report.statements_before} new statements "
            f"({report.statements_after} in all)."
        )
        self.stdout.write("")
        self.stdout.write("Logins (http://127.0.0.1:8000/comptes/login/):")
        for role, email, password in report.logins:
            self.stdout.write(f"  {role:<16} {email:<32} {password}")
        self.stdout.write("")
