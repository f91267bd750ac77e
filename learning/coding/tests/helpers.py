"""Small builders other test packages share (the editor and browser tests)."""


def challenge_on_first_lesson(course, title: str):
    """A challenge with one passing assert test on the course's first lesson, written
    straight to the database (the editor tests are about who sees it, not how it is made)."""
    from cms.models import LessonPage
    from learning.coding.models import Challenge, ChallengeTest

    lesson = LessonPage.objects.descendant_of(course).order_by("path").first()
    challenge = Challenge.objects.create(
        lesson=lesson, title=title, prompt="Return 3.", reference_solution="const x = 3;"
    )
    ChallengeTest.objects.create(challenge=challenge, description="is 3", code="assert.equal(x, 3);")
    return challenge
