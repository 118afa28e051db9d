"""CredentialStore: the keyring first, a plain file only on opt-in, and never a crash."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, fail, null

from tests.support.keyring import (
    BrokenKeyring,
    ForgetfulKeyring,
    LockedKeyring,
    MemoryKeyring,
    NoKeyring,
    installed,
)
from webcare.credentials import (
    IN_KEYRING,
    SERVICE,
    CredentialStore,
    KeyringProblem,
    KeyringStatus,
    SaveOutcome,
    credential_key,
    normalize_server_url,
)
from webcare.net.urls import normalize_url

SERVER = "https://webcare.example.com"
TOKEN = "wct_" + "s3cr3t" * 8
NO_KEYRING_MESSAGE = (
    "No system keyring is available, so you will be asked to sign in again next time."
)


def files_in(path: Path) -> list[str]:
    return sorted(p.name for p in path.rglob("*"))


# --- a working keyring ----------------------------------------------------------------------


def test_round_trip_in_the_keyring(memory_keyring: keyring.backend.KeyringBackend) -> None:
    store = CredentialStore()
    assert store.status() == KeyringStatus(available=True, locked=False)
    assert store.status().reason == IN_KEYRING
    assert store.load(SERVER, "eva") is None

    assert store.save(SERVER, "eva", TOKEN) == SaveOutcome("keyring")
    assert SaveOutcome("keyring").message == IN_KEYRING
    assert store.load(SERVER, "eva") == TOKEN
    assert store.load(SERVER, "tom") is None
    assert store.load("https://other.example.com", "eva") is None

    store.delete(SERVER, "eva")
    assert store.load(SERVER, "eva") is None
    store.delete(SERVER, "eva")  # deleting what is not there is fine


def test_key_is_the_normalized_server_and_the_account() -> None:
    with installed(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        store = CredentialStore()
        store.save("  HTTPS://WebCare.Example.com/ ", " Eva ", TOKEN)
        assert backend.secrets == {(SERVICE, "https://webcare.example.com|eva"): TOKEN}
        # the same server and account, however typed, find the same sign-in
        assert store.load("https://webcare.example.com", "EVA") == TOKEN
        store.delete("https://webcare.example.com//", "eva")
        assert backend.secrets == {}
    assert SERVICE == "webcare"
    assert credential_key("http://127.0.0.1:8750/", "Lars") == "http://127.0.0.1:8750|lars"
    assert credential_key("https://[::1]:9000/webcare/", "a") == "https://[::1]:9000/webcare|a"


@pytest.mark.parametrize(
    "url",
    [
        "https://webcare.example.com",
        "  HTTPS://WebCare.Example.com:8443/team/ ",
        "http://127.0.0.1:8750/",
        "http://LOCALHOST:8750//",
        "https://[::1]:9000",
    ],
)
def test_key_uses_the_api_clients_form_of_the_address(url: str) -> None:
    # The app saves under ApiClient.base_url and loads with what the user typed before.
    assert normalize_server_url(url) == normalize_url(url)


def test_saving_again_replaces_the_token() -> None:
    with installed(MemoryKeyring()):
        store = CredentialStore()
        store.save(SERVER, "eva", "wct_old")
        store.save(SERVER, "eva", "wct_new")
        assert store.load(SERVER, "eva") == "wct_new"


# --- no keyring, locked, broken -------------------------------------------------------------


def test_without_a_keyring_nothing_is_kept_and_nothing_is_written(
    no_keyring: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    store = CredentialStore(plaintext_path=tmp_path / "cfg" / "tokens.json")
    status = store.status()
    assert status == KeyringStatus(False, False, KeyringProblem.NO_KEYRING)
    assert status.reason == NO_KEYRING_MESSAGE

    outcome = store.save(SERVER, "eva", TOKEN)
    assert outcome == SaveOutcome("nowhere", KeyringProblem.NO_KEYRING)
    assert outcome.message == NO_KEYRING_MESSAGE
    assert store.load(SERVER, "eva") is None
    store.delete(SERVER, "eva")
    assert files_in(tmp_path) == []


def test_the_real_fail_backend_counts_as_no_keyring(tmp_path: Path) -> None:
    with installed(fail.Keyring()):
        store = CredentialStore(plaintext_path=tmp_path / "tokens.json")
        assert not store.status().available
        assert store.save(SERVER, "eva", TOKEN) == SaveOutcome("nowhere", KeyringProblem.NO_KEYRING)
        assert store.load(SERVER, "eva") is None
        store.delete(SERVER, "eva")
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("backend", [null.Keyring(), ForgetfulKeyring()], ids=["null", "forgetful"])
def test_a_backend_that_silently_keeps_nothing_is_not_trusted(
    backend: keyring.backend.KeyringBackend,
) -> None:
    # The null backend (keyring disabled) accepts every write and keeps nothing: a save must
    # not claim the sign-in was kept.
    with installed(backend):
        outcome = CredentialStore().save(SERVER, "eva", TOKEN)
    assert outcome.where == "nowhere"
    assert "sign in again next time" in outcome.message


def test_a_chainer_with_nothing_to_chain_is_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    # What keyring picks on a desktop without any backend package: it answers, stores nothing.
    monkeypatch.setattr(keyring.backend, "_limit", lambda _backend: False)
    assert list(chainer.ChainerBackend.backends) == []
    with installed(chainer.ChainerBackend()):
        store = CredentialStore()
        assert store.status().available is False
        assert store.save(SERVER, "eva", TOKEN) == SaveOutcome("nowhere", KeyringProblem.NO_KEYRING)
        assert store.load(SERVER, "eva") is None


def test_a_locked_keyring_says_so(
    locked_keyring: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    store = CredentialStore(plaintext_path=tmp_path / "tokens.json")
    status = store.status()
    assert status.available is False
    assert status.locked is True
    assert "locked" in status.reason

    outcome = store.save(SERVER, "eva", TOKEN)
    assert outcome.where == "nowhere"
    assert "locked" in outcome.message
    assert "sign in again next time" in outcome.message
    assert store.load(SERVER, "eva") is None
    store.delete(SERVER, "eva")
    assert files_in(tmp_path) == []


def test_a_broken_backend_degrades_instead_of_raising(tmp_path: Path) -> None:
    with installed(BrokenKeyring()) as backend:
        store = CredentialStore(plaintext_path=tmp_path / "tokens.json")
        status = store.status()
        assert status.available is False
        assert status.locked is False
        assert "not working (RuntimeError)" in status.reason
        outcome = store.save(SERVER, "eva", TOKEN)
        assert outcome.where == "nowhere"
        assert "not working" in outcome.message
        assert store.load(SERVER, "eva") is None
        store.delete(SERVER, "eva")
        assert isinstance(backend, BrokenKeyring)
        assert backend.calls >= 4  # every path really went to the backend
    assert files_in(tmp_path) == []


# --- the plain-file opt-in ------------------------------------------------------------------


def test_plaintext_opt_in_writes_a_private_file_and_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "config" / "webcare" / "tokens.json"
    with installed(NoKeyring()):
        store = CredentialStore(plaintext_path=path, allow_plaintext=True)
        outcome = store.save(SERVER, "eva", TOKEN)
        assert outcome.where == "file"
        assert outcome.message.startswith("No system keyring is available, so your sign-in")
        assert str(path) in outcome.message
        assert "as you chose" in outcome.message
        assert TOKEN not in outcome.message

        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert json.loads(path.read_text(encoding="utf-8")) == {f"{SERVER}|eva": TOKEN}
        assert files_in(path.parent) == ["tokens.json"]  # no temporary file left behind

        assert store.load(SERVER, "eva") == TOKEN
        again = CredentialStore(plaintext_path=path, allow_plaintext=True)
        assert again.load(SERVER.upper() + "/", "Eva") == TOKEN
        # opting out later: the file is no longer read
        assert CredentialStore(plaintext_path=path).load(SERVER, "eva") is None

        store.save(SERVER, "tom", "wct_tom")
        store.delete(SERVER, "eva")
        assert json.loads(path.read_text(encoding="utf-8")) == {f"{SERVER}|tom": "wct_tom"}
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # deleting without the opt-in still cleans the file; the last entry removes it
        CredentialStore(plaintext_path=path).delete(SERVER, "tom")
        assert not path.exists()


def test_plaintext_opt_in_for_a_locked_keyring(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    with installed(LockedKeyring()):
        outcome = CredentialStore(plaintext_path=path, allow_plaintext=True).save(
            SERVER, "eva", TOKEN
        )
    assert outcome.where == "file"
    assert outcome.message.startswith("The system keyring is locked, so your sign-in is kept")


@pytest.mark.parametrize(
    "backend",
    [NoKeyring(), LockedKeyring(), BrokenKeyring(), MemoryKeyring(), null.Keyring()],
    ids=["none", "locked", "broken", "memory", "null"],
)
def test_without_opt_in_the_plaintext_file_is_never_created(
    backend: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    with installed(backend):
        store = CredentialStore(plaintext_path=path, allow_plaintext=False)
        store.status()
        outcome = store.save(SERVER, "eva", TOKEN)
        assert outcome.where in ("keyring", "nowhere")
        store.load(SERVER, "eva")
        store.delete(SERVER, "eva")
    assert not path.exists()
    assert files_in(tmp_path) == []


def test_a_working_keyring_wins_over_the_file_and_clears_the_old_copy(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    with installed(NoKeyring()):
        CredentialStore(plaintext_path=path, allow_plaintext=True).save(SERVER, "eva", "wct_old")
    assert path.exists()
    with installed(MemoryKeyring()) as backend:
        store = CredentialStore(plaintext_path=path, allow_plaintext=True)
        assert store.load(SERVER, "eva") == "wct_old"  # still found until replaced
        assert store.save(SERVER, "eva", TOKEN).where == "keyring"
        assert isinstance(backend, MemoryKeyring)
        assert backend.secrets == {(SERVICE, f"{SERVER}|eva"): TOKEN}
    assert not path.exists()


def test_a_damaged_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json", encoding="utf-8")
    with installed(NoKeyring()):
        store = CredentialStore(plaintext_path=path, allow_plaintext=True)
        assert store.load(SERVER, "eva") is None
        assert store.save(SERVER, "eva", TOKEN).where == "file"
        assert store.load(SERVER, "eva") == TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unwritable_file_location_degrades_to_nowhere(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")  # a file where the folder should be (even root fails)
    with installed(NoKeyring()):
        outcome = CredentialStore(
            plaintext_path=blocker / "tokens.json", allow_plaintext=True
        ).save(SERVER, "eva", TOKEN)
    assert outcome.where == "nowhere"
    assert "could not be written" in outcome.message
    assert "sign in again next time" in outcome.message


def test_no_token_reaches_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "tokens.json"
    for backend in (NoKeyring(), LockedKeyring(), BrokenKeyring(), MemoryKeyring()):
        with installed(backend):
            for opt_in in (False, True):
                store = CredentialStore(plaintext_path=path, allow_plaintext=opt_in)
                store.status()
                outcome = store.save(SERVER, "eva", TOKEN)
                assert TOKEN not in outcome.message
                assert TOKEN not in repr(outcome)
                store.load(SERVER, "eva")
                store.delete(SERVER, "eva")
    assert caplog.records  # the degradations were logged ...
    assert TOKEN not in caplog.text  # ... without the secret
