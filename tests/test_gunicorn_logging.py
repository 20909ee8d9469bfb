"""The web server's access log hides the secrets in download and acknowledgement links."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from compliance.gunicorn_logging import RedactingLogger, hide_secrets

ROOT = Path(__file__).resolve().parents[1]


def test_secret_parts_of_paths_are_hidden() -> None:
    assert hide_secrets("GET /download/AbC-12_xyz/ HTTP/1.1") == "GET /download/[hidden]/ HTTP/1.1"
    assert hide_secrets("/request/sent/MTI:1tQ:abc/") == "/request/sent/[hidden]/"
    assert hide_secrets("/download/tok?x=1") == "/download/[hidden]?x=1"
    assert hide_secrets("GET /dsar/12/answer/delivery/ HTTP/1.1") == "GET /dsar/12/answer/delivery/ HTTP/1.1"


def test_the_logger_class_hides_them_in_the_request_line_and_path() -> None:
    logger = RedactingLogger(Config())
    request = SimpleNamespace(
        headers=[], method="POST", path="/download/secret-token/package/", query="", version=(1, 1),
        uri="/download/secret-token/package/",
    )  # fmt: skip
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    path = "/download/secret-token/package/"
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1"}
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=5))
    assert not [key for key, value in atoms.items() if "secret-token" in str(value)]
    assert "/download/[hidden]/package/" in atoms["r"]


def test_the_run_script_and_the_service_use_it() -> None:
    for path in ("scripts/run", "docs/systemd/obscura-web.service"):
        assert "--logger-class compliance.gunicorn_logging.RedactingLogger" in (ROOT / path).read_text(), path
