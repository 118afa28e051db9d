"""Webcare: a desktop inbox for webcare teams."""

__version__ = "0.1.0"
