"""The production shape's way in (docker-compose.yml, deploy/Caddyfile): TLS at the proxy, web
reachable through it only, forwarded headers trusted from the proxy's address alone."""

import re

import pytest
from django.conf import settings

yaml = pytest.importorskip("yaml")


def _compose():
    return yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())


def test_only_the_proxy_is_published_on_https_and_http():
    services = _compose()["services"]
    assert "ports" not in services["web"]
    assert services["proxy"]["image"] == "caddy:2"
    assert set(services["proxy"]["ports"]) == {"80:80", "443:443"}
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_gunicorn_trusts_the_forwarded_headers_of_the_proxy_address_only():
    compose = _compose()
    proxy_address = compose["services"]["proxy"]["networks"]["front"]["ipv4_address"]
    trusted = re.findall(r"--forwarded-allow-ips=(\S+)", compose["services"]["web"]["command"])
    assert trusted == [proxy_address]
    assert "front" in compose["services"]["web"]["networks"]
    # Nothing else shares the proxy's network with web.
    on_front = [name for name, svc in compose["services"].items() if "front" in svc.get("networks", ())]
    assert sorted(on_front) == ["proxy", "web"]


def test_the_proxy_terminates_tls_and_passes_to_gunicorn():
    caddyfile = (settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    lines = [line.strip() for line in caddyfile.splitlines()]
    directives = [line for line in lines if line and not line.startswith("#")]
    assert "tls internal" in directives and "reverse_proxy web:8000" in directives
    # Trusting upstream proxies would pass on a client's own X-Forwarded-Proto.
    assert not any("trusted_proxies" in line for line in directives)
