"""Periodic maintenance of what no single app owns: sessions, Wagtail revisions, media
files nobody references, old failed-job rows (docs/operations.md, "Maintenance").
Each use case logs what it removed, returns the counts and is safe to run twice."""
