"""Webcare server package."""
