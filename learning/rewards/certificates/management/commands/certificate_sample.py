"""`manage.py certificate_sample --pdf out.pdf [--png out.png]`: render a sample
certificate for the demo course with the template it would use (the course's own, else
the default, else the built-in design), without issuing anything. With --png, the first
page is rasterised by poppler's pdftoppm (how docs/certificate-demo.png is made)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Render a sample certificate of the demo course to PDF (and PNG with pdftoppm)."

    def add_arguments(self, parser):
        parser.add_argument("--pdf", help="write the PDF here")
        parser.add_argument("--png", help="write a PNG of the first page here (needs pdftoppm)")
        parser.add_argument("--dpi", type=int, default=60)
        parser.add_argument("--holder", default="Sam Student")

    def handle(self, *args, **options):
        from cms.models import CoursePage
        from learning.rewards.certificates import render, selectors

        course = CoursePage.objects.live().order_by("path").first()
        template = selectors.template_for_course(course_id=course.pk if course else None)
        code = "DEMO-verification-code-0000000000"
        pdf = render.render_pdf(
            render.design_from_template(template),
            render.Facts(
                holder_name=options["holder"],
                course_title=course.title if course else "Web basics",
                issued_at=timezone.now(),
                serial="MRICT-2026-DEMO-0001",
                verification_code=code,
                verification_url=render.verification_url(code),
            ),
        )
        if options["pdf"]:
            Path(options["pdf"]).write_bytes(pdf)
            self.stdout.write(f"PDF: {options['pdf']} ({len(pdf)} bytes, template: {template or 'built-in'})")
        if options["png"]:
            pdftoppm = shutil.which("pdftoppm")
            if not pdftoppm:
                raise CommandError(
                    "pdftoppm not found: apt-get install poppler-utils (.ci/system-packages.txt)"
                )
            with tempfile.TemporaryDirectory() as folder:
                source = Path(folder) / "certificate.pdf"
                source.write_bytes(pdf)
                target = Path(options["png"]).with_suffix("")
                subprocess.run(  # noqa: S603
                    [pdftoppm, "-png", "-r", str(options["dpi"]), "-singlefile", str(source), str(target)],
                    check=True,
                    timeout=60,
                )
            self.stdout.write(f"PNG: {options['png']}")
