"""Fixtures of the end-to-end suite: one modelgate, one fake upstream and the four proxy set-ups
(nginx path mode, nginx njs body mode, Envoy HTTP ext_authz, Envoy gRPC ext_authz) for the whole
session, each on free loopback ports. Tests that take `proxy` run once per proxy set-up.

MODELGATE_BIN names the binary (default .build/debug/modelgate); scripts/e2e builds it.
MODELGATE_E2E_BACKEND=postgres runs the same suite with modelgate on a PostgreSQL it starts
(e2e/postgres.py: initdb as the `postgres` user, password auth over TCP); the default is sqlite.
Logs and rendered configs stay in e2e/.work/ (e2e/.work-postgres/) after the run.
"""

import os
import secrets as random_secrets
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e import harness  # noqa: E402
from e2e.fake_upstream import FakeUpstream  # noqa: E402
from e2e.postgres import Postgres  # noqa: E402

MODES = ["nginx-path", "nginx-body", "envoy-http", "envoy-grpc"]
BACKEND = os.environ.get("MODELGATE_E2E_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"MODELGATE_E2E_BACKEND must be sqlite or postgres, not {BACKEND!r}")


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    # A SIGTERM (CI timeout, `timeout`) unwinds like Ctrl-C, so the session fixtures still stop
    # modelgate, nginx and Envoy by PID instead of leaving them running.
    signal.signal(signal.SIGTERM, _interrupt)
WORK = harness.ROOT / "e2e" / (".work" if BACKEND == "sqlite" else ".work-postgres")


@dataclass(frozen=True)
class Proxy:
    """One running proxy set-up in front of modelgate and the fake upstream."""
    mode: str
    http_port: int
    https_port: int
    cert: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def tls_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def sends_body(self) -> bool:
        """Whether modelgate sees the request body (not in nginx's plain auth_request mode)."""
        return self.mode != "nginx-path"

    def __str__(self):
        return self.mode


@dataclass(frozen=True)
class Secrets:
    """Fresh per run: provider credentials modelgate injects and the virtual keys clients hold."""
    master_key: str
    openai: str
    azure: str
    anthropic: str
    bedrock: str
    gemini: str
    vertex: str
    key_all: str
    key_restricted: str
    key_frontier: str

    def environment(self) -> dict[str, str]:
        return {
            "MODELGATE_MASTER_KEY": self.master_key,
            "MODELGATE_SECRET_KEY": "e2e-" + random_secrets.token_hex(16),
            "E2E_OPENAI_SECRET": self.openai, "E2E_AZURE_SECRET": self.azure,
            "E2E_ANTHROPIC_SECRET": self.anthropic, "E2E_BEDROCK_SECRET": self.bedrock,
            "E2E_GEMINI_SECRET": self.gemini, "E2E_VERTEX_SECRET": self.vertex,
            "E2E_KEY_ALL": self.key_all, "E2E_KEY_RESTRICTED": self.key_restricted,
            "E2E_KEY_FRONTIER": self.key_frontier,
        }


def _token(prefix: str) -> str:
    return prefix + random_secrets.token_urlsafe(18)


@pytest.fixture(scope="session")
def secrets() -> Secrets:
    return Secrets(
        master_key=_token("sk-master-"),
        openai=_token("upstream-openai-"), azure=_token("upstream-azure-"),
        anthropic=_token("upstream-anthropic-"), bedrock=_token("upstream-bedrock-"),
        gemini=_token("upstream-gemini-"), vertex=_token("upstream-vertex-"),
        key_all=_token("sk-e2e-all-"), key_restricted=_token("sk-e2e-restricted-"),
        key_frontier=_token("sk-e2e-frontier-"),
    )


@pytest.fixture(scope="session")
def workdir() -> Path:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    return WORK


@pytest.fixture(scope="session")
def tls(workdir) -> tuple[Path, Path]:
    return harness.make_tls_cert(workdir)


@pytest.fixture(scope="session")
def upstream_server():
    server = FakeUpstream().start()
    yield server
    server.stop()


@pytest.fixture
def upstream(upstream_server):
    """The fake upstream, emptied for this test."""
    upstream_server.clear()
    return upstream_server


def modelgate_binary() -> Path:
    binary = Path(os.environ.get("MODELGATE_BIN", harness.ROOT / ".build" / "debug" / "modelgate"))
    if not binary.exists():
        pytest.exit(f"modelgate binary not found at {binary}: build it (swift build) or set MODELGATE_BIN", 2)
    return binary


@dataclass(frozen=True)
class Database:
    """The store modelgate runs on: a SQLite file, or a database on a PostgreSQL started for the
    session (`server`)."""
    backend: str
    location: str
    server: Postgres | None = None
    name: str = "modelgate"


@pytest.fixture(scope="session")
def database(workdir):
    if BACKEND == "sqlite":
        yield Database("sqlite", str(workdir / "modelgate.sqlite"))
        return
    server = Postgres()
    try:
        yield Database("postgres", server.create_database("modelgate"), server)
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def modelgate(workdir, secrets, database):
    config = workdir / "modelgate.yaml"
    shutil.copy(harness.ROOT / "e2e" / "modelgate-e2e.yaml", config)
    server = harness.start_modelgate(modelgate_binary(), workdir, config, secrets.environment(), database.location)
    yield server
    code = server.stop()
    assert code == 0, f"modelgate did not exit cleanly on SIGTERM ({code}):\n{server.log_tail()}"
    if database.server is not None:
        log = server.log.read_text(errors="replace")
        assert database.server.password not in log and database.server.encoded_password not in log, \
            "the database password is in modelgate's log"


@pytest.fixture(scope="session")
def modelgate_url(modelgate) -> str:
    return f"http://127.0.0.1:{modelgate.ports['http']}"


class ProxyPool:
    """Starts each proxy set-up the first time a test asks for it and keeps it for the session.
    A set-up that fails to start fails its own tests only (with the reason), not the others'."""

    def __init__(self, workdir, tls, modelgate, upstream_server):
        self._args = (workdir, tls, modelgate, upstream_server)
        self._started: dict[str, harness.Managed] = {}
        self._failed: dict[str, str] = {}

    def __getitem__(self, mode: str) -> Proxy:
        if mode in self._failed:
            pytest.fail(f"{mode} did not start: {self._failed[mode]}")
        if mode not in self._started:
            workdir, (cert, key), modelgate, upstream_server = self._args
            try:
                if mode.startswith("nginx"):
                    m = harness.start_nginx(mode, workdir, modelgate.ports["http"], upstream_server.port, cert, key)
                else:
                    if mode == "envoy-grpc":
                        harness.wait_for_port(modelgate.ports["grpc"], modelgate.proc, what="modelgate gRPC")
                    m = harness.start_envoy(mode, workdir, modelgate.ports["http"], modelgate.ports["grpc"],
                                            upstream_server.port, cert, key)
            except Exception as e:  # noqa: BLE001 - reported on every test of this mode
                self._failed[mode] = f"{type(e).__name__}: {e}"
                pytest.fail(f"{mode} did not start: {self._failed[mode]}")
            self._started[mode] = m
        m = self._started[mode]
        return Proxy(mode, m.ports["http"], m.ports["https"], self._args[1][0])

    def stop(self):
        for m in self._started.values():
            m.stop()


@pytest.fixture(scope="session")
def proxies(workdir, tls, modelgate, upstream_server):
    pool = ProxyPool(workdir, tls, modelgate, upstream_server)
    yield pool
    pool.stop()


@pytest.fixture(params=MODES)
def proxy(request, proxies) -> Proxy:
    return proxies[request.param]
