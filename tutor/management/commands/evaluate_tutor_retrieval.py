from django.core.management.base import BaseCommand, CommandError

from tutor.evaluation import evaluate, questions_load


class Command(BaseCommand):
    help = (
        "Retrieval quality on a question set ({'questions': [{'q': ..., 'lesson': <lesson slug>}]}) "
        "against the active index: top-1 and top-3 rates, and the misses."
    )

    def add_arguments(self, parser):
        parser.add_argument("questions", metavar="FILE")
        parser.add_argument("--course", type=int, help="Search only this course.")
        parser.add_argument(
            "--min-top3", type=float, default=0.0, help="Exit non-zero below this top-3 rate."
        )

    def handle(self, *args, questions, course=None, min_top3=0.0, **options):
        try:
            items = questions_load(questions)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{questions}: not a question set ({exc})") from None
        result = evaluate(items, course_id=course, k=5)
        for question, expected, got in result.misses:
            self.stdout.write(f"miss: {question!r}: expected {expected}, got {got}")
        self.stdout.write(result.summary())
        if result.top3_rate < min_top3:
            raise CommandError(f"top-3 {result.top3_rate:.0%} is below {min_top3:.0%}")
