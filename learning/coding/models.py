"""Drafts, challenges and submissions.

A challenge is a Wagtail snippet (Challenge + its tests as an InlinePanel) linked to
one lesson, rather than a block inside LessonPage: challenges carry secrets (the
reference solution and hidden tests) that must never travel with the page through
Wagtail's page API, revisions or previews, and they are created and imported through
the teacher API as well as in the editor.
https://docs.wagtail.org/en/stable/topics/snippets/
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from cms.code_editor import CodeTextField


class Draft(models.Model):
    """The learner's files for one lesson, auto-saved. `version` increases by one per
    save; a save must name the version it was based on (optimistic concurrency)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_drafts")
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="code_drafts")
    files = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="coding_draft_one_per_lesson")]

    def __str__(self):
        return f"draft of {self.user_id} for lesson {self.lesson_id} (v{self.version})"


class DraftVersion(models.Model):
    """One saved state of a draft, kept to restore (the last DRAFT_HISTORY)."""

    class Origin(models.TextChoices):
        SAVE = "save", "Saved"
        RESET = "reset", "Reset to starter code"
        RESTORE = "restore", "Restored"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    files = models.JSONField(default=list)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SAVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "version"], name="coding_draftversion_unique")
        ]

    def __str__(self):
        return f"{self.draft_id} v{self.version}"


class Challenge(ClusterableModel):
    """A coding exercise graded by test cases. The reference solution and the hidden
    tests' bodies are for authors only: no learner endpoint ever serialises them."""

    class Language(models.TextChoices):
        JAVASCRIPT = "javascript", "JavaScript"
        # a page (index.html, style.css, script.js) graded on its DOM (docs/web-challenges.md)
        WEB = "web", "Web page (HTML, CSS, JavaScript)"

    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="challenges")
    # Denormalised from the lesson (its course ancestor) for ownership filters.
    course = models.ForeignKey(
        "cms.CoursePage", on_delete=models.CASCADE, related_name="challenges", editable=False
    )
    title = models.CharField(max_length=200)
    # The import key: importing a document again updates the challenge of the same lesson
    # and slug instead of adding a copy (docs/challenges.md). Blank for challenges made
    # one by one (the editor, the create endpoint).
    slug = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Import key, unique within the lesson: a re-import with this slug updates it.",
    )
    prompt = models.TextField(help_text="What the learner must do (Markdown).")
    language = models.CharField(max_length=20, choices=Language.choices, default=Language.JAVASCRIPT)
    # Code fields keep whitespace as typed and store LF line endings (cms.code_editor).
    starter_source = CodeTextField(
        blank=True,
        language="javascript",
        language_field="language",
        help_text="The code the learner starts from.",
    )
    reference_solution = CodeTextField(
        language="javascript",
        language_field="language",
        help_text="Never shown to learners; used to check the tests.",
    )
    sort_order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last check of the reference solution against the tests (the teacher check API,
    # an import's verification), written by services.challenge_check_record: the
    # teacher's dashboard lists the challenges whose last check failed, never ran, or
    # is older than the last edit (`updated_at`). Written with a queryset update, so
    # recording a check is not an edit.
    last_check_passed = models.BooleanField(null=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_check_message = models.CharField(max_length=500, blank=True, editable=False)

    panels = [
        FieldPanel("lesson"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("prompt"),
        MultiFieldPanel(
            [FieldPanel("language"), FieldPanel("starter_source"), FieldPanel("reference_solution")],
            heading="Code",
        ),
        FieldPanel("sort_order"),
        InlinePanel("tests", heading="Test cases", label="Test case", min_num=1),
        InlinePanel(
            "hints",
            heading="Hint ladder",
            label="Hint",
            help_text="From a gentle nudge (first) to a near-solution (last): the tutor's order.",
        ),
    ]

    class Meta:
        ordering = ["lesson_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "slug"],
                condition=~models.Q(slug=""),
                name="coding_challenge_slug_per_lesson",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Keep the denormalised course in step with the lesson, whoever saves (the
        # editor or the services).
        if self.lesson_id:
            from cms.permissions import course_of_page

            self.course = course_of_page(self.lesson)
        super().save(*args, **kwargs)


class ChallengeTest(Orderable):
    """One test case: a Chai `assert` script run after the learner's code in a clean
    realm, or an input/expected-output pair compared outside the sandbox."""

    class Kind(models.TextChoices):
        ASSERT = "assert", "Assertion script (Chai assert)"
        IO = "io", "Input / expected output"

    challenge = ParentalKey(Challenge, on_delete=models.CASCADE, related_name="tests")
    description = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ASSERT)
    code = CodeTextField(
        blank=True,
        language="javascript",
        help_text="For assertion tests, e.g. assert.strictEqual(sum([1, 2]), 3);",
    )
    input = CodeTextField(blank=True, editor=False, help_text="For input/output tests: stdin.")
    expected_output = CodeTextField(
        blank=True, editor=False, help_text="For input/output tests: the expected console output."
    )
    hidden = models.BooleanField(default=False, help_text="Learners see only whether it passed.")

    panels = [
        FieldPanel("description"),
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("input"),
        FieldPanel("expected_output"),
        FieldPanel("hidden"),
    ]

    def __str__(self):
        return self.description

    def as_job(self) -> dict:
        if self.kind == self.Kind.IO:
            return {"id": self.pk, "kind": "io", "input": self.input, "expected": self.expected_output}
        return {"id": self.pk, "kind": "assert", "code": self.code}


class ChallengeHint(Orderable):
    """One rung of the challenge's hint ladder, authored in the editor. The tutor gives
    hints in `sort_order`, from a nudge to a near-solution, never the reference
    solution itself (docs/tutor.md)."""

    challenge = ParentalKey(Challenge, on_delete=models.CASCADE, related_name="hints")
    text = models.TextField(help_text="What the tutor says at this step (Markdown).")

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text[:60]


class Submission(models.Model):
    """One graded attempt. `results` holds every test's verdict and message (hidden
    ones included, for the course's teachers); learners get hidden ones as pass/fail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_submissions"
    )
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="submissions")
    files = models.JSONField(default=list)
    status = models.CharField(max_length=20)
    passed = models.BooleanField(default=False)
    passed_count = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list)
    wall_ms = models.FloatField(default=0)
    # The plagiarism check (docs/similarity.md): a hash of the normalised tokens of the
    # files, and the earlier submission of another learner with the same hash.
    token_hash = models.CharField(max_length=64, blank=True, default="")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "challenge", "-created_at"]),
            models.Index(fields=["challenge", "-created_at"]),
            models.Index(fields=["challenge", "token_hash"]),
        ]

    def __str__(self):
        return f"submission {self.pk} of {self.user_id} to {self.challenge_id}"


class SimilarityScan(models.Model):
    """The state of a challenge's near-duplicate scan (a django-q2 job), for teachers to
    poll: queued, running, done or failed, with what the last run compared and found."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # a challenge's submissions, or (challenge empty) the projects of a course
    challenge = models.OneToOneField(
        Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="similarity_scan"
    )
    course = models.OneToOneField(
        "cms.CoursePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    submissions = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(default=0)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"similarity scan of {self.challenge_id or f'course {self.course_id}'}: {self.status}"


class SimilarityPair(models.Model):
    """Two learners' pieces of work that look copied: two submissions to one challenge
    (rewritten by each scan of the challenge, services.similarity_scan_run) or two
    projects of one course (`challenge` empty; services.similarity_scan_projects_run).
    `first` is the older."""

    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="similarity_pairs"
    )
    # Denormalised from the challenge, for the course report and the ownership filter.
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # a project pair: the projects app's ids (no foreign key across apps)
    first_project_id = models.PositiveBigIntegerField(null=True, blank=True)
    second_project_id = models.PositiveBigIntegerField(null=True, blank=True)
    first_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    second_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # when each side was submitted (a project: last saved)
    first_at = models.DateTimeField()
    second_at = models.DateTimeField()
    score = models.FloatField()
    exact = models.BooleanField(default=False, help_text="Same normalised tokens.")
    first_ranges = models.JSONField(default=list)
    second_ranges = models.JSONField(default=list)
    # when the newer of the two was submitted: the report's order (newest first)
    newer_at = models.DateTimeField()
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-newer_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="coding_similaritypair_unique")
        ]
        indexes = [
            models.Index(fields=["challenge", "-newer_at"]),
            models.Index(fields=["course", "-newer_at"]),
        ]

    def __str__(self):
        first = self.first_id or f"project {self.first_project_id}"
        second = self.second_id or f"project {self.second_project_id}"
        return f"{first} ~ {second} ({self.score:.2f})"
