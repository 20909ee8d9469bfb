"""The web server's access log without the secrets some addresses carry: the token of a
requester's download link and the signed acknowledgement of a public request. Either
would let whoever reads the log open the requester's answer or request."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATHS = re.compile(r"(/download/|/request/sent/)[^/?\s]+")


def hide_secrets(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[hidden]", text)


class RedactingLogger(Logger):
    """gunicorn's logger with every text it can log (request line, path, referrer,
    environment values) passed through `hide_secrets`."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: hide_secrets(value) if isinstance(value, str) else value for key, value in atoms.items()}
