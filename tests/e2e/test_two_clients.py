"""One real server, two clients with their own local stores, racing for the same mention."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.support.client import HeadlessClient
from tests.support.server import running_server
from webcare.domain.errors import ClaimConflict


def test_two_clients_race_one_wins_the_other_is_told(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        server.add_user("eva")
        server.add_user("tom")
        (mid,) = server.add_mentions(1, text="Mijn internet ligt eruit!")
        eva = HeadlessClient(server.url, "eva", tmp_path / "eva.db")
        tom = HeadlessClient(server.url, "tom", tmp_path / "tom.db")
        try:
            for client in (eva, tom):
                client.engine.catch_up()
            barrier = threading.Barrier(2)
            outcome: dict[str, object] = {}

            def race(client: HeadlessClient) -> None:
                barrier.wait()
                try:
                    outcome[client.username] = client.api.claim(mid)["mention"]["claim_epoch"]
                except ClaimConflict as exc:
                    outcome[client.username] = exc

            threads = [threading.Thread(target=race, args=(c,)) for c in (eva, tom)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)

            winners = [name for name, value in outcome.items() if isinstance(value, int)]
            losers = [value for value in outcome.values() if isinstance(value, ClaimConflict)]
            assert len(winners) == 1 and len(losers) == 1
            winner = winners[0]
            assert losers[0].holder_name == winner.capitalize()
            assert losers[0].lease_remaining_s > 800

            # both local stores converge on the server's truth
            for client in (eva, tom):
                client.engine.catch_up()
                detail = client.store.detail(mid)
                assert detail is not None
                assert detail.holder == winner.capitalize()
            # the loser cannot reply: the server fences a reply without the claim
            loser = tom if winner == "eva" else eva
            loser.store.enqueue("reply", mid, {"body": "Ook ik!", "claim_epoch": 1})
            (result,) = loser.engine.push_all()
            assert result["outcome"] == "rejected"
        finally:
            eva.close()
            tom.close()
