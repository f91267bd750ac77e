"""XP rules and the XP ledger, each learner's standing (XP, level, streaks), badge
definitions and badge awards (docs/rewards.md).

XP rules and badges are Wagtail snippets, so admins change them without a deploy
(https://docs.wagtail.org/en/stable/topics/snippets/). Everything a learner earns is
written by `learning.rewards.services` from domain events, never by an API view; every
"exactly once" is a unique constraint, so racing event handlers (two job workers, a
replayed event) cannot award twice:

- `XpAward` is an append-only ledger, unique by (user, source, source_key): the rule's
  event name and the source event's identity (a lesson, a challenge, a quiz attempt...).
- `BadgeAward` is unique by (user, badge).
- `CountedEvent` (the facts badge criteria count) is unique by (user, event, item_key).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index


class XpSource(models.TextChoices):
    """The events an XP rule can turn into XP (the `source` of XpAwarded)."""

    LESSON_COMPLETED = "lesson_completed", "Lesson completed"
    CHALLENGE_PASSED = "challenge_passed", "Challenge passed (first time)"
    QUIZ_PASSED = "quiz_passed", "Quiz passed (scaled by the grade)"
    COURSE_COMPLETED = "course_completed", "Course completed"
    STREAK_DAY = "streak_day", "Streak day (each day that extends a daily streak)"


class XpRule(index.Indexed, models.Model):
    """How many XP points one kind of event is worth, with its caps. One rule per
    event kind; an inactive rule awards nothing (deactivate rather than delete: the
    ledger keeps the awards it made either way)."""

    event = models.CharField(max_length=32, choices=XpSource.choices, unique=True)
    points = models.PositiveIntegerField(
        help_text="XP per event. For a passed quiz: the points at a 100% grade, scaled by the grade."
    )
    per_item_cap = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="How many times one item (a lesson, a challenge, a quiz, a course, a day) earns this rule.",
    )
    daily_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most XP a learner can earn from this rule in one day (their time zone). Empty: no cap.",
    )
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("event"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("per_item_cap"), FieldPanel("daily_cap")]),
        FieldPanel("active"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("description"), index.FilterField("event")]

    class Meta:
        verbose_name = "XP rule"
        ordering = ["event"]

    def __str__(self):
        return f"{self.get_event_display()}: {self.points} XP"


class XpAward(models.Model):
    """One line of a learner's XP ledger. Append-only: rows are inserted, never changed
    (a rule's later edit does not rewrite history). `source_key` names the source
    event (e.g. "lesson:12", "attempt:7"), `item_key` the item the per-item cap counts
    (e.g. "quiz:3"); `day` is the learner's local date when it was earned, for the
    daily caps."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_awards")
    rule = models.ForeignKey(XpRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards")
    source = models.CharField(max_length=32, choices=XpSource.choices)
    source_key = models.CharField(max_length=64)
    item_key = models.CharField(max_length=64)
    points = models.PositiveIntegerField()
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    awarded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source", "source_key"], name="rewards_xp_award_once_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["user", "source", "item_key"], name="rewards_xp_user_item"),
            models.Index(fields=["user", "source", "day"], name="rewards_xp_user_day"),
            models.Index(fields=["awarded_at"], name="rewards_xp_awarded_at"),
            models.Index(fields=["course", "awarded_at"], name="rewards_xp_course_awarded_at"),
        ]

    def __str__(self):
        return f"{self.points} XP to {self.user_id} for {self.source} {self.source_key}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("the XP ledger is append-only")
        super().save(*args, **kwargs)


class XpStanding(models.Model):
    """A learner's running totals, kept by the services in the transaction that
    appends to the ledger (so reads never sum the ledger), and the learner's
    leaderboard choice (off until they opt in). Its row is also the per-learner lock
    that serialises award decisions (caps are counted under it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="xp_standing"
    )
    xp_total = models.PositiveIntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    streak_current = models.PositiveIntegerField(default=0)
    streak_longest = models.PositiveIntegerField(default=0)
    streak_last_day = models.DateField(null=True, blank=True)
    leaderboard_opt_in = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user_id}: {self.xp_total} XP, level {self.level}"


class ActivityDay(models.Model):
    """A day (in the learner's time zone) on which the learner completed something:
    the facts daily streaks are computed from."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="rewards_activity_day_unique")]

    def __str__(self):
        return f"{self.user_id} active on {self.day}"


class CountedEvent(models.Model):
    """One distinct thing a learner did, as badge criteria count it (a lesson completed,
    a challenge passed...): replays of the same event insert nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=32)
    item_key = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "item_key"], name="rewards_counted_event_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.event} {self.item_key}"


class BadgeCriteria(models.TextChoices):
    EVENT_COUNT = "event_count", "Count of events of a type"
    COURSE_COMPLETED = "course_completed", "Course completed"
    STREAK_LENGTH = "streak_length", "Daily streak length"
    QUIZ_SCORE = "quiz_score", "Quiz grade at or above a threshold"
    MODULE_CHALLENGES = "module_challenges", "All challenges of a module passed"


class CountableEvent(models.TextChoices):
    LESSON_COMPLETED = "lesson_completed", "Lessons completed"
    CHALLENGE_PASSED = "challenge_passed", "Challenges passed"
    QUIZ_PASSED = "quiz_passed", "Quizzes passed"
    COURSE_COMPLETED = "course_completed", "Courses completed"


class Badge(index.Indexed, models.Model):
    """A badge definition: what it looks like and what earns it. `criteria` is the
    kind of rule; the fields below it are its parameters (which ones a kind needs is
    checked in `clean`, so the editor says what is missing)."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable public identifier; do not change once awarded."
    )
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=1000)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    criteria = models.CharField(max_length=32, choices=BadgeCriteria.choices)
    event_type = models.CharField(
        max_length=32, choices=CountableEvent.choices, blank=True, help_text="For a count of events."
    )
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The count (events), the days (streak) or the grade percent (quiz score).",
    )
    course = models.ForeignKey(
        "cms.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For course completed: which course (empty: any course).",
    )
    quiz = models.ForeignKey(
        "assessments.QuizPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For quiz score: which quiz (empty: any quiz).",
    )
    module = models.ForeignKey(
        "cms.ModulePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For all challenges of a module.",
    )
    active = models.BooleanField(default=True, help_text="Inactive badges are not awarded any more.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldPanel("criteria"),
                FieldPanel("event_type"),
                FieldPanel("threshold"),
                FieldPanel("course"),
                FieldPanel("quiz"),
                FieldPanel("module"),
            ],
            heading="Criteria",
        ),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description"), index.FilterField("slug")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        kind = self.criteria
        if kind == BadgeCriteria.EVENT_COUNT and not self.event_type:
            errors["event_type"] = "Choose the events to count."
        needs_threshold = (BadgeCriteria.EVENT_COUNT, BadgeCriteria.STREAK_LENGTH, BadgeCriteria.QUIZ_SCORE)
        if kind in needs_threshold and not self.threshold:
            errors["threshold"] = "Give the count, days or grade percent this badge needs."
        if kind == BadgeCriteria.QUIZ_SCORE and self.threshold and self.threshold > 100:
            errors["threshold"] = "A grade threshold is a percent, at most 100."
        if kind == BadgeCriteria.MODULE_CHALLENGES and not self.module_id:
            errors["module"] = "Choose the module whose challenges must all be passed."
        if errors:
            raise ValidationError(errors)

    @property
    def criteria_text(self) -> str:
        """The criteria in words (the public badge page, an Open Badges `narrative`)."""
        kind = self.criteria
        if kind == BadgeCriteria.EVENT_COUNT:
            what = CountableEvent(self.event_type).label.lower() if self.event_type else "events"
            return f"{self.threshold} {what}."
        if kind == BadgeCriteria.COURSE_COMPLETED:
            return f"Complete the course {self.course.title}." if self.course else "Complete a course."
        if kind == BadgeCriteria.STREAK_LENGTH:
            return f"Learn on {self.threshold} days in a row."
        if kind == BadgeCriteria.QUIZ_SCORE:
            where = f"the quiz {self.quiz.title}" if self.quiz else "a quiz"
            return f"Pass {where} with a grade of at least {self.threshold}%."
        if kind == BadgeCriteria.MODULE_CHALLENGES:
            return f"Pass every challenge of the module {self.module.title}." if self.module else ""
        return ""


def _public_id() -> str:
    return uuid.uuid4().hex


class BadgeAward(models.Model):
    """A badge issued to a learner: exactly once per learner and badge (the unique
    constraint decides between racing handlers). `public_id` is the unguessable id of
    its public page (the badge and the holder's display name, nothing else)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    awarded_at = models.DateTimeField()
    public_id = models.CharField(max_length=32, unique=True, default=_public_id, editable=False)
    source = models.CharField(max_length=32, blank=True, help_text="The event that earned it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="rewards_badge_award_once")]
        indexes = [models.Index(fields=["user", "awarded_at"], name="rewards_badge_award_user")]

    def __str__(self):
        return f"{self.badge_id} to {self.user_id}"


__all__ = [
    "ActivityDay",
    "Badge",
    "BadgeAward",
    "BadgeCriteria",
    "CountableEvent",
    "CountedEvent",
    "XpAward",
    "XpRule",
    "XpSource",
    "XpStanding",
]
