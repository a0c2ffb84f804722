"""A small consumer written with the official pact-python library (v3+ API).

It declares what a Python portal needs from the accounts service, runs a tiny client against
pact-python's mock server, hands an "account created" message to its handler, and writes the
V4 pact into the directory given as the only argument. The accord end-to-end tests then verify
that pact with accord-verifier and with the official verifier, and serve it with both mock
servers.
"""

import json
import sys
import urllib.request

from pact import Pact, match

RISK = "CONSERVATIVE|BALANCED|AGGRESSIVE"


def account(account_id: int) -> dict:
    return {
        "id": match.int(account_id),
        "owner": match.str("ann"),
        "balance": match.decimal(1250.5),
        "currency": match.regex("EUR", regex="[A-Z]{3}"),
        "riskProfile": match.regex("BALANCED", regex=RISK),
    }


def get_json(url: str):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def main(out_dir: str) -> None:
    pact = Pact("py-portal", "accounts").with_specification("V4")
    (
        pact.upon_receiving("a request for account 42 from python")
        .given("account 42 exists", {"id": 42, "owner": "ann"})
        .with_request("GET", "/accounts/42")
        .will_respond_with(200)
        .with_body(account(42), content_type="application/json")
    )
    (
        pact.upon_receiving("a request for the accounts of ann from python")
        .given("ann has accounts", {"owner": "ann"})
        .with_request("GET", "/accounts")
        .with_query_parameter("owner", "ann")
        .will_respond_with(200)
        .with_body(match.each_like(account(42), min=1), content_type="application/json")
    )
    with pact.serve() as server:
        one = get_json(f"{server.url}/accounts/42")
        assert one["id"] == 42, one
        many = get_json(f"{server.url}/accounts?owner=ann")
        assert len(many) >= 1, many

    messages = Pact("py-portal", "accounts").with_specification("V4")
    (
        messages.upon_receiving("an account created event from python", "Async")
        .given("an account is opened")
        .with_body(
            {"accountId": match.int(42), "owner": match.str("ann"), "riskProfile": match.regex("CONSERVATIVE", regex=RISK)},
            content_type="application/json",
        )
        .with_metadata({"topic": "accounts.created"})
    )

    def handler(body, metadata):
        event = json.loads(body) if isinstance(body, (str, bytes)) else body
        assert event["accountId"] == 42, event

    pact.write_file(out_dir, overwrite=True)
    messages.verify(handler, "Async")
    messages.write_file(out_dir)


if __name__ == "__main__":
    main(sys.argv[1])
