"""What the keyring's state means for the user, in the user's language.

:mod:`webcare.credentials` (no Qt) answers with a :class:`~webcare.credentials.KeyringProblem`
code and its details; this module turns them into the sentences the sign-in dialog, the banner
and the status bar show. The English texts here are the catalogue's sources.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from webcare.credentials import KeyringProblem, KeyringStatus, SaveOutcome


def cause(problem: KeyringProblem, detail: str = "") -> str:
    """The first half of a sentence: what is wrong with the keyring."""
    if problem is KeyringProblem.NO_KEYRING:
        return QCoreApplication.translate("Keyring", "No system keyring is available")
    if problem is KeyringProblem.LOCKED:
        return QCoreApplication.translate("Keyring", "The system keyring is locked")
    if problem is KeyringProblem.NO_ANSWER:
        return QCoreApplication.translate("Keyring", "The system keyring did not answer")
    if problem is KeyringProblem.NOT_KEPT:
        return QCoreApplication.translate("Keyring", "The system keyring did not keep the sign-in")
    return QCoreApplication.translate(
        "Keyring", "The system keyring is not working ({error})"
    ).format(error=detail or "?")


def _again(problem: KeyringProblem, detail: str) -> str:
    text = QCoreApplication.translate(
        "Keyring", "{cause}, so you will be asked to sign in again next time."
    ).format(cause=cause(problem, detail))
    if problem is KeyringProblem.LOCKED:
        text += " " + QCoreApplication.translate("Keyring", "Unlock the keyring to avoid this.")
    return text


def status_text(status: KeyringStatus) -> str:
    """One sentence for the sign-in dialog and the banner."""
    if status.problem is None:
        return QCoreApplication.translate("Keyring", "Your sign-in is kept in the system keyring.")
    return _again(status.problem, status.detail)


def saved_text(outcome: SaveOutcome) -> str:
    """One sentence for the status bar after a sign-in was (or was not) kept."""
    if outcome.problem is None:
        return QCoreApplication.translate("Keyring", "Your sign-in is kept in the system keyring.")
    if outcome.where == "file":
        return QCoreApplication.translate(
            "Keyring",
            "{cause}, so your sign-in is kept in {path}, a file only you can read, as you chose.",
        ).format(cause=cause(outcome.problem, outcome.detail), path=outcome.path)
    if outcome.path is not None:
        return QCoreApplication.translate(
            "Keyring",
            "{cause}, and the file {path} could not be written, so you will be asked to sign in"
            " again next time.",
        ).format(cause=cause(outcome.problem, outcome.detail), path=outcome.path)
    return _again(outcome.problem, outcome.detail)
