"""Demo quizzes of the "Web basics" course and simulated attempts
(docs/assessments.md#demo).

`load` (a DEMO_LOADERS step, after the cms and coding loaders) imports the demo question
bank through the same GIFT and Moodle XML importer teachers use (questions.gift,
ordering.xml: one category per module, which becomes the questions' tag), then creates
one quiz per module with that module's questions (a mix of single and multiple choice,
true/false, numeric, short text and ordering) through part 1's `quiz_create`, and
sends them through the Course review workflow (the teacher submits, the admin
approves, as for the demo course itself). Idempotent: a module that already has a quiz is left
alone.

`simulate_attempts` (`manage.py load_demo --attempts N`) makes N simulated learners
take every demo quiz once, through part 1's services (start, save answers, submit), so
item analysis has data: each learner has an ability, each question a difficulty, and a
learner answers right with the logistic probability of the difference (otherwise a
wrong option, a near miss or nothing), from a fixed seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model

HERE = Path(__file__).resolve().parent
BANK_FILES = [(HERE / "questions.gift", "gift"), (HERE / "ordering.xml", "moodle_xml")]
TEACHER_EMAIL = "teacher@mrict.local"
ADMIN_EMAIL = "admin@mrict.local"
LEARNER_EMAIL = "demo-learner-{n}@mrict.local"


def _demo_course():
    from cms.models import CoursePage

    return (
        CoursePage.objects.live().filter(slug="web-basics").first()
        or CoursePage.objects.live().order_by("path").first()
    )


def load() -> list[str]:
    from cms.models import ModulePage
    from cms.services import moderation_approve, page_submit_for_review
    from learning.assessments.importing.service import question_bank_import
    from learning.assessments.models import Question, QuizPage
    from learning.assessments.services import quiz_create

    course = _demo_course()
    if course is None:
        return ["No course to put demo quizzes on (the cms loader did not run)."]
    User = get_user_model()
    teacher = User.objects.get(email__iexact=TEACHER_EMAIL)
    admin = User.objects.get(email__iexact=ADMIN_EMAIL)
    lines = []
    if not Question.objects.filter(course=course, source_key__startswith="gift:").exists():
        for path, fmt in BANK_FILES:
            report = question_bank_import(user=teacher, course=course, data=path.read_bytes(), format=fmt)
            refused = [r for r in report.rows if r.status == "invalid"]
            if refused or report.bank.skipped:
                raise RuntimeError(
                    f"The demo bank {path.name} did not import cleanly: {refused or report.bank.skipped}"
                )
            lines.append(f"{len(report.rows)} demo questions imported from {path.name}.")
    made = []
    for module in ModulePage.objects.child_of(course).order_by("path"):
        if QuizPage.objects.child_of(module).exists():
            continue
        questions = list(
            Question.objects.filter(course=course, source_key__contains=f":Web basics/{module.title}/")
            .order_by("source_key")
            .distinct()
        )
        questions.sort(key=lambda q: (q.source_key.startswith("moodle_xml"), q.pk))
        if not questions:
            continue
        quiz = quiz_create(
            user=teacher,
            module=module,
            title=f"Quiz: {module.title}",
            slots=[{"question": q} for q in questions],
            intro=f"<p>Check what you learnt in “{module.title}”.</p>",
            pass_mark=60,
            feedback_timing="after_submission",
            attempts_allowed=0,
            grading_method="highest",
            shuffle_options=True,
        )
        # through the Course review workflow, as the demo course itself: the teacher
        # submits, the admin approves (and so publishes)
        (state,) = page_submit_for_review(user=teacher, page=quiz)
        moderation_approve(
            user=admin, task_state_id=state.current_task_state.pk, comment="Demo quiz approved."
        )
        made.append(f"'{quiz.title}' ({len(questions)} questions)")
    if made:
        lines.append(f"{len(made)} demo quizzes on '{course.title}': " + ", ".join(made))
    else:
        lines.append(f"Demo quizzes already on '{course.title}'.")
    return lines


def _learners(count: int):
    from django.contrib.auth.models import Group

    from learning.accounts.roles import Role

    User = get_user_model()
    emails = [LEARNER_EMAIL.format(n=n) for n in range(1, count + 1)]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    missing = []
    for n, email in enumerate(emails, start=1):
        if email not in existing:
            user = User(
                email=email,
                username=email,
                display_name=f"Demo learner {n}",
                email_verified=True,
                is_active=True,
            )
            user.set_unusable_password()  # simulated: they never sign in
            missing.append(user)
    if missing:
        User.objects.bulk_create(missing)
        created = list(User.objects.filter(email__in=[u.email for u in missing]))
        Group.objects.get_or_create(name=Role.STUDENT.value)[0].user_set.add(*created)
    return list(User.objects.filter(email__in=emails).order_by("pk"))


def _answer(content: dict, *, right: bool, rng: random.Random):
    """An answer to a question snapshot: the right one, or a plausible wrong one."""
    kind = content["type"]
    options = content.get("options", [])
    correct = [o for o in options if o.get("correct")]
    wrong = [o for o in options if not o.get("correct")]
    if kind in ("single", "true_false"):
        pool = correct if right or not wrong else wrong
        return rng.choice(pool)["key"]
    if kind == "multiple":
        if right:
            return [o["key"] for o in correct]
        picks = rng.sample(correct, k=max(0, len(correct) - 1)) + rng.sample(wrong, k=min(len(wrong), 1))
        return [o["key"] for o in picks] or [options[0]["key"]]
    if kind == "numeric":
        value = float(correct[0]["text"])
        return str(value if right else value + rng.choice([-2, -1, 1, 2]) * max(1.0, abs(value) * 0.1))
    if kind == "short_text":
        return correct[0]["text"] if right else rng.choice(["I don't know", "colour", "string", "body"])
    if kind == "ordering":
        keys = [o["key"] for o in options]
        if right:
            return keys
        swapped = keys[:]
        i = rng.randrange(len(keys) - 1)
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        return swapped
    return None


def simulate_attempts(
    count: int, *, seed: int = 15, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """`count` simulated learners each take every live demo quiz once (a learner who
    already has an attempt at a quiz is skipped, so running it again adds nothing)."""
    from learning.assessments.models import Attempt, QuizPage
    from learning.assessments.services import attempt_answers_save, attempt_start, attempt_submit

    course = _demo_course()
    quizzes = list(QuizPage.objects.live().descendant_of(course).order_by("path")) if course else []
    if not quizzes or count <= 0:
        return ["No demo quiz to attempt." if not quizzes else "No attempts asked for."]
    learners = _learners(count)
    rng = random.Random(seed)
    ability = {u.pk: rng.gauss(0.3, 1.0) for u in learners}
    difficulty: dict[int, float] = {}
    done = {(a, q) for a, q in Attempt.objects.filter(quiz__in=quizzes).values_list("user_id", "quiz_id")}
    total = len(learners) * len(quizzes)
    step = 0
    made = 0
    for quiz in quizzes:
        for learner in learners:
            step += 1
            if (learner.pk, quiz.pk) in done:
                if progress:
                    progress(step, total)
                continue
            attempt = attempt_start(user=learner, quiz=quiz).attempt
            answers = []
            for response in attempt.responses.select_related("version").order_by("position"):
                d = difficulty.setdefault(response.question_id, rng.gauss(-0.2, 0.9))
                p = 1 / (1 + math.exp(-(1.4 * (ability[learner.pk] - d))))
                if rng.random() < 0.04:
                    continue  # left blank
                value = _answer(response.version.content, right=rng.random() < p, rng=rng)
                if value is not None:
                    answers.append({"position": response.position, "answer": value})
            if answers:
                attempt_answers_save(attempt=attempt, answers=answers)
            attempt_submit(user=learner, attempt=attempt)
            made += 1
            if progress:
                progress(step, total)
    return [f"{made} simulated attempts over {len(quizzes)} demo quizzes by {len(learners)} demo learners."]


class AttemptsProgress:
    """The progress of `simulate_attempts` for a command: a bar (rich) on a terminal,
    else a line at every tenth of the way (logs, CI)."""

    def __init__(self, stdout, *, tty: bool):
        self.stdout = stdout
        self.tty = tty
        self.bar = None
        self.task = None
        self.shown = -1

    def __call__(self, step: int, total: int) -> None:
        if self.tty:
            if self.bar is None:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )

                self.bar = Progress(
                    TextColumn("    attempts"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task("attempts", total=total)
            self.bar.update(self.task, completed=step)
            if step >= total:
                self.bar.stop()
            return
        tenth = step * 10 // total
        if tenth != self.shown:
            self.shown = tenth
            self.stdout.write(f"    attempts {step}/{total} ({100 * step // total}%)")
