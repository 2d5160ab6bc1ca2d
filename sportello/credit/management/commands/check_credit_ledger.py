from django.core.management.base import BaseCommand, CommandError

from sportello.credit.queries import ledger_problems


class Command(BaseCommand):
    help = "Check that every prepaid-credit account equals the sum of its movements."

    def handle(self, *args, **options):
        problems = ledger_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the credit ledger")
        self.stdout.write("Credit ledger OK")
