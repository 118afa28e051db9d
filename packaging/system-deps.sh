#!/usr/bin/env bash
# Install the Debian packages Webcare needs (Qt's runtime libraries, a font), when missing;
# --test adds what the tests need (Dovecot), --screenshots a real X server, --package the
# validators of the desktop files (desktop-file-validate, appstreamcli) and makensis.
# Does nothing when everything is present; needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
if [[ "${1:-}" == "--test" ]]; then
    # a real IMAP server (Dovecot) for the e-mail connector's tests; the desktop-file validators
    PACKAGES+=(dovecot-imapd desktop-file-utils appstream)
fi
if [[ "${1:-}" == "--screenshots" ]]; then
    # a real X server for window screenshots
    PACKAGES+=(xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
               libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0)
fi

if [[ "${1:-}" == "--package" ]]; then
    # desktop-file-validate and appstreamcli for packaging/linux/, makensis to compile (not run)
    # packaging/windows/webcare.nsi (make package, tests/packaging/)
    PACKAGES+=(desktop-file-utils appstream nsis)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian-based system; install Qt 6's runtime libraries yourself." >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "system-deps: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "system-deps: missing ${missing[*]} and not root; install them and run again." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Packages with daemons (Dovecot) must not start them: the tests run their own instances.
if [[ ! -e /usr/sbin/policy-rc.d && ${#SUDO[@]} -eq 0 ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
