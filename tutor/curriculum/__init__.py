"""The curriculum document: every published course as one versioned JSON document
(schema: tutor/schema/curriculum.schema.json, docs/tutor.md). `export` writes it from
Wagtail's published content, `validation` checks one, `chunks` cuts one into the
passages the index embeds."""

FORMAT = "mrict-curriculum"
VERSION = 1
