"""The team server's address and the paths of its API.

:func:`normalize_url` checks what the user typed and gives the canonical address (also the key a
sign-in is kept under); :func:`api_path` builds an endpoint's path below it, with every
caller-supplied segment escaped.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import quote, urlsplit, urlunsplit

from webcare.domain.errors import ValidationError
from webcare.net.errors import InsecureUrlError

#: Every endpoint of the team server's JSON API lives below this path.
API_ROOT = "/v1"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (127.0.0.0/8, ::1 or localhost).

    Args:
        host: A host name or IP address, without brackets or port.

    Returns:
        True for loopback addresses and ``localhost``. Other names are not trusted to resolve
        to this machine (``*.localhost`` is not, either: not every resolver honours RFC 6761).
    """
    name = host.lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalize_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """Check a team server address and return its canonical form.

    The canonical form has a lower-case scheme and host and no trailing slash, so the same
    server always gives the same string (it is also the key under which a sign-in is kept).

    Args:
        url: What the user typed, e.g. ``https://webcare.example.com/``.
        allow_insecure_http: Accept ``http://`` to a machine other than this one.

    Returns:
        The address without a trailing slash, e.g. ``https://webcare.example.com``.

    Raises:
        ValidationError: Not an http(s) address with a host, or with a user name, query or
            fragment in it.
        InsecureUrlError: ``http://`` to another machine without ``allow_insecure_http``.
    """
    text = url.strip()
    example = "Use an address like https://webcare.example.com."
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"{text or 'An empty address'!r} is not a team server address. {example}",
            title="Invalid address",
        )
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(
            f"{text!r} has an invalid port number. {example}", title="Invalid address"
        ) from None
    if parts.username is not None or parts.password is not None:
        # A password in the address would end up in settings files and logs.
        raise ValidationError(
            "Leave the user name and password out of the server address; Webcare asks for them"
            " when you sign in.",
            title="Invalid address",
        )
    if parts.query or parts.fragment:
        raise ValidationError(
            f"{text!r} has a '?' or '#' part; a team server address has none. {example}",
            title="Invalid address",
        )
    host = parts.hostname.lower()
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(host):
        raise InsecureUrlError(
            f"Webcare will not use http://{host}: over plain http your password and sign-in"
            " would cross the network unencrypted. Use the https:// address of the team"
            " server instead."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def api_path(*segments: str | int) -> str:
    """The path of an API endpoint, e.g. ``api_path("mentions", 12, "claim")``.

    Args:
        segments: The path's parts below :data:`API_ROOT`. A text is escaped whole (a ``/`` or
            ``?`` in an id stays inside its segment); anything else is written as an integer.

    Returns:
        ``/v1/mentions/12/claim``: to be appended to the normalized server address.
    """
    parts = (quote(s, safe="") if isinstance(s, str) else str(int(s)) for s in segments)
    return "/".join((API_ROOT, *parts))
