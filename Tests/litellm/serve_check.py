"""`modelgate serve --litellm-database` end to end, against a real LiteLLM database.

PostgreSQL with LiteLLM's migrations and the seed scenario (scenario.py's rows and a few more,
written as LiteLLM writes them), read by the built binary as the SELECT-only role `modelgate_ro`.
Checks: every rule of RULES (the seed scenario, key/team/user models, access groups, wildcards,
all-proxy-models, all-team-models, blocked and expired keys, a blocked team, deleted and
regenerated keys, DB models and a DB credential decrypted, a DB model that does not decrypt)
through /check as nginx asks, as Envoy's HTTP ext_authz asks, /v1/decision, and through the four
example set-ups run for real (PROXIES: Envoy with gRPC and with HTTP ext_authz, nginx with and
without the body); real SDK calls allowed and denied through each (the OpenAI SDK where the
proxy sends bodies, boto3's Bedrock converse: the seed scenario); admin routes answer 405; a key blocked or unblocked in SQL is in force through serve
within 1 s (p50/p99 over --changes changes); the database going away; the role's password, the
salt key and decrypted values appear in no log line, metric or readiness answer, also when the
password is wrong. Exits 1 on the first failed expectation. scripts/e2e runs it.

    Tests/litellm/.venv/bin/python Tests/litellm/serve_check.py [--binary .build/debug/modelgate] [--changes 60] [--require-proxies]
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
modelgate_settings:
  max_policy_staleness_seconds: 12
"""
# With the database away for longer than this, checks are 503 policy_stale (CONTRACT §8).
STALENESS = 12
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
        return self.nginx_answer(key, method, uri, body)[0]

    def nginx_answer(self, key: str, method: str, uri: str, body: dict | None = None) -> tuple[int, dict[str, str]]:
        """/check as nginx auth_request (body mode) asks: the original method and URI in headers."""
        headers = {"X-Original-Method": method, "X-Original-URI": uri, "Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        status, answer, _ = request("POST" if body is not None else "GET", self.base() + "/check", headers,
                                    json.dumps(body).encode() if body is not None else None)
        return status, {k.lower(): v for k, v in answer.items()}

    def envoy(self, key: str, method: str, path: str, body: dict) -> int:
        return self.envoy_answer(key, method, path, body)[0]

    def envoy_answer(self, key: str, method: str, path: str, body: dict) -> tuple[int, dict[str, str]]:
        """/check as Envoy's HTTP ext_authz asks: /check + the original path, the original method."""
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        status, answer, _ = request(method, self.base() + "/check" + path, headers, json.dumps(body).encode())
        return status, {k.lower(): v for k, v in answer.items()}

    def decision(self, key: str, method: str, path: str, body: dict | None = None) -> dict:
        body = json.dumps({"method": method, "path": path, "headers": {"authorization": f"Bearer {key}", "content-type": "application/json"},
                           "body": json.dumps(body or {})})
        status, _, text = request("POST", self.base() + "/v1/decision", {"Content-Type": "application/json"}, body.encode())
        return json.loads(text) if status == 200 else {"status": status, "text": text}


CHAT = "/v1/chat/completions"
SONNET = "/bedrock/model/us.anthropic.claude-sonnet-4-6/converse"
UNAUTHENTICATED = ("missing_key", "invalid_key", "key_expired", "key_blocked")


class Rule:
    """One rule as a request: the key (by scenario name), the path, the body's model (None for a
    Bedrock path, which names the model itself); allowed with the model group (and provider
    credential) to expect, or denied with the reason."""

    def __init__(self, what: str, key: str, path: str, model: str | None, *, reason: str | None = None,
                 group: str | None = None, credential: str | None = None) -> None:
        self.what, self.key, self.path, self.model = what, key, path, model
        self.reason, self.group, self.credential = reason, group, credential

    @property
    def body(self) -> dict:
        return {"model": self.model, "messages": [{"role": "user", "content": "hi"}]} if self.model else {"messages": []}

    @property
    def status(self) -> int:
        return 200 if self.reason is None else 401 if self.reason in UNAUTHENTICATED else 403


RULES = [
    # The seed scenario: a key limited to gpt-4o-mini may not reach Opus through Bedrock.
    Rule("seed: gpt-4o-mini key denied Opus converse", "mini", OPUS, None, reason="key_model_access_denied"),
    Rule("seed: entitled key allowed Opus converse", "entitled", OPUS, None, group="claude-opus-4-7"),
    Rule("key models: its own model", "mini", CHAT, "gpt-4o-mini", group="gpt-4o-mini", credential="Bearer sk-openai-config"),
    Rule("key models: another model", "mini", CHAT, "gpt-4o", reason="key_model_access_denied"),
    Rule("key access group (frontier)", "group", CHAT, "gpt-4o", group="gpt-4o"),
    Rule("key access group: a model outside it", "group", CHAT, "gpt-4o-mini", reason="key_model_access_denied"),
    Rule("key wildcard openai/*", "wild-openai", CHAT, "gpt-4o", group="gpt-4o"),
    Rule("key wildcard openai/*: a Bedrock model", "wild-openai", OPUS, None, reason="key_model_access_denied"),
    Rule("key all-proxy-models", "all-proxy", OPUS, None),
    Rule("key without models, team or user: every model", "any", CHAT, "gpt-4o", group="gpt-4o"),
    Rule("empty key models: the team's", "team-mini", CHAT, "gpt-4o-mini", group="gpt-4o-mini"),
    Rule("empty key models: outside the team's", "team-mini", CHAT, "gpt-4o", reason="team_model_access_denied"),
    Rule("all-team-models: the team's access group", "all-team", CHAT, "gpt-4o", group="gpt-4o"),
    Rule("all-team-models: Opus in the team's access group", "all-team", OPUS, None),
    Rule("all-team-models: outside the team's", "all-team", CHAT, "gpt-4o-mini", reason="team_model_access_denied"),
    Rule("user models on a key without a team", "user-mini", CHAT, "gpt-4o-mini", group="gpt-4o-mini"),
    Rule("user models: outside them", "user-mini", CHAT, "gpt-4o", reason="user_model_access_denied"),
    Rule("blocked key", "blocked", OPUS, None, reason="key_blocked"),
    Rule("expired key", "expired", OPUS, None, reason="key_expired"),
    Rule("key of a blocked team", "in-blocked-team", OPUS, None, reason="key_blocked"),
    Rule("deleted key (archived by /key/delete)", "deleted", OPUS, None, reason="invalid_key"),
    Rule("unknown key", "unknown", CHAT, "gpt-4o-mini", reason="invalid_key"),
    Rule("regenerated key: the new one", "rotated-new", CHAT, "gpt-4o-mini", group="gpt-4o-mini"),
    Rule("regenerated key: the old one within its grace period", "rotated-old", CHAT, "gpt-4o-mini", group="gpt-4o-mini"),
    Rule("regenerated key: the old one keeps the new one's limits", "rotated-old", OPUS, None, reason="key_model_access_denied"),
    Rule("regenerated key without grace: the old one is invalid", "rotated-no-grace-old", OPUS, None, reason="invalid_key"),
    Rule("DB model (NaCl values), its provider key decrypted", "db-model", OPUS, None, group="db-opus",
         credential="Bearer sk-bedrock-db-secret"),
    Rule("DB model (v2:gcm values), its provider key decrypted", "any", SONNET, None, group="db-sonnet",
         credential="Bearer sk-bedrock-db-secret-2"),
    Rule("DB model naming a DB credential (LiteLLM_CredentialsTable), decrypted", "any", CHAT, "db-with-credential",
         group="db-with-credential", credential="Bearer sk-db-openai-credential"),
    Rule("DB model whose values do not decrypt", "any", CHAT, "db-broken", reason="credential_unavailable"),
]


def seed_more(writer, keys: dict[str, str]) -> None:
    """Rows beside scenario.py's: keys with an access group, a wildcard and all-proxy-models, a DB
    model that names a DB credential, and a DB model encrypted under another salt key (its values
    do not decrypt)."""
    keys["group"] = writer.new_key(["frontier"], alias="group")
    keys["wild-openai"] = writer.new_key(["openai/*"], alias="wild-openai")
    keys["all-proxy"] = writer.new_key(["all-proxy-models"], alias="all-proxy")
    keys["unknown"] = "sk-never-issued-" + os.urandom(6).hex()
    writer.new_credential("db-openai-cred", {"api_key": "sk-db-openai-credential"}, {"custom_llm_provider": "openai"})
    writer.new_model("db-with-credential", {"model": "openai/gpt-4.1-mini", "litellm_credential_name": "db-openai-cred"})
    salt, writer.salt_key = writer.salt_key, "sk-some-other-salt"
    try:
        writer.new_model("db-broken", {"model": "openai/gpt-4.1", "api_key": "sk-broken-db-secret"})
    finally:
        writer.salt_key = salt


def rules_through_check(serve: Serve, keys: dict[str, str]) -> None:
    """Every rule through /check as nginx asks, as Envoy's HTTP ext_authz asks, and /v1/decision."""
    for rule in RULES:
        key = keys[rule.key]
        for style, (status, headers) in (("nginx", serve.nginx_answer(key, "POST", rule.path, rule.body)),
                                         ("envoy-http", serve.envoy_answer(key, "POST", rule.path, rule.body))):
            if rule.reason is None:
                ok = status == 200 and (rule.group is None or headers.get("x-modelgate-model-group") == rule.group)
                ok = ok and (rule.credential is None or headers.get("authorization") == rule.credential)
                got = f"{status} group {headers.get('x-modelgate-model-group')}"
            else:
                ok = status == rule.status and headers.get("x-modelgate-reason") == rule.reason
                got = f"{status} {headers.get('x-modelgate-reason')}"
            expect(ok, f"/check {style}: {rule.what} ({got})")
        decision = serve.decision(key, "POST", rule.path, rule.body)
        want = rule.reason is None
        expect(decision.get("allow") is want and (want or decision.get("reason") == rule.reason),
               f"/v1/decision: {rule.what} ({decision.get('reason')})")


PROXIES = {
    "envoy-grpc": "examples-envoy/envoy-grpc-ext-authz.yaml (gRPC ext_authz)",
    "envoy-http": "examples-envoy/envoy-http-ext-authz.yaml (HTTP ext_authz)",
    "nginx-body": "examples-nginx/modelgate-body.conf (auth_request, body through njs)",
    "nginx-path": "examples-nginx/modelgate-path.conf (auth_request, no body)",
}


def through_proxy(mode: str, serve: Serve, keys: dict[str, str], folder: pathlib.Path) -> None:
    """An example proxy set-up (PROXIES) in front of serve and e2e's fake upstream: every rule as a
    request through the proxy (allowed ones reach the upstream with the model group and provider
    key modelgate set and without the LiteLLM key; denied ones never reach it and carry
    modelgate's error); nginx-path sends no body, so there only the rules whose path names the
    model. Then real SDK calls: the OpenAI SDK allowed its model and denied another (body-reading
    set-ups), boto3's Bedrock converse (bearer, over the TLS listener) denied Opus for the
    gpt-4o-mini key and allowed it for the entitled key: the seed scenario."""
    sys.path.insert(0, str(ROOT))
    import boto3
    import botocore.config
    import botocore.exceptions
    import openai
    from e2e import harness
    from e2e.fake_upstream import FakeUpstream

    upstream = FakeUpstream().start()
    cert, tls_key = harness.make_tls_cert(folder)
    proxy = harness.start_proxy(mode, folder, serve.http, serve.grpc, upstream.port, cert, tls_key)
    base = f"http://127.0.0.1:{proxy.ports['http']}"
    try:
        for rule in RULES:
            if mode == "nginx-path" and rule.model is not None:
                continue
            key = keys[rule.key]
            before = len(upstream.requests)
            status, headers, text = request("POST", base + rule.path, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                                            json.dumps(rule.body).encode())
            seen = upstream.requests[before:]
            if rule.reason is None:
                reached = seen[-1] if seen else None
                ok = status == 200 and reached is not None
                ok = ok and (rule.group is None or reached.header("x-modelgate-model-group") == rule.group)
                ok = ok and (rule.credential is None or reached.header("authorization") == rule.credential)
                ok = ok and not any(key in (value or "") for _, value in reached.headers)
                got = f"{status}, upstream group {reached.header('x-modelgate-model-group') if reached else None}"
            else:
                try:
                    reason = json.loads(text).get("error", {}).get("type")
                except ValueError:
                    reason = None
                ok = status == rule.status and reason == rule.reason and not seen
                got = f"{status} {reason}, upstream saw {len(seen)}"
            expect(ok, f"{mode}: {rule.what} ({got})")

        if mode != "nginx-path":
            client = openai.OpenAI(base_url=base + "/v1", api_key=keys["mini"], max_retries=0, timeout=20)
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
            expect(bool(reply.choices) and upstream.requests[-1].header("authorization") == "Bearer sk-openai-config",
                   f"{mode} + OpenAI SDK: gpt-4o-mini allowed, the config's provider key injected, not the LiteLLM key")
            count = len(upstream.requests)
            try:
                client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
                expect(False, f"{mode} + OpenAI SDK: gpt-4o denied to the gpt-4o-mini key")
            except openai.PermissionDeniedError as error:
                reason = json.loads(error.response.text).get("error", {}).get("type")
                expect(reason == "key_model_access_denied" and len(upstream.requests) == count,
                       f"{mode} + OpenAI SDK: gpt-4o denied to the gpt-4o-mini key (403 {reason}, upstream untouched)")

        config = botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20)
        messages = [{"role": "user", "content": [{"text": "hi"}]}]
        for name, allowed in (("mini", False), ("entitled", True)):
            os.environ["AWS_BEARER_TOKEN_BEDROCK"] = keys[name]
            try:
                bedrock = boto3.session.Session().client(
                    "bedrock-runtime", region_name="us-east-1", endpoint_url=f"https://127.0.0.1:{proxy.ports['https']}/bedrock",
                    verify=str(cert), config=config)
                count = len(upstream.requests)
                try:
                    answer = bedrock.converse(modelId="global.anthropic.claude-opus-4-7", messages=messages)
                    outcome = ("allowed", answer["output"]["message"]["content"][0]["text"])
                except botocore.exceptions.ClientError as error:
                    outcome = ("denied", error.response["ResponseMetadata"]["HTTPStatusCode"])
            finally:
                os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
            if allowed:
                reached = upstream.requests[-1] if len(upstream.requests) > count else None
                expect(outcome[0] == "allowed" and reached is not None and reached.path == "/bedrock/model/global.anthropic.claude-opus-4-7/converse"
                       and not any(keys[name] in value for _, value in reached.headers),
                       f"{mode} + boto3 converse: the entitled key allowed Opus, the LiteLLM key not forwarded ({outcome})")
            else:
                expect(outcome == ("denied", 403) and len(upstream.requests) == count,
                       f"{mode} + boto3 converse: the gpt-4o-mini key denied Opus with 403, upstream untouched ({outcome})")
    finally:
        proxy.stop()
        upstream.stop()


def harness_envoy() -> str:
    sys.path.insert(0, str(ROOT))
    from e2e import harness

    return harness.envoy_binary()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/modelgate"))
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--require-proxies", action="store_true", help="fail, not skip, when nginx or Envoy is missing")
    args = parser.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="modelgate-serve-litellm-"))
    config = folder / "config.yaml"
    config.write_text(CONFIG)
    with Postgres() as pg:
        admin_url = pg.create_database()
        apply_migrations(admin_url)
        grant_read_only(admin_url, "modelgate_ro", PASSWORD)
        writer, keys = seed(admin_url)
        seed_more(writer, keys)
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
            rules_through_check(serve, keys)
            envoy = pathlib.Path(harness_envoy())
            installed = {"envoy": envoy.is_file() or shutil.which(str(envoy)) is not None, "nginx": shutil.which("nginx") is not None}
            for mode, what in PROXIES.items():
                if installed[mode.split("-")[0]]:
                    print(f"     {mode}: {what}", flush=True)
                    through_proxy(mode, serve, keys, folder)
                else:
                    expect(not args.require_proxies, f"{mode.split('-')[0]} is installed (scripts/e2e --install-only)")
                    print(f"skip {mode}: not installed (scripts/e2e --install-only)", flush=True)

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


            status, _, readiness = request("GET", serve.base() + "/health/readiness")
            ready = json.loads(readiness)
            expect(status == 200 and ready.get("database") == "ok" and ready.get("policy_age_seconds", 99) <= 2, f"readiness: {readiness}")
            _, _, metrics = request("GET", serve.base() + "/metrics")

            # The database goes away: readiness says so (host, never the password); checks go on
            # from the last policy.
            writer.conn.close()
            pg._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pg.data), "-m", "immediate", "-w", "stop"])
            stopped = time.monotonic()
            deadline = time.monotonic() + 15  # a round the server dropped ends within roundTimeout (10 s)
            while time.monotonic() < deadline:
                status, _, down = request("GET", serve.base() + "/health/readiness")
                if json.loads(down).get("database") == "unavailable":
                    print(f"     database stopped: unavailable reported after {15 - (deadline - time.monotonic()):.1f} s", flush=True)
                    break
                time.sleep(0.1)
            # A poll not answered within 1.5 s is a failure: the loss shows within about 2 s.
            expect(time.monotonic() - stopped < 2.5, f"database stopped: unavailable reported within 2.5 s ({time.monotonic() - stopped:.1f} s)")
            expect(status == 200 and json.loads(down).get("database") == "unavailable" and PASSWORD not in down,
                   f"database stopped: readiness 200, database unavailable, no password: {down}")
            expect(serve.nginx(keys["mini"], "POST", OPUS, {}) == 403 and serve.nginx(keys["mini"], "POST", "/v1/chat/completions", {"model": "gpt-4o-mini"}) == 200,
                   "database stopped: checks answered from the last policy")
            readiness += down
            expect(time.monotonic() - stopped < STALENESS - 1, "the checks above ran within max_policy_staleness_seconds")
            # Past max_policy_staleness_seconds every check is 503 policy_stale; readiness 503.
            while time.monotonic() - stopped < STALENESS + 8:
                status, headers = serve.envoy_answer(keys["entitled"], "POST", OPUS, {})
                if status != 200:
                    break
                time.sleep(0.2)
            waited = time.monotonic() - stopped
            expect(status == 503 and headers.get("x-modelgate-reason") == "policy_stale" and waited >= STALENESS - 1,
                   f"database away {waited:.1f} s (bound {STALENESS} s): checks 503 policy_stale ({status}, {headers.get('x-modelgate-reason')})")
            status, _, stale = request("GET", serve.base() + "/health/readiness")
            expect(status == 503 and "policy_stale" in stale, f"stale policy: readiness 503 ({status} {stale})")
            readiness += stale
        finally:
            code = serve.stop()
        text = serve.log.read_text()
        for where, content in (("log", text), ("metrics", metrics), ("readiness", readiness)):
            expect(PASSWORD not in content, f"the role's password is not in the {where}")
        expect(SALT not in text and not any(s in text for s in ("sk-bedrock-db-secret", "sk-broken-db-secret", "sk-db-openai-credential")),
               "salt key and DB secrets not in the log")
        expect("db-broken" in text, "the DB model that does not decrypt is named in the log")
        expect(code == 0, f"serve exits 0 on SIGTERM ({code})")
        print(f"database {database}: all expectations met")


if __name__ == "__main__":
    main()
