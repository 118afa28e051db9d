"""A small file system made by the test itself, for disk-full tests.

The file system exists only in a private mount namespace of the process it is made for
(``unshare -m``, or ``unshare -r -m`` for a user without root): nothing is mounted on the host,
and it goes away with that process. The test reaches it through ``/proc/<pid>/root``.

Tried in this order, the first that works is used:

1. ``tmpfs`` of the given size (root, or an unprivileged user namespace);
2. an ext4 image of the given size on a loop device (root: ``mke2fs`` + ``mount -o loop``).

:func:`find_small_fs` returns ``None`` with the reasons when none works (the test skips).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SmallFs:
    """How to run a program with a fresh file system of ``size_bytes`` at ``mount_point``."""

    kind: str  # "tmpfs" or "ext4 image"
    mount_point: Path
    size_bytes: int
    _unshare: tuple[str, ...]
    _mount: str  # shell command, "$1" is the mount point

    def prefix(self, *copy: tuple[Path, Path]) -> list[str]:
        """A command prefix: mount the file system, copy each ``(source, inside)`` file into it,
        then ``exec`` the command that follows (same process id: see :meth:`view`)."""
        script = [self._mount]
        args: list[str] = [str(self.mount_point)]
        for source, inside in copy:
            n = len(args)
            script.append(f'cp "${n + 1}" "${n + 2}"')
            args += [str(source), str(inside)]
        script.append(f'shift {len(args)} && exec "$@"')
        return [*self._unshare, "sh", "-c", " && ".join(script), "sh", *args]

    def view(self, pid: int) -> Path:
        """Where this process sees the file system that process ``pid`` mounted."""
        return Path(f"/proc/{pid}/root") / self.mount_point.relative_to("/")


def _works(fs: SmallFs) -> str | None:
    """``None`` if ``fs`` can be mounted here, else why not."""
    probe = [*fs.prefix(), "sh", "-c", 'df -k "$0" | tail -1', str(fs.mount_point)]
    try:
        done = subprocess.run(probe, check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{fs.kind}: {exc}"
    if done.returncode != 0:
        return f"{fs.kind}: {(done.stderr or done.stdout).strip()[:200]}"
    fields = done.stdout.split()
    if len(fields) < 2 or not fields[1].isdigit() or int(fields[1]) * 1024 > 2 * fs.size_bytes:
        return f"{fs.kind}: not a small file system: {done.stdout.strip()!r}"
    return None


def find_small_fs(
    base: Path, size_bytes: int, kinds: Sequence[str] = ("tmpfs", "ext4 image")
) -> tuple[SmallFs | None, list[str]]:
    """A way to make a ``size_bytes`` file system at ``base/mnt`` (the first of ``kinds`` that
    works here), or ``None`` and why not."""
    mount_point = base / "mnt"
    mount_point.mkdir(parents=True, exist_ok=True)
    reasons: list[str] = []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None, ["no unshare(1) to make a private mount namespace"]
    root = os.geteuid() == 0
    namespace = (unshare, "-m", "--propagation", "private") if root else (
        unshare, "-r", "-m", "--propagation", "private"
    )  # fmt: skip
    tmpfs = SmallFs(
        "tmpfs", mount_point, size_bytes, namespace,
        f'mount -t tmpfs -o size={size_bytes},mode=0700 tmpfs "$1"',
    )  # fmt: skip
    if "tmpfs" in kinds:
        reason = _works(tmpfs)
        if reason is None:
            return tmpfs, reasons
        reasons.append(reason)
    if "ext4 image" not in kinds:
        return None, reasons
    mke2fs = shutil.which("mke2fs") or shutil.which("mkfs.ext4")
    if not root:
        reasons.append("ext4 image: a loop mount needs root")
    elif mke2fs is None:
        reasons.append("ext4 image: no mke2fs")
    else:
        image = base / "small.img"
        made = subprocess.run(
            [mke2fs, "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-m", "0", str(image),
             f"{size_bytes // 1024}k"],
            check=False, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if made.returncode != 0:
            reasons.append(f"ext4 image: {made.stderr.strip()[:200]}")
        else:
            loop = SmallFs(
                "ext4 image", mount_point, size_bytes, namespace,
                f'mount -o loop "{image}" "$1"',
            )  # fmt: skip
            reason = _works(loop)
            if reason is None:
                return loop, reasons
            reasons.append(reason)
    return None, reasons
