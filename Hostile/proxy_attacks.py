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

Run with the e2e venv: .venv/bin/python Hostile/proxy_attacks.py [--proxies nginx-body,envoy-http,envoy-grpc]
"""

import argparse
import json
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proxies", default="nginx-body,envoy-http,envoy-grpc")
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
        for mode in args.proxies.split(","):
            proxy = e2e.start_proxy(mode, workdir, svc.http_port, svc.grpc_port, upstream_port, cert, key)
            tried = wrong_allows = wrong_groups = refused = allowed = errors = 0
            try:
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
    finally:
        svc.stop()
        upstream.terminate()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
