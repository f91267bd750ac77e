"""Demo content of the project itself: the site root and the catalog page.

Every demo loader is idempotent (safe to run again) and returns lines to print."""

from wagtail.models import Page, Site

from cms.models import CourseIndexPage


def load_site() -> list[str]:
    root = Page.get_first_root_node()
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(title="Courses", slug="courses")
        root.add_child(instance=index)
        index.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=index, is_default_site=True, site_name="Mr ICT"
        )
    elif site.root_page_id != index.pk:
        site.root_page = index
        site.site_name = "Mr ICT"
        site.save()
    # Wagtail's initial migration creates a "Welcome" page; the catalog replaces it.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    return [f"Site root: '{index.title}' at /{index.slug}/ (page id {index.pk})"]
