"""Certificate templates in the Wagtail editor: a snippet (HTML with placeholders, CSS,
logo, colours, signatures). Admins hold its model permissions (migration 0002); the
placeholders are checked at save (CertificateTemplate.clean).
https://docs.wagtail.org/en/stable/topics/snippets/registering.html"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = "Certificate templates"
    menu_name = "certificate-templates"
    add_to_admin_menu = True
    list_display = ["name", "course", "is_default", "version", "updated_at"]
    search_fields = ["name"]


register_snippet(CertificateTemplateViewSet)
