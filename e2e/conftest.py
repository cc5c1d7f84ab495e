"""Fixtures of the end-to-end suite: one modelgate, one fake upstream and the four proxy set-ups
(nginx path mode, nginx njs body mode, Envoy HTTP ext_authz, Envoy gRPC ext_authz) for the whole
session, each on free loopback ports. Tests that take `proxy` run once per proxy set-up.

MODELGATE_BIN names the binary (default .build/debug/modelgate); scripts/e2e builds it.
Logs and rendered configs stay in e2e/.work/ after the run.
"""

import os
import secrets as random_secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e import harness  # noqa: E402
from e2e.fake_upstream import FakeUpstream  # noqa: E402

MODES = [m for m in ["nginx-path", "nginx-body", "envoy-http", "envoy-grpc"] if m not in os.environ.get("E2E_SKIP_MODES", "").split(",")]
WORK = harness.ROOT / "e2e" / ".work"


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


@pytest.fixture(scope="session")
def modelgate(workdir, secrets):
    config = workdir / "modelgate.yaml"
    shutil.copy(harness.ROOT / "e2e" / "modelgate-e2e.yaml", config)
    server = harness.start_modelgate(modelgate_binary(), workdir, config, secrets.environment())
    yield server
    code = server.stop()
    assert code == 0, f"modelgate did not exit cleanly on SIGTERM ({code}):\n{server.log_tail()}"


@pytest.fixture(scope="session")
def modelgate_url(modelgate) -> str:
    return f"http://127.0.0.1:{modelgate.ports['http']}"


@pytest.fixture(scope="session")
def proxies(workdir, tls, modelgate, upstream_server):
    cert, key = tls
    started = {}
    try:
        for mode in MODES:
            if mode.startswith("nginx"):
                started[mode] = harness.start_nginx(mode, workdir, modelgate.ports["http"], upstream_server.port, cert, key)
            else:
                if mode == "envoy-grpc":
                    harness.wait_for_port(modelgate.ports["grpc"], modelgate.proc, what="modelgate gRPC")
                started[mode] = harness.start_envoy(mode, workdir, modelgate.ports["http"], modelgate.ports["grpc"],
                                                    upstream_server.port, cert, key)
        yield {mode: Proxy(mode, m.ports["http"], m.ports["https"], cert) for mode, m in started.items()}
    finally:
        for m in started.values():
            m.stop()


@pytest.fixture(params=MODES)
def proxy(request, proxies) -> Proxy:
    return proxies[request.param]
