"""Webcare storage package."""
