"""What polling LiteLLM's key table for changes costs the database, with 100k keys.

LiteLLM's migrations create no index on "LiteLLM_VerificationToken".updated_at, and modelgate
reads with SELECT only, so it cannot add one: the change poll (`updated_at > last seen`) is a
sequential scan. This measures it as LiteLLM ships, then with the index an operator may add
(`CREATE INDEX CONCURRENTLY ... ON "LiteLLM_VerificationToken" (updated_at)`).

Run: Tests/litellm/.venv/bin/python Tests/litellm/poll_cost.py [keys]
"""

import json
import statistics
import sys
import time

import psycopg

from litellm_db import Postgres, apply_migrations, utcnow

POLL = ('SELECT token, key_alias, models, team_id, user_id, organization_id, blocked, EXTRACT(EPOCH FROM expires)::float8, '
        'metadata::text, config::text, EXTRACT(EPOCH FROM updated_at)::float8 FROM "LiteLLM_VerificationToken" '
        'WHERE updated_at > %s')


def measure(conn, since, runs=40):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(POLL, (since,)).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + POLL, (since,)).fetchone()[0][0]
    return {"p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
            "plan": plan["Plan"]["Node Type"], "shared_buffers_read_or_hit": plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)}


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with Postgres() as pg:
        url = pg.create_database()
        apply_migrations(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                'INSERT INTO "LiteLLM_VerificationToken" (token, key_alias, models, metadata, created_at, updated_at) '
                "SELECT encode(sha256(('sk-' || i)::bytea), 'hex'), 'k' || i, ARRAY['gpt-4o-mini'], '{}', "
                "now() AT TIME ZONE 'UTC' - interval '1 hour', now() AT TIME ZONE 'UTC' - interval '1 hour' "
                "FROM generate_series(1, %s) AS i", (count,))
            conn.execute('ANALYZE "LiteLLM_VerificationToken"')
            since = utcnow()
            conn.execute('UPDATE "LiteLLM_VerificationToken" SET updated_at = now() AT TIME ZONE \'UTC\' '
                         "WHERE key_alias IN ('k1', 'k2', 'k3')")
            as_shipped = measure(conn, since)
            conn.execute('CREATE INDEX CONCURRENTLY "modelgate_poll_updated_at" ON "LiteLLM_VerificationToken" (updated_at)')
            conn.execute('ANALYZE "LiteLLM_VerificationToken"')
            with_index = measure(conn, since)
        print(json.dumps({"keys": count, "changed": 3, "as_shipped": as_shipped, "with_updated_at_index": with_index}))


if __name__ == "__main__":
    main()
