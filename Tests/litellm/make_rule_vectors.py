"""Writes Tests/ModelgateLiteLLMTests/Fixtures/rule-vectors.json: which key may call which model,
as decided by LiteLLM's own auth functions (litellm.proxy.auth.auth_checks of the pinned litellm),
for keys, teams and users stored the way LiteLLM stores them. modelgate's test maps the same rows
and must reach the same allow/deny.

LiteLLM's functions run on a real litellm.Router built from the model list, in the order
LiteLLM's request path calls them (can_key_call_resolved_model, then common_checks):
  1. the key's own list: can_key_call_model, skipped when the key names all-team-models or has
     a non-empty `config` (can_key_call_resolved_model);
  2. with a team: a blocked team denies; can_team_access_model; then, for a key bound to a user
     who is a member with an own model list, check_team_member_model_access (common_checks 2.2);
  3. without a team: can_user_call_model with the key's user (common_checks step 2.1).
Organisation `models` are not consulted on a request by this LiteLLM (only when a team or key is
created: can_org_access_model in team_endpoints), so they are not part of a case.

Run: Tests/litellm/.venv/bin/python Tests/litellm/make_rule_vectors.py
"""

import asyncio
import json
import os
import pathlib

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402
from litellm.models.budget import LiteLLM_BudgetTable  # noqa: E402
from litellm.models.team_membership import LiteLLM_TeamMembership  # noqa: E402
from litellm.proxy._types import LiteLLM_TeamTable, LiteLLM_UserTable, ProxyException, UserAPIKeyAuth, hash_token  # noqa: E402
from litellm.proxy.auth import auth_checks  # noqa: E402

MODEL_LIST = [
    {"model_name": "gpt-4o-mini", "litellm_params": {"model": "openai/gpt-4o-mini"}, "model_info": {"access_groups": ["cheap"]}},
    {"model_name": "gpt-4o", "litellm_params": {"model": "openai/gpt-4o"}, "model_info": {"access_groups": ["frontier"]}},
    {"model_name": "claude-opus-4-7", "litellm_params": {"model": "bedrock/global.anthropic.claude-opus-4-7"},
     "model_info": {"access_groups": ["frontier"]}},
    {"model_name": "claude-sonnet-4-6", "litellm_params": {"model": "anthropic/claude-sonnet-4-6"}},
    {"model_name": "gemini-2.5-pro", "litellm_params": {"model": "gemini/gemini-2.5-pro"}},
    # As a DB model (LiteLLM_ProxyModelTable) would sit in the router.
    {"model_name": "db-gpt", "litellm_params": {"model": "openai/gpt-4.1"}, "model_info": {"access_groups": ["db-group"]}},
]

TEAMS = [
    {"team_id": "team-mini", "models": ["gpt-4o-mini"]},
    {"team_id": "team-frontier", "models": ["frontier"]},
    {"team_id": "team-all", "models": []},
    {"team_id": "team-proxy", "models": ["all-proxy-models"]},
    {"team_id": "team-wild", "models": ["openai/*"]},
    {"team_id": "team-blocked", "models": [], "blocked": True},
]

USERS = [
    {"user_id": "user-mini", "models": ["gpt-4o-mini"]},
    {"user_id": "user-any", "models": []},
    {"user_id": "user-nodefault", "models": ["no-default-models"]},
]

# /team/member_add with allowed_models: the member's own list, in its budget row.
MEMBERS = [
    {"team_id": "team-frontier", "user_id": "member-opus", "allowed_models": ["claude-opus-4-7"]},
    {"team_id": "team-all", "user_id": "member-cheap", "allowed_models": ["cheap"]},
    {"team_id": "team-proxy", "user_id": "member-openai", "allowed_models": ["openai/*"]},
    {"team_id": "team-mini", "user_id": "member-empty", "allowed_models": []},
]

KEYS = [
    {"name": "empty-noteam", "models": []},
    {"name": "mini", "models": ["gpt-4o-mini"]},
    {"name": "empty-team-mini", "models": [], "team_id": "team-mini"},
    {"name": "allteam-team-frontier", "models": ["all-team-models"], "team_id": "team-frontier"},
    {"name": "allteam-noteam", "models": ["all-team-models"]},
    {"name": "proxy", "models": ["all-proxy-models"]},
    {"name": "star", "models": ["*"]},
    {"name": "group-frontier", "models": ["frontier"]},
    {"name": "wild-openai", "models": ["openai/*"]},
    {"name": "wild-bedrock", "models": ["bedrock/*"]},
    {"name": "wild-name", "models": ["gpt-4o*"]},
    {"name": "mini-team-all", "models": ["gpt-4o-mini"], "team_id": "team-all"},
    {"name": "proxy-team-mini", "models": ["all-proxy-models"], "team_id": "team-mini"},
    {"name": "empty-team-proxy", "models": [], "team_id": "team-proxy"},
    {"name": "empty-team-wild", "models": [], "team_id": "team-wild"},
    {"name": "config-team-frontier", "models": ["gpt-4o-mini"], "team_id": "team-frontier", "config": {"max_tokens": 10}},
    {"name": "empty-user-mini", "models": [], "user_id": "user-mini"},
    {"name": "empty-team-all-user-mini", "models": [], "team_id": "team-all", "user_id": "user-mini"},
    {"name": "gpt4o-user-mini", "models": ["gpt-4o"], "user_id": "user-mini"},
    {"name": "empty-user-nodefault", "models": [], "user_id": "user-nodefault"},
    {"name": "empty-team-mini-user-nodefault", "models": [], "team_id": "team-mini", "user_id": "user-nodefault"},
    {"name": "db-group", "models": ["db-group"]},
    {"name": "mini-team-blocked", "models": ["gpt-4o-mini"], "team_id": "team-blocked"},
    {"name": "empty-team-frontier-member-opus", "models": [], "team_id": "team-frontier", "user_id": "member-opus"},
    {"name": "allteam-team-frontier-member-opus", "models": ["all-team-models"], "team_id": "team-frontier", "user_id": "member-opus"},
    {"name": "empty-team-all-member-cheap", "models": [], "team_id": "team-all", "user_id": "member-cheap"},
    {"name": "empty-team-proxy-member-openai", "models": [], "team_id": "team-proxy", "user_id": "member-openai"},
    {"name": "empty-team-mini-member-empty", "models": [], "team_id": "team-mini", "user_id": "member-empty"},
    {"name": "empty-team-mini-member-opus", "models": [], "team_id": "team-mini", "user_id": "member-opus"},
]


async def litellm_decides(router, key, model):
    """(allowed, LiteLLM's error type or None) for `key` asking for `model`."""
    team = next((t for t in TEAMS if t["team_id"] == key.get("team_id")), None)
    user = next((u for u in USERS if u["user_id"] == key.get("user_id")), None)
    token = UserAPIKeyAuth(
        token=hash_token("sk-" + key["name"]), models=key["models"], team_id=key.get("team_id"),
        user_id=key.get("user_id"), config=key.get("config", {}), team_models=team["models"] if team else [],
    )
    try:
        skip_key_check = token.config or "all-team-models" in token.models
        if not skip_key_check:
            await auth_checks.can_key_call_model(model=model, llm_model_list=MODEL_LIST, valid_token=token, llm_router=router)
        if team is not None:
            if team.get("blocked"):
                return False, "team_blocked"
            team_object = LiteLLM_TeamTable(team_id=team["team_id"], models=team["models"])
            await auth_checks.can_team_access_model(model=model, team_object=team_object, llm_router=router)
            if token.user_id is not None:
                member = next((m for m in MEMBERS if m["team_id"] == team["team_id"] and m["user_id"] == token.user_id), None)
                membership = None if member is None else LiteLLM_TeamMembership(
                    user_id=member["user_id"], team_id=member["team_id"], budget_id="budget-" + member["user_id"],
                    litellm_budget_table=LiteLLM_BudgetTable(allowed_models=member["allowed_models"]))
                await auth_checks.check_team_member_model_access(
                    model=model, team_object=team_object, valid_token=token, llm_router=router, prisma_client=None,
                    user_api_key_cache=None, proxy_logging_obj=None, team_membership=membership, team_membership_loaded=True)
        elif user is not None:
            await auth_checks.can_user_call_model(
                model=model, llm_router=router, user_object=LiteLLM_UserTable(user_id=user["user_id"], models=user["models"]))
        return True, None
    except ProxyException as error:
        return False, str(error.type)


async def main():
    router = litellm.Router(model_list=MODEL_LIST)
    cases = []
    for key in KEYS:
        for entry in MODEL_LIST:
            allowed, error_type = await litellm_decides(router, key, entry["model_name"])
            cases.append({"key": key["name"], "model": entry["model_name"], "litellm_allows": allowed, "litellm_error": error_type})
    rows = {
        "keys": [{"key": "sk-" + k["name"], "token": hash_token("sk-" + k["name"]), "key_alias": k["name"], "models": k["models"],
                  "team_id": k.get("team_id"), "user_id": k.get("user_id"), "config": json.dumps(k.get("config", {}))} for k in KEYS],
        "teams": [{"team_id": t["team_id"], "models": t["models"], "blocked": t.get("blocked", False)} for t in TEAMS],
        "users": USERS,
        "team_members": MEMBERS,
    }
    out = pathlib.Path(__file__).resolve().parents[1] / "ModelgateLiteLLMTests" / "Fixtures" / "rule-vectors.json"
    out.write_text(json.dumps({"generator": "Tests/litellm/make_rule_vectors.py", "litellm": litellm.__version__ if hasattr(litellm, "__version__") else "pinned",
                               "model_list": MODEL_LIST, "rows": rows, "cases": cases}, indent=1) + "\n")
    allowed = sum(1 for c in cases if c["litellm_allows"])
    print(f"wrote {len(cases)} cases ({allowed} allowed by LiteLLM) to {out}")


if __name__ == "__main__":
    asyncio.run(main())
