"""The attack corpus (Tests/ModelgateTestSupport/Vectors/attacks.json) through real proxies:
nginx (body mode, njs), Envoy with HTTP ext_authz and Envoy with gRPC ext_authz, each in front of
modelgate and of an upstream that says it was reached and which model group it was told.

Every case is sent as raw bytes (paths exactly as written, `..` and `%00` included) and judged by
what reached the upstream:
  - a case the vector expects denied must never reach the upstream (a wrong allow), whether the
    proxy asked modelgate or not;
  - a case expected allowed that reaches the upstream must carry the expected model group;
  - a case expected allowed that the proxy itself refuses (nginx and Envoy reject some raw bytes
    before any check) is counted as "refused by the proxy": failing closed, not a failure.
modelgate must still be running at the end (no crash).

Then the body the gate never saw (CONTRACT §3): `POST /v1/messages?model=<allowed>` whose body
names a forbidden model, sent chunked (nginx's `$content_length` is empty, so
X-Original-Content-Length is absent) and with a Content-Length, through every set-up, including
those that forward no body to modelgate: nginx's path mode, and Envoy (HTTP and gRPC) without
`with_request_body`. It must never reach the upstream; where modelgate does not see the body the
denial is `body_incomplete`.

Run with the e2e venv: .venv/bin/python Hostile/proxy_attacks.py [--proxies nginx-body,envoy-http,envoy-grpc]
  [--bodyless nginx-path,envoy-http-nobody,envoy-grpc-nobody]
"""

import argparse
import json
import re
import socket
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from harness import Service  # noqa: E402
from soak import UPSTREAM_MARK, start_upstream  # noqa: E402
from e2e import harness as e2e  # noqa: E402

VECTORS = HERE.parent / "Tests" / "ModelgateTestSupport" / "Vectors" / "attacks.json"


def raw_exchange(port: int, request: dict, timeout: float = 15.0) -> tuple[int, bytes]:
    """Sends one request exactly as the vector writes it; returns (status, whole response)."""
    body = (request.get("body") or "").encode("utf-8")
    lines = [f"{request['method']} {request['path']} HTTP/1.1", "Host: attack.test", "Connection: close"]
    for name, value in request.get("headers", {}).items():
        lines.append(f"{name}: {value}")
    if body or request["method"] in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    response = b"".join(chunks)
    try:
        status = int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, response


def chunked_exchange(port: int, method: str, target: str, headers: dict, body: bytes,
                     timeout: float = 15.0) -> tuple[int, bytes]:
    """One request whose body is sent with `Transfer-Encoding: chunked` (two chunks, no length)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: attack.test", "Connection: close", "Transfer-Encoding: chunked"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    half = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]) if part)
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + chunks + b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        received = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            received.append(chunk)
    response = b"".join(received)
    try:
        status = int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, response


# Set-ups in which modelgate never sees the body: nginx's plain auth_request (path mode), and the
# Envoy examples with their `with_request_body` block taken out.
BODYLESS = {"nginx-path": None, "envoy-http-nobody": "envoy-http", "envoy-grpc-nobody": "envoy-grpc"}
WITH_REQUEST_BODY = re.compile(r"^( +)with_request_body:\n(?:\1 +.*\n)+", re.MULTILINE)


def start_envoy_without_body(mode: str, workdir: Path, modelgate_http: int, modelgate_grpc: int,
                             upstream_port: int, cert: Path, key: Path) -> e2e.Managed:
    """The shipped Envoy example for `BODYLESS[mode]`, minus `with_request_body`."""
    d = workdir / mode
    d.mkdir(parents=True, exist_ok=True)
    listen, tls_listen = e2e.free_port(), e2e.free_port()
    values = e2e.envoy_values(listen, tls_listen, modelgate_http, modelgate_grpc, upstream_port, cert, key)
    template = (e2e.ENVOY_EXAMPLES / e2e.ENVOY_MODES[BODYLESS[mode]]).read_text()
    stripped, count = WITH_REQUEST_BODY.subn("", template)
    if count != 1:
        raise RuntimeError(f"{mode}: expected one with_request_body block in the example, found {count}")
    config = d / "envoy.yaml"
    config.write_text(e2e.render(stripped, values))
    check = e2e.validate_envoy(config)
    if check.returncode != 0:
        raise RuntimeError(f"{mode}: envoy --mode validate failed:\n{check.stdout}{check.stderr}")
    e2e._base_id += 1
    log = d / "envoy.log"
    proc = e2e._spawn([e2e.envoy_binary(), "-c", str(config), "--base-id", str(e2e._base_id), "--concurrency", "1",
                       "--log-level", "warn", "--log-path", str(log)], d / "stderr.log")
    m = e2e.Managed(mode, proc, log, {"http": listen, "https": tls_listen})
    return e2e._ready(m, lambda: [e2e.wait_for_port(p, proc, what=mode, timeout=30) for p in (listen, tls_listen)])


def unseen_body_cases(mode: str, port: int, sees_body: bool) -> bool:
    """The query names an allowed model, the body a forbidden one; chunked and with a length.
    Returns whether every case held; prints one ATTACKS line."""
    headers = {"Authorization": "Bearer sk-atk-mini", "Content-Type": "application/json",
               "anthropic-version": "2023-06-01"}
    forbidden = json.dumps({"model": "claude-opus", "max_tokens": 8,
                            "messages": [{"role": "user", "content": "x" * 64}]}).encode()
    allowed = json.dumps({"model": "gpt-4o-mini", "max_tokens": 8,
                          "messages": [{"role": "user", "content": "x" * 64}]}).encode()
    target = "/v1/messages?model=gpt-4o-mini"
    tried = wrong_allows = wrong_reasons = errors = 0
    expected = "key_model_access_denied" if sees_body else "body_incomplete"
    for framing in ("chunked", "content-length"):
        for body, must_deny in ((forbidden, True), (allowed, not sees_body)):
            tried += 1
            try:
                if framing == "chunked":
                    status, response = chunked_exchange(port, "POST", target, headers, body)
                else:
                    status, response = raw_exchange(port, {"method": "POST", "path": target,
                                                           "headers": headers, "body": body.decode()})
            except OSError as e:
                errors += 1
                print(f"  ERROR {mode} {framing}: {e}")
                continue
            reached = UPSTREAM_MARK in response
            what = f"{mode} {framing} POST {target} with body model {json.loads(body)['model']}"
            if must_deny and reached:
                wrong_allows += 1
                print(f"  FAIL  WRONG ALLOW {what}: {response[:300]!r}")
            elif must_deny:
                reason = expected if json.loads(body)["model"] == "claude-opus" or not sees_body else None
                head = response.split(b"\r\n\r\n", 1)[0].lower()
                # nginx passes the reason on; Envoy's gRPC denial and HTTP client headers carry it too.
                if reason and f"x-modelgate-reason: {reason}".encode() not in head:
                    wrong_reasons += 1
                    print(f"  FAIL  {what}: denied {status} without x-modelgate-reason {reason}: {head[:400]!r}")
                else:
                    print(f"  ok    {what}: denied {status} ({reason})")
            elif not reached:
                wrong_reasons += 1
                print(f"  FAIL  {what}: expected to reach the upstream, got {status}: {response[:300]!r}")
            else:
                print(f"  ok    {what}: reached the upstream")
    print(f"ATTACKS {mode} (body the gate never saw) tried={tried} wrong_allows={wrong_allows} "
          f"wrong_reasons={wrong_reasons} errors={errors}", flush=True)
    return not (wrong_allows or wrong_reasons or errors)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proxies", default="nginx-body,envoy-http,envoy-grpc")
    parser.add_argument("--bodyless", default=",".join(BODYLESS),
                        help="set-ups that forward no body; only the unseen-body cases run there")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="modelgate-attacks-"))
    workdir.mkdir(parents=True, exist_ok=True)
    suite = json.loads(VECTORS.read_text())
    # JSON is YAML: the vector's config loads as it is.
    (workdir / "config.yaml").write_text(json.dumps(suite["config"], indent=1))
    svc = Service(workdir / "modelgate", workdir / "config.yaml", {}, extra=["--log-level", "info"])
    upstream, upstream_port = start_upstream(workdir)
    cert, key = e2e.make_tls_cert(workdir)
    svc.start()
    failed = False
    try:
        for mode in filter(None, args.proxies.split(",")):
            proxy = e2e.start_proxy(mode, workdir, svc.http_port, svc.grpc_port, upstream_port, cert, key)
            tried = wrong_allows = wrong_groups = refused = allowed = errors = 0
            try:
                if not unseen_body_cases(mode, proxy.ports["http"], sees_body=True):
                    failed = True
                for case in suite["cases"]:
                    tried += 1
                    expect = case["expect"]
                    try:
                        status, response = raw_exchange(proxy.ports["http"], case["request"])
                    except OSError as e:
                        errors += 1
                        print(f"  ERROR {mode} {case['name']}: {e}")
                        continue
                    reached = UPSTREAM_MARK in response
                    if reached and not expect["allow"]:
                        wrong_allows += 1
                        print(f"  FAIL  WRONG ALLOW {mode} {case['name']}: {response[:300]!r}")
                    elif reached:
                        allowed += 1
                        group = expect.get("model_group")
                        if group is not None and f"group={group} ".encode() not in response:
                            wrong_groups += 1
                            print(f"  FAIL  wrong group {mode} {case['name']} (expected {group}): {response[-200:]!r}")
                    elif expect["allow"]:
                        refused += 1
                        print(f"  note  refused by {mode} before the upstream (fails closed): {case['name']} → {status}")
            finally:
                proxy.stop()
            alive = svc.proc.poll() is None
            print(f"ATTACKS {mode} tried={tried} wrong_allows={wrong_allows} wrong_groups={wrong_groups} "
                  f"allowed_as_expected={allowed - wrong_groups} refused_by_proxy={refused} errors={errors} "
                  f"modelgate_alive={'yes' if alive else 'NO'}", flush=True)
            if wrong_allows or wrong_groups or errors or not alive:
                failed = True
            if not alive:
                break
        for mode in filter(None, args.bodyless.split(",")):
            if mode not in BODYLESS:
                raise SystemExit(f"--bodyless: unknown set-up {mode} (known: {', '.join(BODYLESS)})")
            if BODYLESS[mode] is None:
                proxy = e2e.start_proxy(mode, workdir, svc.http_port, svc.grpc_port, upstream_port, cert, key)
            else:
                proxy = start_envoy_without_body(mode, workdir, svc.http_port, svc.grpc_port, upstream_port, cert, key)
            try:
                if not unseen_body_cases(mode, proxy.ports["http"], sees_body=False):
                    failed = True
            finally:
                proxy.stop()
        if svc.proc.poll() is not None:
            print("  FAIL  modelgate is not running after the unseen-body cases")
            failed = True
    finally:
        svc.stop()
        upstream.terminate()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
