"""Meetings and registrations (see issue: meetings)."""
