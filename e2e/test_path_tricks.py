"""Path tricks through every proxy set-up, sent byte for byte (http.client does not normalise):
each ends in a denial (modelgate's ambiguous_path, or the proxy's own 400) and never at the
upstream, although the key may call the model the path seems to name."""

import http.client
import json

import pytest

from e2e import checks

OPUS_INVOKE = "/bedrock/model/global.anthropic.claude-opus-4-7/invoke"
BODY = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8,
                   "messages": [{"role": "user", "content": "hi"}]})

TRICKS = [
    "/bedrock/model/../model/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock/model/%2e%2e/model/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock/model/%2E%2E/model/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock/x/../model/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock/model/./global.anthropic.claude-opus-4-7/invoke",
    "/bedrock//model/global.anthropic.claude-opus-4-7/invoke",
    "//bedrock/model/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock/model/global.anthropic.claude-opus-4-7//invoke",
    "/bedrock%2Fmodel/global.anthropic.claude-opus-4-7/invoke",
    "/bedrock%2fmodel%2fglobal.anthropic.claude-opus-4-7%2finvoke",
    "/v1beta/models/gemini-2.5-pro%2F..%2Fother:generateContent",
    "/openai/deployments/my-gpt4o-deployment%2F..%2Fother/chat/completions?api-version=2024-10-21",
    "/v1%2Fchat/completions",
    "/bedrock/model/global.anthropic.claude-opus-4-7/invoke/",
    "/%2e%2e/bedrock/model/global.anthropic.claude-opus-4-7/invoke",
]


def send(proxy, path: str, key: str, body: str = BODY) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=20)
    try:
        conn.putrequest("POST", path, skip_accept_encoding=True)
        conn.putheader("Authorization", f"Bearer {key}")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode())
        r = conn.getresponse()
        return r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


def test_untricked_path_is_allowed(proxy, upstream, secrets):
    """The control: the same request on the plain path reaches the upstream."""
    status, body, _ = send(proxy, OPUS_INVOKE, secrets.key_all)
    assert status == 200, body
    checks.reached(upstream, virtual_key=secrets.key_all, path=OPUS_INVOKE,
                   credential=("authorization", f"Bearer {secrets.bedrock}"), group="claude-opus-4-7",
                   provider="bedrock")


@pytest.mark.parametrize("path", TRICKS)
def test_path_trick_is_denied_before_the_upstream(proxy, upstream, secrets, path):
    status, body, headers = send(proxy, path, secrets.key_all)
    assert upstream.requests == [], f"{path} reached the upstream as {[r.target for r in upstream.requests]}"
    if status == 400 and proxy.mode.startswith("nginx"):
        return  # nginx refused the request line itself (a path above the root)
    checks.denied(upstream, status, body, "ambiguous_path")
    assert headers.get("x-modelgate-reason") == "ambiguous_path"
