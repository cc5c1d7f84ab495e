"""Writes Tests/ModelgateLiteLLMTests/Fixtures/cipher-vectors.json: values encrypted the way LiteLLM
writes them, by LiteLLM's own helpers (litellm.proxy.common_utils.encrypt_decrypt_utils of the
pinned litellm) and PyNaCl, never by modelgate's Swift code under test.

- nacl-urlsafe: encrypt_value_helper with the default algorithm (what LiteLLM writes today);
- nacl-standard: base64.b64encode(encrypt_value(...)), what LiteLLM wrote before it switched to
  URL-safe base64 (its reader still accepts both);
- v2:gcm:: encrypt_value_helper with general_settings.encryption_algorithm = aes-256-gcm;
- v3:gcm:: the pinned litellm has no v3 writer yet; LiteLLM's newer helper (HKDF-SHA256 of the
  salt key, info b"litellm-at-rest-v3", AES-256-GCM, base64url(nonce || ciphertext || tag)) is
  reproduced here with the `cryptography` package exactly as that helper calls it.

Run: Tests/litellm/.venv/bin/python Tests/litellm/make_cipher_vectors.py
"""

import base64
import json
import os
import pathlib

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import nacl.secret  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: E402

from litellm.proxy import proxy_server  # noqa: E402
from litellm.proxy.common_utils import encrypt_decrypt_utils as edu  # noqa: E402

SALT = "sk-salt-vectors-1234"
OTHER_SALT = "sk-another-salt"
PLAINTEXTS = ["sk-provider-secret-ABC123", "", "bedrock/global.anthropic.claude-opus-4-7", "ünïcødé ✓ 秘密", "x" * 300]


def nacl_urlsafe(value, salt):
    proxy_server.general_settings = {}
    return edu.encrypt_value_helper(value, new_encryption_key=salt)


def nacl_standard(value, salt):
    return base64.b64encode(edu.encrypt_value(value=value, signing_key=salt)).decode()


def v2_gcm(value, salt):
    proxy_server.general_settings = {"encryption_algorithm": "aes-256-gcm"}
    try:
        return edu.encrypt_value_helper(value, new_encryption_key=salt)
    finally:
        proxy_server.general_settings = {}


def v3_gcm(value, salt):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"litellm-at-rest-v3").derive(salt.encode())
    nonce = os.urandom(12)
    return "v3:gcm:" + base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, value.encode("utf-8"), None)).decode()


def litellm_decrypts(stored, salt):
    """LiteLLM's own reader, as a check on every vector (None when it refuses)."""
    try:
        return edu._decrypt_with_signing_key(value=stored, signing_key=salt)
    except Exception:  # noqa: BLE001
        return None


def main():
    writers = {"nacl-urlsafe": nacl_urlsafe, "nacl-standard": nacl_standard, "v2-gcm": v2_gcm, "v3-gcm": v3_gcm}
    vectors = []
    for name, write in writers.items():
        for plaintext in PLAINTEXTS:
            stored = write(plaintext, SALT)
            if name != "v3-gcm":  # the pinned litellm reads every format it writes
                assert litellm_decrypts(stored, SALT) == plaintext, (name, plaintext)
            vectors.append({"format": name, "stored": stored, "salt_key": SALT, "plaintext": plaintext})
    # Failures: modelgate must refuse each (LiteLLM would refuse or, when it falls back to the
    # stored value, use ciphertext as a credential; modelgate treats the value as unavailable).
    secret = "sk-provider-secret-ABC123"
    failures = []
    for name, write in writers.items():
        stored = write(secret, SALT)
        failures.append({"case": f"{name} under another salt key", "stored": stored, "salt_key": OTHER_SALT})
        prefix = "v3:gcm:" if name == "v3-gcm" else "v2:gcm:" if name == "v2-gcm" else ""
        raw = bytearray(base64.urlsafe_b64decode(stored[len(prefix):]))
        raw[-1] ^= 1
        failures.append({"case": f"{name} with one bit flipped", "stored": prefix + base64.urlsafe_b64encode(bytes(raw)).decode(), "salt_key": SALT})
        failures.append({"case": f"{name} truncated", "stored": prefix + base64.urlsafe_b64encode(bytes(raw[:20])).decode(), "salt_key": SALT})
    failures += [
        {"case": "not base64", "stored": "not*base64!", "salt_key": SALT},
        {"case": "plaintext model name", "stored": "openai/gpt-4o", "salt_key": SALT},
        {"case": "v2 prefix with bad base64", "stored": "v2:gcm:***", "salt_key": SALT},
        {"case": "v3 prefix, empty", "stored": "v3:gcm:", "salt_key": SALT},
    ]
    for failure in failures:
        assert failure["case"].startswith("v3") or litellm_decrypts(failure["stored"], failure["salt_key"]) in (None, ""), failure
    out = pathlib.Path(__file__).resolve().parents[1] / "ModelgateLiteLLMTests" / "Fixtures" / "cipher-vectors.json"
    out.write_text(json.dumps({"generator": "Tests/litellm/make_cipher_vectors.py", "litellm": edu.__file__.split("site-packages/")[-1],
                               "vectors": vectors, "failures": failures}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(vectors)} vectors and {len(failures)} failures to {out}")


if __name__ == "__main__":
    main()
