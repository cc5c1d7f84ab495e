"""Every SDK call of clients.SDK_CALLS, through every proxy set-up: an allowed key reaches the
upstream with the provider credential only; a key without the model, or an unknown key, is
denied with modelgate's JSON error and the upstream sees nothing."""

import pytest

from e2e import checks
from e2e.clients import SDK_CALLS, outcome

# One call per client family for the unknown-key case (the key check does not depend on the route).
UNKNOWN_KEY_CALLS = [c for c in SDK_CALLS if c.name in {
    "openai.chat.completions", "openai.AzureOpenAI.chat", "anthropic.messages[x-api-key]",
    "anthropic.messages[bearer]", "boto3.converse[plain,sigv4]", "boto3.converse-stream[colon,bearer]",
    "anthropic.AnthropicBedrock.messages.create[bearer]", "anthropic.AnthropicBedrock.messages.create[sigv4]",
    "genai.generate_content[gemini,v1]", "genai.generate_content[vertex]",
}]


@pytest.mark.parametrize("call", SDK_CALLS, ids=str)
def test_allowed_key_reaches_upstream_with_provider_credential(proxy, upstream, secrets, call):
    result = outcome(lambda: call.run(proxy, secrets.key_all))
    if call.model_in_body and not proxy.sends_body:
        # nginx's plain auth_request cannot send the body that names the model: denied, clearly.
        assert result is not None, "a body-routed request was allowed without its body being checked"
        checks.denied(upstream, *result, "body_incomplete")
        return
    assert result is None, f"allowed key was denied: {result}"
    checks.reached(upstream, virtual_key=secrets.key_all, path=call.path, credential=call.credential(secrets),
                   group=call.group, provider=call.provider)


@pytest.mark.parametrize("call", SDK_CALLS, ids=str)
def test_key_without_the_model_is_denied(proxy, upstream, secrets, call):
    result = outcome(lambda: call.run(proxy, secrets.key_restricted))
    assert result is not None, "a key without the model was allowed"
    reason = "body_incomplete" if call.model_in_body and not proxy.sends_body else "key_model_access_denied"
    checks.denied(upstream, *result, reason)


@pytest.mark.parametrize("call", UNKNOWN_KEY_CALLS, ids=str)
def test_unknown_key_is_401(proxy, upstream, call):
    assert len(UNKNOWN_KEY_CALLS) == 10
    result = outcome(lambda: call.run(proxy, "sk-e2e-unknown-key-0000"))
    assert result is not None, "an unknown key was allowed"
    checks.denied(upstream, *result, "invalid_key")


# --- Azure's deployment-less APIs: the body model is the Azure deployment (CONTRACT §3) ----------

import openai  # noqa: E402

from e2e.checks import SPOOF_HEADERS  # noqa: E402
from e2e.clients import TIMEOUT  # noqa: E402
from e2e.fake_upstream import REPLY_TEXT  # noqa: E402

AZURE_DEPLOYMENT = "my-gpt4o-deployment"  # azure-gpt4o in e2e/modelgate-e2e.yaml


def azure_responses(proxy, key):
    """AzureOpenAI's responses.create: POST /openai/responses?api-version=…, deployment in `model`."""
    client = openai.AzureOpenAI(azure_endpoint=proxy.url, api_version="2025-04-01-preview", api_key=key,
                                max_retries=0, timeout=TIMEOUT, default_headers=SPOOF_HEADERS)
    r = client.responses.create(model=AZURE_DEPLOYMENT, input="hi")
    assert r.output_text == REPLY_TEXT


def _azure_v1(proxy, key):
    """Azure's v1 API as Microsoft documents it: the OpenAI client on {endpoint}/openai/v1/."""
    return openai.OpenAI(base_url=proxy.url + "/openai/v1/", api_key=key, max_retries=0, timeout=TIMEOUT,
                         default_headers=SPOOF_HEADERS)


def azure_v1_chat(proxy, key):
    r = _azure_v1(proxy, key).chat.completions.create(model=AZURE_DEPLOYMENT, messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == REPLY_TEXT


def azure_v1_responses(proxy, key):
    r = _azure_v1(proxy, key).responses.create(model=AZURE_DEPLOYMENT, input="hi")
    assert r.output_text == REPLY_TEXT


AZURE_DEPLOYMENTLESS = [
    (azure_responses, "/openai/responses"),
    (azure_v1_chat, "/openai/v1/chat/completions"),
    (azure_v1_responses, "/openai/v1/responses"),
]


@pytest.mark.parametrize("run,path", AZURE_DEPLOYMENTLESS, ids=lambda v: getattr(v, "__name__", v))
def test_azure_deploymentless_allowed(proxy, upstream, secrets, run, path):
    result = outcome(lambda: run(proxy, secrets.key_all))
    if not proxy.sends_body:
        checks.denied(upstream, *result, "body_incomplete")
        return
    assert result is None, f"allowed key was denied: {result}"
    r = checks.reached(upstream, virtual_key=secrets.key_all, path=path, credential=("api-key", secrets.azure),
                       group="azure-gpt4o", provider="azure")
    if path == "/openai/responses":
        assert "api-version=" in r.target


@pytest.mark.parametrize("run,path", AZURE_DEPLOYMENTLESS, ids=lambda v: getattr(v, "__name__", v))
def test_azure_deploymentless_denied_without_the_deployment(proxy, upstream, secrets, run, path):
    result = outcome(lambda: run(proxy, secrets.key_restricted))
    assert result is not None, "a key without the deployment was allowed"
    checks.denied(upstream, *result, "key_model_access_denied" if proxy.sends_body else "body_incomplete")
