"""The desktop client's network edge: the only place it talks HTTP to the team server.

* :mod:`~webcare.net.urls`: the server address (checked, canonical) and the API's paths;
* :mod:`~webcare.net.wire`: the JSON the API answers with (``Json``) and its shape checks;
* :mod:`~webcare.net.transport`: sessions, timeouts, sending, and every failure mapped to
  :mod:`webcare.net.errors` / :mod:`webcare.domain.errors`;
* :mod:`~webcare.net.agent_api`: :class:`~webcare.net.agent_api.ApiClient`, the inbox's calls;
* :mod:`~webcare.net.team_api`: :class:`~webcare.net.team_api.TeamApi`, the Team window's lead
  and admin calls, sent through an ``ApiClient``.
"""
