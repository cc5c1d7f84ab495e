"""A LiteLLM proxy's PostgreSQL database, as LiteLLM's own migrations create it and its
management endpoints write it, for modelgate's --litellm-database tests.

- `Postgres`: a throwaway PostgreSQL (Debian's postgresql-15) in a temporary folder, run as the
  `postgres` user on a free loopback port with password (scram-sha-256) authentication.
- `apply_migrations`: every `litellm_proxy_extras/migrations/*/migration.sql` of the pinned
  litellm-proxy-extras, in folder order, each in one transaction except the
  `CREATE INDEX CONCURRENTLY` ones, which PostgreSQL runs only outside a transaction.
- `grant_read_only`: a LOGIN role with SELECT on the tables modelgate reads and nothing else.
- `LiteLLMWriter`: rows written the way LiteLLM writes them: `token` is LiteLLM's `hash_token` of
  the `sk-` key, `litellm_params` / `credential_values` values go through LiteLLM's
  `encrypt_value_helper`, timestamps are UTC without a time zone, `/key/delete` and
  `/team/delete` archive the row before deleting it, `/key/regenerate` moves the token and keeps
  the old one in `LiteLLM_DeprecatedVerificationToken` until `revoke_at`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pathlib
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import psycopg  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

PG_BIN = pathlib.Path(os.environ.get("MODELGATE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def utcnow() -> dt.datetime:
    """Prisma writes DateTime columns (timestamp(3) without time zone) in UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Postgres:
    """initdb + pg_ctl as the `postgres` user; `stop()` (or the context manager) removes it all."""

    def __init__(self) -> None:
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="modelgate-litellm-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.superuser_password = secrets.token_hex(16)
        postgres = pwd.getpwnam("postgres")
        os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        pwfile = self.folder / "pw"
        pwfile.write_text(self.superuser_password + "\n")
        os.chown(pwfile, postgres.pw_uid, postgres.pw_gid)
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=scram-sha-256",
                           f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync"])
        pwfile.unlink()
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                           "-w", "-t", "60", "start"])

    @staticmethod
    def _as_postgres(command: list[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def url(self, user: str = "postgres", password: str | None = None, database: str = "litellm") -> str:
        return f"postgresql://{user}:{password or self.superuser_password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str = "litellm") -> str:
        with psycopg.connect(self.url(database="postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(database=name)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Postgres":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def migrations_folder() -> pathlib.Path:
    import litellm_proxy_extras

    return pathlib.Path(litellm_proxy_extras.__file__).parent / "migrations"


def apply_migrations(url: str) -> int:
    """Applies LiteLLM's migrations in folder order; returns how many ran."""
    folders = sorted(p for p in migrations_folder().iterdir() if (p / "migration.sql").is_file())
    for folder in folders:
        sql = (folder / "migration.sql").read_text()
        concurrent = "CONCURRENTLY" in sql.upper() and "CREATE INDEX CONCURRENTLY" in " ".join(sql.upper().split())
        with psycopg.connect(url, autocommit=concurrent) as conn:
            try:
                conn.execute(sql)
            except Exception as error:
                raise RuntimeError(f"migration {folder.name} failed: {error}") from None
    return len(folders)


# The tables modelgate reads (README "Bolt onto LiteLLM" grants SELECT on exactly these).
READ_TABLES = ("LiteLLM_VerificationToken", "LiteLLM_DeprecatedVerificationToken", "LiteLLM_DeletedVerificationToken",
               "LiteLLM_TeamTable", "LiteLLM_DeletedTeamTable", "LiteLLM_UserTable", "LiteLLM_TeamMembership",
               "LiteLLM_BudgetTable", "LiteLLM_ProxyModelTable", "LiteLLM_CredentialsTable")


def grant_read_only(url: str, role: str, password: str) -> None:
    """The role modelgate runs as: LOGIN, CONNECT, USAGE on public, SELECT on READ_TABLES only."""
    with psycopg.connect(url, autocommit=True) as conn:
        database = conn.info.dbname
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
        conn.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        tables = ", ".join(f'"{table}"' for table in READ_TABLES)
        conn.execute(f'GRANT SELECT ON {tables} TO "{role}"')


def hash_token(key: str) -> str:
    from litellm.proxy._types import hash_token as litellm_hash_token

    return litellm_hash_token(key)


def encrypt(value: str, salt_key: str, algorithm: str | None = None) -> str:
    """LiteLLM's encrypt_value_helper under `salt_key`; `algorithm` as general_settings.encryption_algorithm."""
    from litellm.proxy import proxy_server
    from litellm.proxy.common_utils.encrypt_decrypt_utils import encrypt_value_helper

    saved = proxy_server.general_settings
    proxy_server.general_settings = {"encryption_algorithm": algorithm} if algorithm else {}
    try:
        return encrypt_value_helper(value, new_encryption_key=salt_key)
    finally:
        proxy_server.general_settings = saved


class LiteLLMWriter:
    """Writes keys, teams, users, organizations, models and credentials as LiteLLM's endpoints do."""

    def __init__(self, url: str, salt_key: str) -> None:
        self.conn = psycopg.connect(url, autocommit=True)
        self.salt_key = salt_key

    def close(self) -> None:
        self.conn.close()

    # Organizations, teams, users -------------------------------------------------------------

    def new_organization(self, organization_id: str, models: list[str], alias: str | None = None) -> None:
        budget_id = str(uuid.uuid4())
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_BudgetTable" (budget_id, created_at, created_by, updated_at, updated_by) '
            "VALUES (%s, %s, 'admin', %s, 'admin')", (budget_id, now, now))
        self.conn.execute(
            'INSERT INTO "LiteLLM_OrganizationTable" (organization_id, organization_alias, budget_id, models, '
            "created_at, created_by, updated_at, updated_by) VALUES (%s, %s, %s, %s, %s, 'admin', %s, 'admin')",
            (organization_id, alias or organization_id, budget_id, models, now, now))

    def new_team(self, team_id: str, models: list[str], *, alias: str | None = None, blocked: bool = False,
                 organization_id: str | None = None, metadata: dict | None = None) -> None:
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias, organization_id, admins, members, models, blocked, '
            "metadata, created_at, updated_at) VALUES (%s, %s, %s, '{}', '{}', %s, %s, %s, %s, %s)",
            (team_id, alias, organization_id, models, blocked, Jsonb(metadata or {}), now, now))

    def update_team(self, team_id: str, **fields: object) -> None:
        self._update("LiteLLM_TeamTable", "team_id", team_id, fields)

    def delete_team(self, team_id: str) -> None:
        """/team/delete: the row is copied to LiteLLM_DeletedTeamTable, then deleted."""
        with self.conn.transaction():
            self.conn.execute(
                'INSERT INTO "LiteLLM_DeletedTeamTable" (id, team_id, team_alias, organization_id, admins, members, '
                "models, blocked, metadata, created_at, updated_at, deleted_at) "
                "SELECT %s, team_id, team_alias, organization_id, admins, members, models, blocked, metadata, "
                'created_at, updated_at, %s FROM "LiteLLM_TeamTable" WHERE team_id = %s',
                (str(uuid.uuid4()), utcnow(), team_id))
            self.conn.execute('DELETE FROM "LiteLLM_TeamTable" WHERE team_id = %s', (team_id,))

    def new_user(self, user_id: str, models: list[str], organization_id: str | None = None) -> None:
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_UserTable" (user_id, organization_id, models, created_at, updated_at) '
            "VALUES (%s, %s, %s, %s, %s)", (user_id, organization_id, models, now, now))

    def update_user(self, user_id: str, **fields: object) -> None:
        self._update("LiteLLM_UserTable", "user_id", user_id, fields)

    def add_team_member(self, team_id: str, user_id: str, allowed_models: list[str] | None = None) -> str | None:
        """/team/member_add (add_new_member): the user row gains the team id (created when new);
        explicit per-member limits (`allowed_models`) get a budget row of their own, linked from
        the membership row. Returns the budget id, if any."""
        now = utcnow()
        budget_id = None
        with self.conn.transaction():
            self.conn.execute(
                'INSERT INTO "LiteLLM_UserTable" (user_id, teams, models, created_at, updated_at) VALUES (%s, %s, %s, %s, %s) '
                'ON CONFLICT (user_id) DO UPDATE SET teams = array_append("LiteLLM_UserTable".teams, %s), updated_at = %s '
                'WHERE NOT (%s = ANY("LiteLLM_UserTable".teams))',
                (user_id, [team_id], [], now, now, team_id, now, team_id))
            if allowed_models is not None:
                budget_id = str(uuid.uuid4())
                self.conn.execute(
                    'INSERT INTO "LiteLLM_BudgetTable" (budget_id, allowed_models, created_at, created_by, updated_at, updated_by) '
                    "VALUES (%s, %s, %s, 'admin', %s, 'admin')", (budget_id, allowed_models, now, now))
            self.conn.execute(
                'INSERT INTO "LiteLLM_TeamMembership" (user_id, team_id, budget_id) VALUES (%s, %s, %s) '
                "ON CONFLICT (user_id, team_id) DO NOTHING", (user_id, team_id, budget_id))
        return budget_id

    def update_member_models(self, budget_id: str, allowed_models: list[str]) -> None:
        """/team/member_update with allowed_models: the member's budget row changes."""
        self._update("LiteLLM_BudgetTable", "budget_id", budget_id, {"allowed_models": allowed_models})

    # Keys ----------------------------------------------------------------------------------------

    def new_key(self, models: list[str] | None = None, *, alias: str | None = None, team_id: str | None = None,
                user_id: str | None = None, organization_id: str | None = None, blocked: bool | None = None,
                expires: dt.datetime | None = None, metadata: dict | None = None, key: str | None = None) -> str:
        """/key/generate: returns the sk- key; the row holds only its hash."""
        key = key or "sk-" + secrets.token_urlsafe(16)
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, models, team_id, user_id, '
            "organization_id, blocked, expires, metadata, created_at, created_by, updated_at, updated_by) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'admin', %s, 'admin')",
            (hash_token(key), f"sk-...{key[-4:]}", alias, models or [], team_id, user_id, organization_id, blocked,
             expires, Jsonb(metadata or {}), now, now))
        return key

    def update_key(self, key: str, **fields: object) -> None:
        self._update("LiteLLM_VerificationToken", "token", hash_token(key), fields)

    def delete_key(self, key: str) -> None:
        """/key/delete: archived in LiteLLM_DeletedVerificationToken with deleted_at, then deleted."""
        token = hash_token(key)
        with self.conn.transaction():
            self.conn.execute(
                'INSERT INTO "LiteLLM_DeletedVerificationToken" (id, token, key_name, key_alias, models, user_id, '
                "team_id, organization_id, blocked, expires, metadata, created_at, updated_at, deleted_at) "
                "SELECT %s, token, key_name, key_alias, models, user_id, team_id, organization_id, blocked, expires, "
                'metadata, created_at, updated_at, %s FROM "LiteLLM_VerificationToken" WHERE token = %s',
                (str(uuid.uuid4()), utcnow(), token))
            self.conn.execute('DELETE FROM "LiteLLM_VerificationToken" WHERE token = %s', (token,))

    def regenerate_key(self, key: str, grace: dt.timedelta | None) -> str:
        """/key/regenerate: the row's token becomes the new key's hash; with a grace period the old
        hash stays valid in LiteLLM_DeprecatedVerificationToken until revoke_at."""
        new_key = "sk-" + secrets.token_urlsafe(16)
        old, new = hash_token(key), hash_token(new_key)
        now = utcnow()
        with self.conn.transaction():
            self.conn.execute(
                'UPDATE "LiteLLM_VerificationToken" SET token = %s, key_name = %s, updated_at = %s, '
                "rotation_count = COALESCE(rotation_count, 0) + 1, last_rotation_at = %s WHERE token = %s",
                (new, f"sk-...{new_key[-4:]}", now, now, old))
            if grace:
                self.conn.execute(
                    'INSERT INTO "LiteLLM_DeprecatedVerificationToken" (id, token, active_token_id, revoke_at, created_at) '
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (token) DO UPDATE SET active_token_id = EXCLUDED.active_token_id, "
                    "revoke_at = EXCLUDED.revoke_at", (str(uuid.uuid4()), old, new, now + grace, now))
        return new_key

    # Models and credentials ------------------------------------------------------------------

    def new_model(self, model_name: str, litellm_params: dict, model_info: dict | None = None,
                  algorithm: str | None = None) -> str:
        """/model/new with store_model_in_db: every litellm_params value encrypted separately."""
        model_id = str(uuid.uuid4())
        encrypted = {k: encrypt(v, self.salt_key, algorithm) if isinstance(v, str) else v for k, v in litellm_params.items()}
        info = dict(model_info or {})
        info.setdefault("id", model_id)
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_ProxyModelTable" (model_id, model_name, litellm_params, model_info, created_at, '
            "created_by, updated_at, updated_by) VALUES (%s, %s, %s, %s, %s, 'admin', %s, 'admin')",
            (model_id, model_name, Jsonb(encrypted), Jsonb(info), now, now))
        return model_id

    def new_credential(self, name: str, values: dict, info: dict | None = None, algorithm: str | None = None) -> None:
        """POST /credentials: credential_values encrypted value by value."""
        encrypted = {k: encrypt(v, self.salt_key, algorithm) for k, v in values.items()}
        now = utcnow()
        self.conn.execute(
            'INSERT INTO "LiteLLM_CredentialsTable" (credential_id, credential_name, credential_values, '
            "credential_info, created_at, created_by, updated_at, updated_by) "
            "VALUES (%s, %s, %s, %s, %s, 'admin', %s, 'admin')",
            (str(uuid.uuid4()), name, Jsonb(encrypted), Jsonb(info or {}), now, now))

    # -----------------------------------------------------------------------------------------

    def _update(self, table: str, id_column: str, id_value: str, fields: dict) -> None:
        """An update as Prisma makes it: the named columns plus updated_at = now (UTC)."""
        fields = {k: Jsonb(v) if isinstance(v, dict) else v for k, v in fields.items()}
        fields["updated_at"] = utcnow()
        assignments = ", ".join(f'"{column}" = %s' for column in fields)
        self.conn.execute(f'UPDATE "{table}" SET {assignments} WHERE "{id_column}" = %s', (*fields.values(), id_value))


def main() -> None:
    """Smoke: start PostgreSQL, apply the migrations, write one of everything, read it as the
    SELECT-only role, and show that role cannot write."""
    started = time.monotonic()
    with Postgres() as pg:
        url = pg.create_database()
        count = apply_migrations(url)
        grant_read_only(url, "modelgate_ro", "ro-password")
        writer = LiteLLMWriter(url, salt_key="sk-salt-smoke")
        writer.new_organization("org-1", ["gpt-4o-mini"])
        writer.new_team("team-1", ["gpt-4o-mini"], organization_id="org-1")
        writer.new_user("user-1", [])
        key = writer.new_key(["gpt-4o-mini"], alias="smoke", team_id="team-1", user_id="user-1")
        writer.new_model("db-model", {"model": "openai/gpt-4o", "api_key": "sk-provider"}, {"access_groups": ["g"]})
        writer.new_credential("cred-1", {"api_key": "sk-cred"}, {"custom_llm_provider": "openai"})
        rotated = writer.regenerate_key(key, dt.timedelta(hours=1))
        writer.close()
        ro = pg.url(user="modelgate_ro", password="ro-password")
        with psycopg.connect(ro) as conn:
            rows = conn.execute('SELECT token, models FROM "LiteLLM_VerificationToken"').fetchall()
            assert rows == [(hash_token(rotated), ["gpt-4o-mini"])], rows
            try:
                conn.execute('DELETE FROM "LiteLLM_VerificationToken"')
                raise AssertionError("the read-only role could delete")
            except psycopg.errors.InsufficientPrivilege:
                pass
        print(json.dumps({"migrations": count, "seconds": round(time.monotonic() - started, 1), "ok": True}))


if __name__ == "__main__":
    main()
