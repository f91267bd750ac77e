"""The rollup tables the dashboards read (docs/analytics.md#rollups).

`Rollup` is one number of one metric for one period (a UTC day, a Monday-start week or
a calendar month) and one slice: `course_id`, `module_id`, `lesson_id` and
`organisation_id` narrow it, a null means "all" (a row with every dimension null is the
platform total). `step` is the funnel step or the week N of a retention cohort;
`denominator` makes a rate (completion, funnel, retention) without a second row. The
rollup job (services.py) deletes and re-inserts the rows of the periods whose raw
events changed, so a row is never updated in place.

`RollupLesson` is the course structure the rollups were computed against (which module
and course a lesson is in, and the module's place in its course), refreshed from the
CMS at the start of every run: module completion ("every live lesson of the module
completed") and funnel step 3 ("completed module 1") need it, and events of lessons
that no longer exist are left out.
"""

from django.db import models


class Period(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week (Monday to Sunday)"
    MONTH = "month", "Month"


class Rollup(models.Model):
    metric = models.CharField(max_length=40)
    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField(help_text="The first day of the period (UTC).")
    course_id = models.BigIntegerField(null=True, blank=True)
    module_id = models.BigIntegerField(null=True, blank=True)
    lesson_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    step = models.SmallIntegerField(null=True, blank=True, help_text="Funnel step or retention week N.")
    value = models.FloatField()
    denominator = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["metric", "period", "course_id", "organisation_id", "start"],
                name="analytics_rollup_read",
            ),
        ]

    def __str__(self):
        return f"{self.metric} {self.period} {self.start}: {self.value}"


class RollupLesson(models.Model):
    lesson_id = models.BigIntegerField(primary_key=True)
    module_id = models.BigIntegerField()
    course_id = models.BigIntegerField()
    module_position = models.PositiveSmallIntegerField(help_text="1 for the course's first module.")
    required = models.BooleanField(default=True, help_text="Counts toward completing the module.")

    def __str__(self):
        return f"lesson {self.lesson_id} (module {self.module_id}, course {self.course_id})"
