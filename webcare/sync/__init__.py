"""Keeping the local store in step with the team server: pull by cursor, push the outbox."""
