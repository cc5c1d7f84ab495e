"""Abuse: what one hostile client or a busy proxy can do to everyone else's checks (CONTRACT §4
"Limits on both fronts"), against the real binary on loopback, bounded in time.

  300 concurrent gRPC checks on one HTTP/2 connection        all answered, no GOAWAY
  2,000 stalled request heads                                closed by the head deadline while
                                                             a legitimate check answers fast
  half-sent bodies on /v1/decision, admin routes and /check  answered at the body deadline (408,
                                                             body_incomplete) or at once past the
                                                             buffered-body cap (503), RSS bounded
  a CR/LF model name (wildcard deployment)                   denied on both fronts, properly
  a log line forged through a refused admin path             impossible; a 70 KB path is cut
  the SQLite database and its -wal/-shm files                mode 0600

Each part prints the service's RSS (before, peak, after) and the latency of checks made while
it ran, for BENCHMARKS.md:
  ABUSE-FIGURES part=… rss_before_mib=… rss_peak_mib=… rss_after_mib=… check_n=… check_p50_ms=… check_max_ms=…

Run: python3 Hostile/abuse.py [--fast] [WORKDIR]   (MODELGATE_BIN picks the binary)
--fast uses short deadlines from the config (head 1 s, body 2 s) so the run takes seconds;
without it the contract's defaults apply (head 10 s, body 30 s). Exit 0 when every
expectation held.
"""

import os
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Benchmarks" / "e2e"))
from harness import Report, Service, check, request  # noqa: E402
from grpc_request import field, fields  # noqa: E402

MASTER = "sk-master-abuse-5e1f"
KEY = "sk-abuse-static-20c4"
ENV = {"MODELGATE_MASTER_KEY": MASTER, "ABUSE_PROVIDER_KEY": "prov-abuse-77aa"}
CHAT = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
MINI = '{"model": "gpt-4o-mini", "messages": []}'
MIB = 1 << 20


def config(fast: bool) -> str:
    deadlines = "  request_head_timeout_seconds: 1\n  request_body_timeout_seconds: 2\n  keepalive_idle_timeout_seconds: 5\n" if fast else ""
    return f"""model_list:
  - model_name: gpt-4o-mini
    litellm_params: {{model: openai/gpt-4o-mini, api_key: os.environ/ABUSE_PROVIDER_KEY}}
  - model_name: "openai/*"
    litellm_params: {{model: "openai/*", api_key: os.environ/ABUSE_PROVIDER_KEY}}
keys:
  - {{key: {KEY}, key_alias: abuse, models: []}}
modelgate_settings:
  max_body_bytes: {10 * MIB}
  max_buffered_body_bytes: {64 * MIB}
{deadlines}"""


class Watch:
    """Samples the service's RSS and times checks on fresh connections while a part runs."""

    def __init__(self, svc: Service, check_every: float = 0.2):
        self.svc, self.check_every = svc, check_every
        self.rss_before = svc.rss_kib()
        self.rss_peak = self.rss_before
        self.latencies: list[float] = []
        self.failures = 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._rss, daemon=True), threading.Thread(target=self._checks, daemon=True)]
        for t in self.threads:
            t.start()

    def _rss(self):
        while not self.stop.is_set():
            try:
                self.rss_peak = max(self.rss_peak, self.svc.rss_kib())
            except OSError:
                return
            time.sleep(0.05)

    def _checks(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                ok = check(self.svc.http_port, "POST", "/v1/chat/completions", CHAT, MINI).status == 200
            except OSError:
                ok = False
            self.latencies.append(time.monotonic() - started)
            if not ok:
                self.failures += 1
            time.sleep(self.check_every)

    def finish(self, part: str) -> dict:
        self.stop.set()
        for t in self.threads:
            t.join(15)
        lat = sorted(self.latencies) or [0.0]
        figures = {
            "rss_before_mib": round(self.rss_before / 1024, 1), "rss_peak_mib": round(self.rss_peak / 1024, 1),
            "rss_after_mib": round(self.svc.rss_kib() / 1024, 1), "check_n": len(self.latencies),
            "check_failed": self.failures, "check_p50_ms": round(statistics.median(lat) * 1000, 2),
            "check_max_ms": round(lat[-1] * 1000, 2),
        }
        print(f"ABUSE-FIGURES part={part} " + " ".join(f"{k}={v}" for k, v in figures.items()))
        return figures


# ---- a minimal HTTP/2 client: preface, SETTINGS/PING acks, connection WINDOW_UPDATEs, HPACK
# literals without Huffman coding (the server's answers are only read frame by frame).

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8


def frame(kind: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def hpack_literal(name: str, value: str) -> bytes:
    def string(s: str) -> bytes:
        b = s.encode()
        assert len(b) < 127
        return bytes([len(b)]) + b
    return b"\x00" + string(name) + string(value)


def check_request(body: str, path: str = "/v1/chat/completions") -> bytes:
    headers = {":method": "POST", ":path": path, "authorization": f"Bearer {KEY}", "content-type": "application/json"}
    http = field(2, "POST")
    for name, value in headers.items():
        http += field(3, field(1, name) + field(2, value))
    http += field(4, path) + field(6, "http") + field(10, "HTTP/1.1") + field(12, body)
    message = field(1, field(4, field(2, http)))
    return b"\x00" + len(message).to_bytes(4, "big") + message


class H2:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(SETTINGS, 0, 0))
        self.buffer = b""
        self.server_settings: dict[int, int] = {}
        self.ended: set[int] = set()
        self.data: dict[int, bytes] = {}
        self.resets: set[int] = set()
        self.goaway = False

    def open(self, stream: int, message: bytes, end: bool):
        block = b"".join(hpack_literal(n, v) for n, v in [
            (":method", "POST"), (":scheme", "http"), (":path", "/envoy.service.auth.v3.Authorization/Check"),
            (":authority", "modelgate"), ("content-type", "application/grpc"), ("te", "trailers")])
        self.sock.sendall(frame(HEADERS, 0x4, stream, block) + frame(DATA, 0x1 if end else 0, stream, message))

    def end(self, stream: int):
        self.sock.sendall(frame(DATA, 0x1, stream))

    def read_frame(self) -> bool:
        while len(self.buffer) < 9 or len(self.buffer) < 9 + int.from_bytes(self.buffer[:3], "big"):
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self.buffer += chunk
        length = int.from_bytes(self.buffer[:3], "big")
        kind, flags = self.buffer[3], self.buffer[4]
        stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
        payload, self.buffer = self.buffer[9:9 + length], self.buffer[9 + length:]
        if kind == SETTINGS and not flags & 1:
            for i in range(0, len(payload) - 5, 6):
                self.server_settings[int.from_bytes(payload[i:i + 2], "big")] = int.from_bytes(payload[i + 2:i + 6], "big")
            self.sock.sendall(frame(SETTINGS, 1, 0))
        elif kind == PING and not flags & 1:
            self.sock.sendall(frame(PING, 1, 0, payload))
        elif kind == DATA:
            self.data[stream] = self.data.get(stream, b"") + payload
            if payload:
                self.sock.sendall(frame(WINDOW_UPDATE, 0, 0, len(payload).to_bytes(4, "big")))
        elif kind == HEADERS and flags & 1:
            self.ended.add(stream)
        elif kind == RST_STREAM:
            self.resets.add(stream)
        elif kind == GOAWAY:
            self.goaway = True
        return True

    def response(self, stream: int) -> dict:
        data = self.data.get(stream, b"")
        message = data[5:5 + int.from_bytes(data[1:5], "big")] if len(data) >= 5 else b""
        return {number: payload for number, _, payload in fields(message)}

    def close(self):
        self.sock.close()


def is_allow(response: dict) -> bool:
    status = dict((n, p) for n, _, p in fields(response.get(1, b""))).get(1, 0)
    return status == 0 and 3 in response


def grpc_streams(report: Report, svc: Service, count: int = 300):
    watch = Watch(svc)
    started = time.monotonic()
    h2 = H2(svc.grpc_port)
    try:
        while 3 not in h2.server_settings and h2.read_frame():
            pass
        report.ok(h2.server_settings.get(3, 0) >= 1024, "gRPC advertises SETTINGS_MAX_CONCURRENT_STREAMS >= 1024",
                  str(h2.server_settings))
        time.sleep(0.1)
        message = check_request(MINI)
        streams = [1 + 2 * i for i in range(count)]
        for s in streams:
            h2.open(s, message, end=False)  # all open at once: every handler waits for its end
        time.sleep(0.2)
        for s in streams:
            h2.end(s)
        deadline = time.monotonic() + 30
        while len(h2.ended & set(streams)) < count and not h2.goaway and time.monotonic() < deadline:
            if not h2.read_frame():
                break
        answered = len(h2.ended & set(streams))
        allowed = sum(1 for s in streams if is_allow(h2.response(s)))
        took = time.monotonic() - started
    finally:
        h2.close()
    report.ok(answered == count and allowed == count and not h2.goaway and not h2.resets,
              f"{count} concurrent gRPC checks on one connection all answered",
              f"answered={answered} allowed={allowed} goaway={h2.goaway} resets={len(h2.resets)}")
    figures = watch.finish("grpc_300_streams")
    print(f"  {count} streams answered in {took * 1000:.0f} ms")
    return figures


def stalled_heads(report: Report, svc: Service, head_timeout: float, count: int = 2000):
    watch = Watch(svc, check_every=0.1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 1024)), hard))
    sockets = []
    opened = time.monotonic()
    for i in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", svc.http_port), timeout=5)
        except OSError:
            break
        if i % 2 == 0:
            s.sendall(b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: applica")  # half a head
        sockets.append(s)
    report.ok(len(sockets) == count, f"{count} stalled heads opened", f"opened {len(sockets)}")
    # A legitimate check while they stall.
    during = []
    for _ in range(5):
        t0 = time.monotonic()
        ok = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, MINI).status == 200
        during.append((ok, time.monotonic() - t0))
    report.ok(all(ok for ok, _ in during) and max(t for _, t in during) < 1.0,
              "a check is answered in well under a second while heads stall",
              str([(ok, round(t * 1000, 1)) for ok, t in during]))
    # Every stalled connection is closed by the server once the head deadline passed.
    closed = 0
    wait_until = opened + head_timeout + 5
    for s in sockets:
        s.settimeout(max(0.01, wait_until - time.monotonic()))
        try:
            if s.recv(4096) == b"":
                closed += 1
        except ConnectionResetError:
            closed += 1
        except OSError:
            pass
        finally:
            s.close()
    report.ok(closed == len(sockets), "stalled heads closed by the head deadline", f"closed {closed} of {len(sockets)}")
    return watch.finish("stalled_heads_2000")


def half_sent_bodies(report: Report, svc: Service, body_timeout: float):
    watch = Watch(svc)
    plan = ([("/v1/decision", 20 * MIB, 2 * MIB)] * 20 + [("/key/generate", 1 * MIB, 512 * 1024)] * 20
            + [("/check/v1/chat/completions", 10 * MIB, 2 * MIB)] * 20)
    results: dict[str, list[bytes]] = {}
    lock = threading.Lock()

    def one(target: str, announced: int, sent: int):
        answer = b""
        try:
            s = socket.create_connection(("127.0.0.1", svc.http_port), timeout=body_timeout + 15)
            head = (f"POST {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n").encode()
            s.sendall(head)
            try:
                s.sendall(b" " * sent)
            except OSError:
                pass
            answer = s.recv(4096)
            s.close()
        except OSError as error:
            answer = f"error {error}".encode()
        with lock:
            results.setdefault(target.split("/")[1], []).append(answer)

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=p) for p in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join(body_timeout + 20)
    took = time.monotonic() - started

    def status(answer: bytes) -> str:
        return answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "none"

    for route, answers in sorted(results.items()):
        statuses = sorted(status(a) for a in answers)
        counts = {s: statuses.count(s) for s in set(statuses)}
        if route == "check":
            good = all(status(a) == "403" and (b"body_incomplete" in a or b"body_too_large" in a) for a in answers)
        else:
            good = all(status(a) in ("408", "503") for a in answers)
        report.ok(good and len(answers) == 20, f"half-sent bodies on /{route} answered (deadline or buffered-body cap)", str(counts))
        print(f"  /{route}: {counts}")
    report.ok(took < body_timeout + 10, "every half-sent body answered within the body deadline", f"{took:.1f} s")
    figures = watch.finish("half_sent_bodies_60")
    report.ok(figures["rss_peak_mib"] < figures["rss_before_mib"] + 64 * 3 + 64,
              "RSS bounded by the buffered-body cap (64 MiB here)", str(figures))
    return figures


def crlf_model(report: Report, svc: Service):
    body = '{"model": "openai/gpt-4o\\r\\nx-injected: 1", "messages": []}'
    r = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, body)
    report.ok(r.status == 403 and r.header("x-modelgate-reason") == "malformed_body" and b'"malformed_body"' in r.body
              and r.header("x-injected") is None, "HTTP: a CR/LF model name is denied malformed_body", f"{r.status} {r.headers}")
    clean = check(svc.http_port, "POST", "/v1/chat/completions", CHAT, '{"model": "openai/gpt-4o"}')
    report.ok(clean.status == 200, "HTTP: the same deployment allows a clean name", str(clean.status))
    h2 = H2(svc.grpc_port)
    try:
        h2.open(1, check_request(body), end=True)
        deadline = time.monotonic() + 10
        while 1 not in h2.ended and time.monotonic() < deadline and h2.read_frame():
            pass
        response = h2.response(1)
    finally:
        h2.close()
    denied = response.get(2, b"")
    report.ok(not is_allow(response) and b"malformed_body" in denied and b"\r\n" not in denied,
              "gRPC: a CR/LF model name is denied malformed_body", repr(denied[:200]))


def forged_log(report: Report, svc: Service):
    forged = "/credentials/x%0a2026-01-01T00:00:00.000Z%20info%20modelgate:%20admin:%20key%20generated"
    r = request(svc.http_port, "POST", forged)
    report.ok(r.status == 401, "a refused admin request is answered 401", str(r.status))
    r = request(svc.http_port, "POST", "/credentials/" + "a" * 70_000)
    report.ok(r.status in (401, 400, 431, 414), "a 70 KB admin path is answered", str(r.status))
    time.sleep(0.3)
    lines = svc.output().splitlines()
    report.ok(not any(l.startswith("2026-01-01T00:00:00.000Z") for l in lines), "no forged log line",
              str([l for l in lines if l.startswith("2026-01-01")][:2]))
    refused = [l for l in lines if "admin: request refused" in l]
    report.ok(any("x\\n2026-01-01" in l for l in refused), "the refused path is logged with its line break escaped",
              str(refused[:2]))
    report.ok(max((len(l) for l in lines), default=0) < 4096, "no log line of a client's 70 KB path",
              str(max((len(l) for l in lines), default=0)))


def file_modes(report: Report, svc: Service):
    # The database and its WAL files hold key hashes: created 0600, never widened by the umask.
    paths = [svc.database] + [Path(f"{svc.database}{suffix}") for suffix in ("-wal", "-shm")]
    present = [path for path in paths if path.exists()]
    report.ok(svc.database in present and len(present) >= 2, "the database and its WAL files exist",
              str([path.name for path in present]))
    for path in present:
        mode = path.stat().st_mode & 0o777
        report.ok(mode == 0o600, f"{path.name} is mode 0600", oct(mode))


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--fast"]
    fast = "--fast" in sys.argv[1:]
    workdir = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="modelgate-abuse-"))
    workdir.mkdir(parents=True, exist_ok=True)
    head_timeout, body_timeout = (1.0, 2.0) if fast else (10.0, 30.0)
    report = Report("abuse")
    (workdir / "config.yaml").write_text(config(fast))
    svc = Service(workdir, workdir / "config.yaml", dict(ENV), nofile=8192).start()
    started = time.monotonic()
    try:
        file_modes(report, svc)
        grpc_streams(report, svc)
        stalled_heads(report, svc, head_timeout, count=2000)
        half_sent_bodies(report, svc, body_timeout)
        crlf_model(report, svc)
        forged_log(report, svc)
        report.ok(svc.proc.poll() is None, "modelgate still running")
    finally:
        svc.stop()
    print(f"ABUSE checks={report.passed + len(report.failed)} failed={len(report.failed)} seconds={time.monotonic() - started:.0f} fast={int(fast)}")
    if not report.failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
