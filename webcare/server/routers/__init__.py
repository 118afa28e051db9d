"""Webcare server routers package."""
