"""Webcare ui package."""
