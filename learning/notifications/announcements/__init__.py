"""Announcements: an admin's or a course teacher's message broadcast to all users, a
role or a course's learners, now or at a scheduled time, fanned out in background jobs
through the notification core (docs/announcements.md)."""
