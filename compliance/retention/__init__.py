"""Retention schedules, legal holds, the sweep that applies them, and deletion certificates.

Each app that holds data in a category registers a handler (`registry.register`); the
sweep asks every handler for its expired items and deletes them one by one.
"""
