"""Project workspaces.

A project is a learner's small site: a tree of text files (HTML, CSS, JS, JSON,
Markdown, SVG) kept as one JSON list on the row, like a draft (learning/coding), because
every write replaces the tree under one version number (optimistic concurrency), a save
point is a copy of that list, and the preview reads one row. The limits
(PROJECT_MAX_FILES, PROJECT_MAX_BYTES...) keep the row small.

A ProjectTemplate is a Wagtail snippet with its files inline, optionally tied to a
course: a project started from it copies its files and remembers the course (the
similarity check of a course reads the projects through that link).
https://docs.wagtail.org/en/stable/topics/snippets/
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class ProjectTemplateForm(WagtailAdminModelForm):
    """The editor's template form: the files taken together pass the same rule as a
    project's tree (no two paths equal once case-folded or NFC-normalised, no file that
    is also a folder, the count and size limits), so every template makes a valid project."""

    def clean(self):
        from .rules import ProjectProblem, tree_clean

        cleaned = super().clean()
        formset = self.formsets.get("files")
        if formset is None or not formset.is_valid():
            return cleaned
        files = [
            {"path": f.cleaned_data["path"], "content": f.cleaned_data.get("content") or ""}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            tree_clean(files, [])
        except ProjectProblem as exc:
            raise ValidationError(f"Files: {exc.message}", code=exc.code) from None
        return cleaned


class ProjectTemplate(ClusterableModel):
    """A starting point authored in the editor: title, description, files."""

    base_form_class = ProjectTemplateForm

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    course = models.ForeignKey(
        "cms.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_templates",
        help_text="Optional: projects started from this template count as work in this course.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("course"),
        InlinePanel("files", label="Files", min_num=1),
    ]

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def file_list(self) -> list[dict]:
        return [{"path": f.path, "content": f.content} for f in self.files.all()]


class ProjectTemplateFile(Orderable):
    template = ParentalKey(ProjectTemplate, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=255, help_text="e.g. index.html or css/site.css")
    content = models.TextField(blank=True)

    panels = [FieldPanel("path"), FieldPanel("content")]

    def clean(self):
        from .rules import file_path_problem

        problem = file_path_problem(self.path)
        if problem:
            raise ValidationError({"path": problem[0]}, code=problem[1])

    def __str__(self):
        return self.path


class Project(models.Model):
    """A learner's workspace. `files` is a list of {"path", "content"} sorted by path;
    `folders` the folders created empty (a file's folders exist through its path)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    template = models.ForeignKey(
        ProjectTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    files = models.JSONField(default=list)
    folders = models.JSONField(default=list)
    total_bytes = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when an admin takes the project down (learning/moderation's ContentTakenDown,
    # heard in moderation.py): its share links then answer 410 `taken_down` to everyone;
    # the owner keeps it in the workspace, with these two fields saying so and why.
    taken_down_at = models.DateTimeField(null=True, blank=True)
    takedown_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="projects_owner_updated")]

    def __str__(self):
        return f"{self.title} ({self.owner_id}, v{self.version})"

    def file(self, path: str) -> dict | None:
        return next((f for f in self.files if f["path"] == path), None)


class SavePoint(models.Model):
    """A named copy of a project's files, to restore (the newest PROJECT_SAVE_POINTS_KEPT)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="save_points")
    name = models.CharField(max_length=100)
    project_version = models.PositiveIntegerField()
    files = models.JSONField(default=list)
    folders = models.JSONField(default=list)
    total_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} of project {self.project_id}"


class ShareLink(models.Model):
    """A read-only link to a project. Only the SHA-256 of its token is stored: the token
    is shown once, at creation; a leaked database gives no working link."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"share {self.pk} of project {self.project_id}"
