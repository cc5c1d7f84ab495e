#!/usr/bin/env python3
"""Writes libFuzzer seed corpora from the decision vectors (Tests/ModelgateTestSupport/Vectors).

  route/      one request target per file (paths with their queries)
  json/       every JSON-looking body
  multipart/  content type line + body of every multipart case
  decision/   the whole request in the decision target's format (see DecisionTarget.swift)

Usage: make-seeds.py OUT_DIR
"""
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "Tests" / "ModelgateTestSupport" / "Vectors"


def write(directory: Path, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    out = Path(sys.argv[1])
    counts = {}
    for file in sorted(VECTORS.glob("*.json")):
        suite = json.loads(file.read_text())
        for case in suite["cases"]:
            request = case["request"]
            method, path = request["method"], request["path"]
            headers = request.get("headers", {})
            body = (request.get("body") or "").encode("utf-8")
            write(out / "route", path.encode("utf-8"))
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            if content_type.lower().startswith("multipart/"):
                write(out / "multipart", content_type.encode() + b"\n" + body)
            elif body.lstrip().startswith(b"{") or body.startswith(b"\xef\xbb\xbf"):
                write(out / "json", body)
            lines = [f"{method} {path} {file.name}"] + [f"{k}: {v}" for k, v in headers.items()]
            write(out / "decision", ("\n".join(lines) + "\n\n").encode("utf-8") + body)
    for name in ("route", "json", "multipart", "decision"):
        counts[name] = len(os.listdir(out / name)) if (out / name).exists() else 0
    print("seeds: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
