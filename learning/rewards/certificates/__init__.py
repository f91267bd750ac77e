"""Course certificates: issued on course completion, rendered to PDF with WeasyPrint from a
template authored in Wagtail, verifiable in public by a code (docs/certificates.md)."""
