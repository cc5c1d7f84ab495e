#!/usr/bin/env python3
"""Checks modelgate against the pinned litellm itself (issue 16 point 2 and the shipped configs).

1. Provider parity: a config with one deployment per sample model name (every un-prefixed name
   of LiteLLM's registry, every prefixed one, names only the registry's routing rules place,
   names nothing places, and custom_llm_provider spellings, UI names included) goes through
   `modelgate config models --json`; each deployment's provider must be the one LiteLLM's
   `get_llm_provider` returns, and a name get_llm_provider refuses must be read as
   OpenAI-compatible.
2. Shipped configs: every LiteLLM proxy config file inside the pinned package
   (litellm/proxy/*.yaml, proxy/example_config_yaml/*, the guardrail example configs) passes
   `modelgate config validate`, with a dummy value for each os.environ/ reference.

Usage: python3 Tools/litellm-registry/parity.py [--venv DIR] [--modelgate PATH]
Prints one line per failure and a closing 'N passed, M failed' line; exits 1 on any failure.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

# LiteLLM's own special cases that no registry entry carries and modelgate does not copy: a
# name refused by get_llm_provider is OpenAI-compatible in modelgate, and these get_llm_provider
# rewrites only change the provider for requests that never reach modelgate's provider routes.
KNOWN_DIFFERENCES = {
    # azure/<non-OpenAI model> is sent to Azure AI's OpenAI-compatible endpoint ("openai").
    "azure/command-r-plus", "azure/mistral-large-latest", "azure/mistral-large-2402",
    # Retired from the registry, still placed as earlier releases did (CONTRACT §2 examples;
    # LiteLLMModelName.retiredRegistryNames).
    "claude-3-5-sonnet-20240620", "gemini-1.5-pro",
}

# get_llm_provider logs in over the network (OAuth device flow) for these before it answers.
NEEDS_LOGIN = ("github_copilot/", "chatgpt/")

CUSTOM_PROVIDER_CASES = [
    ("us.amazon.nova-lite-v1:0", "Bedrock"), ("anthropic.claude-3-sonnet-20240229-v1:0", "bedrock"),
    ("gemini-2.5-flash", "Google_AI_Studio"), ("gemini-2.5-flash", "gemini"), ("gemini-1.5-pro", "Vertex_AI"),
    ("my-deployment", "Azure"), ("gpt-4o", "OpenAI"), ("claude-3-5-sonnet-20240620", "Anthropic"),
    ("azure/my-dep", "azure"), ("converse/anthropic.claude-x-v1:0", "bedrock"),
]

SYNTHETIC = [
    "us.anthropic.claude-opus-9-9-v1:0", "eu.anthropic.claude-newfamily-5-v1:0", "anthropic.claude-zz-1",
    "claude-newfamily-7", "claude-newfamily-7-1-20990101", "jev-latest", "my-local-model",
    "meta-llama/Llama-3.1-8B-Instruct", "bedrockz/anthropic.claude-3", "gpt-image-9", "ft:gpt-4o:org::abc",
]


def inside(args) -> int:
    litellm = generate.quiet_litellm()
    from litellm.types.utils import LlmProviders  # noqa: F401
    package = Path(litellm.__file__).parent
    registry = json.loads((package / "model_prices_and_context_window_backup.json").read_text())
    names = sorted(k for k, v in registry.items() if isinstance(v, dict) and k != "sample_spec"
                   and not any(c.isspace() for c in k) and not k.startswith(NEEDS_LOGIN))
    cases = [(name, None) for name in names + SYNTHETIC] + CUSTOM_PROVIDER_CASES
    passed, failed = 0, []

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "parity.yaml"
        entries = []
        for index, (model, custom) in enumerate(cases):
            params = {"model": model}
            if custom:
                params["custom_llm_provider"] = custom
            entries.append({"model_name": f"m{index}", "litellm_params": params})
        config.write_text(json.dumps({"model_list": entries}))
        run = subprocess.run([args.modelgate, "config", "models", "--json", str(config)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL modelgate config models: exit {run.returncode}: {run.stderr[-2000:]}")
            return 1
        rows = {row["model_name"]: row for row in map(json.loads, run.stdout.splitlines())}
        for index, (model, custom) in enumerate(cases):
            row = rows.get(f"m{index}")
            try:
                _, expected, _, _ = litellm.get_llm_provider(model, custom_llm_provider=canonical(custom))
            except Exception:
                expected = None
            if row is None:
                failed.append(f"{model!r}: no deployment")
            elif expected is None:
                if row["placement"] == "OpenAI-compatible" or custom or model in KNOWN_DIFFERENCES:
                    passed += 1
                else:
                    failed.append(f"{model!r}: LiteLLM places it nowhere, modelgate says {row['provider']} ({row['placement']})")
            elif row["provider"] == expected or model in KNOWN_DIFFERENCES:
                passed += 1
            else:
                failed.append(f"{model!r} custom_llm_provider={custom!r}: LiteLLM {expected}, modelgate {row['provider']} ({row['placement']})")
        print(f"provider parity: {passed} of {len(cases)} names agree with get_llm_provider (litellm {generate.litellm_version()})")

        configs = sorted(p for p in (package / "proxy").rglob("*.y*ml")
                         if "content_filter_data" not in p.parts and "route_templates" not in p.parts)
        config_passed = 0
        for path in configs:
            text = path.read_text()
            env = dict(os.environ)
            for name in set(re.findall(r"os\.environ/([A-Za-z_][A-Za-z0-9_]*)", text)):
                env.setdefault(name, f"dummy-{name.lower()}")
            run = subprocess.run([args.modelgate, "config", "validate", str(path)], capture_output=True, text=True, env=env)
            if run.returncode == 0:
                config_passed += 1
            else:
                failed.append(f"{path.relative_to(package)}: config validate exit {run.returncode}: {run.stderr.strip()[-600:]}")
        print(f"shipped configs: {config_passed} of {len(configs)} pass modelgate config validate")
        passed += config_passed

    for line in failed:
        print("FAIL", line)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


def canonical(custom):
    """get_llm_provider takes provider names only; the UI's names map as LiteLLM's UI maps them."""
    if custom is None:
        return None
    import litellm
    package = Path(litellm.__file__).parent
    ui = json.loads((package / "proxy/public_endpoints/provider_create_fields.json").read_text())
    providers = {p.value for p in __import__("litellm.types.utils", fromlist=["LlmProviders"]).LlmProviders}
    if custom in providers:
        return custom
    for entry in ui:
        if custom in (entry["provider"], entry["provider_display_name"]):
            return entry["litellm_provider"]
    return custom.lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, default=generate.DEFAULT_VENV)
    parser.add_argument("--modelgate", default=str(generate.ROOT / ".build/debug/modelgate"))
    args = parser.parse_args()
    if os.environ.get("MODELGATE_REGISTRY_INSIDE") != "1":
        python = generate.ensure_venv(args.venv.resolve())
        env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", MODELGATE_REGISTRY_INSIDE="1")
        argv = [str(python), str(Path(__file__).resolve()), "--modelgate", str(Path(args.modelgate).resolve())]
        raise SystemExit(subprocess.run(argv, env=env, cwd="/").returncode)
    raise SystemExit(inside(args))


if __name__ == "__main__":
    main()
