"""Runs the real modelgate binary for the fault, secrets and soak checks: free loopback ports,
its own working folder, stdout and stderr kept in files, stopped by PID.

Every check here talks to the process over real sockets and reads what it wrote (logs, the
SQLite file, /metrics): nothing is simulated.
"""

import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def binary() -> Path:
    return Path(os.environ.get("MODELGATE_BIN", ROOT / ".build" / "debug" / "modelgate"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, target: str, headers: dict | list | None = None, body: bytes | str | None = None,
            timeout: float = 10.0) -> Response:
    """One request on a fresh connection (http.client sends the target as given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "modelgate")
        items = headers.items() if isinstance(headers, dict) else (headers or [])
        for k, v in items:
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def check(port: int, method: str, target: str, headers: dict | None = None, body: str | bytes | None = None) -> Response:
    """An Envoy-style /check (original method, /check + original target, headers and body)."""
    return request(port, method, "/check" + target, headers, body)


@dataclass
class Service:
    """A `modelgate serve` process."""
    workdir: Path
    config: Path | None
    env: dict[str, str]
    database: Path | str | None = None   # a SQLite path, or a PostgreSQL URL (given as MODELGATE_DATABASE_URL)
    extra: list[str] = field(default_factory=list)
    nofile: int | None = None
    user: str | None = None
    http_port: int = 0
    grpc_port: int = 0
    proc: subprocess.Popen | None = None
    starts: int = 0

    def __post_init__(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database = self.database or self.workdir / "modelgate.sqlite"

    @property
    def stdout_path(self) -> Path:
        return self.workdir / f"stdout.{self.starts}.log"

    @property
    def stderr_path(self) -> Path:
        return self.workdir / f"stderr.{self.starts}.log"

    @property
    def database_url(self) -> str | None:
        text = str(self.database)
        return text if text.startswith(("postgres://", "postgresql://")) else None

    def argv(self) -> list[str]:
        argv = [str(binary()), "serve"] + ([] if self.database_url else ["--database", str(self.database)]) + [
                "--http", f"127.0.0.1:{self.http_port}", "--grpc", f"127.0.0.1:{self.grpc_port}"]
        if self.config:
            argv += ["--config", str(self.config)]
        return argv + self.extra

    def spawn(self) -> subprocess.Popen:
        self.starts += 1
        self.http_port, self.grpc_port = free_port(), free_port()
        argv = self.argv()
        if self.user:
            argv = ["runuser", "-u", self.user, "--"] + argv
        limit = self.nofile

        def preexec():
            os.setsid()
            if limit:
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        env = {k: v for k, v in os.environ.items() if not k.startswith("MODELGATE_")}
        env.update(self.env)
        if self.database_url:
            env["MODELGATE_DATABASE_URL"] = self.database_url
        self.proc = subprocess.Popen(argv, stdout=open(self.stdout_path, "wb"), stderr=open(self.stderr_path, "wb"),
                                     stdin=subprocess.DEVNULL, env=env, preexec_fn=preexec)
        return self.proc

    def start(self, timeout: float = 60.0) -> "Service":
        self.spawn()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"modelgate exited with {self.proc.returncode}: {self.output()[-2000:]}")
            try:
                if request(self.http_port, "GET", "/health/readiness", timeout=1).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"modelgate not ready within {timeout}s: {self.output()[-2000:]}")

    def wait_exit(self, timeout: float = 60.0) -> int:
        return self.proc.wait(timeout)

    def stop(self, sig=signal.SIGTERM, timeout: float = 20.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        return self.proc.returncode

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def rss_kib(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def output(self) -> str:
        """Everything every start of this service wrote to stdout and stderr."""
        parts = []
        for p in sorted(self.workdir.glob("std*.log")):
            parts.append(p.read_text(errors="replace"))
        return "\n".join(parts)

    def admin(self, method: str, path: str, master_key: str, body=None) -> Response:
        headers = {"Authorization": f"Bearer {master_key}"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return request(self.http_port, method, path, headers, data)


class Report:
    """Collects PASS/FAIL lines; the summary counts them."""

    def __init__(self, name: str):
        self.name = name
        self.passed = 0
        self.failed: list[str] = []

    def ok(self, condition: bool, what: str, detail: str = "") -> bool:
        if condition:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(f"  FAIL  {what}" + (f": {detail}" if detail else ""))
        return condition

    def line(self) -> str:
        return f"{self.name}: {self.passed} passed, {len(self.failed)} failed"
