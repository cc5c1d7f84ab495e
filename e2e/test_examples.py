"""The example configurations as a user installs them: the README's `envsubst` commands give
exactly what the suite runs, Envoy validates both configs, nginx accepts both."""

import os
import re
import shutil
import subprocess

import pytest

from e2e import harness

NGINX_README = (harness.NGINX_EXAMPLES / "README.md").read_text()
ENVOY_README = (harness.ENVOY_EXAMPLES / "README.md").read_text()

SAMPLE = {
    "LISTEN": "8080", "TLS_LISTEN": "8443", "TLS_CERT": "/etc/nginx/modelgate.crt",
    "TLS_KEY": "/etc/nginx/modelgate.key", "MODELGATE_HTTP": "127.0.0.1:8181", "UPSTREAM": "127.0.0.1:4000",
    "NJS_DIR": "/etc/nginx/njs",
    "LISTEN_ADDRESS": "0.0.0.0", "LISTEN_PORT": "10000", "TLS_LISTEN_PORT": "10443",
    "MODELGATE_HOST": "127.0.0.1", "MODELGATE_HTTP_PORT": "8181", "MODELGATE_GRPC_PORT": "9191",
    "UPSTREAM_HOST": "127.0.0.1", "UPSTREAM_PORT": "4000",
}


def readme_envsubst_list(readme: str, template: str) -> str:
    """The variable list of the README's `envsubst '…' < …/template` command."""
    m = re.search(r"envsubst '([^']+)' \\\s*\n\s*< [\w-]+/" + re.escape(template), readme)
    assert m, f"README has no envsubst command for {template}"
    return m.group(1)


@pytest.mark.parametrize("readme,directory,template", [
    (NGINX_README, harness.NGINX_EXAMPLES, "modelgate-path.conf"),
    (NGINX_README, harness.NGINX_EXAMPLES, "modelgate-body.conf"),
    (ENVOY_README, harness.ENVOY_EXAMPLES, "envoy-http-ext-authz.yaml"),
    (ENVOY_README, harness.ENVOY_EXAMPLES, "envoy-grpc-ext-authz.yaml"),
])
def test_readme_envsubst_command_fills_every_placeholder(readme, directory, template):
    if not shutil.which("envsubst"):
        pytest.fail("envsubst missing (apt-get install gettext-base; scripts/e2e installs it)")
    text = (directory / template).read_text()
    variables = readme_envsubst_list(readme, template)
    out = subprocess.run(["envsubst", variables], input=text, capture_output=True, text=True,
                         env={**os.environ, **SAMPLE}, check=True).stdout
    assert not harness.PLACEHOLDER.search(out), "a placeholder is left"
    assert out == harness.render(text, SAMPLE), "envsubst and the suite's rendering differ"
    if template.endswith(".conf"):
        # nginx's own variables survive: envsubst only touches the listed names.
        assert "$request_uri" in out and "$upstream_http_authorization" in out


@pytest.mark.parametrize("template", list(harness.ENVOY_MODES.values()))
def test_envoy_config_validates(workdir, tls, template):
    cert, key = tls
    values = harness.envoy_values(10000, 10443, 8181, 9191, 4000, cert, key)
    config = workdir / f"validate-{template}"
    config.write_text(harness.render((harness.ENVOY_EXAMPLES / template).read_text(), values))
    result = harness.validate_envoy(config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


@pytest.mark.parametrize("mode", list(harness.NGINX_MODES))
def test_nginx_config_passes_nginx_t(workdir, tls, mode):
    cert, key = tls
    values = {**SAMPLE, "LISTEN": "127.0.0.1:18080", "TLS_LISTEN": "127.0.0.1:18443", "TLS_CERT": str(cert),
              "TLS_KEY": str(key), "NJS_DIR": str(harness.NGINX_EXAMPLES)}
    result = harness.nginx_test(harness.write_nginx_config(mode, workdir / f"nginx-t-{mode}", values))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
