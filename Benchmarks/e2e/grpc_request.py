#!/usr/bin/env python3
"""Encodes one gRPC-framed envoy.service.auth.v3.CheckRequest, as Envoy's ext_authz sends it
(headers lower-case with pseudo-headers, body in raw_body: `pack_as_bytes: true`), and checks
a framed CheckResponse.

  grpc_request.py encode KEY BODYFILE OUT     writes the framed request
  grpc_request.py verify RESPONSEFILE          exit 0 if it is an OK CheckResponse with ok_response
"""
import sys


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, payload):
    """A length-delimited field (wire type 2)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def encode(key, body):
    headers = {
        ":method": "POST", ":path": "/v1/chat/completions", ":authority": "api.internal", ":scheme": "http",
        "authorization": "Bearer " + key, "content-type": "application/json",
        "content-length": str(len(body)), "user-agent": "OpenAI/Python 1.99.1",
        "x-request-id": "0d6f8a52-3c1e-4b7a-9f2d-6e5c4b3a2910", "x-forwarded-proto": "http",
    }
    # HttpRequest: 2 method, 3 headers (map entries: 1 key, 2 value), 4 path, 5 host, 6 scheme,
    # 10 protocol, 12 raw_body.
    http = field(2, "POST")
    for name, value in headers.items():
        http += field(3, field(1, name) + field(2, value))
    http += field(4, "/v1/chat/completions") + field(5, "api.internal") + field(6, "http")
    http += field(10, "HTTP/1.1") + field(12, body)
    # CheckRequest.attributes (1) → AttributeContext.request (4) → Request.http (2).
    message = field(1, field(4, field(2, http)))
    return b"\x00" + len(message).to_bytes(4, "big") + message


def read_varint(data, position):
    """The varint at `position` and the position after it."""
    value, shift = 0, 0
    while True:
        byte = data[position]; position += 1
        value |= (byte & 0x7F) << shift; shift += 7
        if not byte & 0x80:
            return value, position


def fields(data):
    """Top-level (number, wire type, payload) of a protobuf message."""
    position = 0
    while position < len(data):
        tag, position = read_varint(data, position)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, position = read_varint(data, position)
            yield number, wire, value
        elif wire == 2:
            length, position = read_varint(data, position)
            yield number, wire, data[position:position + length]
            position += length
        else:
            raise ValueError("unexpected wire type %d" % wire)


def verify(data):
    if len(data) < 5 or data[0] != 0:
        return "no uncompressed gRPC frame"
    message = data[5:5 + int.from_bytes(data[1:5], "big")]
    found = {number: payload for number, _, payload in fields(message)}
    status_code = dict((n, p) for n, _, p in fields(found.get(1, b""))).get(1, 0)
    if status_code != 0:
        return "status.code %d (denied)" % status_code
    if 3 not in found:
        return "no ok_response"
    return None


if __name__ == "__main__":
    if sys.argv[1] == "encode":
        with open(sys.argv[3], "rb") as f:
            body = f.read()
        with open(sys.argv[4], "wb") as f:
            f.write(encode(sys.argv[2], body))
    elif sys.argv[1] == "verify":
        with open(sys.argv[2], "rb") as f:
            problem = verify(f.read())
        if problem:
            print("gRPC Check response not OK: " + problem, file=sys.stderr)
            sys.exit(1)
    else:
        sys.exit("usage: grpc_request.py encode KEY BODYFILE OUT | verify RESPONSEFILE")
