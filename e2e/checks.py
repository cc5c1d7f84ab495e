"""What every end-to-end test asserts about a request after it went through a proxy."""

import json

from .fake_upstream import FakeUpstream, Recorded

CREDENTIAL_HEADERS = ("authorization", "x-api-key", "api-key", "x-goog-api-key")

# Sent by every client in the suite: none of these values may reach the upstream. The identity
# names must carry modelgate's decision instead; the deny-only names must be absent.
SPOOFED = "spoofed-by-client"
SPOOF_HEADERS = {
    "x-modelgate-model-group": SPOOFED,
    "x-modelgate-model-id": SPOOFED,
    "x-modelgate-provider": SPOOFED,
    "x-modelgate-key-alias": SPOOFED,
    "x-modelgate-team-id": SPOOFED,
    "x-modelgate-user-id": SPOOFED,
    "x-modelgate-reason": SPOOFED,
    "x-modelgate-error": SPOOFED,
}


def _dump(upstream: FakeUpstream) -> str:
    return json.dumps([{"method": r.method, "target": r.target, "headers": r.headers} for r in upstream.requests],
                      indent=1)


def reached(upstream: FakeUpstream, *, virtual_key: str, path: str, credential: tuple[str, str],
            group: str, provider: str, count: int = 1) -> Recorded:
    """The request reached the upstream `count` times, each exactly as a provider must see it:
    the raw path unchanged, the injected credential as the only credential header, no trace of
    the client's virtual key, and the identity headers of the decision (not the client's)."""
    got = upstream.requests
    assert len(got) == count, f"expected {count} upstream request(s), got:\n{_dump(upstream)}"
    for r in got:
        assert r.path == path, f"upstream path {r.path!r}, expected {path!r}"
        name, value = credential
        assert r.header_values(name) == [value], f"{name}: {r.header_values(name)} (expected the injected credential)"
        for other in CREDENTIAL_HEADERS:
            if other != name:
                assert r.header(other) is None, f"client credential header {other} reached the upstream: {r.header(other)!r}"
        for k, v in r.headers:
            assert virtual_key not in v, f"virtual key reached the upstream in {k}"
            assert SPOOFED not in v, f"client-sent {k} reached the upstream"
        assert virtual_key not in r.target, "virtual key reached the upstream in the query"
        assert r.header("x-modelgate-model-group") == group
        assert r.header("x-modelgate-provider") == provider
        for deny_only in ("x-modelgate-reason", "x-modelgate-error"):
            assert r.header(deny_only) is None
    return got[-1]


def denied(upstream: FakeUpstream, status: int, body: bytes | str | dict, reason: str, *,
           expected_status: int | None = None):
    """A denial as the client sees it: 401/403 with modelgate's JSON error, and nothing upstream."""
    assert upstream.requests == [], f"a denied request reached the upstream:\n{_dump(upstream)}"
    if expected_status is None:
        expected_status = 401 if reason in ("missing_key", "invalid_key", "key_expired", "key_blocked",
                                            "ambiguous_credentials") else 403
    assert status == expected_status, f"status {status}, expected {expected_status} ({reason}); body {body!r}"
    doc = body if isinstance(body, dict) else json.loads(body)
    assert doc["error"]["type"] == reason, f"reason {doc['error'].get('type')!r}, expected {reason!r}: {doc}"
    assert doc["error"]["code"] == str(expected_status)
    assert doc["error"]["message"]
