"""The real SDK calls the suite drives through each proxy, in one table.

Each `SdkCall` performs one client call against a proxy with a given virtual key, checks what the
SDK parsed from the fake upstream's answer, and says what the upstream must have received on
allow (raw path, injected credential, model group, provider). `outcome()` turns an SDK's error
into (status, body) so every SDK's denial is checked the same way.

How each client presents its modelgate virtual key:
  openai            Authorization: Bearer <key>          (api_key=)
  AzureOpenAI       api-key: <key>                        (api_key=)
  anthropic         x-api-key: <key> (api_key=) or Authorization: Bearer <key> (auth_token=)
  boto3 bearer      Authorization: Bearer <key>           (AWS_BEARER_TOKEN_BEDROCK; HTTPS only)
  boto3 SigV4       x-api-key: <key>, added by a botocore `before-sign` hook; the Authorization
                    header is then the client's AWS signature, which modelgate does not read as a
                    key and the proxy replaces with the injected credential
  AnthropicBedrock  Authorization: Bearer <key> (api_key=), or SigV4 plus x-api-key
                    (default_headers=) as for boto3
  google-genai      x-goog-api-key: <key> (Gemini API, api_key=); Authorization: Bearer <key>
                    (Vertex mode, a fixed OAuth token as credentials=)
"""

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

import anthropic
import boto3
import botocore.config
import botocore.exceptions
import google.oauth2.credentials
import openai
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from .checks import SPOOF_HEADERS
from .fake_upstream import REPLY_TEXT

TIMEOUT = 20
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\xbb\x00\x00\x00\xff\xfe\x00"


@dataclass(frozen=True)
class SdkCall:
    name: str
    run: Callable  # (proxy, key) -> None; raises the SDK's error on a non-2xx answer
    path: str  # the raw path the upstream must receive (before any query)
    credential: Callable  # (secrets) -> (header, value) modelgate injects
    group: str
    provider: str
    model_in_body: bool = False  # denied as body_incomplete where the proxy cannot send bodies

    def __str__(self):
        return self.name


class BotoError(Exception):
    """A botocore ClientError with the raw error body the proxy returned."""

    def __init__(self, status: int, body: bytes):
        super().__init__(f"{status} {body[:200]!r}")
        self.status, self.body = status, body


def outcome(fn: Callable[[], object]) -> tuple[int, bytes] | None:
    """None when the call succeeded; (status, body) when the SDK raised on an HTTP error."""
    try:
        fn()
        return None
    except (openai.APIStatusError, anthropic.APIStatusError) as e:
        return e.status_code, e.response.content
    except genai_errors.APIError as e:
        return e.code, json.dumps(e.details).encode()
    except BotoError as e:
        return e.status, e.body


# --- openai ------------------------------------------------------------------------------------

def _openai(proxy, key):
    return openai.OpenAI(base_url=proxy.url + "/v1", api_key=key, max_retries=0, timeout=TIMEOUT,
                         default_headers=SPOOF_HEADERS)


def openai_chat(proxy, key):
    r = _openai(proxy, key).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == REPLY_TEXT


def openai_embeddings(proxy, key):
    r = _openai(proxy, key).embeddings.create(model="text-embedding-3-small", input="hello")
    assert r.data[0].embedding == [0.25, -0.5, 0.75]


def openai_responses(proxy, key):
    r = _openai(proxy, key).responses.create(model="gpt-4o", input="hi")
    assert r.output_text == REPLY_TEXT


def openai_transcription(proxy, key):
    r = _openai(proxy, key).audio.transcriptions.create(model="whisper-1", file=("hello.wav", AUDIO, "audio/wav"))
    assert r.text == REPLY_TEXT


def azure_chat(proxy, key):
    client = openai.AzureOpenAI(azure_endpoint=proxy.url, azure_deployment="my-gpt4o-deployment",
                                api_version="2024-10-21", api_key=key, max_retries=0, timeout=TIMEOUT,
                                default_headers=SPOOF_HEADERS)
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == REPLY_TEXT


# --- anthropic ---------------------------------------------------------------------------------

def anthropic_x_api_key(proxy, key):
    client = anthropic.Anthropic(api_key=key, base_url=proxy.url, max_retries=0, timeout=TIMEOUT,
                                 default_headers=SPOOF_HEADERS)
    r = client.messages.create(model="claude-direct", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert r.content[0].text == REPLY_TEXT


def anthropic_bearer(proxy, key):
    client = anthropic.Anthropic(auth_token=key, api_key=None, base_url=proxy.url, max_retries=0,
                                 timeout=TIMEOUT, default_headers=SPOOF_HEADERS)
    r = client.messages.create(model="claude-sonnet-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert r.content[0].text == REPLY_TEXT


# --- boto3 bedrock-runtime ---------------------------------------------------------------------

_boto_session = boto3.session.Session()


@contextmanager
def _env(name: str, value: str | None):
    old = os.environ.get(name)
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def bedrock_client(proxy, key, *, auth: str, prefix: str = ""):
    """A bedrock-runtime client through the proxy. auth 'bearer': the virtual key is the Bedrock
    API key, over the proxy's TLS listener because botocore refuses bearer tokens over plain
    HTTP. auth 'sigv4': signed with throwaway AWS credentials, the virtual key in x-api-key.
    botocore reads AWS_BEARER_TOKEN_BEDROCK when it sends, so calls run inside `bedrock_env`."""
    config = botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=TIMEOUT)
    with bedrock_env(key, auth):
        if auth == "bearer":
            client = _boto_session.client("bedrock-runtime", region_name="us-east-1",
                                          endpoint_url=proxy.tls_url + prefix, verify=str(proxy.cert), config=config)
        else:
            client = _boto_session.client("bedrock-runtime", region_name="us-east-1",
                                          endpoint_url=proxy.url + prefix, config=config,
                                          aws_access_key_id="AKIDE2EEXAMPLE", aws_secret_access_key="e2e-not-a-secret")

    def add_headers(request, **_):
        for k, v in SPOOF_HEADERS.items():
            request.headers[k] = v
        if auth == "sigv4":
            request.headers["x-api-key"] = key

    def check_signed(request, **_):
        # Guard the premise of the test: the client really used the auth mode it is named for.
        authorization = request.headers["Authorization"]
        authorization = authorization.decode() if isinstance(authorization, bytes) else authorization
        expected = f"Bearer {key}" if auth == "bearer" else "AWS4-HMAC-SHA256 Credential=AKIDE2EEXAMPLE/"
        assert authorization.startswith(expected), f"botocore did not sign with {auth}: {authorization[:30]}"

    def keep_error_body(response_dict, **_):
        if response_dict["status_code"] >= 300:
            client._e2e_error_body = response_dict["body"]

    client.meta.events.register("before-sign.bedrock-runtime.*", add_headers)
    client.meta.events.register("before-send.bedrock-runtime.*", check_signed)
    client.meta.events.register("before-parse.bedrock-runtime.*", keep_error_body)
    return client


def bedrock_env(key: str, auth: str):
    """AWS_BEARER_TOKEN_BEDROCK set to the virtual key (bearer) or unset (SigV4)."""
    return _env("AWS_BEARER_TOKEN_BEDROCK", key if auth == "bearer" else None)


@contextmanager
def _boto_errors(client):
    try:
        yield
    except botocore.exceptions.ClientError as e:
        raise BotoError(e.response["ResponseMetadata"]["HTTPStatusCode"], getattr(client, "_e2e_error_body", b""))


MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
ANTHROPIC_BODY = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 16,
                             "messages": [{"role": "user", "content": "hi"}]})


def _converse(c, model_id):
    r = c.converse(modelId=model_id, messages=MESSAGES)
    assert r["output"]["message"]["content"][0]["text"] == REPLY_TEXT


def _converse_stream(c, model_id):
    events = list(c.converse_stream(modelId=model_id, messages=MESSAGES)["stream"])
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    assert text == REPLY_TEXT and "messageStop" in events[-2] and "metadata" in events[-1]


def _invoke(c, model_id):
    r = c.invoke_model(modelId=model_id, body=ANTHROPIC_BODY, contentType="application/json")
    assert json.loads(r["body"].read())["content"][0]["text"] == REPLY_TEXT


def _invoke_stream(c, model_id):
    r = c.invoke_model_with_response_stream(modelId=model_id, body=ANTHROPIC_BODY, contentType="application/json")
    chunks = [json.loads(e["chunk"]["bytes"]) for e in r["body"]]
    text = "".join(c["delta"]["text"] for c in chunks if c["type"] == "content_block_delta")
    assert text == REPLY_TEXT and chunks[-1]["type"] == "message_stop"


BEDROCK_ACTIONS = {
    "converse": _converse,
    "converse-stream": _converse_stream,
    "invoke": _invoke,
    "invoke-with-response-stream": _invoke_stream,
}

BEDROCK_IDS = {
    # label: (modelId as the client passes it, the model group it resolves to)
    "plain": ("us.anthropic.claude-sonnet-4-6", "claude-sonnet-4.6"),
    "colon": ("anthropic.claude-3-5-sonnet-20241022-v2:0", "sonnet-v2"),
    "app-profile-arn": ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz",
                        "claude-haiku-arn"),
}


def bedrock_call(action: str, model_id: str, *, auth: str, prefix: str = ""):
    def run(proxy, key):
        client = bedrock_client(proxy, key, auth=auth, prefix=prefix)
        with bedrock_env(key, auth), _boto_errors(client):
            BEDROCK_ACTIONS[action](client, model_id)
    return run


def bedrock_path(model_id: str, action: str, prefix: str = "") -> str:
    """The raw path botocore sends: the modelId label percent-encoded (':' → %3A, '/' → %2F)."""
    return f"{prefix}/model/{quote(model_id, safe='')}/{action}"


# --- anthropic.AnthropicBedrock ----------------------------------------------------------------

ANTHROPIC_BEDROCK_MODEL = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def _anthropic_bedrock(proxy, key, auth):
    def check_signed(request):
        # Guard the premise of the test: the client really used the auth mode it is named for.
        authorization = request.headers.get("authorization", "")
        expected = f"Bearer {key}" if auth == "bearer" else "AWS4-HMAC-SHA256 Credential=AKIDE2EEXAMPLE/"
        assert authorization.startswith(expected), f"AnthropicBedrock did not sign with {auth}: {authorization[:30]}"

    common = dict(aws_region="us-east-1", base_url=proxy.url, max_retries=0, timeout=TIMEOUT,
                  http_client=anthropic.DefaultHttpxClient(event_hooks={"request": [check_signed]}))
    if auth == "bearer":
        return anthropic.AnthropicBedrock(api_key=key, default_headers=SPOOF_HEADERS, **common)
    return anthropic.AnthropicBedrock(aws_access_key="AKIDE2EEXAMPLE", aws_secret_key="e2e-not-a-secret",
                                      default_headers={**SPOOF_HEADERS, "x-api-key": key}, **common)


def anthropic_bedrock(auth: str, stream: bool):
    def run(proxy, key):
        client = _anthropic_bedrock(proxy, key, auth)
        kwargs = dict(model=ANTHROPIC_BEDROCK_MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
        if stream:
            with client.messages.stream(**kwargs) as s:
                assert s.get_final_text() == REPLY_TEXT
        else:
            assert client.messages.create(**kwargs).content[0].text == REPLY_TEXT
    return run


# --- google-genai ------------------------------------------------------------------------------

def _genai_options(base_url, **more):
    return genai_types.HttpOptions(base_url=base_url, headers=dict(SPOOF_HEADERS), timeout=TIMEOUT * 1000, **more)


def gemini_generate(proxy, key):
    client = genai.Client(api_key=key, http_options=_genai_options(proxy.url))
    assert client.models.generate_content(model="gemini-2.5-pro", contents="hi").text == REPLY_TEXT


def gemini_stream_mounted(proxy, key):
    client = genai.Client(api_key=key, http_options=_genai_options(proxy.url + "/gemini", api_version="v1beta"))
    text = "".join(c.text or "" for c in client.models.generate_content_stream(model="gemini-2.5-pro", contents="hi"))
    assert text == REPLY_TEXT * 2


VERTEX_PROJECT, VERTEX_LOCATION = "e2e-project", "us-central1"


def vertex_generate(proxy, key):
    token = google.oauth2.credentials.Credentials(token=key)
    client = genai.Client(vertexai=True, project=VERTEX_PROJECT, location=VERTEX_LOCATION, credentials=token,
                          http_options=_genai_options(proxy.url))
    assert client.models.generate_content(model="gemini-2.5-flash", contents="hi").text == REPLY_TEXT


# --- the table ---------------------------------------------------------------------------------

def _bearer(attr):
    return lambda s: ("authorization", f"Bearer {getattr(s, attr)}")


SDK_CALLS: list[SdkCall] = [
    SdkCall("openai.chat.completions", openai_chat, "/v1/chat/completions", _bearer("openai"),
            "gpt-4o", "openai", model_in_body=True),
    SdkCall("openai.embeddings", openai_embeddings, "/v1/embeddings", _bearer("openai"),
            "text-embedding-3-small", "openai", model_in_body=True),
    SdkCall("openai.responses", openai_responses, "/v1/responses", _bearer("openai"),
            "gpt-4o", "openai", model_in_body=True),
    SdkCall("openai.audio.transcriptions", openai_transcription, "/v1/audio/transcriptions", _bearer("openai"),
            "whisper-1", "openai", model_in_body=True),
    SdkCall("openai.AzureOpenAI.chat", azure_chat, "/openai/deployments/my-gpt4o-deployment/chat/completions",
            lambda s: ("api-key", s.azure), "azure-gpt4o", "azure"),
    SdkCall("anthropic.messages[x-api-key]", anthropic_x_api_key, "/v1/messages",
            lambda s: ("x-api-key", s.anthropic), "claude-direct", "anthropic", model_in_body=True),
    SdkCall("anthropic.messages[bearer]", anthropic_bearer, "/v1/messages",
            lambda s: ("x-api-key", s.anthropic), "claude-direct", "anthropic", model_in_body=True),
]

for _auth in ("sigv4", "bearer"):
    for _label, (_model_id, _group) in BEDROCK_IDS.items():
        for _action in BEDROCK_ACTIONS:
            SDK_CALLS.append(SdkCall(f"boto3.{_action}[{_label},{_auth}]", bedrock_call(_action, _model_id, auth=_auth),
                                     bedrock_path(_model_id, _action), _bearer("bedrock"), _group, "bedrock"))
    for _stream in (False, True):
        SDK_CALLS.append(SdkCall(
            f"anthropic.AnthropicBedrock.messages.{'stream' if _stream else 'create'}[{_auth}]",
            anthropic_bedrock(_auth, _stream),
            f"/model/{ANTHROPIC_BEDROCK_MODEL}/{'invoke-with-response-stream' if _stream else 'invoke'}",
            _bearer("bedrock"), "sonnet-v2", "bedrock"))

SDK_CALLS += [
    SdkCall("genai.generate_content[gemini,v1]", gemini_generate, "/v1/models/gemini-2.5-pro:generateContent",
            lambda s: ("x-goog-api-key", s.gemini), "gemini-2.5-pro", "gemini"),
    SdkCall("genai.generate_content_stream[gemini,v1beta,/gemini mount]", gemini_stream_mounted,
            "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent",
            lambda s: ("x-goog-api-key", s.gemini), "gemini-2.5-pro", "gemini"),
    SdkCall("genai.generate_content[vertex]", vertex_generate,
            f"/v1beta1/projects/{VERTEX_PROJECT}/locations/{VERTEX_LOCATION}/publishers/google/models/"
            "gemini-2.5-flash:generateContent",
            _bearer("vertex"), "vertex-gemini", "vertex_ai"),
]
