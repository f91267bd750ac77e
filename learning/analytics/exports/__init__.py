"""Exportable reports of learning/analytics (docs/analytics.md#exports): learner
progress, quiz results, certificates and activity of an organisation or a course, as
CSV or XLSX, written by a job and downloaded through a short-lived signed link."""
