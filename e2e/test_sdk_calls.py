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
