"""The workbench's local web server: Starlette on uvicorn, bound to 127.0.0.1 only.

Security, in the order a request meets it:

* the server listens on 127.0.0.1, never another interface;
* the ``Host`` header must name that address and port (a page on another site cannot
  reach the server through a DNS name made to point at 127.0.0.1);
* every request carries the random token of the URL the workbench printed (in the query
  for the page and its two assets, in the ``X-Workbench-Token`` header for the data);
* a change is a POST of JSON, with the token in the header (which a form on another site
  cannot send) and an ``Origin`` of the workbench itself; its body is at most
  ``MAX_BODY`` bytes;
* no request names a file: the page and its assets are a fixed set packaged with the
  tool, and the only file written is the review file given on the command line;
* the page builds every text from the data with ``textContent``, and the Content
  Security Policy allows no script but the packaged one, so a transcript holding
  ``<script>`` shows as text.
"""

from __future__ import annotations

import hmac
import json
import secrets
import socket
import threading
import webbrowser
from importlib import resources
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..inputs.locking import hold_without_waiting
from ..inputs.review_file import review_target
from ..model.errors import InputError
from .study import RequestError, Workbench

#: The largest request body accepted: a decision with its note is well under 4 KiB.
MAX_BODY = 64 * 1024
ADDRESS = "127.0.0.1"
TOKEN_HEADER = "X-Workbench-Token"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def make_app(workbench: Workbench, token: str, port: int) -> Starlette:
    """The ASGI application serving ``workbench`` to requests that carry ``token``."""
    hosts = {f"{ADDRESS}:{port}", f"localhost:{port}"}
    origins = {f"http://{host}" for host in hosts}
    page = _asset("index.html").decode("utf-8")

    def refused(status: int, why: str) -> Response:
        return Response(why, status_code=status, media_type="text/plain", headers=SECURITY_HEADERS)

    def check(request: Request, *, change: bool) -> Response | None:
        if request.headers.get("host", "") not in hosts:
            return refused(403, "unknown host")
        given = request.headers.get(TOKEN_HEADER, "")
        if not change and not given:
            given = request.query_params.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return refused(403, "this request does not carry the workbench's token")
        if change:
            if request.headers.get("origin", "") not in origins:
                return refused(403, "changes are accepted only from the workbench's own page")
            if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
                return refused(403, "changes are accepted only from the workbench's own page")
            if request.headers.get("content-type", "").split(";")[0] != "application/json":
                return refused(415, "send JSON")
        return None

    def json_response(data: object, status: int = 200) -> JSONResponse:
        return JSONResponse(data, status_code=status, headers=SECURITY_HEADERS)

    async def index(request: Request) -> Response:
        if (problem := check(request, change=False)) is not None:
            return problem
        html = page.replace("{{token}}", token).replace("{{lang}}", workbench.language)
        return Response(html, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    async def asset(request: Request) -> Response:
        if (problem := check(request, change=False)) is not None:
            return problem
        name = request.path_params["name"]
        if name not in ASSETS:
            return refused(404, "not found")
        return Response(_asset(name), media_type=ASSETS[name], headers=SECURITY_HEADERS)

    async def study(request: Request) -> Response:
        if (problem := check(request, change=False)) is not None:
            return problem
        return json_response(workbench.study())

    async def state(request: Request) -> Response:
        if (problem := check(request, change=False)) is not None:
            return problem
        return json_response(workbench.state())

    def change(method):
        async def endpoint(request: Request) -> Response:
            if (problem := check(request, change=True)) is not None:
                return problem
            length = request.headers.get("content-length", "")
            if length and (not length.isdigit() or int(length) > MAX_BODY):
                return refused(413, f"a request is at most {MAX_BODY} bytes")
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    return refused(413, f"a request is at most {MAX_BODY} bytes")
            try:
                data = json.loads(body)
            except ValueError:
                return refused(400, "not JSON")
            if not isinstance(data, dict):
                return refused(400, "a JSON object expected")
            try:
                return json_response(method(data))
            except (RequestError, InputError) as error:
                return json_response({"error": str(error)}, 400)
            except OSError as error:
                return json_response(
                    {"error": f"{workbench.review}: cannot save: {error.strerror or error}"}, 500
                )

        return endpoint

    async def no_icon(request: Request) -> Response:
        """Browsers ask for an icon unasked; answering with nothing keeps the log clean."""
        return Response(status_code=204, headers=SECURITY_HEADERS)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/favicon.ico", no_icon),
            Route("/static/{name}", asset),
            Route("/api/study", study),
            Route("/api/state", state),
            Route("/api/decide", change(workbench.decide), methods=["POST"]),
            Route("/api/undo", change(workbench.undo), methods=["POST"]),
            Route("/api/resolve", change(workbench.resolve), methods=["POST"]),
        ]
    )


def instance_lock(review: Path) -> Path:
    """The lock a running workbench holds on its review file (beside the file a link
    leads to, hidden), so that two links to one file are one workbench's too."""
    review = review_target(review)
    return review.with_name(f".{review.name}.workbench.lock")


class WorkbenchServer:
    """A workbench served on 127.0.0.1: the port is taken and the instance lock held as
    soon as it is made, so the URL is known before it serves."""

    def __init__(self, workbench: Workbench, port: int = 0) -> None:
        self.workbench = workbench
        try:
            self._held = hold_without_waiting(instance_lock(workbench.review))
        except OSError as error:
            raise InputError(
                workbench.review, f"cannot write beside the review file: {error.strerror}"
            ) from None
        if self._held is None:
            raise InputError(
                workbench.review,
                "a workbench is already open on this review file; use its page, or stop it "
                "(Ctrl-C in its terminal) first",
            )
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.socket.bind((ADDRESS, port))
        except OSError as error:
            self.close()
            raise InputError("--port", f"cannot listen on port {port}: {error.strerror}") from None
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.token = secrets.token_urlsafe(32)
        self.url = f"http://{ADDRESS}:{self.port}/?token={self.token}"
        app = make_app(workbench, self.token, self.port)
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_keep_alive=5,
            limit_concurrency=32,
            h11_max_incomplete_event_size=16 * 1024,
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self, open_browser: bool = False) -> None:
        """Serve until Ctrl-C (or ``stop``); the browser is opened through ``webbrowser``,
        which honours ``BROWSER``."""
        if open_browser:
            threading.Timer(0.3, webbrowser.open, (self.url,)).start()
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.close()

    def start(self) -> WorkbenchServer:
        """Serve in a background thread (for tests and notebooks); ``stop`` ends it."""
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            threading.Event().wait(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def close(self) -> None:
        self.socket.close()
        if self._held is not None:
            self._held.close()
            self._held = None
