"""Webcare sync package."""
