"""A throwaway PostgreSQL for the end-to-end suite and the benchmarks (standard library only).

`initdb` into a temporary folder and `pg_ctl start` as the `postgres` user (PostgreSQL refuses
root), on a free loopback port, with password (SCRAM) authentication over TCP. The password holds
characters a URL must percent-encode, so that path is exercised too. `destroy()` (or the context
manager) stops the server and removes the folder; a detached watcher does the same if this
process dies first (kill -9, a crash), so no server is left behind.

MODELGATE_PG_BIN names the server binaries' folder (default: Debian's newest
/usr/lib/postgresql/N/bin).
"""

from __future__ import annotations

import glob
import os
import random
import secrets
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from pathlib import Path


def binaries() -> Path | None:
    if os.environ.get("MODELGATE_PG_BIN"):
        return Path(os.environ["MODELGATE_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    """A loopback port below Linux's ephemeral range (where client sockets take their local
    ports), free when checked."""
    for _ in range(200):
        port = random.randrange(20_000, 32_000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in 20000-31999")


def _as_postgres(argv: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + argv


class Postgres:
    user = "modelgate"

    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries not found (Debian package postgresql, or MODELGATE_PG_BIN)")
        self.bin = bin_dir
        self.password = "pg-Secret/" + secrets.token_hex(6) + "@x:"
        self.folder = Path(tempfile.mkdtemp(prefix="modelgate-py-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres")
        self._watch()
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                   "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"])
        pwfile.unlink()
        error: Exception | None = None
        for _ in range(5):
            self.port = free_port()
            try:
                self.start()
                return
            except subprocess.CalledProcessError as e:
                error = e
        self.destroy()
        raise RuntimeError(f"PostgreSQL did not start: {error}")

    def _run(self, argv: list[str]) -> None:
        # Output to a file, never a pipe: the server pg_ctl leaves behind would hold a pipe open.
        with open(self.folder / "commands.log", "ab") as out:
            subprocess.run(_as_postgres(argv), check=True, stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd="/tmp")

    def _watch(self) -> None:
        stop = " ".join(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]))
        watcher = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                   f"{stop} >/dev/null 2>&1; rm -rf '{self.folder}'")
        subprocess.Popen(["/bin/sh", "-c", watcher], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, cwd="/tmp")

    def start(self) -> None:
        """`pg_ctl start` (again, after `stop`) on the same port."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off -c max_connections=200"
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                   "-w", "-t", "60", "start"])

    def stop(self, immediate: bool = True) -> None:
        """`pg_ctl stop`; `-m immediate` by default (an outage: no clean shutdown)."""
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate" if immediate else "fast",
                   "-w", "stop"])

    def destroy(self) -> None:
        try:
            self.stop()
        except (subprocess.CalledProcessError, OSError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        password = urllib.parse.quote(self.password, safe="")
        return f"postgres://{self.user}:{password}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    @property
    def encoded_password(self) -> str:
        return urllib.parse.quote(self.password, safe="")

    def _client(self, tool: str, args: list[str]) -> subprocess.CompletedProcess:
        client = self.bin / tool
        return subprocess.run([str(client if client.exists() else tool), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", self.user, *args], env={**os.environ, "PGPASSWORD": self.password},
                              capture_output=True, text=True, check=True, cwd="/tmp")

    def create_database(self, name: str) -> str:
        """An empty database; returns its URL."""
        self._client("psql", ["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", f'CREATE DATABASE "{name}"'])
        return self.url(name)

    def dump(self, database: str) -> str:
        """`pg_dump` of `database` as SQL text (every row, as an operator would read it)."""
        return self._client("pg_dump", ["-d", database]).stdout

    def __enter__(self) -> "Postgres":
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()
