"""`modelgate serve --litellm-database` end to end, against a real LiteLLM database.

PostgreSQL with LiteLLM's migrations and the seed scenario (scenario.py's rows, written as
LiteLLM writes them), read by the built binary as the SELECT-only role `modelgate_ro`. Checks:
the seed scenario through /check (nginx style and Envoy style) and /v1/decision; admin routes
answer 405; a key blocked or unblocked in SQL is in force through serve within 1 s (p50/p99 over
--changes changes); the role's password appears in no log line, metric or readiness answer,
also when the password is wrong. Exits 1 on the first failed expectation.

    Tests/litellm/.venv/bin/python Tests/litellm/serve_check.py [--binary .build/debug/modelgate] [--changes 60]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from litellm_db import PG_BIN, Postgres, apply_migrations, grant_read_only  # noqa: E402
from scenario import SALT, seed  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "ro-planted-pw-7c1e"
MASTER = "sk-modelgate-admin-serve-check"
CONFIG = """\
model_list:
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-openai-config }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o }
    model_info: { access_groups: [frontier] }
  - model_name: claude-opus-4-7
    litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7 }
    model_info: { access_groups: [frontier] }
"""
OPUS = "/bedrock/model/global.anthropic.claude-opus-4-7/converse"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(method: str, url: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def expect(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


class Serve:
    def __init__(self, binary: str, url: str, config: pathlib.Path, folder: pathlib.Path) -> None:
        self.http = free_port()
        self.grpc = free_port()
        self.log = folder / f"serve-{self.http}.log"
        env = dict(os.environ, MODELGATE_MASTER_KEY=MASTER, LITELLM_SALT_KEY=SALT, MODELGATE_LITELLM_DATABASE_URL=url)
        env.pop("MODELGATE_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [binary, "serve", "--config", str(config), "--http", f"127.0.0.1:{self.http}", "--grpc", f"127.0.0.1:{self.grpc}", "--log-level", "debug"],
            cwd=folder, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def base(self) -> str:
        return f"http://127.0.0.1:{self.http}"

    def wait_ready(self) -> bool:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if request("GET", self.base() + "/health/readiness")[0] == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=20)

    def nginx(self, key: str, method: str, uri: str, body: dict | None = None) -> int:
        headers = {"X-Original-Method": method, "X-Original-URI": uri, "Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        return request("POST" if body is not None else "GET", self.base() + "/check", headers, json.dumps(body).encode() if body is not None else None)[0]

    def envoy(self, key: str, method: str, path: str, body: dict) -> int:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        return request(method, self.base() + "/check" + path, headers, json.dumps(body).encode())[0]

    def decision(self, key: str, method: str, path: str) -> dict:
        body = json.dumps({"method": method, "path": path, "headers": {"authorization": f"Bearer {key}", "content-type": "application/json"}, "body": "{}"})
        status, _, text = request("POST", self.base() + "/v1/decision", {"Content-Type": "application/json"}, body.encode())
        return json.loads(text) if status == 200 else {"status": status, "text": text}


def sdk_through_nginx(serve: Serve, keys: dict[str, str], folder: pathlib.Path) -> None:
    """nginx (examples-nginx/modelgate-body.conf) in front of serve and e2e's fake upstream; the
    OpenAI SDK's calls: the key's model allowed with the config's provider key injected, another
    model denied with 403."""
    sys.path.insert(0, str(ROOT))
    import openai
    from e2e import harness
    from e2e.fake_upstream import FakeUpstream

    upstream = FakeUpstream().start()
    cert, key = harness.make_tls_cert(folder)
    nginx = harness.start_nginx("nginx-body", folder, serve.http, upstream.port, cert, key)
    try:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{nginx.ports['http']}/v1", api_key=keys["mini"], max_retries=0)
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        expect(bool(reply.choices), "nginx + OpenAI SDK: the gpt-4o-mini key's call to gpt-4o-mini allowed")
        seen = upstream.requests
        expect(bool(seen) and seen[-1].header("authorization") == "Bearer sk-openai-config",
               "nginx + OpenAI SDK: the upstream got the config's provider key, not the LiteLLM key")
        try:
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
            expect(False, "nginx + OpenAI SDK: gpt-4o denied to the gpt-4o-mini key")
        except openai.PermissionDeniedError:
            expect(True, "nginx + OpenAI SDK: gpt-4o denied to the gpt-4o-mini key (403)")
        expect(len(upstream.requests) == len(seen), "nginx + OpenAI SDK: the denied call never reached the upstream")
    finally:
        nginx.stop()
        upstream.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/modelgate"))
    parser.add_argument("--changes", type=int, default=60)
    args = parser.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="modelgate-serve-litellm-"))
    config = folder / "config.yaml"
    config.write_text(CONFIG)
    with Postgres() as pg:
        admin_url = pg.create_database()
        apply_migrations(admin_url)
        grant_read_only(admin_url, "modelgate_ro", PASSWORD)
        writer, keys = seed(admin_url)
        url = pg.url(user="modelgate_ro", password=PASSWORD)
        database = url.rsplit("/", 1)[1].split("?")[0]

        # A wrong password: start fails (exit 2) naming the host, never either password.
        bad = Serve(args.binary, url.replace(PASSWORD, PASSWORD + "-wrong"), config, folder)
        code = bad.process.wait(timeout=40)
        text = bad.log.read_text()
        expect(code == 2, f"wrong password: serve exits 2 (got {code})")
        expect(PASSWORD not in text, "wrong password: the password is in no output line")

        serve = Serve(args.binary, url, config, folder)
        try:
            expect(serve.wait_ready(), "serve --litellm-database is ready")
            expect(not any(p.name.endswith(".sqlite") for p in folder.iterdir()), "no SQLite file is created")
            # Seed scenario: nginx style, Envoy style, /v1/decision.
            expect(serve.nginx(keys["mini"], "POST", OPUS, {}) == 403, "nginx: key limited to gpt-4o-mini denied Opus converse")
            expect(serve.nginx(keys["entitled"], "POST", OPUS, {}) == 200, "nginx: entitled key allowed Opus converse")
            expect(serve.envoy(keys["mini"], "POST", OPUS, {}) == 403, "envoy: gpt-4o-mini key denied Opus converse")
            expect(serve.envoy(keys["entitled"], "POST", OPUS, {}) == 200, "envoy: entitled key allowed Opus converse")
            expect(serve.envoy(keys["mini"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) == 200, "envoy: gpt-4o-mini key allowed gpt-4o-mini")
            mini = serve.decision(keys["mini"], "POST", OPUS)
            expect(mini.get("allow") is False and mini.get("reason") == "key_model_access_denied", f"/v1/decision: mini denied key_model_access_denied ({mini.get('reason')})")
            expect(serve.decision(keys["entitled"], "POST", OPUS).get("allow") is True, "/v1/decision: entitled allowed")
            expect(serve.nginx(keys["blocked"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) in (401, 403), "blocked key denied")
            expect(serve.nginx(keys["deleted"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) in (401, 403), "deleted (archived) key denied")
            expect(serve.nginx(keys["user-mini"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) == 200, "user's models on a key without a team")
            expect(serve.nginx(keys["db-model"], "POST", OPUS, {}) == 200, "DB model (LiteLLM_ProxyModelTable) allowed for its key")

            # Admin routes: 405, saying where keys are managed.
            auth = {"Authorization": f"Bearer {MASTER}", "Content-Type": "application/json"}
            status, _, text = request("POST", serve.base() + "/key/generate", auth, b'{"models":["gpt-4o"]}')
            expect(status == 405 and "LiteLLM" in text, f"admin /key/generate answers 405 naming LiteLLM ({status})")
            status, _, _ = request("POST", serve.base() + "/key/block", auth, json.dumps({"key": keys["mini"]}).encode())
            expect(status == 405, f"admin /key/block answers 405 ({status})")
            status, _, _ = request("GET", serve.base() + "/key/list", auth)
            expect(status == 405, f"admin /key/list answers 405 ({status})")
            status, _, _ = request("POST", serve.base() + "/key/generate", {"Content-Type": "application/json"}, b"{}")
            expect(status == 401, f"admin without the master key answers 401 ({status})")

            # SQL changes in force through serve: block / unblock one key, time until /check agrees.
            key = keys["entitled"]
            latencies = []
            for i in range(args.changes):
                blocked = i % 2 == 0
                writer.update_key(key, blocked=blocked)
                start = time.monotonic()
                want = 200 if not blocked else None
                while time.monotonic() - start < 5:
                    status = serve.nginx(key, "POST", OPUS, {})
                    if (status == 200) == (want == 200):
                        break
                    time.sleep(0.01)
                latencies.append(time.monotonic() - start)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
            print(f"LITELLM-SERVE changes={len(latencies)} p50={p50:.0f}ms p99={p99:.0f}ms max={latencies[-1] * 1000:.0f}ms", flush=True)
            expect(latencies[-1] < 1.0, "every SQL change in force through serve within 1 s")

            if shutil.which("nginx"):
                sdk_through_nginx(serve, keys, folder)
            else:
                print("skip nginx + SDK: nginx is not installed", flush=True)

            status, _, readiness = request("GET", serve.base() + "/health/readiness")
            ready = json.loads(readiness)
            expect(status == 200 and ready.get("database") == "ok" and ready.get("policy_age_seconds", 99) <= 2, f"readiness: {readiness}")
            _, _, metrics = request("GET", serve.base() + "/metrics")

            # The database goes away: readiness says so (host, never the password); checks go on
            # from the last policy.
            writer.conn.close()
            pg._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pg.data), "-m", "immediate", "-w", "stop"])
            deadline = time.monotonic() + 15  # a round the server dropped ends within roundTimeout (10 s)
            while time.monotonic() < deadline:
                status, _, down = request("GET", serve.base() + "/health/readiness")
                if json.loads(down).get("database") == "unavailable":
                    print(f"     database stopped: unavailable reported after {15 - (deadline - time.monotonic()):.1f} s", flush=True)
                    break
                time.sleep(0.1)
            expect(status == 200 and json.loads(down).get("database") == "unavailable" and PASSWORD not in down,
                   f"database stopped: readiness 200, database unavailable, no password: {down}")
            expect(serve.nginx(keys["mini"], "POST", OPUS, {}) == 403 and serve.nginx(keys["mini"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) == 200,
                   "database stopped: checks answered from the last policy")
            readiness += down
        finally:
            code = serve.stop()
        text = serve.log.read_text()
        for where, content in (("log", text), ("metrics", metrics), ("readiness", readiness)):
            expect(PASSWORD not in content, f"the role's password is not in the {where}")
        expect(SALT not in text and "sk-bedrock-db-secret" not in text, "salt key and decrypted DB secrets not in the log")
        expect(code == 0, f"serve exits 0 on SIGTERM ({code})")
        print(f"database {database}: all expectations met")


if __name__ == "__main__":
    main()
