"""The desktop client's local store: a mirror of the team server plus the local outbox.

``store`` (LocalStore, made of the parts below), ``core`` (its connection, transactions and
sync state), ``records`` (what it hands out), ``schema`` (its migrations and search index),
``mirror`` and ``applier`` (the sync applier), ``outbox``, ``filters``, ``search`` and
``queries`` (the queue), ``detail`` (one mention and its author), ``media_cache`` (copies of
media files beside it). The team server never imports it.
"""
