"""What `serve --litellm-database`'s change poll costs PostgreSQL and modelgate, with 100k keys.

LiteLLM's migrations index none of the `updated_at` columns the poll filters on
("LiteLLM_VerificationToken", "LiteLLM_TeamTable", "LiteLLM_UserTable"); the archives' `deleted_at`
and the rotated keys' `revoke_at` are indexed. modelgate reads with SELECT only, so it cannot add
an index: as LiteLLM ships, each poll scans the key table. This measures, on LiteLLM's schema
with --keys keys, --users users (each a member of one of --teams teams, one in ten with an own
model list):

1. each poll query alone (the reader's SQL shape, run --runs times): time and plan;
2. the built binary polling for --seconds seconds while nothing changes: PostgreSQL backend CPU
   and modelgate CPU per second, polls per second and rows PostgreSQL read per poll
   (pg_stat_user_tables), and the time until one SQL change is in force through /check;

first as LiteLLM ships, then with the indexes an operator may add (README "Bolt onto LiteLLM"):
    CREATE INDEX CONCURRENTLY ON "LiteLLM_VerificationToken" (updated_at);
    CREATE INDEX CONCURRENTLY ON "LiteLLM_UserTable" (updated_at);
    CREATE INDEX CONCURRENTLY ON "LiteLLM_TeamTable" (updated_at);

Run: Tests/litellm/.venv/bin/python Tests/litellm/poll_cost.py [--binary .build/release/modelgate] [--keys 100000]
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import psycopg

from litellm_db import Postgres, apply_migrations, grant_read_only, hash_token

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "ro-poll-cost-pw"
TICK = os.sysconf("SC_CLK_TCK")

# The per-table poll queries (LiteLLMDatabaseReader.rows's SQL shape: each row as `row_to_json` of
# the columns the row type names; the watermark bound as a parameter).
def _rows(table: str, columns: str, where: str) -> str:
    return f'SELECT row_to_json(r)::text FROM "{table}" t CROSS JOIN LATERAL (SELECT {columns}) r WHERE {where}'


def _epoch(column: str) -> str:
    return f"EXTRACT(EPOCH FROM {column})::float8 AS {column}"


CHANGED = "t.updated_at > (to_timestamp(%(since)s) AT TIME ZONE 'UTC')"
QUERIES = {
    "keys changed": _rows("LiteLLM_VerificationToken",
                          "token, key_alias, COALESCE(models, '{}') AS models, team_id, user_id, COALESCE(blocked, false) AS blocked, "
                          f"{_epoch('expires')}, metadata::text AS metadata, config::text AS config, {_epoch('updated_at')}, "
                          f"{_epoch('created_at')}", CHANGED),
    "teams changed": _rows("LiteLLM_TeamTable",
                           "team_id, team_alias, COALESCE(models, '{}') AS models, COALESCE(blocked, false) AS blocked, "
                           f"metadata::text AS metadata, {_epoch('updated_at')}", CHANGED),
    "users changed": _rows("LiteLLM_UserTable", f"user_id, COALESCE(models, '{{}}') AS models, {_epoch('updated_at')}", CHANGED),
    "keys deleted": 'SELECT d.token FROM "LiteLLM_DeletedVerificationToken" d WHERE d.deleted_at > (to_timestamp(%(since)s) AT TIME ZONE \'UTC\') '
                    'AND NOT EXISTS (SELECT 1 FROM "LiteLLM_VerificationToken" k WHERE k.token = d.token)',
    "rotated keys": _rows("LiteLLM_DeprecatedVerificationToken", f"token, active_token_id, {_epoch('revoke_at')}",
                          "t.revoke_at > (now() AT TIME ZONE 'UTC')"),
    # Each poll asks for the digest; the lists themselves only when it changed.
    "team members' digest": 'SELECT COALESCE(md5(json_agg(json_build_array(t.team_id, t.user_id, b.allowed_models) '
                            'ORDER BY t.team_id, t.user_id)::text), \'\') FROM "LiteLLM_TeamMembership" t '
                            'JOIN "LiteLLM_BudgetTable" b ON b.budget_id = t.budget_id WHERE cardinality(b.allowed_models) > 0',
    "team members' lists": _rows("LiteLLM_TeamMembership",
                                 'user_id, team_id, COALESCE((SELECT b.allowed_models FROM "LiteLLM_BudgetTable" b '
                                 "WHERE b.budget_id = t.budget_id), '{}') AS allowed_models",
                                 'EXISTS (SELECT 1 FROM "LiteLLM_BudgetTable" b WHERE b.budget_id = t.budget_id '
                                 "AND cardinality(b.allowed_models) > 0)"),
}
INDEXES = ["LiteLLM_VerificationToken", "LiteLLM_UserTable", "LiteLLM_TeamTable"]


def fill(url: str, keys: int, users: int, teams: int) -> None:
    """Rows as LiteLLM's /key/generate, /user/new, /team/new and /key/delete leave them: one a
    second per table, the newest an hour old."""
    stamp = "now() AT TIME ZONE 'UTC' - interval '1 hour' - i * interval '1 second'"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias, admins, members, models, metadata, created_at, updated_at) '
                     f"SELECT 'team-' || i, 'team ' || i, '{{}}', '{{}}', ARRAY['gpt-4o-mini'], '{{}}', {stamp}, {stamp} "
                     f"FROM generate_series(1, %s) AS i", (teams,))
        conn.execute(f'INSERT INTO "LiteLLM_UserTable" (user_id, models, created_at, updated_at) '
                     f"SELECT 'user-' || i, ARRAY['gpt-4o-mini'], {stamp}, {stamp} FROM generate_series(1, %s) AS i", (users,))
        conn.execute(f'INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, models, team_id, user_id, metadata, '
                     f"created_at, created_by, updated_at, updated_by) "
                     f"SELECT encode(sha256(('sk-poll-' || i)::bytea), 'hex'), 'sk-...' || i, 'key ' || i, ARRAY['gpt-4o-mini'], "
                     f"'team-' || (i %% %s + 1), 'user-' || (i %% %s + 1), '{{}}', {stamp}, 'admin', {stamp}, 'admin' "
                     f"FROM generate_series(1, %s) AS i", (teams, users, keys))
        conn.execute(f'INSERT INTO "LiteLLM_DeletedVerificationToken" (id, token, models, created_at, updated_at, deleted_at) '
                     f"SELECT 'd' || i, encode(sha256(('sk-gone-' || i)::bytea), 'hex'), ARRAY['gpt-4o-mini'], {stamp}, {stamp}, {stamp} "
                     f"FROM generate_series(1, %s) AS i", (keys // 10,))
        # Every user a member of one team (/team/member_add); one in ten with an own model list,
        # whose budget row the membership links to.
        conn.execute('INSERT INTO "LiteLLM_BudgetTable" (budget_id, allowed_models, created_at, created_by, updated_at, updated_by) '
                     f"SELECT 'member-budget-' || i, ARRAY['gpt-4o-mini'], {stamp}, 'admin', {stamp}, 'admin' "
                     f"FROM generate_series(1, %s, 10) AS i", (users,))
        conn.execute('INSERT INTO "LiteLLM_TeamMembership" (user_id, team_id, budget_id) '
                     "SELECT 'user-' || i, 'team-' || (i %% %s + 1), CASE WHEN i %% 10 = 1 THEN 'member-budget-' || i END "
                     "FROM generate_series(1, %s) AS i", (teams, users))
        conn.execute("ANALYZE")


def per_query(url: str, runs: int) -> dict:
    since = time.time() - 5
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for name, sql in QUERIES.items():
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute(sql, {"since": since}).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, {"since": since}).fetchone()[0][0]
            nodes, stack = [], [plan["Plan"]]
            while stack:
                node = stack.pop()
                nodes.append(node["Node Type"] + (f" on {node['Relation Name']}" if "Relation Name" in node else ""))
                stack.extend(node.get("Plans", []))
            out[name] = {"p50_ms": round(statistics.median(times), 3), "max_ms": round(max(times), 3),
                         "buffers": plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0),
                         "plan": nodes}
    return out


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def table_reads(conn) -> dict[str, int]:
    rows = conn.execute("SELECT relname, seq_tup_read + COALESCE(idx_tup_fetch, 0), seq_scan FROM pg_stat_user_tables "
                        "WHERE relname IN ('LiteLLM_VerificationToken', 'LiteLLM_UserTable', 'LiteLLM_TeamTable', "
                        "'LiteLLM_TeamMembership', 'LiteLLM_ProxyModelTable')").fetchall()
    return {name: reads for name, reads, _ in rows} | {"_model_scans": next((s for n, _, s in rows if n == "LiteLLM_ProxyModelTable"), 0)}


def check(port: int, key: str) -> int:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/check", method="POST", data=b'{"model":"gpt-4o-mini"}', headers={
        "X-Original-Method": "POST", "X-Original-URI": "/v1/chat/completions", "Authorization": f"Bearer {key}",
        "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def serving(binary: str, ro_url: str, admin_url: str, seconds: float, folder: pathlib.Path) -> dict:
    """The built binary polling an unchanging database for `seconds`, then one key blocked in SQL."""
    from serve_check import free_port

    http, grpc = free_port(), free_port()
    config = folder / "config.yaml"
    config.write_text("model_list:\n  - model_name: gpt-4o-mini\n    litellm_params: { model: openai/gpt-4o-mini }\n")
    env = dict(os.environ, MODELGATE_LITELLM_DATABASE_URL=ro_url, LITELLM_SALT_KEY="sk-poll-cost-salt")
    env.pop("MODELGATE_DATABASE_URL", None)
    log = (folder / f"serve-{http}.log").open("w")
    serve = subprocess.Popen([str(pathlib.Path(binary).resolve()), "serve", "--config", str(config), "--http", f"127.0.0.1:{http}", "--grpc", f"127.0.0.1:{grpc}"],
                             cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        while check(http, "sk-poll-1") != 200:
            if serve.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"serve did not start: {(folder / log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        ready = time.monotonic() - started
        with psycopg.connect(admin_url, autocommit=True) as conn:
            time.sleep(3)  # past the start's full read and its statistics (a backend flushes them at most once a second)
            backends = [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE usename = 'modelgate_ro'")]
            conn.execute("SELECT pg_stat_force_next_flush()")
            before, pg0, mg0, t0 = table_reads(conn), sum(map(cpu_seconds, backends)), cpu_seconds(serve.pid), time.monotonic()
            time.sleep(seconds)
            elapsed = time.monotonic() - t0
            pg1, mg1 = sum(map(cpu_seconds, backends)), cpu_seconds(serve.pid)
            conn.execute("SELECT pg_stat_clear_snapshot()")
            after = table_reads(conn)
            polls = after["_model_scans"] - before["_model_scans"]  # one full read of the model table per poll
            rows = {name: round((after[name] - before[name]) / max(polls, 1)) for name in after if not name.startswith("_")}
            latencies = []
            for i in range(10):
                conn.execute('UPDATE "LiteLLM_VerificationToken" SET blocked = %s, updated_at = now() AT TIME ZONE \'UTC\' WHERE token = %s',
                             (i % 2 == 0, hash_token("sk-poll-1")))
                changed = time.monotonic()
                want = 401 if i % 2 == 0 else 200
                while check(http, "sk-poll-1") != want and time.monotonic() - changed < 5:
                    time.sleep(0.005)
                latencies.append((time.monotonic() - changed) * 1000)
        return {"ready_s": round(ready, 1), "polls_per_s": round(polls / elapsed, 2),
                "postgres_cpu_ms_per_s": round((pg1 - pg0) * 1000 / elapsed, 1),
                "modelgate_cpu_ms_per_s": round((mg1 - mg0) * 1000 / elapsed, 1),
                "rows_read_per_poll": rows, "change_in_force_ms": {"p50": round(statistics.median(latencies)), "max": round(max(latencies))}}
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/release/modelgate"))
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="modelgate-poll-cost-"))
    result = {"keys": args.keys, "users": args.users, "teams": args.teams, "archived_keys": args.keys // 10, "binary": args.binary}
    with Postgres() as pg:
        url = pg.create_database()
        apply_migrations(url)
        grant_read_only(url, "modelgate_ro", PASSWORD)
        fill(url, args.keys, args.users, args.teams)
        ro = pg.url(user="modelgate_ro", password=PASSWORD)
        result["as_shipped"] = {"queries": per_query(url, args.runs), "serve": serving(args.binary, ro, url, args.seconds, folder)}
        with psycopg.connect(url, autocommit=True) as conn:
            for table in INDEXES:
                conn.execute(f'CREATE INDEX CONCURRENTLY ON "{table}" (updated_at)')
            conn.execute("ANALYZE")
        result["with_updated_at_indexes"] = {"queries": per_query(url, args.runs), "serve": serving(args.binary, ro, url, args.seconds, folder)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
