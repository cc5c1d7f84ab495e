"""Processes the suite runs for real: modelgate, nginx and Envoy, each on free loopback ports,
started in their own session (setsid) and stopped by PID.

The example configurations in examples-nginx/ and examples-envoy/ are used as shipped: only
their ${NAME} placeholders are filled in, the same way `envsubst` does for a user.
"""

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
NGINX_EXAMPLES = ROOT / "examples-nginx"
ENVOY_EXAMPLES = ROOT / "examples-envoy"
NJS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")

PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1 (the kernel's ephemeral choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(template: str, values: dict[str, str]) -> str:
    """Fills ${NAME} placeholders; every placeholder must have a value (no silent blanks)."""
    missing = sorted({m for m in PLACEHOLDER.findall(template) if m not in values})
    if missing:
        raise KeyError(f"no value for placeholders {missing}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 20.0, what: str = ""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what or 'process'} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{what or 'process'} did not listen on {port} within {timeout}s")


def make_tls_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost, made fresh for this run."""
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@dataclass
class Managed:
    """A started process: its PID is the only handle used to stop it."""
    name: str
    proc: subprocess.Popen
    log: Path
    ports: dict[str, int] = field(default_factory=dict)

    def stop(self, sig=signal.SIGTERM, timeout: float = 10.0) -> int | None:
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

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _ready(m: Managed, wait) -> Managed:
    """Runs the readiness wait; a process that does not get ready is stopped, not left behind."""
    try:
        wait()
    except BaseException:
        m.stop()
        raise
    return m


def _spawn(argv: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    out = open(log, "ab")
    return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)


# --- modelgate ---------------------------------------------------------------------------------

def is_database_url(database: str) -> bool:
    return database.startswith(("postgres://", "postgresql://"))


def start_modelgate(binary: Path, workdir: Path, config: Path, env: dict[str, str],
                    database: str | None = None) -> Managed:
    """`modelgate serve` on `database`: a SQLite path (default workdir/modelgate.sqlite) or a
    PostgreSQL URL, given as MODELGATE_DATABASE_URL so its password is not on the command line."""
    http_port, grpc_port = free_port(), free_port()
    log = workdir / "modelgate.log"
    database = database or str(workdir / "modelgate.sqlite")
    env = {**os.environ, **env}
    argv = [str(binary), "serve", "--config", str(config)]
    if is_database_url(database):
        env["MODELGATE_DATABASE_URL"] = database
    else:
        argv += ["--database", database]
    argv += ["--http", f"127.0.0.1:{http_port}", "--grpc", f"127.0.0.1:{grpc_port}"]
    proc = _spawn(argv, log, env=env)
    m = Managed("modelgate", proc, log, {"http": http_port, "grpc": grpc_port})

    def ready():
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"modelgate exited with {proc.returncode}:\n{m.log_tail()}")
            try:
                if requests.get(f"http://127.0.0.1:{http_port}/health/readiness", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"modelgate not ready:\n{m.log_tail()}")

    return _ready(m, ready)


# --- nginx ---------------------------------------------------------------------------------------

NGINX_MODES = {"nginx-path": "modelgate-path.conf", "nginx-body": "modelgate-body.conf"}


def write_nginx_config(mode: str, d: Path, values: dict[str, str]) -> Path:
    """examples-nginx/<mode's file> with its placeholders filled, inside a minimal main config
    with its own prefix (pid, logs, temp paths) so it runs beside any system nginx."""
    d.mkdir(parents=True, exist_ok=True)
    snippet = render((NGINX_EXAMPLES / NGINX_MODES[mode]).read_text(), values)
    (d / "modelgate.conf").write_text(snippet)
    load = f"load_module {NJS_MODULE};\n" if "js_import" in snippet else ""
    temp = "\n".join(f"    {k}_temp_path {d}/{k}_temp;" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = d / "nginx.conf"
    main.write_text(f"""{load}worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log {d}/access.log;
{temp}
    include {d}/modelgate.conf;
}}
""")
    return main


def nginx_test(main: Path) -> subprocess.CompletedProcess:
    d = main.parent
    return subprocess.run(["nginx", "-t", "-p", str(d), "-c", str(main), "-e", str(d / "error.log")],
                          capture_output=True, text=True)


def start_nginx(mode: str, workdir: Path, modelgate_http: int, upstream_port: int,
                cert: Path, key: Path) -> Managed:
    d = workdir / mode
    listen, tls_listen = free_port(), free_port()
    main = write_nginx_config(mode, d, {
        "LISTEN": f"127.0.0.1:{listen}", "TLS_LISTEN": f"127.0.0.1:{tls_listen}",
        "TLS_CERT": str(cert), "TLS_KEY": str(key),
        "MODELGATE_HTTP": f"127.0.0.1:{modelgate_http}", "UPSTREAM": f"127.0.0.1:{upstream_port}",
        "NJS_DIR": str(NGINX_EXAMPLES),
    })
    test = nginx_test(main)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed for {mode}:\n{test.stderr}")
    proc = _spawn(["nginx", "-p", str(d), "-c", str(main), "-e", str(d / "error.log")], d / "stderr.log")
    m = Managed(mode, proc, d / "error.log", {"http": listen, "https": tls_listen})
    return _ready(m, lambda: [wait_for_port(p, proc, what=mode) for p in (listen, tls_listen)])


# --- Envoy ---------------------------------------------------------------------------------------

ENVOY_MODES = {"envoy-http": "envoy-http-ext-authz.yaml", "envoy-grpc": "envoy-grpc-ext-authz.yaml"}


def envoy_binary() -> str:
    venv = ROOT / ".venv" / "bin" / "envoy"
    return str(venv) if venv.exists() else "envoy"


def envoy_values(listen: int, tls_listen: int, modelgate_http: int, modelgate_grpc: int,
                 upstream_port: int, cert: Path, key: Path) -> dict[str, str]:
    return {
        "LISTEN_ADDRESS": "127.0.0.1", "LISTEN_PORT": str(listen), "TLS_LISTEN_PORT": str(tls_listen),
        "TLS_CERT": str(cert), "TLS_KEY": str(key),
        "MODELGATE_HOST": "127.0.0.1", "MODELGATE_HTTP_PORT": str(modelgate_http),
        "MODELGATE_GRPC_PORT": str(modelgate_grpc),
        "UPSTREAM_HOST": "127.0.0.1", "UPSTREAM_PORT": str(upstream_port),
    }


def validate_envoy(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([envoy_binary(), "--mode", "validate", "-c", str(config), "--log-level", "warn"],
                          capture_output=True, text=True)


_base_id = 1000 + os.getpid() % 1000 * 10


def start_envoy(mode: str, workdir: Path, modelgate_http: int, modelgate_grpc: int, upstream_port: int,
                cert: Path, key: Path) -> Managed:
    global _base_id
    d = workdir / mode
    d.mkdir(parents=True, exist_ok=True)
    listen, tls_listen = free_port(), free_port()
    values = envoy_values(listen, tls_listen, modelgate_http, modelgate_grpc, upstream_port, cert, key)
    config = d / "envoy.yaml"
    config.write_text(render((ENVOY_EXAMPLES / ENVOY_MODES[mode]).read_text(), values))
    _base_id += 1
    log = d / "envoy.log"
    proc = _spawn([envoy_binary(), "-c", str(config), "--base-id", str(_base_id), "--concurrency", "1",
                         "--log-level", "warn", "--log-path", str(log)], d / "stderr.log")
    m = Managed(mode, proc, log, {"http": listen, "https": tls_listen})
    return _ready(m, lambda: [wait_for_port(p, proc, what=mode, timeout=30) for p in (listen, tls_listen)])


def start_proxy(mode: str, workdir: Path, modelgate_http: int, modelgate_grpc: int, upstream_port: int,
                cert: Path, key: Path) -> Managed:
    """`start_nginx` for an `nginx-*` mode, else `start_envoy`."""
    if mode.startswith("nginx"):
        return start_nginx(mode, workdir, modelgate_http, upstream_port, cert, key)
    return start_envoy(mode, workdir, modelgate_http, modelgate_grpc, upstream_port, cert, key)
