"""Shared pieces of the security tests: the three roles on a test server, fresh tokens."""

from __future__ import annotations

from dataclasses import dataclass

from tests.reliability.common import rounds, stress
from tests.support.server import TestServer
from webcare.domain.models import Role
from webcare.server.services import accounts

__all__ = ["ROLES", "RoleTokens", "rounds", "stress"]

#: username and role of each signed-in kind of user; ``None`` is anonymous.
ROLES: dict[str, Role] = {"agent": Role.AGENT, "lead": Role.LEAD, "admin": Role.ADMIN}
USERNAMES = {"agent": "eva", "lead": "lars", "admin": "anna"}


@dataclass
class RoleTokens:
    """Accounts for every role on one server, and fresh tokens without a (slow) argon2 login."""

    server: TestServer

    def create(self) -> None:
        for role_name, role in ROLES.items():
            if USERNAMES[role_name] not in self.server.users:
                self.server.add_user(USERNAMES[role_name], role)

    def token(self, role_name: str) -> str:
        """A new live token of the role's account (issued as the login endpoint does)."""
        ctx = self.server.ctx
        user_id = self.server.users[USERNAMES[role_name]]
        return accounts.issue_token(ctx.db, user_id, ctx.now(), 3600, "security test")

    def reset(self) -> None:
        """Undo what fuzzed admin calls may have done to the accounts (role, disabled)."""
        with self.server.ctx.db.write() as conn:
            for role_name, role in ROLES.items():
                conn.execute(
                    "UPDATE users SET role = ?, disabled = 0 WHERE username = ?",
                    (role.value, USERNAMES[role_name]),
                )
