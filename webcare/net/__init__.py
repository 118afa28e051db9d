"""Webcare net package."""
