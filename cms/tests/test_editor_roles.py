"""What each role reaches in the Wagtail editor (Django test client, real admin views):
the sidebar menus it is offered and the status of each screen, with the Challenges
snippet limited to the courses a teacher owns.

student: no editor at all (sent to the login page); teacher: pages, images, documents
and the challenges of their own courses (another teacher's are a 404); admin: all."""

import json
import re

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning.coding.models import Challenge
from learning.coding.tests.helpers import challenge_on_first_lesson as _challenge

pytestmark = pytest.mark.django_db

CHALLENGES = "/admin/snippets/coding/challenge/"


@pytest.fixture
def two_courses(build_course, teacher, other_teacher):
    mine = build_course(title="Mine", owner=teacher)
    theirs = build_course(title="Theirs", owner=other_teacher)
    return _challenge(mine, "My challenge"), _challenge(theirs, "Their challenge")


def _menu_names(response) -> set[str]:
    """Top-level items of the sidebar's main menu, from the props JSON Wagtail renders."""
    match = re.search(
        rb'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', response.content, re.S
    )
    assert match, response.content[:1000]
    modules = json.loads(match.group(1))["modules"]
    main = next(m for m in modules if m["_type"] == "wagtail.sidebar.MainMenuModule")
    names = set()
    for item in main["_args"][0]:
        name = item["_args"][0]["name"]
        names.add(name["_val"] if isinstance(name, dict) else name)
    return names


def _form(lesson, title):
    return nested_form_data(
        {
            "lesson": str(lesson.pk),
            "title": title,
            "prompt": "Return 3.",
            "language": "javascript",
            "starter_source": "",
            "reference_solution": "const x = 3;",
            "sort_order": "0",
            "tests": inline_formset(
                [{"description": "is 3", "kind": "assert", "code": "assert.equal(x, 3);", "hidden": ""}]
            ),
            "hints": inline_formset([]),  # the hint ladder (tutor), none here
        }
    )


def _statuses(client, mine, theirs) -> dict[str, int]:
    urls = {
        "home": "/admin/",
        "list": CHALLENGES,
        "add": f"{CHALLENGES}add/",
        "edit own": f"{CHALLENGES}edit/{mine.pk}/",
        "edit other": f"{CHALLENGES}edit/{theirs.pk}/",
        "delete own": f"{CHALLENGES}delete/{mine.pk}/",
        "delete other": f"{CHALLENGES}delete/{theirs.pk}/",
        "copy other": f"{CHALLENGES}copy/{theirs.pk}/",
        "history other": f"{CHALLENGES}history/{theirs.pk}/",
        "usage other": f"{CHALLENGES}usage/{theirs.pk}/",
        "pages": "/admin/pages/",
        "images": "/admin/images/",
        "documents": "/admin/documents/",
    }
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_student_has_no_editor(client, student, two_courses):
    mine, theirs = two_courses
    client.force_login(student)
    assert set(_statuses(client, mine, theirs).values()) == {302}
    for url in ("/admin/", CHALLENGES, f"{CHALLENGES}edit/{mine.pk}/", "/admin/images/"):
        assert client.get(url)["Location"].startswith("/admin/login/"), url
    assert client.post(f"{CHALLENGES}delete/{mine.pk}/").status_code == 302
    assert Challenge.objects.filter(pk=mine.pk).exists()


def test_teacher_reaches_own_challenges_only(client, teacher, two_courses):
    mine, theirs = two_courses
    client.force_login(teacher)
    assert _statuses(client, mine, theirs) == {
        "home": 200,
        "list": 200,
        "add": 200,
        "edit own": 200,
        "edit other": 404,
        "delete own": 200,
        "delete other": 404,
        "copy other": 404,
        "history other": 404,
        "usage other": 404,
        "pages": 200,
        "images": 200,
        "documents": 200,
    }
    menus = _menu_names(client.get("/admin/"))
    assert {"explorer", "images", "documents", "challenges"} <= menus, menus
    assert "settings" not in menus  # users, groups, sites: admins only

    listing = client.get(CHALLENGES).content.decode()
    assert "My challenge" in listing and "Their challenge" not in listing
    chooser = client.get("/admin/snippets/choose/coding/challenge/").content.decode()
    assert "My challenge" in chooser and "Their challenge" not in chooser


def test_teacher_cannot_change_or_delete_another_teachers_challenge(client, teacher, two_courses):
    mine, theirs = two_courses
    client.force_login(teacher)
    own_lesson = mine.lesson
    assert client.post(f"{CHALLENGES}edit/{theirs.pk}/", _form(own_lesson, "Taken")).status_code == 404
    assert client.post(f"{CHALLENGES}delete/{theirs.pk}/").status_code == 404
    # the listing's bulk delete skips what the policy refuses
    client.post(f"/admin/bulk/coding/challenge/delete/?id={theirs.pk}&id={mine.pk}&next={CHALLENGES}")
    theirs.refresh_from_db()
    assert theirs.title == "Their challenge"
    assert not Challenge.objects.filter(pk=mine.pk).exists()


def test_teacher_creates_on_own_lesson_and_is_refused_anothers(client, teacher, two_courses):
    mine, theirs = two_courses
    client.force_login(teacher)

    response = client.post(f"{CHALLENGES}add/", _form(theirs.lesson, "Planted"))
    assert response.status_code == 200
    assert "Choose a lesson of a course you may edit." in response.content.decode()
    assert not Challenge.objects.filter(title="Planted").exists()

    # nor may an own challenge be moved onto another teacher's lesson
    response = client.post(f"{CHALLENGES}edit/{mine.pk}/", _form(theirs.lesson, "Moved"))
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.lesson_id != theirs.lesson_id and mine.title == "My challenge"

    response = client.post(f"{CHALLENGES}add/", _form(mine.lesson, "Made in the editor"))
    assert response.status_code == 302, response.content[:3000]
    made = Challenge.objects.get(title="Made in the editor")
    assert made.course_id == mine.course_id and made.tests.count() == 1


def test_other_teacher_sees_the_mirror_image(client, other_teacher, two_courses):
    mine, theirs = two_courses
    client.force_login(other_teacher)
    assert client.get(f"{CHALLENGES}edit/{theirs.pk}/").status_code == 200
    assert client.get(f"{CHALLENGES}edit/{mine.pk}/").status_code == 404
    listing = client.get(CHALLENGES).content.decode()
    assert "Their challenge" in listing and "My challenge" not in listing


def test_admin_reaches_everything(client, admin_user, two_courses):
    mine, theirs = two_courses
    client.force_login(admin_user)  # an admin by group, not a superuser
    statuses = _statuses(client, mine, theirs)
    assert set(statuses.values()) == {200}, statuses
    assert {"explorer", "images", "documents", "challenges"} <= _menu_names(client.get("/admin/"))
    listing = client.get(CHALLENGES).content.decode()
    assert "My challenge" in listing and "Their challenge" in listing
    assert (
        client.post(f"{CHALLENGES}edit/{theirs.pk}/", _form(theirs.lesson, "Edited by admin")).status_code
        == 302
    )
    theirs.refresh_from_db()
    assert theirs.title == "Edited by admin"
    assert client.post(f"{CHALLENGES}delete/{theirs.pk}/").status_code == 302
    assert not Challenge.objects.filter(pk=theirs.pk).exists()


def test_lesson_chooser_offers_a_teacher_own_courses_only(client, teacher, admin_user, two_courses):
    mine, theirs = two_courses
    their_module = theirs.lesson.get_parent()
    client.force_login(teacher)
    own = client.get(f"/admin/choose-page/{mine.lesson.get_parent().pk}/?page_type=cms.lessonpage")
    other = client.get(f"/admin/choose-page/{their_module.pk}/?page_type=cms.lessonpage")
    assert own.status_code == 200 and other.status_code == 404  # another teacher's module "does not exist"
    assert "Mine lesson 1.1" in own.content.decode()
    catalog = client.get(f"/admin/choose-page/{theirs.course.get_parent().pk}/?page_type=cms.lessonpage")
    assert "Mine" in catalog.content.decode() and "Theirs" not in catalog.content.decode()
    # other choosers (a link in rich text) are narrowed the same way (cms/wagtail_hooks.py)
    catalog = client.get(f"/admin/choose-page/{theirs.course.get_parent().pk}/")
    assert "Mine" in catalog.content.decode() and "Theirs" not in catalog.content.decode()

    client.force_login(admin_user)
    other = client.get(f"/admin/choose-page/{their_module.pk}/?page_type=cms.lessonpage")
    assert "Theirs lesson 1.1" in other.content.decode()
