"""Supervisors' screens: the review queue, incidents, courses due, the audit trail, charts."""
