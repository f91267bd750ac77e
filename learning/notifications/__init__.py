"""In-app notifications, channels and preferences, email and SMS delivery, announcements."""
