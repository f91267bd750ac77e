"""Question bank, quiz pages, attempts and responses.

A question is a Wagtail snippet (Question + its options and code tests as InlinePanels)
in a bank scoped to a course (or site-wide, admins only), not a block inside the quiz
page: questions carry the correct answers and per-option feedback, which must never
travel with the page through Wagtail's page API, revisions or previews, and one
question is reused by several quizzes and drawn at random from tagged pools.
https://docs.wagtail.org/en/stable/topics/snippets/

What a learner was asked is a QuestionVersion: an immutable snapshot (`content`) of the
question as it was when an attempt first showed it. Editing a question whose current
version was shown to somebody creates a new version; old attempts keep pointing at
theirs (services.question_version_sync). The editable fields of Question are the draft
the next version is taken from.

A quiz is a Wagtail page under a module (QuizPage), so it goes through the same
moderation workflow and publishing path (ContentPublished) as lessons.

An Attempt freezes its selection when it starts: one Response per shown question, with
the version and the option order, so the same attempt always shows the same questions.
Item analysis (part 2, docs/assessments.md) reads the score matrix
(`Response.score_fraction` per attempt and question) and the chosen options
(`Response.chosen_options`) of submitted attempts in one query.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessMixin

from cms.code_editor import CodeTextField
from cms.models import CourseTreePermissionsMixin

STEM_FEATURES = ["bold", "italic", "code", "link", "ul", "ol"]


class QuestionType(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TRUE_FALSE = "true_false", "True / false"
    NUMERIC = "numeric", "Numeric"
    SHORT_TEXT = "short_text", "Short text"
    ORDERING = "ordering", "Ordering"
    CODE = "code", "Code (graded by the sandbox)"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class MultipleScoring(models.TextChoices):
    """How a multiple-choice answer earns partial credit (docs/assessments.md)."""

    ALL_OR_NOTHING = "all_or_nothing", "All or nothing"
    WEIGHTS = "weights", "Sum of the chosen options' weights (Moodle), 0 to 1"
    RIGHT_MINUS_WRONG = "right_minus_wrong", "Right picks minus wrong picks, over the right options"


def new_option_key() -> str:
    return secrets.token_hex(4)


class QuestionTag(TaggedItemBase):
    """Through model for question tags (the pools random draws pick from)."""

    content_object = ParentalKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(ClusterableModel):
    """One question of a bank. Its fields are what the editor edits; what learners were
    asked lives in its versions (`current_version` is what new attempts show)."""

    title = models.CharField(
        max_length=200, help_text="The question's name in the bank (not shown to learners)."
    )
    # The bank: a course's questions are edited by its owners; no course is the
    # site-wide bank, which only admins edit (and any quiz may draw from).
    course = models.ForeignKey(
        "cms.CoursePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        help_text="The course whose bank holds it; empty for the site-wide bank (admins only).",
    )
    question_type = models.CharField(max_length=20, choices=QuestionType.choices, default=QuestionType.SINGLE)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = ClusterTaggableManager(
        through=QuestionTag, blank=True, help_text="Pools that random draws pick from."
    )
    stem = RichTextField(features=STEM_FEATURES, help_text="What the learner is asked.")
    stem_code = CodeTextField(
        blank=True, language="javascript", help_text="Optional code shown with the stem."
    )
    stem_code_language = models.CharField(max_length=20, default="javascript", blank=True)
    general_feedback = models.TextField(blank=True, help_text="Shown with the result, whatever the answer.")
    points = models.FloatField(default=1, validators=[MinValueValidator(0), MaxValueValidator(1000)])
    # type-specific settings
    multiple_scoring = models.CharField(
        max_length=20,
        choices=MultipleScoring.choices,
        default=MultipleScoring.RIGHT_MINUS_WRONG,
        help_text="Multiple choice only.",
    )
    case_sensitive = models.BooleanField(default=False, help_text="Short text only: 'Paris' ≠ 'paris'.")
    normalize_whitespace = models.BooleanField(
        default=True, help_text="Short text only: trim and collapse spaces before comparing."
    )
    code_language = models.CharField(max_length=20, default="javascript", help_text="Code questions only.")
    code_starter = CodeTextField(
        blank=True, language="javascript", help_text="Code questions only: starter code."
    )

    current_version = models.ForeignKey(
        "assessments.QuestionVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # An import key (part 2: Moodle XML / GIFT), unique within the course's bank.
    source_key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("course"),
        FieldRowPanel([FieldPanel("question_type"), FieldPanel("difficulty"), FieldPanel("points")]),
        FieldPanel("tags"),
        FieldPanel("stem"),
        MultiFieldPanel(
            [FieldPanel("stem_code_language"), FieldPanel("stem_code")], heading="Code in the stem"
        ),
        InlinePanel(
            "options",
            heading="Options / accepted answers",
            label="Option",
            help_text=(
                "Choice questions: the options. True/false: one option 'True' or 'False' marked correct. "
                "Numeric: accepted values (with a tolerance). Short text: accepted answers. "
                "Ordering: the items in their correct order."
            ),
        ),
        FieldPanel("general_feedback"),
        MultiFieldPanel(
            [
                FieldPanel("multiple_scoring"),
                FieldRowPanel([FieldPanel("case_sensitive"), FieldPanel("normalize_whitespace")]),
            ],
            heading="Scoring",
        ),
        MultiFieldPanel(
            [
                FieldPanel("code_language"),
                FieldPanel("code_starter"),
                InlinePanel("code_tests", heading="Test cases", label="Test case"),
            ],
            heading="Code question",
        ),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("stem"),
        index.FilterField("course_id"),
        index.FilterField("question_type"),
    ]

    class Meta:
        ordering = ["course_id", "title", "pk"]
        indexes = [models.Index(fields=["course", "question_type"])]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "source_key"],
                condition=~models.Q(source_key=""),
                name="assessments_question_source_key_per_course",
            )
        ]

    def __str__(self):
        return self.title


class QuestionOption(Orderable):
    """An option (choice questions), an accepted answer (numeric, short text) or an item
    to put in order (ordering: `sort_order` is the correct order). `key` is stable
    across versions, so chosen options can be counted across edits."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=16, default=new_option_key, editable=False)
    text = models.TextField(help_text="The option's text, or the accepted value.")
    is_correct = models.BooleanField(default=False)
    weight = models.FloatField(
        default=0,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text=(
            "Credit fraction when chosen (-1 to 1): multiple choice with weights, and partial credit "
            "for a numeric or short-text answer. 0 means 1 for correct options."
        ),
    )
    tolerance = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Numeric only: ± accepted error."
    )
    feedback = models.TextField(blank=True, help_text="Shown when this option is chosen.")

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("is_correct"), FieldPanel("weight"), FieldPanel("tolerance")]),
        FieldPanel("feedback"),
    ]

    def __str__(self):
        return self.text[:60]


class QuestionCodeTest(Orderable):
    """A test case of a code question, run by the coding sandbox's grader (the same
    shape as a challenge's test: a Chai `assert` script or an input/output pair)."""

    class Kind(models.TextChoices):
        ASSERT = "assert", "Assertion script (Chai assert)"
        IO = "io", "Input / expected output"

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="code_tests")
    description = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ASSERT)
    code = CodeTextField(blank=True, language="javascript")
    input = CodeTextField(blank=True, editor=False)
    expected_output = CodeTextField(blank=True, editor=False)

    panels = [
        FieldPanel("description"),
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("input"),
        FieldPanel("expected_output"),
    ]

    def __str__(self):
        return self.description


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as learners saw it.

    `content` (built by services.question_content): {"type", "stem", "stem_code",
    "stem_code_language", "general_feedback", "points", "settings": {...},
    "options": [{"key", "text", "correct", "weight", "tolerance", "feedback"}],
    "code_tests": [{"id", "kind", "code", "input", "expected"}]}.
    `locked_at` is set when an attempt first shows it; from then on it never changes."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    question_type = models.CharField(max_length=20, choices=QuestionType.choices)
    points = models.FloatField()
    content = models.JSONField()
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="assessments_questionversion_unique")
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"


class FeedbackTiming(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately (each saved answer)"
    AFTER_SUBMISSION = "after_submission", "After the attempt is submitted"
    AFTER_CLOSE = "after_close", "After the availability window closes"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest attempt"
    LAST = "last", "Last attempt"
    AVERAGE = "average", "Average of attempts"


class QuizPage(CourseTreePermissionsMixin, HeadlessMixin, Page):
    """A quiz inside a module, beside its lessons: a page so that it is authored,
    moderated, scheduled and published like a lesson. Its questions are slots: a fixed
    question, or `count` questions drawn at random from a tagged pool of the course's
    bank (and the site-wide bank). The page's API fields carry no question content."""

    intro = RichTextField(blank=True, features=STEM_FEATURES)
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(24 * 60)], help_text="Empty: no time limit."
    )
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    pass_mark = models.FloatField(
        default=50, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Percent to pass."
    )
    feedback_timing = models.CharField(
        max_length=20, choices=FeedbackTiming.choices, default=FeedbackTiming.AFTER_SUBMISSION
    )
    attempts_allowed = models.PositiveIntegerField(default=0, help_text="0: unlimited.")
    cooldown_minutes = models.PositiveIntegerField(default=0, help_text="Minimum wait between two attempts.")
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    negative_marking = models.BooleanField(
        default=False, help_text="Wrong answers can take points away (a question's score may go below 0)."
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=True)
    # Read by certificates (docs/certificates.md): a course's certificate waits until the
    # learner's grade passes every live final quiz of the course.
    is_final = models.BooleanField(
        default=False,
        verbose_name="final quiz",
        help_text="Learners must pass this quiz (its grade, by the grading method) to get the course "
        "certificate, on top of completing the course.",
    )

    parent_page_types = ["cms.ModulePage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("slots", heading="Questions", label="Question slot", min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
                FieldRowPanel(
                    [
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("attempts_allowed"),
                        FieldPanel("cooldown_minutes"),
                    ]
                ),
            ],
            heading="Timing and attempts",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("grading_method"), FieldPanel("negative_marking")]
                ),
                FieldPanel("feedback_timing"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldPanel("is_final"),
            ],
            heading="Scoring and feedback",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("time_limit_minutes"),
        APIField("available_from"),
        APIField("available_until"),
        APIField("pass_mark"),
        APIField("feedback_timing"),
        APIField("attempts_allowed"),
        APIField("cooldown_minutes"),
        APIField("grading_method"),
        APIField("is_final"),
    ]

    class Meta:
        verbose_name = "quiz"


class QuizSlot(Orderable):
    """One place in a quiz: a fixed question, or `count` random questions from a pool
    (questions tagged `pool_tag`, optionally of one difficulty)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "A fixed question"
        RANDOM = "random", "Random questions from a tagged pool"

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIXED)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pool_tag = models.CharField(max_length=100, blank=True, help_text="Random: the tag of the pool.")
    pool_difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    count = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(200)])

    panels = [
        FieldPanel("kind"),
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("pool_tag"), FieldPanel("pool_difficulty"), FieldPanel("count")]),
    ]

    def __str__(self):
        return f"slot {self.sort_order} of quiz {self.page_id}"


class Attempt(models.Model):
    """One attempt at a quiz. Its Responses are its frozen selection. `deadline` is the
    server's (time limit, capped by the window's end); answers saved after it plus
    QUIZ_LATE_GRACE_SECONDS are not counted. `score`/`max_score` are in points."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    # Denormalised from the quiz (its course ancestor) for the teachers' history filter.
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # True when the submission came after the deadline (answers saved late were dropped).
    late = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)
    passed = models.BooleanField(null=True, blank=True)
    seed = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="assessments_attempt_number_unique"
            ),
            # At most one open attempt per learner and quiz: concurrent starts cannot
            # both win (services.attempt_start).
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(state="in_progress"),
                name="assessments_attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "state", "submitted_at"]),
            models.Index(fields=["course", "-started_at"]),
            models.Index(fields=["user", "-started_at"]),
        ]

    def __str__(self):
        return f"attempt {self.number} of {self.user_id} at quiz {self.quiz_id}"

    @property
    def percent(self) -> float | None:
        if self.score is None:
            return None
        return round(100 * self.score / self.max_score, 2) if self.max_score else 0.0


class Response(models.Model):
    """One question of an attempt, in the order shown (`position`). `option_order` is the
    option keys in the order shown; `answer` the learner's last saved answer (its shape
    depends on the type, docs/assessments.md); `chosen_options` the option keys it
    picked (choice types), for distractor analysis. `score_fraction` (of `max_points`,
    may be negative with negative marking) is set at submission."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveIntegerField()
    # RESTRICT: a question (or version) that attempts used cannot be deleted on its own,
    # but goes with its course when the course (and so its attempts) is deleted.
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="responses")
    version = models.ForeignKey(QuestionVersion, on_delete=models.RESTRICT, related_name="responses")
    option_order = models.JSONField(default=list)
    answer = models.JSONField(null=True, blank=True)
    chosen_options = models.JSONField(default=list)
    saved_at = models.DateTimeField(null=True, blank=True)
    score_fraction = models.FloatField(null=True, blank=True)
    points_awarded = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(default=0)
    # What grading found beyond the score (e.g. a code question's test verdicts).
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="assessments_response_position_unique"
            )
        ]
        indexes = [models.Index(fields=["question", "attempt"])]

    def __str__(self):
        return f"response {self.position} of attempt {self.attempt_id}"
