"""Differential test of body reading (issue 13): the same requests go to modelgate and to the
upstream's own parsers, and a case fails when modelgate allows a request whose upstream reading
names a model the key may not use, or carries a forbidden parameter.

The upstream reading is LiteLLM's, built from the real parsers:
  - LiteLLM reads any Content-Type holding "form" as a form (`dict(await request.form())`, the
    last of a repeated field wins), everything else as JSON (`json.loads`);
  - forms are parsed by Starlette (newest) with python-multipart at the newest version and at
    0.0.20 (installed side by side in .venv/pm0020), each in its own worker process;
  - the fields that name models are read as LiteLLM applies them (CONTRACT §3): top-level and
    query `model` (and any key equal to `model` ignoring case, as a case-insensitive decoder
    reads it), client-side fallbacks with `{"model": …}` entries applied recursively,
    `extra_body.model`, `tools[].model` on responses, realtime session and transcription
    models (a multipart `session` field read as JSON), files' `target_model_names`, the
    `/engines/{model}` path; forbidden parameters at the top level and in fallback entries.

Inputs: every case of the attack corpus (Tests/ModelgateTestSupport/Vectors/attacks.json), the
fuzz seeds (Fuzz/make-seeds.py), the fuzz regressions and saved corpora (json, multipart), and a
generator of variants of each bypass class. modelgate is a `modelgate serve` (MODELGATE_BIN,
default .build/debug/modelgate) asked through nginx-style `POST /check` with the raw body.

Prints `DIFFERENTIAL cases=… compared=… allowed=… mismatches=…` (plus the first mismatches);
exit 1 on any mismatch.

  .venv/bin/python Hostile/differential.py [--fast] [--install]
"""

import argparse
import base64
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from harness import Service  # noqa: E402

VECTORS = ROOT / "Tests" / "ModelgateTestSupport" / "Vectors"
PM0020 = ROOT / ".venv" / "pm0020"
KEY = "sk-atk-mini"
SMUGGLED = "gpt-4o"          # a group the key may not use
LEGIT = "gpt-4o-mini"       # one it may

# The forbidden parameters, as Sources/ModelgateCore/Body/ForbiddenParameters.swift lists them.
FORBIDDEN = {
    "user_config", "router_settings_override", "api_key", "api_base", "base_url", "api_version", "api_type",
    "azure_ad_token", "azure_ad_token_provider", "azure_username", "azure_password", "tenant_id", "client_id",
    "client_secret", "vertex_project", "vertex_location", "vertex_credentials", "region_name", "gcs_bucket_name",
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name", "aws_session_name",
    "aws_profile_name", "aws_role_name", "aws_web_identity_token", "aws_sts_endpoint", "aws_external_id",
    "aws_bedrock_runtime_endpoint", "aws_bedrock_project_id", "s3_bucket_name", "s3_region_name",
    "s3_encryption_key_id", "s3_output_bucket_name", "s3_endpoint_url", "aws_batch_role_arn", "watsonx_region_name",
    "sagemaker_base_url", "deployment_url", "litellm_credential_name",
}
FALLBACK_KEYS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")

# ---------------------------------------------------------------------------------------------
# Starlette's form reading, in a worker per python-multipart version

WORKER = r'''
import asyncio, base64, json, logging, sys
logging.disable(logging.CRITICAL)
import python_multipart
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import FormParser, MultiPartParser
from python_multipart.multipart import parse_options_header

async def read(ct, body):
    async def stream():
        yield body
    headers = Headers(raw=[(b"content-type", ct.encode("latin-1"))])
    kind, _ = parse_options_header(ct)
    if kind == b"multipart/form-data":
        parser = MultiPartParser(headers, stream())
    elif kind == b"application/x-www-form-urlencoded":
        parser = FormParser(headers, stream())
    else:
        return []
    form = await parser.parse()
    return [[k, None if isinstance(v, UploadFile) else v] for k, v in form.multi_items()]

async def main():
    print(json.dumps({"version": python_multipart.__version__}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            items = await asyncio.wait_for(read(request["ct"], base64.b64decode(request["body"])), 5)
            out = {"ok": True, "items": items}
        except Exception as error:  # the upstream answers 400: nothing is served
            out = {"ok": False, "error": type(error).__name__}
        print(json.dumps(out), flush=True)

asyncio.run(main())
'''


class FormWorker:
    def __init__(self, extra_path: Path | None):
        env = dict(os.environ)
        if extra_path:
            env["PYTHONPATH"] = str(extra_path) + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, text=True)
        self.version = json.loads(self.proc.stdout.readline())["version"]

    def read(self, content_type: str, body: bytes):
        self.proc.stdin.write(json.dumps({"ct": content_type, "body": base64.b64encode(body).decode()}) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return answer["items"] if answer["ok"] else None

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


# ---------------------------------------------------------------------------------------------
# What LiteLLM serves: the names a reading gives, and whether it carries a forbidden parameter

class Reading:
    def __init__(self):
        self.names: list[str] = []
        self.forbidden: list[str] = []

    def name(self, value):
        if value is None:
            return
        self.names.append(value if isinstance(value, str) else json.dumps(value))


def route_kind(path: str) -> tuple[str, str | None]:
    """(kind, path model) for the routes whose bodies name models."""
    parts = [p for p in urlsplit(path).path.split("/") if p]
    if parts[:1] == ["engines"]:
        for tail, kind in ((["chat", "completions"], "chat"), (["completions"], "chat"), (["embeddings"], "chat")):
            if len(parts) > len(tail) + 1 and parts[-len(tail):] == tail:
                return kind, "/".join(parts[1:-len(tail)])
    if parts[:1] == ["v1"]:
        parts = parts[1:]
    endpoint = "/".join(parts)
    if endpoint == "responses":
        return "responses", None
    if endpoint in ("realtime/client_secrets", "realtime/calls"):
        return "realtime", None
    if endpoint in ("files", "batches"):
        return "files", None
    return "chat", None


def read_entry_fields(entry: dict, reading: Reading, kind: str, depth: int):
    for key, value in entry.items():
        if key in FORBIDDEN:
            reading.forbidden.append(key)
    for key in FALLBACK_KEYS:
        read_fallbacks(entry.get(key), reading, kind, depth + 1)
    extra = entry.get("extra_body")
    if isinstance(extra, dict):
        reading.name(extra.get("model"))
    if kind == "responses" and isinstance(entry.get("tools"), list):
        for tool in entry["tools"]:
            if isinstance(tool, dict):
                reading.name(tool.get("model"))


def read_fallbacks(value, reading: Reading, kind: str, depth: int = 0):
    if not isinstance(value, list) or depth > 50:
        return
    for entry in value:
        if isinstance(entry, str):
            reading.name(entry)
        elif isinstance(entry, dict) and entry:
            if "model" in entry:
                reading.name(entry["model"])
                read_entry_fields(entry, reading, kind, depth)
            else:
                first = next(iter(entry))
                reading.name(first)
                if isinstance(entry[first], list):
                    for name in entry[first]:
                        reading.name(name)


def read_session(session, reading: Reading):
    if not isinstance(session, dict):
        return
    reading.name(session.get("model"))
    audio = session.get("audio")
    if isinstance(audio, dict) and isinstance(audio.get("input"), dict):
        transcription = audio["input"].get("transcription")
        if isinstance(transcription, dict):
            reading.name(transcription.get("model"))
    legacy = session.get("input_audio_transcription")
    if isinstance(legacy, dict):
        reading.name(legacy.get("model"))


def upstream_reading(path: str, content_type: str, body: bytes, form_items) -> Reading | None:
    """LiteLLM's reading; None when the upstream refuses the request (nothing served)."""
    kind, path_model = route_kind(path)
    reading = Reading()
    reading.name(path_model)
    query = parse_qsl(urlsplit(path).query, keep_blank_values=True)
    for key, value in query:
        if key == "model":
            reading.name(value)
        if kind == "files" and key == "target_model_names":
            for name in value.split(","):
                if name.strip():
                    reading.name(name.strip())
    if "form" in content_type:
        if form_items is None:
            return None
        data = dict((k, v) for k, v in form_items)
        for key, value in form_items:
            if key.lower() == "model" and isinstance(value, str):
                reading.name(value)
            if key in FORBIDDEN:
                reading.forbidden.append(key)
            if kind == "files" and (key == "target_model_names" or (key.startswith("target_model_names[") and key.endswith("]"))):
                for name in (value or "").split(","):
                    if name.strip():
                        reading.name(name.strip())
        if kind == "realtime" and isinstance(data.get("session"), str):
            try:
                read_session(json.loads(data["session"]), reading)
            except ValueError:
                return None
        return reading
    if not body:
        return reading
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        if key.lower() == "model":
            reading.name(value)
        if key in FORBIDDEN:
            reading.forbidden.append(key)
    for key in FALLBACK_KEYS:
        read_fallbacks(data.get(key), reading, kind)
    extra = data.get("extra_body")
    if isinstance(extra, dict):
        reading.name(extra.get("model"))
    if kind == "responses" and isinstance(data.get("tools"), list):
        for tool in data["tools"]:
            if isinstance(tool, dict):
                reading.name(tool.get("model"))
    if kind == "realtime":
        read_session(data.get("session"), reading)
    return reading


# ---------------------------------------------------------------------------------------------
# Inputs

def attack_cases():
    suite = json.loads((VECTORS / "attacks.json").read_text())
    for case in suite["cases"]:
        request = case["request"]
        if request["method"] != "POST":
            continue
        headers = {k.lower(): v for k, v in request.get("headers", {}).items()}
        yield ("attacks", request["path"], headers.get("content-type", "application/json"),
               (request.get("body") or "").encode("utf-8"))


def corpus_files(target: str, limit: int | None):
    directories = [ROOT / "Fuzz" / "regressions" / target, ROOT / ".build-fuzz" / "corpus" / target]
    with tempfile.TemporaryDirectory() as seeds:
        subprocess.run([sys.executable, str(ROOT / "Fuzz" / "make-seeds.py"), seeds], check=True, capture_output=True)
        directories.append(Path(seeds) / target)
        files = sorted(p for d in directories if d.is_dir() for p in d.iterdir() if p.is_file())
        if limit is not None and len(files) > limit:
            files = random.Random(13).sample(files, limit)
        for path in files:
            yield path.read_bytes()


def fuzz_cases(limit: int | None):
    for data in corpus_files("json", limit):
        for path in ("/v1/chat/completions", "/v1/responses", "/v1/realtime/client_secrets"):
            yield ("fuzz-json", path, "application/json", data)
    for data in corpus_files("multipart", limit):
        newline = data.find(b"\n")
        head, body = (data[:newline], data[newline + 1:]) if newline >= 0 else (data, b"")
        content_type = head.decode("latin-1")
        if "boundary" not in content_type.lower():
            content_type = "multipart/form-data; boundary=" + content_type
        for path in ("/v1/audio/transcriptions", "/v1/realtime/calls", "/v1/files"):
            yield ("fuzz-multipart", path, content_type, body)


def generated_cases(rng: random.Random, count: int):
    """Variants of each class: fallback entries, model-naming fields, multipart readings."""
    J = lambda value: json.dumps(value).encode()  # noqa: E731

    def entry(depth):
        shape = rng.randrange(7)
        if shape == 0 or depth > 3:
            return rng.choice([LEGIT, SMUGGLED])
        if shape == 1:
            return {rng.choice([LEGIT, SMUGGLED]): [rng.choice([LEGIT, SMUGGLED])]}
        if shape == 2:
            return {LEGIT: [LEGIT], rng.choice(["x", SMUGGLED]): [SMUGGLED]}
        e = {"model": LEGIT, "temperature": 0.1}
        for _ in range(rng.randrange(3)):
            what = rng.randrange(5)
            if what == 0:
                e[rng.choice(FALLBACK_KEYS)] = [entry(depth + 1)]
            elif what == 1:
                e["extra_body"] = {"model": rng.choice([LEGIT, SMUGGLED])}
            elif what == 2:
                e[rng.choice(sorted(FORBIDDEN))] = "https://attacker.example"
            elif what == 3:
                e["tools"] = [{"type": "image_generation", "model": SMUGGLED}]
            else:
                e["MODEL"] = SMUGGLED
        return e

    model_keys = ["model", "MODEL", "Model", "mOdel", "model ", "\u006dodel", "modeL"]
    for _ in range(count):
        cls = rng.randrange(3)
        if cls == 0:  # class 1: fallback entries
            body = {"model": LEGIT, "messages": []}
            body[rng.choice(FALLBACK_KEYS)] = [entry(0) for _ in range(rng.randrange(1, 3))]
            yield ("gen-fallbacks", rng.choice(["/v1/chat/completions", "/v1/responses"]), "application/json", J(body))
        elif cls == 1:  # class 2: fields that name models
            body = {"model": LEGIT, "messages": []}
            what = rng.randrange(6)
            if what == 0:
                body["extra_body"] = {"model": SMUGGLED, "x": 1}
            elif what == 1:
                body["tools"] = [{"type": "function", "name": "f"}, {"type": "image_generation", "model": SMUGGLED}]
            elif what == 2:
                body[rng.choice(model_keys)] = SMUGGLED
            elif what == 3:
                body[rng.choice(sorted(FORBIDDEN))] = rng.choice(["https://attacker.example", {"model_list": []}])
            elif what == 4:
                session = {"model": LEGIT}
                if rng.random() < 0.5:
                    session["audio"] = {"input": {"transcription": {"model": SMUGGLED}}}
                else:
                    session["input_audio_transcription"] = {"model": SMUGGLED}
                yield ("gen-fields", "/v1/realtime/client_secrets", "application/json", J({"session": session}))
                continue
            else:
                text = J(body).decode().replace('"model"', '"mod\\u0065l"', 1)
                yield ("gen-fields", "/v1/chat/completions", "application/json", (text[:-1] + ', "MOD\\u0045L": "%s"}' % SMUGGLED).encode())
                continue
            yield ("gen-fields", rng.choice(["/v1/chat/completions", "/v1/responses", "/engines/%s/chat/completions" % LEGIT]),
                   "application/json", J(body))
        else:  # class 3: multipart read differently
            yield multipart_variant(rng)


def multipart_variant(rng: random.Random):
    boundary = rng.choice(["mgb", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "a b", "x"])
    quoted = f'"{boundary}"' if " " in boundary or rng.random() < 0.3 else boundary
    content_type = rng.choice(["multipart/form-data", "Multipart/Form-Data", "multipart/form-data "]) + f"; boundary={quoted}"
    if rng.random() < 0.4:
        content_type += "; charset=" + rng.choice(["utf-7", "UTF-7", "utf-8", "utf-16", "utf-16-le", "latin-1", "utf-32", "ascii", '"utf-7"'])
    names = ['name="model"', "name=model", 'name=<model>', '\x0bname="model"', "name*=utf-8''model", '\x0cname="model"',
             'name="mod\\el"', 'name="model"; name="x"', 'name="x"; name="model"', 'NAME="model"', 'name = "model"',
             'name="+AG0-odel"', 'name="MODEL"', "name=\"model\"; name*=utf-8''x", 'name="api_base"',
             'name="model";filename="m"', 'name="\u006dodel"', 'name="session"']
    smuggled_name = rng.choice(names)
    value = SMUGGLED
    if "session" in smuggled_name:
        value = json.dumps({"model": SMUGGLED})
    parts = [(f"form-data; {smuggled_name}", value)]
    if rng.random() < 0.6:
        parts.append(('form-data; name="model"', LEGIT))
    rng.shuffle(parts)
    parts.append(('form-data; name="file"; filename="a.wav"', "RIFF"))
    if rng.random() < 0.3:
        parts = [(f"form-data; name=\"target_model_names\"", f"{LEGIT}, {SMUGGLED}")] + parts
    line_end = "\r\n" if rng.random() < 0.9 else "\n"
    text = rng.choice(["", "", "", "\n", "\r\n", "\r", "preamble\r\n", "\r\n\r\nxx", " "])
    for disposition, content in parts:
        header = rng.choice(["Content-Disposition", "content-disposition", "Content-Disposition ", "CONTENT-DISPOSITION"])
        text += f"--{boundary}{line_end}{header}: {disposition}{line_end}{line_end}{content}\r\n"
    text += f"--{boundary}--\r\n"
    path = rng.choice(["/v1/audio/transcriptions", "/v1/images/edits", "/v1/realtime/calls", "/v1/files"])
    return ("gen-multipart", path, content_type, text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------

def config(workdir: Path) -> Path:
    suite = json.loads((VECTORS / "attacks.json").read_text())
    cfg = suite["config"]
    cfg["modelgate_settings"]["max_body_bytes"] = 1 << 20
    path = workdir / "config.yaml"
    path.write_text(json.dumps(cfg))
    allowed = set()
    for key in cfg["keys"]:
        if key["key"] == KEY:
            allowed = set(key["models"])
    ids = set(allowed)
    for deployment in cfg["model_list"]:
        if deployment["model_name"] in allowed:
            model = deployment["litellm_params"]["model"]
            ids |= {model, model.split("/", 1)[-1]}
    return path, ids


def install():
    """python-multipart 0.0.20 next to the venv's newest one (Starlette and the newest come from
    e2e/requirements.txt)."""
    if not (PM0020 / "python_multipart").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(PM0020), "python-multipart==0.0.20"],
                       check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fast", action="store_true", help="fewer generated cases and corpus files (about 30 s)")
    parser.add_argument("--install", action="store_true", help="install python-multipart 0.0.20 into .venv/pm0020 first")
    parser.add_argument("--show", type=int, default=10, help="mismatches to print")
    args = parser.parse_args()
    if args.install or not (PM0020 / "python_multipart").is_dir():
        install()
    rng = random.Random(1313)
    cases = list(attack_cases())
    cases += list(fuzz_cases(150 if args.fast else None))
    cases += list(generated_cases(rng, 1200 if args.fast else 6000))

    workers = [FormWorker(None), FormWorker(PM0020)]
    with tempfile.TemporaryDirectory(prefix="modelgate-differential.") as tmp:
        cfg, allowed_ids = config(Path(tmp))
        service = Service(Path(tmp) / "service", cfg, {}).start()
        connection = http.client.HTTPConnection("127.0.0.1", service.http_port, timeout=30)
        compared = allowed_count = unsendable = 0
        mismatches = []
        counts: dict[str, int] = {}
        try:
            for source, path, content_type, body in cases:
                counts[source] = counts.get(source, 0) + 1
                # A CR, LF or NUL in a header value cannot cross HTTP (clients and proxies refuse
                # it), so such a case (a fuzz input's boundary, say) reaches neither side.
                if any(c in content_type for c in "\r\n\0"):
                    unsendable += 1
                    continue
                headers = {"Host": "modelgate", "X-Original-Method": "POST", "X-Original-URI": path,
                           "Authorization": f"Bearer {KEY}", "Content-Type": content_type,
                           "Content-Length": str(len(body))}
                connection.request("POST", "/check", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                allowed = response.status == 200
                readings = []
                for worker in workers:
                    items = worker.read(content_type, body) if "form" in content_type else None
                    readings.append((worker.version, upstream_reading(path, content_type, body, items)))
                compared += 1
                if not allowed:
                    continue
                allowed_count += 1
                for version, reading in readings:
                    if reading is None:
                        continue
                    smuggled = [n for n in reading.names if n not in allowed_ids]
                    if smuggled or reading.forbidden:
                        mismatches.append((source, path, content_type, body, version, smuggled, reading.forbidden))
        finally:
            connection.close()
            service.stop()
            for worker in workers:
                worker.close()
    versions = ",".join(w.version for w in workers)
    by_source = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    print(f"DIFFERENTIAL cases={len(cases)} compared={compared} unsendable={unsendable} allowed={allowed_count} "
          f"mismatches={len(mismatches)} python_multipart={versions} ({by_source})")
    for source, path, content_type, body, version, smuggled, forbidden in mismatches[:args.show]:
        print(f"  FAIL  {source} {path} [{content_type}] python-multipart {version}: modelgate allowed, the upstream "
              f"reads {smuggled} forbidden={forbidden}: {body[:300]!r}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
