"""The store behind modelgate, through the real proxies, on the backend under test
(MODELGATE_E2E_BACKEND: SQLite or PostgreSQL): each admin write is in force at once through
every proxy set-up; the database holds no key and no credential value; with PostgreSQL, its
password appears in no log line, metric, health answer or error."""

import hashlib
import secrets as random_secrets
import sqlite3

import pytest
import requests

from e2e import checks
from e2e.conftest import BACKEND

GEMINI = "/v1beta/models/gemini-2.5-pro:generateContent"   # names the model in the path: every proxy mode
GEMINI_BODY = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
TIMEOUT = 20


def admin(modelgate_url: str, master_key: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, modelgate_url + path, json=body, timeout=TIMEOUT,
                            headers={"Authorization": f"Bearer {master_key}"})


def admin_ok(modelgate_url: str, master_key: str, method: str, path: str, body: dict | None = None) -> dict:
    r = admin(modelgate_url, master_key, method, path, body)
    assert r.status_code == 200, f"{method} {path}: {r.status_code} {r.text}"
    return r.json()


def gemini(proxy, key: str) -> requests.Response:
    return requests.post(proxy.url + GEMINI, json=GEMINI_BODY, timeout=TIMEOUT,
                         headers={"Authorization": f"Bearer {key}"})


def test_admin_writes_are_in_force_through_the_proxy_at_once(proxy, upstream, modelgate_url, secrets):
    def write(path, body):
        admin_ok(modelgate_url, secrets.master_key, "POST", path, body)

    def allowed():
        r = gemini(proxy, key)
        assert r.status_code == 200, r.text
        checks.reached(upstream, virtual_key=key, path=GEMINI, credential=("x-goog-api-key", secrets.gemini),
                       group="gemini-2.5-pro", provider="gemini")
        upstream.clear()

    def denied(reason):
        r = gemini(proxy, key)
        checks.denied(upstream, r.status_code, r.content, reason)

    key = admin_ok(modelgate_url, secrets.master_key, "POST", "/key/generate",
                   {"models": ["gemini-2.5-pro"], "key_alias": f"store-{proxy.mode}"})["key"]
    allowed()
    write("/key/update", {"key": key, "models": ["gpt-4o"]})
    denied("key_model_access_denied")
    write("/key/update", {"key": key, "models": ["gemini-2.5-pro"]})
    allowed()
    write("/key/block", {"key": key})
    denied("key_blocked")
    write("/key/unblock", {"key": key})
    allowed()
    team = f"store-team-{proxy.mode}"
    write("/team/new", {"team_id": team, "models": ["gpt-4o"]})
    write("/key/update", {"key": key, "team_id": team})
    denied("team_model_access_denied")
    write("/team/update", {"team_id": team, "models": ["gpt-4o", "gemini-2.5-pro"]})
    allowed()
    write("/key/delete", {"keys": [key]})
    denied("invalid_key")


def dump(database) -> str:
    """Every row of the store as text, as an operator's dump shows it."""
    if database.server is None:
        connection = sqlite3.connect(database.location)
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    return database.server.dump(database.name)


def test_the_database_holds_no_key_and_no_credential_value(modelgate, modelgate_url, secrets, database):
    planted = "upstream-planted-" + random_secrets.token_urlsafe(16)
    admin_ok(modelgate_url, secrets.master_key, "POST", "/credentials", {
        "credential_name": "store-sweep", "credential_values": {"api_key": planted},
        "credential_info": {"custom_llm_provider": "openai"}})
    admin_ok(modelgate_url, secrets.master_key, "POST", "/team/new", {"team_id": "store-sweep-team"})
    key = admin_ok(modelgate_url, secrets.master_key, "POST", "/key/generate",
                   {"team_id": "store-sweep-team", "key_alias": "store-sweep"})["key"]
    text = dump(database)
    # The dump is of the right rows: the credential's name and the key's SHA-256 are there.
    assert "store-sweep" in text and hashlib.sha256(key.encode()).hexdigest() in text.lower()
    for label, value in [("credential value", planted), ("virtual key", key), ("master key", secrets.master_key)]:
        assert value not in text, f"the {database.backend} database holds a {label}"


@pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL only: a SQLite path holds no password")
def test_the_database_password_appears_nowhere(modelgate, modelgate_url, secrets, database):
    password, encoded = database.server.password, database.server.encoded_password
    refused = admin(modelgate_url, secrets.master_key, "POST", "/key/generate", {"team_id": "no-such-team"})
    assert refused.status_code >= 400
    places = {
        "readiness": requests.get(modelgate_url + "/health/readiness", timeout=TIMEOUT).text,
        "liveness": requests.get(modelgate_url + "/health/liveness", timeout=TIMEOUT).text,
        "metrics": requests.get(modelgate_url + "/metrics", timeout=TIMEOUT).text,
        "an admin error": refused.text,
        "the log": modelgate.log.read_text(errors="replace"),
    }
    assert '"database":"ok"' in places["readiness"]
    assert "modelgate:***@" in places["the log"], "the log does not show the database URL with its password as ***"
    for place, text in places.items():
        assert password not in text and encoded not in text, f"the database password is in {place}"
