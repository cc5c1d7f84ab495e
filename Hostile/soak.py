"""Soak: a fixed request rate for a fixed time through real nginx (body mode, njs) and real
Envoy (HTTP and gRPC ext_authz), a mix of allowed and denied requests, every answer checked.

The client is open-loop: requests are scheduled at fixed instants whatever the latency (so a
slow service shows as latency, not as a lower rate). The upstream is a second nginx that echoes
the model group and the credential it received, so a wrong allow, a wrong group or a missing
credential swap is seen per request. modelgate's RSS is sampled every second.

Run with the e2e venv (Envoy comes from it):
  .venv/bin/python Hostile/soak.py [--seconds 60] [--rate 200] [--proxies nginx-body,envoy-http,envoy-grpc]
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from harness import Service, free_port, request  # noqa: E402
from e2e import harness as e2e  # noqa: E402

PROVIDER = "prov-soak-" + os.urandom(6).hex()
KEY_ALL, KEY_MINI = "sk-soak-all-" + os.urandom(6).hex(), "sk-soak-mini-" + os.urandom(6).hex()
CONFIG = """model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_key: os.environ/SOAK_PROVIDER}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_key: os.environ/SOAK_PROVIDER}
  - model_name: claude-opus
    litellm_params: {model: bedrock/global.anthropic.claude-opus-4-7, api_key: os.environ/SOAK_PROVIDER}
keys:
  - {key: os.environ/SOAK_KEY_ALL, key_alias: all, models: []}
  - {key: os.environ/SOAK_KEY_MINI, key_alias: mini, models: [gpt-4o-mini]}
"""


def chat(key: str, model: str) -> tuple[str, str, dict, bytes]:
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "hello " * 20}]}).encode()
    return "POST", "/v1/chat/completions", {"authorization": f"Bearer {key}", "content-type": "application/json"}, body


# (request, expected status, expected model group upstream or None)
MIX = [
    (chat(KEY_MINI, "gpt-4o-mini"), 200, "gpt-4o-mini"),
    (chat(KEY_ALL, "gpt-4o"), 200, "gpt-4o"),
    (chat(KEY_MINI, "gpt-4o"), 403, None),
    (chat("sk-soak-unknown", "gpt-4o-mini"), 401, None),
    (("POST", "/bedrock/model/global.anthropic.claude-opus-4-7/converse",
      {"authorization": f"Bearer {KEY_ALL}", "content-type": "application/json"}, b'{"messages": []}'), 200, "claude-opus"),
    (("POST", "/bedrock/model/global.anthropic.claude-opus-4-7/converse",
      {"authorization": f"Bearer {KEY_MINI}", "content-type": "application/json"}, b'{"messages": []}'), 403, None),
    (("POST", "/v1/chat%2Fcompletions", {"authorization": f"Bearer {KEY_ALL}", "content-type": "application/json"},
      b'{"model": "gpt-4o"}'), 403, None),
    (chat(KEY_ALL, "not-in-the-catalog"), 403, None),
]

# The upstream's answer starts with this, so a client can tell "reached the upstream" apart from
# any page a proxy or modelgate produced.
UPSTREAM_MARK = b"upstream-reached-4b1d"
UPSTREAM_CONF = """worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 1000000;
        client_max_body_size 10m;
        location / {{
            default_type text/plain;
            return 200 "upstream-reached-4b1d group=$http_x_modelgate_model_group auth=$http_authorization key=$http_x_api_key\\n";
        }}
    }}
}}
"""


def start_upstream(workdir: Path) -> tuple[subprocess.Popen, int]:
    d = workdir / "upstream"
    d.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (d / "nginx.conf").write_text(UPSTREAM_CONF.format(d=d, port=port))
    proc = subprocess.Popen(["nginx", "-p", str(d), "-c", str(d / "nginx.conf"), "-e", str(d / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=open(d / "stderr.log", "wb"), start_new_session=True)
    e2e.wait_for_port(port, proc, what="upstream nginx")
    return proc, port


class Result:
    def __init__(self):
        self.sent = self.ok = self.errors = self.wrong = 0
        self.latencies: list[float] = []
        self.examples: list[str] = []
        self.by_status: dict[int, int] = {}


async def one(reader, writer, req, expect_status, expect_group, result: Result):
    method, target, headers, body = req
    head = f"{method} {target} HTTP/1.1\r\nHost: soak\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    started = time.perf_counter()
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    data = b""
    if chunked:
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            data += await reader.readexactly(size + 2)
    elif length:
        data = await reader.readexactly(length)
    result.latencies.append(time.perf_counter() - started)
    status = int(status_line.split()[1]) if status_line else 0
    result.by_status[status] = result.by_status.get(status, 0) + 1
    good = status == expect_status
    if good and expect_group is not None:
        text = data.decode("latin-1")
        good = f"group={expect_group} " in text and PROVIDER in text and "sk-soak" not in text
    if good:
        result.ok += 1
    else:
        result.wrong += 1
        if len(result.examples) < 5:
            result.examples.append(f"{method} {target} → {status} {data[:200]!r} (expected {expect_status} {expect_group})")


async def drive(port: int, rate: float, seconds: float, connections: int) -> Result:
    result = Result()
    queue: asyncio.Queue = asyncio.Queue()
    rng = random.Random(7)

    async def worker():
        reader = writer = None
        while True:
            item = await queue.get()
            if item is None:
                return
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                await asyncio.wait_for(one(reader, writer, *item, result), timeout=10)
            except Exception as e:  # noqa: BLE001
                result.errors += 1
                if len(result.examples) < 5:
                    result.examples.append(f"error {type(e).__name__}: {e}")
                if writer is not None:
                    writer.close()
                reader = writer = None

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter()
    n = int(rate * seconds)
    for i in range(n):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(MIX[rng.randrange(len(MIX))])
        result.sent += 1
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    result.elapsed = time.perf_counter() - start
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))]


async def sample_rss(svc: Service, samples: list[int], stop: asyncio.Event):
    while not stop.is_set():
        samples.append(svc.rss_kib())
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def soak_one(proxy_port: int, svc: Service, rate: float, seconds: float, connections: int):
    samples: list[int] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(svc, samples, stop))
    result = await drive(proxy_port, rate, seconds, connections)
    stop.set()
    await sampler
    return result, samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--proxies", default="nginx-body,envoy-http,envoy-grpc")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--max-rss-growth-mib", type=float, default=16,
                        help="RSS may grow this much from the end of the first sixth of a run to its end")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="modelgate-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.yaml").write_text(CONFIG)
    svc = Service(workdir / "modelgate", workdir / "config.yaml",
                  {"SOAK_PROVIDER": PROVIDER, "SOAK_KEY_ALL": KEY_ALL, "SOAK_KEY_MINI": KEY_MINI}, extra=["--log-level", "info"])
    upstream, upstream_port = start_upstream(workdir)
    cert, key = e2e.make_tls_cert(workdir)
    svc.start()
    failed = False
    metrics = ""
    try:
        for mode in args.proxies.split(","):
            proxy = e2e.start_proxy(mode, workdir, svc.http_port, svc.grpc_port, upstream_port, cert, key)
            try:
                result, rss = asyncio.run(soak_one(proxy.ports["http"], svc, args.rate, args.seconds, args.connections))
            finally:
                proxy.stop()
            settled = rss[len(rss) // 6:] or rss
            growth = (settled[-1] - settled[0]) / 1024 if settled else 0
            line = (f"SOAK {mode} rate={args.rate:.0f}/s seconds={args.seconds:.0f} sent={result.sent} ok={result.ok} "
                    f"errors={result.errors} wrong={result.wrong} achieved={result.sent / result.elapsed:.0f}/s "
                    f"p50_ms={percentile(result.latencies, .5) * 1000:.1f} p99_ms={percentile(result.latencies, .99) * 1000:.1f} "
                    f"rss_mib_start={rss[0] / 1024 if rss else 0:.1f} rss_mib_settled={settled[0] / 1024 if settled else 0:.1f} "
                    f"rss_mib_end={rss[-1] / 1024 if rss else 0:.1f} "
                    f"rss_mib_max={max(rss) / 1024 if rss else 0:.1f} rss_growth_mib={growth:.1f} statuses={dict(sorted(result.by_status.items()))}")
            print(line, flush=True)
            for example in result.examples:
                print("   ", example)
            if result.errors or result.wrong or result.ok != result.sent:
                failed = True
            metrics += request(svc.http_port, "GET", "/metrics").text
            if growth > args.max_rss_growth_mib:
                print(f"    RSS not flat: grew {growth:.1f} MiB (limit {args.max_rss_growth_mib:.0f})")
                failed = True
    finally:
        svc.stop()
        upstream.terminate()
    # The soak's keys and provider credential went through every front (nginx and Envoy HTTP to
    # /check, Envoy gRPC to Check): none may show in what modelgate wrote, nor in the metrics.
    written = svc.output() + metrics
    leaks = [name for name, value in (("provider credential", PROVIDER), ("key all", KEY_ALL), ("key mini", KEY_MINI))
             if value in written]
    print(f"SOAK-SECRETS places=logs,metrics found={len(leaks)}" + (f" ({', '.join(leaks)})" if leaks else ""))
    return 1 if failed or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
