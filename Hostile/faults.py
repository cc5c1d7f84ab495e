"""Faults: an unusable database at start and while serving, kill -9 during admin writes, an
invalid config on reload, file-descriptor exhaustion, oversized and stalled bodies.

Run: python3 Hostile/faults.py [WORKDIR]   (MODELGATE_BIN picks the binary)
Exit 0 when every expectation held.
"""

import os
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Report, Service, check, request  # noqa: E402

MASTER = "sk-master-fault-7c1e"
ENV = {"MODELGATE_MASTER_KEY": MASTER, "MODELGATE_SECRET_KEY": "fault-secret-key-material-0123456789",
       "FAULT_PROVIDER_KEY": "prov-fault-4d2a"}
STATIC_KEY = "sk-fault-static-91b3"
CHAT = {"authorization": f"Bearer {STATIC_KEY}", "content-type": "application/json"}
MINI = '{"model": "gpt-4o-mini", "messages": []}'


def config(models: list[str], max_body: int = 4096) -> str:
    return f"""model_list:
  - model_name: gpt-4o-mini
    litellm_params: {{model: openai/gpt-4o-mini, api_key: os.environ/FAULT_PROVIDER_KEY}}
  - model_name: gpt-4o
    litellm_params: {{model: openai/gpt-4o, api_key: os.environ/FAULT_PROVIDER_KEY}}
modelgate_settings:
  max_body_bytes: {max_body}
keys:
  - {{key: {STATIC_KEY}, key_alias: static, models: {models}}}
"""


def service(workdir: Path, name: str, cfg: str | None = None, **kwargs) -> Service:
    d = workdir / name
    d.mkdir(parents=True, exist_ok=True)
    path = d / "config.yaml"
    path.write_text(cfg or config(["gpt-4o-mini"]))
    return Service(d, path, dict(ENV), **kwargs)


def padded(size: int) -> bytes:
    """A valid chat body naming gpt-4o-mini, exactly `size` bytes long."""
    head, tail = b'{"model": "gpt-4o-mini", "messages": [], "pad": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def allowed(svc: Service, key: str = STATIC_KEY, body: str = MINI) -> bool:
    r = check(svc.http_port, "POST", "/v1/chat/completions", {"authorization": f"Bearer {key}", "content-type": "application/json"}, body)
    return r.status == 200


def start_fails(report: Report, svc: Service, what: str, expect_in_output: list[str]):
    svc.spawn()
    try:
        code = svc.wait_exit(90)
    except Exception:
        svc.stop(signal.SIGKILL)
        report.ok(False, f"start with {what} exits 2", "still running after 90 s")
        return
    out = svc.output()
    report.ok(code == 2, f"start with {what} exits 2", f"exit {code}; output: {out[-400:]}")
    found = [s for s in expect_in_output if s.lower() in out.lower()]
    report.ok(len(found) == len(expect_in_output), f"start with {what} says why ({', '.join(expect_in_output)})", out[-600:])


class Locker:
    """Another process holding the database: a write transaction (readers still get through, as
    in WAL mode they do), or with `readers_too` an exclusive lock no one can even read past."""

    def __init__(self, path: Path, readers_too: bool = False):
        self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        if readers_too:
            self.conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        self.conn.execute("BEGIN EXCLUSIVE")
        if readers_too:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchall()

    def release(self):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def faults_at_start(report: Report, workdir: Path):
    print("== the database cannot be used at start")
    svc = service(workdir, "start-dir")
    svc.database.mkdir(parents=True, exist_ok=True)
    start_fails(report, svc, "a directory as the database", [f"database {svc.database}"])

    svc = service(workdir, "start-garbage")
    svc.database.write_bytes(b"this is not a SQLite database, just text\n" * 200)
    start_fails(report, svc, "a file that is not a database", [f"database {svc.database}", "not a database"])

    # Unreadable for real: root reads any file, so the service runs as nobody.
    svc = service(workdir, "start-unreadable", user="nobody")
    os.chmod(svc.workdir, 0o777)
    os.chmod(svc.workdir / "config.yaml", 0o644)
    svc.database.write_bytes(b"")
    os.chmod(svc.database, 0o000)
    start_fails(report, svc, "an unreadable database file (running as nobody)", [f"cannot open the database {svc.database}"])

    svc = service(workdir, "start-locked")
    svc.start()
    svc.stop()
    lock = Locker(svc.database, readers_too=True)
    try:
        start_fails(report, svc, "a database another process holds exclusively", [f"database {svc.database}", "locked"])
    finally:
        lock.release()
    svc.start()
    report.ok(allowed(svc), "after the lock is gone the same database starts and serves")
    svc.stop()

    # A writer (the CLI, another admin) holding its transaction: the policy can still be read,
    # so the service may start and serve, or wait out the busy timeout and exit 2 if it needs to
    # write; it must not hang or start half-way.
    lock = Locker(svc.database)
    try:
        svc.spawn()
        deadline, outcome = time.time() + 60, "hangs"
        while time.time() < deadline:
            if svc.proc.poll() is not None:
                outcome = f"exit {svc.proc.returncode}"
                break
            try:
                if request(svc.http_port, "GET", "/health/readiness", timeout=1).status == 200:
                    outcome = "serves" if allowed(svc) else "ready but not serving"
                    break
            except OSError:
                pass
            time.sleep(0.2)
        good = outcome == "serves" or (outcome == "exit 2" and "database is locked" in svc.stderr_path.read_text())
        report.ok(good, f"start while another writer holds a transaction: {outcome}")
    finally:
        lock.release()
        svc.stop()

    svc = service(workdir, "start-bad-config", cfg="model_list: [\n")
    start_fails(report, svc, "an invalid config", ["config"])


def faults_while_serving(report: Report, workdir: Path):
    print("== the database fails while serving")
    svc = service(workdir, "serving").start()
    try:
        r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"], "key_alias": "before"})
        report.ok(r.status == 200, "admin write before the fault", r.text[:200])
        key = r.json().get("key", "") if r.status == 200 else ""

        lock = Locker(svc.database)
        try:
            report.ok(allowed(svc) and allowed(svc, key), "locked database: checks still answered from the last snapshot")
            started = time.time()
            r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"], "key_alias": "during-lock"})
            took = time.time() - started
            report.ok(r.status == 503, "locked database: an admin write fails with 503", f"{r.status} {r.text[:300]}")
            report.ok("database" in r.text.lower(), "locked database: the 503 says the database is the problem", r.text[:300])
            report.ok(took < 30, f"locked database: the admin write gives up in bounded time ({took:.1f} s)")
            ready = request(svc.http_port, "GET", "/health/readiness")
            report.ok(ready.status == 200 and '"database":"unavailable"' in ready.text,
                      "locked database: readiness stays 200 (checks are served) and reports the database", f"{ready.status} {ready.text[:300]}")
            report.ok(allowed(svc), "locked database: checks still answered after the failed write")
        finally:
            lock.release()
        r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"], "key_alias": "after-lock"})
        report.ok(r.status == 200, "lock released: admin writes work again", r.text[:200])
        ready = request(svc.http_port, "GET", "/health/readiness")
        report.ok(ready.status == 200 and '"database":"ok"' in ready.text, "lock released: readiness is clean again", ready.text[:200])

    finally:
        svc.stop()

    # Unreadable while serving: root reads any file, so this service runs as nobody and its
    # folder and files lose every permission under it. Open descriptors keep working; whatever
    # needs a new one fails, and must fail as a clear 503, never a crash or a 500.
    svc = service(workdir, "serving-unreadable", user="nobody")
    os.chmod(svc.workdir, 0o777)
    os.chmod(svc.config, 0o644)
    svc.start()
    try:
        key = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"]}).json().get("key", "")
        files = [svc.workdir] + sorted(svc.workdir.glob("modelgate.sqlite*"))
        for path in files:
            os.chmod(path, 0o000)
        try:
            report.ok(allowed(svc) and allowed(svc, key), "unreadable database: checks still answered")
            statuses = [svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"]}).status,
                        svc.admin("GET", f"/key/info?key={key}", MASTER).status]
            report.ok(all(s in (200, 503) for s in statuses), f"unreadable database: admin calls answer 200 or 503, never 500 ({statuses})")
            if 503 in statuses:
                ready = request(svc.http_port, "GET", "/health/readiness")
                report.ok('"database":"unavailable"' in ready.text, "unreadable database: readiness reports it", ready.text[:300])
            report.ok(svc.proc.poll() is None, "unreadable database: the process keeps running")
        finally:
            for path in files:
                os.chmod(path, 0o777 if path.is_dir() else 0o644)
        r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"]})
        report.ok(r.status == 200, "permissions back: admin writes work", r.text[:200])
    finally:
        svc.stop()


def kill9_during_admin_writes(report: Report, workdir: Path, writers: int = 4, seconds: float = 3.0):
    print("== kill -9 during a burst of admin writes")
    svc = service(workdir, "kill9").start()
    acked: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n: int):
        i = 0
        while not stop.is_set():
            alias = f"burst-{n}-{i}"
            i += 1
            try:
                r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"], "key_alias": alias})
            except OSError:
                return
            if r.status == 200:
                with lock:
                    acked.append((alias, r.json()["key"]))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    svc.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    svc.start()
    try:
        lost = [alias for alias, key in acked if not allowed(svc, key)]
        report.ok(len(acked) > 0, f"acknowledged writes before kill -9: {len(acked)}")
        report.ok(not lost, f"after restart every acknowledged key works ({len(acked) - len(lost)}/{len(acked)})", f"lost: {lost[:5]}")
        r = svc.admin("POST", "/key/generate", MASTER, {"models": ["gpt-4o-mini"], "key_alias": "after-restart"})
        report.ok(r.status == 200, "admin writes work after the restart", r.text[:200])
    finally:
        svc.stop()
    return len(acked), len(lost)


def reload_invalid_config(report: Report, workdir: Path):
    print("== SIGHUP with an invalid config keeps the old policy")
    svc = service(workdir, "reload").start()
    try:
        report.ok(allowed(svc), "before reload: the static key may call gpt-4o-mini")
        cases = {
            "invalid YAML": "model_list: [\n  - {model_name: x\n",
            # Each of these would also deny gpt-4o-mini if it were loaded.
            "an invalid mount prefix": config(["gpt-4o"]).replace("max_body_bytes: 4096", "max_body_bytes: 4096\n  mount_prefixes: [nope/]"),
            "a model_list entry that is not a mapping": "model_list:\n  - 42\n",
        }
        for what, text in cases.items():
            svc.config.write_text(text)
            os.kill(svc.proc.pid, signal.SIGHUP)
            time.sleep(1.0)
            report.ok(allowed(svc) and svc.proc.poll() is None, f"reload with {what}: the old policy still allows")
        svc.config.unlink()
        os.kill(svc.proc.pid, signal.SIGHUP)
        time.sleep(1.0)
        report.ok(allowed(svc), "reload with the config file gone: the old policy still allows")
        report.ok("reload rejected" in svc.output(), "the rejected reloads are logged")
        svc.config.write_text(config(["gpt-4o"]))
        os.kill(svc.proc.pid, signal.SIGHUP)
        deadline = time.time() + 10
        while time.time() < deadline and allowed(svc):
            time.sleep(0.2)
        report.ok(not allowed(svc), "a valid reload afterwards takes effect (gpt-4o-mini now denied)")
    finally:
        svc.stop()


def fd_exhaustion(report: Report, workdir: Path, limit: int = 64):
    print(f"== ulimit -n {limit}: connections exhaust the descriptors")
    svc = service(workdir, "nofile", nofile=limit).start()
    hogs: list[socket.socket] = []
    try:
        probe = socket.create_connection(("127.0.0.1", svc.http_port))
        for _ in range(limit * 3):
            try:
                s = socket.create_connection(("127.0.0.1", svc.http_port), timeout=2)
                hogs.append(s)
            except OSError:
                break
        time.sleep(1.0)
        ok = 0
        for _ in range(20):
            body = MINI.encode()
            probe.sendall(b"POST /check/v1/chat/completions HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer " + STATIC_KEY.encode()
                          + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            probe.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = probe.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(rest) < length:
                rest += probe.recv(65536)
            if head.startswith(b"HTTP/1.1 200"):
                ok += 1
        report.ok(ok == 20, f"with {len(hogs)} idle connections held open, an established connection still gets answers ({ok}/20)")
        report.ok(svc.proc.poll() is None, "the process survives descriptor exhaustion")
        for s in hogs:
            s.close()
        hogs.clear()
        time.sleep(2.0)
        report.ok(allowed(svc), "after the idle connections close, new connections are accepted and answered")
    finally:
        for s in hogs:
            s.close()
        svc.stop()


def body_limits(report: Report, workdir: Path):
    print("== a body over the limit and a stalled body while other checks run")
    svc = service(workdir, "bodies", extra=["--body-timeout", "1"]).start()
    try:
        results = {}

        def big():
            body = '{"model": "gpt-4o-mini", "x": "' + "a" * (2 << 20) + '"}'
            try:
                r = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, body)
                results["big"] = (r.status, r.header("x-modelgate-reason"))
            except OSError as e:
                results["big"] = ("error", str(e))

        def stalled():
            s = socket.create_connection(("127.0.0.1", svc.http_port))
            s.sendall(b"POST /check/v1/chat/completions HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer " + STATIC_KEY.encode()
                      + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\"")
            s.settimeout(20)
            try:
                results["stalled"] = s.recv(4096).split(b"\r\n")
            finally:
                s.close()

        threads = [threading.Thread(target=big), threading.Thread(target=stalled)]
        for t in threads:
            t.start()
        answered = sum(allowed(svc) for _ in range(50))
        for t in threads:
            t.join(60)
        report.ok(answered == 50, f"50 ordinary checks answered meanwhile ({answered}/50)")
        # The boundary itself: exactly max_body_bytes is read and decided, one byte more is not.
        at_limit = padded(4096)
        r = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, at_limit)
        report.ok(r.status == 200, f"a body of exactly the limit ({len(at_limit)} bytes) is read and allowed", f"{r.status} {r.header('x-modelgate-reason')}")
        over = padded(4097)
        r = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, over)
        report.ok(r.status == 403 and r.header("x-modelgate-reason") == "body_too_large",
                  f"one byte over the limit ({len(over)} bytes) is body_too_large", f"{r.status} {r.header('x-modelgate-reason')}")
        report.ok(results.get("big") == (403, "body_too_large"), "a 2 MiB body over a 4 KiB limit is body_too_large", str(results.get("big")))
        stalled_lines = results.get("stalled", [])
        report.ok(bool(stalled_lines) and b"403" in stalled_lines[0] and any(b"body_incomplete" in l for l in stalled_lines),
                  "an announced body that stalls is body_incomplete", str(stalled_lines[:3]))
    finally:
        svc.stop()


def main() -> int:
    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="modelgate-faults-"))
    workdir.mkdir(parents=True, exist_ok=True)
    # Some services run as nobody and must reach their own folder under this one.
    os.chmod(workdir, 0o755)
    report = Report("faults")
    faults_at_start(report, workdir)
    faults_while_serving(report, workdir)
    acked, lost = kill9_during_admin_writes(report, workdir)
    reload_invalid_config(report, workdir)
    fd_exhaustion(report, workdir)
    body_limits(report, workdir)
    print(f"FAULTS checks={report.passed + len(report.failed)} failed={len(report.failed)} acked_writes={acked} lost_writes={lost}")
    if not report.failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
