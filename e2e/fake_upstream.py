"""A fake LLM upstream: records every request it receives and answers each provider's API shape
well enough for the real SDKs to parse the answer.

What the proxy forwarded is the point of the end-to-end suite, so each request is kept exactly
as it arrived: method, raw request target (still percent-encoded, with query), headers in order
(repeats kept) and body bytes.
"""

import base64
import json
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from . import eventstream

MOUNT_PREFIXES = ("/bedrock", "/vertex_ai", "/vertex-ai", "/gemini", "/openai", "/azure", "/anthropic")
REPLY_TEXT = "hello from the fake upstream"


@dataclass
class Recorded:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    at: float = field(default_factory=time.time)

    def header(self, name: str) -> str | None:
        """The value of a header (joined with ', ' when repeated), or None when absent."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


def _json(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _anthropic_message(model: str) -> dict:
    return {
        "id": "msg_e2e", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": REPLY_TEXT}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 5},
    }


def _anthropic_stream_events(model: str) -> list[dict]:
    msg = _anthropic_message(model)
    msg["content"] = []
    msg["stop_reason"] = None
    return [
        {"type": "message_start", "message": msg},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": REPLY_TEXT}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 5}},
        {"type": "message_stop"},
    ]


def _gemini_response(model: str) -> dict:
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": REPLY_TEXT}]},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "totalTokenCount": 8},
        "modelVersion": model,
    }


def _body_json(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


def answer(method: str, target: str, headers, body: bytes) -> tuple[int, str, bytes]:
    """(status, content type, body) for a request, by the route it names."""
    path = target.split("?", 1)[0]
    azure = re.match(r"/openai/deployments/[^/]+(/.*)", path)
    for prefix in MOUNT_PREFIXES:
        if not azure and path.startswith(prefix + "/"):
            path = path[len(prefix):]
            break
    req = _body_json(body) if "json" in (headers.get("content-type") or "") else {}
    model = str(req.get("model", "unknown"))

    if method == "GET" and path in ("/v1/models", "/models"):
        return 200, "application/json", _json({"object": "list", "data": [
            {"id": "gpt-4o", "object": "model", "created": 1700000000, "owned_by": "e2e"}]})

    m = re.fullmatch(r"/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)", path)
    if m:
        model_id, action = unquote(m.group(1)), m.group(2)
        if action == "converse":
            return 200, "application/json", _json({
                "output": {"message": {"role": "assistant", "content": [{"text": REPLY_TEXT}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 3, "outputTokens": 5, "totalTokens": 8},
                "metrics": {"latencyMs": 7},
            })
        if action == "converse-stream":
            return 200, "application/vnd.amazon.eventstream", eventstream.converse_stream(REPLY_TEXT)
        if action == "invoke-with-response-stream":
            return 200, "application/vnd.amazon.eventstream", eventstream.invoke_stream(
                _anthropic_stream_events(model_id))
        if action == "count-tokens":
            return 200, "application/json", _json({"inputTokens": 3})
        return 200, "application/json", _json(_anthropic_message(model_id))

    m = re.fullmatch(r"/(v1|v1beta|v1beta1)/(?:.*/)?models/(.+):(generateContent|streamGenerateContent|countTokens)", path)
    if m:
        gmodel, action = m.group(2), m.group(3)
        if action == "streamGenerateContent":
            first = _gemini_response(gmodel)
            first["candidates"][0]["finishReason"] = None
            chunks = [first, _gemini_response(gmodel)]
            return 200, "text/event-stream", b"".join(b"data: " + _json(c) + b"\r\n\r\n" for c in chunks)
        if action == "countTokens":
            return 200, "application/json", _json({"totalTokens": 3})
        return 200, "application/json", _json(_gemini_response(gmodel))

    openai_path = azure.group(1) if azure else re.sub(r"^/v1(?=/)", "", path)
    if openai_path == "/chat/completions":
        return 200, "application/json", _json({
            "id": "chatcmpl-e2e", "object": "chat.completion", "created": 1700000000, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": REPLY_TEXT}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
        })
    if openai_path == "/embeddings":
        vector = [0.25, -0.5, 0.75]
        if req.get("encoding_format") == "base64":
            embedding = base64.b64encode(struct.pack("<3f", *vector)).decode()
        else:
            embedding = vector
        return 200, "application/json", _json({
            "object": "list", "model": model,
            "data": [{"object": "embedding", "index": 0, "embedding": embedding}],
            "usage": {"prompt_tokens": 2, "total_tokens": 2},
        })
    if openai_path == "/responses":
        return 200, "application/json", _json({
            "id": "resp_e2e", "object": "response", "created_at": 1700000000, "status": "completed",
            "model": model, "error": None, "incomplete_details": None, "instructions": None,
            "metadata": {}, "parallel_tool_calls": True, "temperature": 1.0, "top_p": 1.0,
            "tool_choice": "auto", "tools": [],
            "output": [{"type": "message", "id": "msg_e2e", "status": "completed", "role": "assistant",
                        "content": [{"type": "output_text", "text": REPLY_TEXT, "annotations": []}]}],
            "usage": {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8,
                      "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens_details": {"reasoning_tokens": 0}},
        })
    if openai_path in ("/audio/transcriptions", "/audio/translations"):
        return 200, "application/json", _json({"text": REPLY_TEXT})
    if openai_path in ("/messages",):
        return 200, "application/json", _json(_anthropic_message(model))

    return 404, "application/json", _json({"error": {"message": f"fake upstream: no route {path}",
                                                     "type": "not_found"}})


class FakeUpstream:
    """A threaded HTTP/1.1 server on 127.0.0.1 that records what reaches it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the tests print what matters
                pass

            def _read_body(self) -> bytes:
                if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return out
                        out += self.rfile.read(size)
                        self.rfile.readline()
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self):
                body = self._read_body()
                upstream._record(Recorded(self.command, self.path, list(self.headers.items()), body))
                status, ctype, payload = answer(self.command, self.path, self.headers, body)
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(payload)))
                self.send_header("x-amzn-requestid", "e2e-request")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeUpstream":
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _record(self, r: Recorded):
        with self._lock:
            self._requests.append(r)

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def clear(self):
        with self._lock:
            self._requests.clear()
