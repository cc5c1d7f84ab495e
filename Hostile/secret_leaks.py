"""Secrets: plant unique key and credential values, exercise the service (allowed and denied
checks in every style, admin calls, errors, a kill -9 and restart), then search every log line,
the metrics, the database files and every response for them.

A value may appear only where the contract puts it: a generated key in the one response that
creates it, a provider credential in the /check allow headers that inject it, and a value the
request itself carried, echoed to that same caller (`/key/info?key=`). Anywhere else it is a leak.

With --postgres, modelgate runs on a PostgreSQL started for the run (e2e/postgres.py): its
password is one more planted value, and the search covers pg_dump, the server's log and its
data files (heap and write-ahead log) instead of the SQLite files.

Run: python3 Hostile/secret_leaks.py [--postgres] [WORKDIR]
"""

import hashlib
import json
import secrets as random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness import Report, Service, check, request  # noqa: E402
from e2e.postgres import Postgres  # noqa: E402


def planted(prefix: str) -> str:
    return f"{prefix}-{random.token_hex(12)}"


class Exchanges:
    """Every request sent and response received, with what each response may legitimately hold."""

    def __init__(self):
        self.items: list[tuple[str, str, set[str]]] = []  # (label, text, allowed values)

    def add(self, label: str, request_text: str, response, allowed: set[str] = frozenset()):
        text = f"{response.status}\n" + "\n".join(f"{k}: {v}" for k, v in response.headers) + "\n" + response.text
        # What the caller sent is theirs: an echo back to the same caller is not a leak.
        echo = {v for v in ALL_VALUES if v in request_text}
        self.items.append((label, text, set(allowed) | echo))
        return response


ALL_VALUES: list[str] = []


def main() -> int:
    arguments = sys.argv[1:]
    postgres = arguments[:1] == ["--postgres"]
    arguments = arguments[1:] if postgres else arguments
    workdir = Path(arguments[0]) if arguments else Path(tempfile.mkdtemp(prefix="modelgate-secrets-"))
    if not postgres:
        return sweep(workdir, None)
    server = Postgres()
    try:
        return sweep(workdir, server)
    finally:
        server.destroy()


def sweep(workdir: Path, server: Postgres | None) -> int:
    report = Report("secrets" if server is None else "secrets-postgres")
    master, secret_key = planted("sk-master"), planted("secret-key-material")
    provider_env, admin_credential = planted("prov-env"), planted("prov-admin")
    static_key, wrong_key, wrong_master = planted("sk-static"), planted("sk-wrong"), planted("sk-badmaster")
    fixed = {"master key": master, "MODELGATE_SECRET_KEY": secret_key, "provider key (env)": provider_env,
             "provider key (admin credential)": admin_credential, "static virtual key": static_key,
             "unknown key a client sent": wrong_key, "wrong master key": wrong_master}
    database = None
    if server is not None:
        database = server.create_database("secrets")
        fixed["database password"] = server.password
        fixed["database password (percent-encoded)"] = server.encoded_password
    ALL_VALUES.extend(fixed.values())
    generated: dict[str, str] = {}

    (workdir).mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yaml"
    config.write_text(f"""model_list:
  - model_name: gpt-4o-mini
    litellm_params: {{model: openai/gpt-4o-mini, api_key: os.environ/SECRETS_PROVIDER_KEY}}
  - model_name: gpt-4o
    litellm_params: {{model: openai/gpt-4o, litellm_credential_name: admin-made}}
  - model_name: gemini-flash
    litellm_params: {{model: gemini/gemini-2.5-flash, api_key: os.environ/SECRETS_PROVIDER_KEY}}
general_settings:
  master_key: os.environ/MODELGATE_MASTER_KEY
keys:
  - {{key: os.environ/SECRETS_STATIC_KEY, key_alias: static, models: [gpt-4o-mini, gpt-4o, gemini-flash]}}
""")
    env = {"MODELGATE_MASTER_KEY": master, "MODELGATE_SECRET_KEY": secret_key,
           "SECRETS_PROVIDER_KEY": provider_env, "SECRETS_STATIC_KEY": static_key}
    svc = Service(workdir, config, env, database=database, extra=["--log-level", "debug", "--log-format", "json"])
    svc.start()
    ex = Exchanges()
    port = lambda: svc.http_port  # noqa: E731

    def admin(method, path, body=None, key=master, allowed=frozenset()):
        headers = {"Authorization": f"Bearer {key}"}
        data = json.dumps(body) if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        r = request(port(), method, path, headers, data)
        return ex.add(f"{method} {path}", path + json.dumps(headers) + (data or ""), r, allowed)

    def envoy(method, target, headers, body=None, allowed=frozenset()):
        r = check(port(), method, target, headers, body)
        return ex.add(f"/check{target}", target + json.dumps(headers) + (body or ""), r, allowed)

    def nginx(method, target, headers, body=None, allowed=frozenset()):
        h = dict(headers)
        h.update({"X-Original-Method": method, "X-Original-URI": target})
        r = request(port(), "POST" if body else "GET", "/check", h, body)
        return ex.add(f"nginx {target}", target + json.dumps(h) + (body or ""), r, allowed)

    def decision(method, target, headers, body=None):
        doc = json.dumps({"method": method, "path": target, "headers": headers, "body": body or ""})
        r = request(port(), "POST", "/v1/decision", {"Content-Type": "application/json"}, doc)
        return ex.add(f"/v1/decision {target}", doc, r)

    def exercise(round_name: str):
        chat = lambda key, model: (  # noqa: E731
            {"authorization": f"Bearer {key}", "content-type": "application/json"}, json.dumps({"model": model, "messages": []}))
        providers = {provider_env, admin_credential}
        for key in [static_key] + list(generated.values()):
            h, b = chat(key, "gpt-4o-mini")
            report.ok(envoy("POST", "/v1/chat/completions", h, b, providers).status == 200, f"{round_name}: allowed check (envoy style)")
            report.ok(nginx("POST", "/v1/chat/completions", h, b, providers).status == 200, f"{round_name}: allowed check (nginx style)")
            decision("POST", "/v1/chat/completions", h, b)
            h, b = chat(key, "gpt-4o")
            envoy("POST", "/v1/chat/completions", h, b, providers)
            h, b = chat(key, "not-a-model")
            report.ok(envoy("POST", "/v1/chat/completions", h, b).status == 403, f"{round_name}: denied check (unknown model)")
        h, b = chat(wrong_key, "gpt-4o-mini")
        report.ok(envoy("POST", "/v1/chat/completions", h, b).status == 401, f"{round_name}: unknown key denied")
        nginx("POST", "/v1/chat/completions", h, b)
        decision("POST", "/v1/chat/completions", h, b)
        envoy("POST", f"/v1beta/models/gemini-2.5-flash:generateContent?key={static_key}", {"content-type": "application/json"}, "{}", providers)
        envoy("POST", f"/v1beta/models/gemini-2.5-flash:generateContent?key={wrong_key}", {"content-type": "application/json"}, "{}")
        envoy("POST", "/v1/chat/completions", {"authorization": f"Bearer {static_key}", "x-api-key": wrong_key}, b)
        envoy("POST", "/v1/chat/completions", {"authorization": f"Bearer {static_key}", "content-type": "application/json"}, '{"model": ')
        envoy("POST", f"/v1/chat%2Fcompletions?key={static_key}", {"content-type": "application/json"}, b)
        envoy("POST", f"/nowhere/{static_key}", {"authorization": f"Bearer {static_key}"}, b)
        envoy("GET", "/v1/models", {"authorization": f"Bearer {static_key}"})
        admin("GET", "/key/list?return_full_object=true")
        admin("GET", "/credentials")
        admin("POST", "/key/generate", {"models": ["gpt-4o"]}, key=wrong_master)
        admin("POST", "/key/generate", {"models": "not-a-list"})
        admin("POST", "/credentials", {"credential_name": "x", "credential_values": "oops"})
        request(port(), "POST", "/key/generate", {"Authorization": f"Bearer {master}", "Content-Type": "application/json"}, '{"models": [')
        ex.add("metrics", "", request(port(), "GET", "/metrics"))
        ex.add("readiness", "", request(port(), "GET", "/health/readiness"))

    # Admin calls that plant values: a credential, generated keys, updates, blocks, deletes.
    r = admin("POST", "/credentials", {"credential_name": "admin-made", "credential_values": {"api_key": admin_credential},
                                      "credential_info": {"custom_llm_provider": "openai"}})
    report.ok(r.status == 200, "admin: credential stored", r.text[:200])
    for n in range(3):
        r = request(port(), "POST", "/key/generate", {"Authorization": f"Bearer {master}", "Content-Type": "application/json"},
                    json.dumps({"models": ["gpt-4o-mini", "gpt-4o"], "key_alias": f"gen-{n}"}))
        key = r.json().get("key", "")
        generated[f"generated key {n}"] = key
        ALL_VALUES.append(key)
        ex.add("POST /key/generate", "", r, {key})
    r = request(port(), "POST", "/user/new", {"Authorization": f"Bearer {master}", "Content-Type": "application/json"},
                json.dumps({"user_id": "u-secrets", "models": ["gpt-4o-mini"]}))
    user_key = r.json().get("key") or ""
    if user_key:
        generated["user/new key"] = user_key
        ALL_VALUES.append(user_key)
    ex.add("POST /user/new", "", r, {user_key})
    admin("GET", f"/key/info?key={generated['generated key 0']}")
    admin("POST", "/key/update", {"key": generated["generated key 0"], "key_alias": "renamed"})
    admin("POST", "/key/block", {"key": generated["generated key 2"]})
    admin("POST", "/key/unblock", {"key": generated["generated key 2"]})
    admin("PATCH", "/credentials/admin-made", {"credential_values": {"api_key": admin_credential}})
    exercise("first run")

    # kill -9, restart on the same database (text logs this time), and again. The files are
    # copied as the crash left them: the write-ahead log still holds the latest pages then.
    svc.kill9()
    crashed = {p.name: p.read_bytes() for p in sorted(workdir.glob("modelgate.sqlite*"))}
    if server is None:
        report.ok(any(name.endswith("-wal") and data for name, data in crashed.items()),
                  "the crash left a write-ahead log to search", str(sorted(crashed)))
    svc.extra = ["--log-level", "debug"]
    svc.start()
    exercise("after kill -9")
    admin("POST", "/key/delete", {"keys": [generated["generated key 1"]]})
    svc.stop(signal.SIGTERM)

    # Everything the service wrote or kept.
    sources: list[tuple[str, str, set[str]]] = [(f"log {p.name}", p.read_text(errors="replace"), set()) for p in sorted(workdir.glob("std*.log"))]
    if server is None:
        dump = "\n".join(sqlite3.connect(str(svc.database)).iterdump())
        sources.append(("database dump (iterdump)", dump, set()))
        if shutil.which("sqlite3"):
            cli = subprocess.run(["sqlite3", str(svc.database), ".dump"], capture_output=True, text=True, errors="replace")
            report.ok(cli.returncode == 0 and "CREATE TABLE" in cli.stdout, "sqlite3 .dump read the database", cli.stderr[:200])
            sources.append(("database dump (sqlite3 .dump)", cli.stdout, set()))
        for p in sorted(workdir.glob("modelgate.sqlite*")):
            sources.append((f"database file {p.name}", p.read_bytes().decode("latin-1"), set()))
        for name, data in crashed.items():
            sources.append((f"database file {name} as kill -9 left it", data.decode("latin-1"), set()))
    else:
        dump = server.dump("secrets")
        report.ok("CREATE TABLE" in dump, "pg_dump read the database")
        sources.append(("database dump (pg_dump)", dump, set()))
        sources.append(("PostgreSQL's server log", server.log.read_text(errors="replace"), set()))
        # Every byte the server keeps: tables and indexes (base/) and the write-ahead log (pg_wal/).
        raw = "".join(p.read_bytes().decode("latin-1") for folder in ("base", "pg_wal")
                      for p in sorted((server.data / folder).rglob("*")) if p.is_file())
        report.ok(all(hashlib.sha256(k.encode()).hexdigest() in raw for k in (generated["generated key 0"], generated["generated key 2"])),
                  "PostgreSQL's data files hold the generated keys' SHA-256 (the search reads the right bytes)")
        sources.append(("PostgreSQL's data files (base/, pg_wal/)", raw, set()))
    sources += ex.items

    values = dict(fixed)
    values.update(generated)
    found = 0
    for label, text, allowed in sources:
        for what, value in values.items():
            if value and value in text and value not in allowed:
                found += 1
                line = next((l for l in text.splitlines() if value in l), "")[:300]
                print(f"  LEAK  {what} in {label}: {line}")
    report.ok(found == 0, f"no planted value in {len(sources)} logs, dumps and responses ({len(values)} values)")
    # The checks must also have been able to fail: the values are where they should be, the
    # logs hold the checks, the dump holds the keys (as their SHA-256).
    report.ok(all(hashlib.sha256(k.encode()).hexdigest() in dump for k in (generated["generated key 0"], generated["generated key 2"])),
              "the database dump holds the generated keys' SHA-256 (the search reads the right rows)")
    report.ok(sum(t.count("check allowed") + t.count("check denied") for label, t, _ in sources if label.startswith("log")) >= 20,
              "the logs record the checks (the search reads the right lines)")
    report.ok(any(provider_env in t for _, t, _ in ex.items), "the provider key does reach /check allow headers (the search can find it)")
    print(f"SECRETS values={len(values)} places={len(sources)} found={found}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
