"""How each proxy set-up behaves around the check itself: bodies near and over the limit,
spoofed X-Original-* headers, and failing closed when modelgate does not answer."""

import json

import pytest
import requests

from e2e import checks, harness
from e2e.conftest import MODES

CHAT = "/v1/chat/completions"


def chat_body(size: int, model: str = "gpt-4o") -> bytes:
    """A chat request of about `size` bytes; the model is named first, the padding follows."""
    head = json.dumps({"model": model, "messages": [{"role": "user", "content": ""}]})
    pad = max(0, size - len(head))
    return json.dumps({"model": model, "messages": [{"role": "user", "content": "x" * pad}]}).encode()


def post(url: str, body: bytes, key: str, **headers) -> requests.Response:
    return requests.post(url, data=body, timeout=30,
                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", **headers})


def test_three_megabyte_body_is_checked_and_forwarded_whole(proxy, upstream, secrets):
    body = chat_body(3 * 1024 * 1024)
    r = post(proxy.url + CHAT, body, secrets.key_all)
    if not proxy.sends_body:
        checks.denied(upstream, r.status_code, r.content, "body_incomplete")
        return
    assert r.status_code == 200, r.text
    got = checks.reached(upstream, virtual_key=secrets.key_all, path=CHAT,
                         credential=("authorization", f"Bearer {secrets.openai}"), group="gpt-4o", provider="openai")
    assert got.body == body


def test_body_over_the_limit_is_denied(proxy, upstream, secrets):
    """Over 10 MiB: nginx refuses it itself (413); Envoy sends modelgate a partial body, which
    modelgate denies because the model lives in the body."""
    body = chat_body(11 * 1024 * 1024)
    try:
        r = post(proxy.url + CHAT, body, secrets.key_all)
    except requests.ConnectionError:
        # The proxy answered and closed while the client was still sending: nothing went upstream.
        assert upstream.requests == []
        return
    assert upstream.requests == [], "an over-limit body reached the upstream"
    if proxy.mode.startswith("nginx"):
        assert r.status_code == 413
    else:
        checks.denied(upstream, r.status_code, r.content, "body_incomplete")


def test_client_sent_original_headers_do_not_change_the_request_checked(proxy, upstream, secrets):
    """A client claiming to be a modelless GET must still be judged on what it really sends."""
    r = post(proxy.url + CHAT, chat_body(100), secrets.key_restricted,
             **{"X-Original-URI": "/v1/models", "X-Original-Method": "GET", "X-Original-Content-Length": "0"})
    reason = "key_model_access_denied" if proxy.sends_body else "body_incomplete"
    checks.denied(upstream, r.status_code, r.content, reason)
    assert r.headers.get("x-modelgate-reason") == reason


def _chunked(body: bytes):
    """A generator body: requests sends it with Transfer-Encoding: chunked and no length."""
    half = len(body) // 2
    yield body[:half]
    yield body[half:]


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_query_model_cannot_vouch_for_a_body_model(proxy, upstream, secrets, framing):
    """`POST /v1/messages?model=<allowed>` whose body names a forbidden model never goes upstream:
    checked on its body where modelgate sees it, `body_incomplete` where it cannot (nginx path
    mode, chunked or not: a chunked request has no $content_length to announce)."""
    body = json.dumps({"model": "gpt-4o", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}).encode()
    data = _chunked(body) if framing == "chunked" else body
    r = requests.post(proxy.url + "/v1/messages?model=gpt-4o-mini", data=data, timeout=30,
                      headers={"x-api-key": secrets.key_restricted, "Content-Type": "application/json",
                               "anthropic-version": "2023-06-01"})
    reason = "key_model_access_denied" if proxy.sends_body else "body_incomplete"
    checks.denied(upstream, r.status_code, r.content, reason)
    assert r.headers.get("x-modelgate-reason") == reason


def test_modelless_route_is_allowed_with_a_valid_key(proxy, upstream, secrets):
    r = requests.get(proxy.url + "/v1/models", headers={"Authorization": f"Bearer {secrets.key_restricted}"},
                     timeout=20)
    assert r.status_code == 200, r.text
    assert len(upstream.requests) == 1
    sent = upstream.requests[0]
    assert secrets.key_restricted not in json.dumps(sent.headers)


# --- modelgate unreachable ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def orphan_proxies(workdir, tls, upstream_server):
    """Each proxy set-up pointed at a modelgate that is not there (a port nobody listens on)."""
    cert, key = tls
    dead_http, dead_grpc = harness.free_port(), harness.free_port()
    started = {}
    try:
        for mode in MODES:
            d = workdir / "orphan"
            if mode.startswith("nginx"):
                started[mode] = harness.start_nginx(mode, d, dead_http, upstream_server.port, cert, key)
            else:
                started[mode] = harness.start_envoy(mode, d, dead_http, dead_grpc, upstream_server.port, cert, key)
        yield started
    finally:
        for m in started.values():
            m.stop()


@pytest.mark.parametrize("mode", MODES)
def test_modelgate_down_fails_closed(orphan_proxies, upstream, secrets, mode):
    port = orphan_proxies[mode].ports["http"]
    r = post(f"http://127.0.0.1:{port}{CHAT}", chat_body(100), secrets.key_all)
    assert upstream.requests == [], "a request went upstream while modelgate was unreachable"
    assert r.status_code == (500 if mode.startswith("nginx") else 403)


# --- keep-alive to modelgate --------------------------------------------------------------------

def _tcp_states(port: int) -> list[str]:
    """States (hex, as in /proc/net/tcp) of IPv4 loopback connections with `port` at either end."""
    states = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if int(local.split(":")[1], 16) == port or int(remote.split(":")[1], 16) == port:
                states.append(state)
    return states


ESTABLISHED, TIME_WAIT = "01", "06"


def test_checks_reuse_connections_to_modelgate(proxy, upstream, secrets, modelgate):
    """20 checks in a row ride on kept-alive connections: no connection per check (which would
    leave ~20 closed connections in TIME_WAIT), and the proxy still holds one open afterwards."""
    port = modelgate.ports["grpc" if proxy.mode == "envoy-grpc" else "http"]
    closed_before = _tcp_states(port).count(TIME_WAIT)
    with requests.Session() as client:
        for _ in range(20):
            r = client.get(proxy.url + "/v1/models", headers={"Authorization": f"Bearer {secrets.key_restricted}"},
                           timeout=20)
            assert r.status_code == 200, r.text
    states = _tcp_states(port)
    assert len(upstream.requests) == 20
    assert states.count(TIME_WAIT) - closed_before < 5, f"connections to modelgate are not reused: {states}"
    assert states.count(ESTABLISHED) >= 2, f"no kept-alive connection to modelgate: {states}"  # both ends count


# --- a key in the query (Gemini's ?key=) ---------------------------------------------------------

def test_query_key_is_replaced_upstream_by_the_grpc_front(proxies, upstream, secrets):
    """Only the gRPC front can edit the query (query_parameters_to_remove/_to_set); the HTTP
    front and nginx cannot, which the READMEs state. Through Envoy gRPC ext_authz the virtual
    key in ?key= never reaches the upstream, and no provider key takes its place in the URL."""
    proxy = proxies["envoy-grpc"]
    body = json.dumps({"contents": [{"parts": [{"text": "hi"}]}]})
    r = requests.post(f"{proxy.url}/v1beta/models/gemini-2.5-pro:generateContent?key={secrets.key_all}&alt=json",
                      data=body, headers={"Content-Type": "application/json"}, timeout=20)
    assert r.status_code == 200, r.text
    assert len(upstream.requests) == 1
    sent = upstream.requests[0]
    assert secrets.key_all not in sent.target and secrets.key_all not in json.dumps(sent.headers)
    assert "alt=json" in sent.target, "other query parameters must stay"
    # The provider key travels only in x-goog-api-key: a URL reaches access logs (CONTRACT §6).
    assert secrets.gemini not in sent.target and "key=" not in sent.target
    assert sent.header("x-goog-api-key") == secrets.gemini
