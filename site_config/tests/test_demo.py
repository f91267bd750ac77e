import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import CourseIndexPage

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_roots_the_site(capsys):
    call_command("load_demo")
    pages_after_first = Page.objects.count()
    call_command("load_demo")
    assert Page.objects.count() == pages_after_first
    index = CourseIndexPage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == index.pk
    assert "Demo content ready." in capsys.readouterr().out
