"""A LiteLLM database with the seed scenario, for modelgate's Swift integration tests.

Starts PostgreSQL, applies LiteLLM's migrations, creates the SELECT-only role `modelgate_ro`,
writes rows as LiteLLM writes them, prints one JSON line (the read-only URL, the salt key, the
sk- keys by name), then runs one command per standard-input line (a JSON object, answered with
one JSON line) until its input closes, and removes the database.

Commands ({"op": ...}): new_key {models, team_id?, alias?} -> {key}; update_key {key, fields};
delete_key {key} (archived, as /key/delete); delete_key_by_hand {key} (a bare DELETE, no archive);
regenerate_key {key, grace_seconds?} -> {key}; update_team {team_id, fields}; delete_team {team_id}.
"""

import datetime as dt
import json
import sys

from litellm_db import LiteLLMWriter, Postgres, apply_migrations, grant_read_only, hash_token

SALT = "sk-salt-scenario-5b1f"


def seed(url: str) -> tuple[LiteLLMWriter, dict[str, str]]:
    """Writes the seed scenario's rows; returns the writer and the sk- keys by name."""
    w = LiteLLMWriter(url, SALT)
    w.new_organization("org-1", ["gpt-4o-mini", "claude-opus-4-7"])
    w.new_team("team-mini", ["gpt-4o-mini"], organization_id="org-1")
    w.new_team("team-frontier", ["frontier"], metadata={"tags": ["prod"]})
    w.new_team("team-blocked", [], blocked=True)
    w.new_user("user-mini", ["gpt-4o-mini"])
    keys = {
        "mini": w.new_key(["gpt-4o-mini"], alias="mini"),
        "entitled": w.new_key(["claude-opus-4-7"], alias="entitled"),
        "team-mini": w.new_key([], alias="team-mini", team_id="team-mini"),
        "all-team": w.new_key(["all-team-models"], alias="all-team", team_id="team-frontier"),
        "user-mini": w.new_key([], alias="user-mini", user_id="user-mini"),
        "blocked": w.new_key([], alias="blocked", blocked=True),
        "expired": w.new_key([], alias="expired", expires=dt.datetime(2020, 1, 1)),
        "in-blocked-team": w.new_key([], alias="in-blocked-team", team_id="team-blocked"),
        "deleted": w.new_key([], alias="deleted"),
        "db-model": w.new_key(["db-opus"], alias="db-model"),
        "any": w.new_key([], alias="any"),
    }
    w.delete_key(keys["deleted"])
    old = w.new_key(["gpt-4o-mini"], alias="rotated")
    keys["rotated-new"] = w.regenerate_key(old, dt.timedelta(hours=1))
    keys["rotated-old"] = old
    gone = w.new_key(["gpt-4o-mini"], alias="rotated-no-grace")
    keys["rotated-no-grace-new"] = w.regenerate_key(gone, None)
    keys["rotated-no-grace-old"] = gone
    w.new_model("db-opus", {"model": "bedrock/global.anthropic.claude-opus-4-7", "api_key": "sk-bedrock-db-secret"},
                {"access_groups": ["frontier"]})
    w.new_model("db-sonnet", {"model": "bedrock/us.anthropic.claude-sonnet-4-6", "api_key": "sk-bedrock-db-secret-2"},
                algorithm="aes-256-gcm")
    w.new_credential("db-cred", {"api_key": "sk-db-credential"}, {"custom_llm_provider": "bedrock"})
    return w, keys


def main() -> None:
    with Postgres() as pg:
        url = pg.create_database()
        apply_migrations(url)
        grant_read_only(url, "modelgate_ro", "ro-scenario-pw")
        w, keys = seed(url)
        print(json.dumps({"url": pg.url(user="modelgate_ro", password="ro-scenario-pw"), "salt_key": SALT, "keys": keys}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            print(json.dumps(run(w, command)), flush=True)
        w.close()


def run(w: LiteLLMWriter, command: dict) -> dict:
    op = command["op"]
    if op == "new_key":
        return {"key": w.new_key(command.get("models", []), alias=command.get("alias"), team_id=command.get("team_id"),
                                 user_id=command.get("user_id"))}
    if op == "update_key":
        w.update_key(command["key"], **command["fields"])
    elif op == "delete_key":
        w.delete_key(command["key"])
    elif op == "delete_key_by_hand":
        w.conn.execute('DELETE FROM "LiteLLM_VerificationToken" WHERE token = %s', (hash_token(command["key"]),))
    elif op == "regenerate_key":
        grace = command.get("grace_seconds")
        return {"key": w.regenerate_key(command["key"], dt.timedelta(seconds=grace) if grace else None)}
    elif op == "update_team":
        w.update_team(command["team_id"], **command["fields"])
    elif op == "delete_team":
        w.delete_team(command["team_id"])
    elif op == "add_team_member":
        return {"budget_id": w.add_team_member(command["team_id"], command["user_id"], command.get("allowed_models"))}
    elif op == "update_member_models":
        w.update_member_models(command["budget_id"], command["allowed_models"])
    elif op == "revoke_select":
        w.conn.execute(f'REVOKE SELECT ON "{command["table"]}" FROM modelgate_ro')
    else:
        return {"error": f"unknown op {op}"}
    return {"ok": True}


if __name__ == "__main__":
    main()
