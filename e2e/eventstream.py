"""AWS event-stream framing (application/vnd.amazon.eventstream), the wire format of Bedrock's
converse-stream and invoke-with-response-stream responses.

A message is: total length (u32), headers length (u32), CRC32 of those 8 bytes, headers,
payload, CRC32 of everything before it. Headers are name length (u8), name, type (u8; 7 is a
string), value length (u16), value. botocore checks both checksums, so a fake upstream that
gets them wrong makes boto3 raise instead of testing the proxy path.
"""

import base64
import binascii
import json
import struct

_STRING = 7


def _header(name: str, value: str) -> bytes:
    n = name.encode()
    v = value.encode()
    return struct.pack("!B", len(n)) + n + struct.pack("!BH", _STRING, len(v)) + v


def message(headers: dict[str, str], payload: bytes) -> bytes:
    """One framed event-stream message with correct prelude and message CRCs."""
    hdr = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(hdr) + len(payload) + 4
    prelude = struct.pack("!II", total, len(hdr))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + hdr + payload
    return body + struct.pack("!I", binascii.crc32(body) & 0xFFFFFFFF)


def event(event_type: str, payload: dict) -> bytes:
    """An `event` message with a JSON payload, as Bedrock sends them."""
    return message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload, separators=(",", ":")).encode(),
    )


def converse_stream(text: str) -> bytes:
    """The event sequence of a short converse-stream answer."""
    return b"".join([
        event("messageStart", {"role": "assistant"}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": text}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "end_turn"}),
        event("metadata", {"usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
                           "metrics": {"latencyMs": 7}}),
    ])


def invoke_stream(chunks: list[dict]) -> bytes:
    """invoke-with-response-stream: each model chunk, base64 in a `chunk` event's `bytes`."""
    return b"".join(
        event("chunk", {"bytes": base64.b64encode(json.dumps(c).encode()).decode()}) for c in chunks
    )
