"""The seed scenarios, end to end through every proxy set-up:

- the four Bedrock passthrough actions (under the /bedrock mount) and the application
  inference profile route: denied for a restricted key, allowed for a key entitled through the
  `frontier` access group, with boto3 in both bearer and SigV4 modes;
- a team whose model_config.defaultconfig lists gemini before bedrock, set up through the admin
  API exactly as against LiteLLM (POST /credentials twice, POST /team/new, PATCH /team/update,
  POST /key/generate), gets the bedrock credential on a bedrock-backed group with an
  unprefixed name, and the gemini credential on the gemini group.
"""

import secrets as random_secrets

import openai
import pytest
import requests

from e2e import checks
from e2e.clients import (BEDROCK_ACTIONS, TIMEOUT, bedrock_call, bedrock_path, gemini_generate, outcome)
from e2e.fake_upstream import REPLY_TEXT

OPUS = "global.anthropic.claude-opus-4-7"
APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz"


@pytest.mark.parametrize("auth", ["bearer", "sigv4"])
@pytest.mark.parametrize("action", list(BEDROCK_ACTIONS))
def test_bedrock_passthrough_action(proxy, upstream, secrets, action, auth):
    run = bedrock_call(action, OPUS, auth=auth, prefix="/bedrock")
    checks.denied(upstream, *outcome(lambda: run(proxy, secrets.key_restricted)), "key_model_access_denied")
    assert outcome(lambda: run(proxy, secrets.key_frontier)) is None
    checks.reached(upstream, virtual_key=secrets.key_frontier, path=bedrock_path(OPUS, action, "/bedrock"),
                   credential=("authorization", f"Bearer {secrets.bedrock}"), group="claude-opus-4-7",
                   provider="bedrock")


@pytest.mark.parametrize("auth", ["bearer", "sigv4"])
def test_bedrock_application_inference_profile(proxy, upstream, secrets, auth):
    run = bedrock_call("converse", APP_PROFILE, auth=auth, prefix="/bedrock")
    checks.denied(upstream, *outcome(lambda: run(proxy, secrets.key_restricted)), "key_model_access_denied")
    assert outcome(lambda: run(proxy, secrets.key_frontier)) is None
    r = checks.reached(upstream, virtual_key=secrets.key_frontier, path=bedrock_path(APP_PROFILE, "converse", "/bedrock"),
                       credential=("authorization", f"Bearer {secrets.bedrock}"), group="claude-haiku-arn",
                       provider="bedrock")
    assert "%2Fabc123xyz" in r.target, "the ARN's encoded slash must reach the upstream unchanged"


# --- team defaultconfig through the admin API --------------------------------------------------

class TeamSetup:
    def __init__(self, key: str, gemini_secret: str, bedrock_secret: str):
        self.key, self.gemini_secret, self.bedrock_secret = key, gemini_secret, bedrock_secret


@pytest.fixture(scope="module")
def team(modelgate_url, secrets) -> TeamSetup:
    admin = requests.Session()
    admin.headers["Authorization"] = f"Bearer {secrets.master_key}"
    gemini_secret = "upstream-gemini-team-" + random_secrets.token_urlsafe(12)
    bedrock_secret = "upstream-bedrock-team-" + random_secrets.token_urlsafe(12)

    for name, provider, value in [("gemini-team-e2e", "gemini", gemini_secret),
                                  ("bedrock-team-e2e", "bedrock", bedrock_secret)]:
        r = admin.post(f"{modelgate_url}/credentials", timeout=TIMEOUT, json={
            "credential_name": name,
            "credential_values": {"api_key": value},
            "credential_info": {"custom_llm_provider": provider},
        })
        assert r.status_code == 200, r.text

    listed = admin.get(f"{modelgate_url}/credentials", timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text
    assert gemini_secret not in listed.text and bedrock_secret not in listed.text, "credential values were returned"

    r = admin.post(f"{modelgate_url}/team/new", timeout=TIMEOUT, json={"team_id": "team-e2e", "team_alias": "e2e"})
    assert r.status_code == 200, r.text
    r = admin.patch(f"{modelgate_url}/team/update", timeout=TIMEOUT, json={
        "team_id": "team-e2e",
        "metadata": {"model_config": {"defaultconfig": {
            "gemini": {"litellm_credentials": "gemini-team-e2e"},      # listed first on purpose
            "bedrock": {"litellm_credentials": "bedrock-team-e2e"},
        }}},
    })
    assert r.status_code == 200, r.text
    r = admin.post(f"{modelgate_url}/key/generate", timeout=TIMEOUT,
                   json={"team_id": "team-e2e", "key_alias": "e2e-team-key"})
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    assert key.startswith("sk-")
    return TeamSetup(key, gemini_secret, bedrock_secret)


def _team_headers(r, team_key_alias="e2e-team-key"):
    assert r.header("x-modelgate-team-id") == "team-e2e"
    assert r.header("x-modelgate-key-alias") == team_key_alias


@pytest.mark.parametrize("auth", ["bearer", "sigv4"])
def test_team_defaultconfig_bedrock_group_by_unprefixed_name_gets_bedrock_credential(proxy, upstream, team, auth):
    # The client names the group (no provider prefix); the provider comes from its deployment.
    run = bedrock_call("converse", "claude-sonnet-4.6", auth=auth, prefix="/bedrock")
    assert outcome(lambda: run(proxy, team.key)) is None
    r = checks.reached(upstream, virtual_key=team.key, path="/bedrock/model/claude-sonnet-4.6/converse",
                       credential=("authorization", f"Bearer {team.bedrock_secret}"),
                       group="claude-sonnet-4.6", provider="bedrock")
    _team_headers(r)


def test_team_defaultconfig_openai_route_to_bedrock_group_gets_bedrock_credential(proxy, upstream, team):
    client = openai.OpenAI(base_url=proxy.url + "/v1", api_key=team.key, max_retries=0, timeout=TIMEOUT)

    def call():
        r = client.chat.completions.create(model="claude-sonnet-4.6", messages=[{"role": "user", "content": "hi"}])
        assert r.choices[0].message.content == REPLY_TEXT

    result = outcome(call)
    if not proxy.sends_body:
        checks.denied(upstream, *result, "body_incomplete")
        return
    assert result is None, result
    r = checks.reached(upstream, virtual_key=team.key, path="/v1/chat/completions",
                       credential=("authorization", f"Bearer {team.bedrock_secret}"),
                       group="claude-sonnet-4.6", provider="bedrock")
    _team_headers(r)


def test_team_defaultconfig_gemini_group_gets_gemini_credential(proxy, upstream, team):
    assert outcome(lambda: gemini_generate(proxy, team.key)) is None
    r = checks.reached(upstream, virtual_key=team.key, path="/v1/models/gemini-2.5-pro:generateContent",
                       credential=("x-goog-api-key", team.gemini_secret), group="gemini-2.5-pro", provider="gemini")
    _team_headers(r)
