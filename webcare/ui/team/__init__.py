"""Screens for team leads (reports, workload, audit) and admins (templates, agents, channels,
settings). Each tab is a small view that loads and writes through the TaskRunner."""
