"""The web workers' settings: gunicorn.conf.py, used by the Dockerfile and docker-compose."""

from django.conf import settings
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.config import Config

from einvoice import validation

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"


def _gunicorn_config() -> Config:
    """The configuration as gunicorn itself reads the file (a misspelt hook would be ignored)."""
    application = WSGIApplication.__new__(WSGIApplication)
    application.cfg = Config()
    application.load_config_from_file(str(CONFIG))
    return application.cfg


def test_each_worker_compiles_the_validation_stylesheets_before_its_first_request(monkeypatch):
    monkeypatch.setattr(validation, "_compiled", {})
    monkeypatch.setattr(validation, "_schemas", {})
    _gunicorn_config().post_worker_init(None)
    for ruleset in (validation.CEN_CII, validation.FACTURX_EN16931, validation.CEN_UBL["invoice"]):
        assert {ruleset.rules, ruleset.br_fr} <= validation._compiled.keys()
        assert ruleset.xsd in validation._schemas


def test_the_web_service_runs_gunicorn_with_this_file(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = _gunicorn_config()
    assert config.bind == ["0.0.0.0:8000"] and config.workers == 3
    for name in ("Dockerfile", "docker-compose.yml"):
        assert "--config gunicorn.conf.py" in (settings.BASE_DIR / name).read_text().replace('", "', " ")
