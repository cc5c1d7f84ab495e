#!/usr/bin/env python3
"""Generates Sources/ModelgateCore/Catalog/Generated/LiteLLMRegistry.swift from the pinned litellm.

modelgate decides a deployment's provider as LiteLLM's `get_llm_provider` does (CONTRACT §2):
`custom_llm_provider`, else a `provider/` prefix LiteLLM knows, else LiteLLM's model registry
(`model_prices_and_context_window_backup.json`, shipped inside the package) for a bare name, else
the registry's routing rules (`fallback_generalizations`). This script reads all of these from the
pinned package and writes them as compact text tables that the Swift code parses once:

- provider names: every `LlmProviders` value and every JSON-configured provider slug;
- UI provider names: LiteLLM's UI provider enum (`provider`, `provider_display_name` ->
  `litellm_provider`, from `proxy/public_endpoints/provider_create_fields.json`);
- bare model names -> provider: every un-prefixed name of the registry (and of the model lists
  LiteLLM builds from it), with the provider LiteLLM's `get_llm_provider` gives it;
- routing rules: the registry's ordered (regex, provider) rules for names it does not list.

Usage (creates or reuses the venv, then writes the Swift file):
    python3 Tools/litellm-registry/generate.py [--venv DIR]
The parity test that compares modelgate with get_llm_provider itself:
    python3 Tools/litellm-registry/parity.py [--venv DIR] [--modelgate PATH]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

LITELLM_VERSION = "1.110.2"  # agreed with the LiteLLM harness (Tests/litellm); one pin for both
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VENV = ROOT / ".venv-litellm"
OUTPUT = ROOT / "Sources/ModelgateCore/Catalog/Generated/LiteLLMRegistry.swift"


def ensure_venv(venv: Path) -> Path:
    """The venv's python, with litellm==LITELLM_VERSION installed (installs it when missing)."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
                           capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != LITELLM_VERSION:
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"litellm=={LITELLM_VERSION}"], check=True)
    return python


def in_venv(venv: Path, argv: list[str]) -> None:
    """Re-runs this script inside the venv (litellm is imported there, never here)."""
    python = ensure_venv(venv)
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", MODELGATE_REGISTRY_INSIDE="1")
    os.chdir("/")  # never import a local folder named like a litellm module
    raise SystemExit(subprocess.run([str(python), str(Path(__file__).resolve()), *argv], env=env).returncode)


def quiet_litellm():
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm  # noqa: E402  (inside the venv only)
    litellm.suppress_debug_info = True
    import logging
    logging.getLogger("LiteLLM").setLevel(logging.ERROR)
    return litellm


def registry_facts() -> dict:
    """Everything the Swift table holds, read from the installed litellm."""
    litellm = quiet_litellm()
    from litellm.types.utils import LlmProviders
    from litellm.llms.openai_like.json_loader import JSONProviderRegistry
    from litellm.litellm_core_utils import fallback_generalizations as fg

    package = Path(litellm.__file__).parent
    registry = json.loads((package / "model_prices_and_context_window_backup.json").read_text())

    if not JSONProviderRegistry._loaded:
        JSONProviderRegistry.load()
    providers = sorted({p.value for p in LlmProviders} | set(JSONProviderRegistry.list_providers()))

    ui = json.loads((package / "proxy/public_endpoints/provider_create_fields.json").read_text())
    ui_names = sorted({(e["provider"], e["litellm_provider"]) for e in ui}
                      | {(e["provider_display_name"], e["litellm_provider"]) for e in ui})

    def bare(name: str) -> bool:
        return not ("/" in name and name.split("/", 1)[0] in providers)

    candidates = {k for k, v in registry.items() if isinstance(v, dict) and k != "sample_spec" and bare(k)}
    for attribute in dir(litellm):
        if attribute.endswith("_models") and isinstance(getattr(litellm, attribute), (list, set)):
            candidates |= {m for m in getattr(litellm, attribute) if isinstance(m, str) and bare(m)}
    routing = [(rule.pattern.pattern, rule.provider) for rule in fg._registry.routing_rules]

    bare_models = {}
    for name in sorted(candidates):
        if not name or any(c.isspace() for c in name):
            continue
        try:
            _, provider, _, _ = litellm.get_llm_provider(name)
        except Exception:
            continue  # LiteLLM cannot place it: modelgate reads it as OpenAI-compatible too
        if fg.match_routing_generalization(name) == provider and not _listed(litellm, name):
            continue  # the routing rules below give the same answer
        bare_models[name] = provider
    return {"version": litellm_version(), "providers": providers, "ui_names": ui_names,
            "bare_models": bare_models, "routing_rules": routing}


def _listed(litellm, name: str) -> bool:
    for attribute in dir(litellm):
        if attribute.endswith("_models"):
            value = getattr(litellm, attribute)
            if isinstance(value, (list, set)) and name in value:
                return True
    return False


def litellm_version() -> str:
    import importlib.metadata
    return importlib.metadata.version("litellm")


def swift_raw(text: str) -> str:
    assert '"""#' not in text
    return '#"""\n' + text + '\n"""#'


def render(facts: dict) -> str:
    providers = "\n".join(facts["providers"])
    ui_names = "\n".join(f"{name}\t{provider}" for name, provider in facts["ui_names"])
    bare_models = "\n".join(f"{name}\t{provider}" for name, provider in sorted(facts["bare_models"].items()))
    rules = "\n".join(f"{provider}\t{pattern}" for pattern, provider in facts["routing_rules"])
    for text in (providers, ui_names, bare_models, rules):
        assert "\r" not in text
    return f"""// Generated by Tools/litellm-registry/generate.py from litellm=={facts['version']}. Do not edit.
// {len(facts['providers'])} provider names, {len(facts['ui_names'])} UI provider names, {len(facts['bare_models'])} bare model names, {len(facts['routing_rules'])} routing rules.

/// LiteLLM's own provider facts, as text tables parsed once (see `LiteLLMProviders`).
enum LiteLLMRegistry {{
    static let litellmVersion = "{facts['version']}"

    /// Every provider name `get_llm_provider` accepts as a `provider/` prefix, one a line.
    static let providerNames = {swift_raw(providers)}

    /// LiteLLM UI provider names (enum keys and display names), tab, the provider they mean.
    static let uiProviderNames = {swift_raw(ui_names)}

    /// Un-prefixed model names LiteLLM's registry places, tab, the provider `get_llm_provider` gives.
    static let bareModels = {swift_raw(bare_models)}

    /// The registry's routing rules in order: provider, tab, a case-insensitive regex searched
    /// in the name; the first match decides (after the bare names above missed).
    static let routingRules = {swift_raw(rules)}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args()
    if os.environ.get("MODELGATE_REGISTRY_INSIDE") != "1":
        in_venv(args.venv.resolve(), sys.argv[1:])
    facts = registry_facts()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render(facts))
    print(f"{OUTPUT.relative_to(ROOT)}: litellm {facts['version']}, {len(facts['providers'])} providers, "
          f"{len(facts['ui_names'])} UI names, {len(facts['bare_models'])} bare names, "
          f"{len(facts['routing_rules'])} routing rules")


if __name__ == "__main__":
    main()
