"""The README's quick start, run as a new user runs it: every command of its code block in one
bash shell, from a fresh folder beside the repository's examples/. Only the build line is
replaced by the binary under test, and the ports by free ones; the commands must end in the
allows and denies the README promises."""

import re
import subprocess

from e2e import harness
from e2e.conftest import modelgate_binary


def quick_start_script(http: int, grpc: int) -> str:
    readme = (harness.ROOT / "README.md").read_text()
    section = readme.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    lines = [line[4:] for line in section.splitlines() if line.startswith("    ")]
    script = "\n".join(lines)
    build = 'swift build -c release && export PATH="$PWD/.build/release:$PATH"'
    assert build in script, "the quick start no longer builds the way this test replaces"
    script = script.replace(build, f'export PATH="{modelgate_binary().parent}:$PATH"')
    assert "modelgate serve " in script
    script = script.replace("modelgate serve ", f"modelgate serve --http 127.0.0.1:{http} --grpc 127.0.0.1:{grpc} ")
    return script.replace("127.0.0.1:8181", f"127.0.0.1:{http}")


def test_readme_quick_start_ends_in_allows_and_denies(tmp_path):
    (tmp_path / "examples").symlink_to(harness.ROOT / "examples")
    script = quick_start_script(harness.free_port(), harness.free_port())
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = run.stdout
    assert run.returncode == 0, f"exit {run.returncode}\n{out}\n{run.stderr}"
    assert "examples/config.yaml: OK" in out and "warnings:     0" in out, out
    statuses = re.findall(r"HTTP/1\.1 (\d{3})", out)
    assert statuses == ["200", "403", "200", "403"], out
    reasons = re.findall(r"^x-modelgate-reason: (\S+)", out, re.M | re.I)
    assert reasons == ["key_model_access_denied", "team_model_access_denied"], out
    assert "authorization: Bearer upstream-openai" in out and "authorization: Bearer upstream-bedrock" in out
    assert out.count('"allow":true') == 2, out  # /v1/decision and modelgate check
    assert out.rstrip().endswith("exit 0"), out
