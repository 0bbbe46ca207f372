"""The Milvus RESTful API v2 as an ASGI (Starlette) app over one ``Service``.

Every ``POST /v2/vectordb/<resource>/<action>`` is looked up in the REST route table; the body is parsed with
orjson, the handler decodes it into ops, runs them on a worker thread (never on the event loop) with a
``CallContext`` (database from body/header, user from ``Authorization``, deadline from ``Request-Timeout``), and
the payload is encoded on that thread too. Errors are ``{"code", "message"}`` with HTTP 200, except 401 (bad
credentials), 403 (a privilege the caller's roles lack: code 1401), 408 (deadline), 413 (body over the size
limit), 404 (unknown path, plain text) and 500 (a bug, logged with its traceback; the server keeps serving).
``OPTIONS`` answers the CORS pre-flight with 204.
Also served: ``GET /healthz`` and the OpenAPI document at ``GET /v2/vectordb/openapi.json``. One access-log line
per request goes to the ``azimuth.rest.access`` logger.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from azimuth import __version__
from azimuth.codec.rest import errors as rest_errors
from azimuth.codec.rest.body import RestRequest, parse_body
from azimuth.codec.rest.table import BASE, ROUTES, ensure_routes
from azimuth.codec.rest.values import dumps
from azimuth.errors import Code, MilvusException
from azimuth.ops.base import CallContext, Op
from azimuth.service.privileges import PermissionDenied

log = logging.getLogger("azimuth.rest")
access = logging.getLogger("azimuth.rest.access")

JSON = "application/json; charset=utf-8"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Headers": "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, "
                                    "accept, origin, Cache-Control, X-Requested-With",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH",
    "X-Content-Type-Options": "nosniff",
}
DEFAULT_TIMEOUT = 30.0


@dataclass
class RestSettings:
    """Limits of the REST app: body size (bytes), default deadline (s), worker threads."""

    max_body: int = 64 * 1024 * 1024
    timeout: float = DEFAULT_TIMEOUT
    workers: int = 16


class _Unauthenticated(Exception):
    pass


class _AuthContext:
    """The piece of a gRPC servicer context ``Authenticator.check`` reads, built from an HTTP token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def invocation_metadata(self) -> list[tuple[str, str]]:
        return [("authorization", base64.b64encode(self._token.encode()).decode())] if self._token else []

    def abort(self, code: Any, message: str) -> None:
        raise _Unauthenticated(message)


def http_token(header: str) -> str:
    """``user:password`` (or an API key) from ``Basic <b64>``, ``Bearer user:password`` or a bare token."""
    header = header.strip()
    if header[:6].lower() == "basic ":
        try:
            return base64.b64decode(header[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return header


class RestApp:
    """Holds the service, the optional authenticator and the worker pool; ``asgi`` is the Starlette app."""

    def __init__(self, service: Any, auth: Any = None, settings: RestSettings | None = None) -> None:
        ensure_routes()
        self.service = service
        self.auth = auth
        self.settings = settings or RestSettings()
        self.routes = dict(ROUTES)
        self._pool = ThreadPoolExecutor(max_workers=self.settings.workers, thread_name_prefix="azimuth-rest")
        self._openapi: bytes | None = None
        self.asgi = Starlette(routes=[
            Route("/healthz", self.health, methods=["GET", "HEAD"]),
            Route(BASE + "/openapi.json", self.openapi, methods=["GET"]),
            Route("/{path:path}", self.dispatch, methods=["POST", "OPTIONS", "GET", "PUT", "DELETE", "PATCH", "HEAD"]),
        ])

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # ---- small endpoints ---------------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return Response(dumps({"status": "ok", "version": __version__}), media_type=JSON)

    async def openapi(self, request: Request) -> Response:
        if self._openapi is None:
            from azimuth.server.rest_openapi import document

            self._openapi = dumps(document(self.routes))
        return Response(self._openapi, media_type=JSON)

    # ---- the API -----------------------------------------------------------------------------------------
    async def dispatch(self, request: Request) -> Response:
        started = time.perf_counter()
        path = request.url.path
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=CORS)
        entry = self.routes.get(path.rstrip("/")) if request.method == "POST" else None
        if entry is None:
            self._log(request, path, 404, None, started)
            return PlainTextResponse("404 page not found", status_code=404)
        status, payload, code = await self._answer(request, entry)
        self._log(request, path, status, code, started)
        return Response(payload, status_code=status, media_type=JSON, headers=CORS)

    async def _answer(self, request: Request, entry: Any) -> tuple[int, bytes, int]:
        headers = request.headers
        size = headers.get("content-length")
        limit = self.settings.max_body
        if size is not None and size.isdigit() and int(size) > limit:
            return self._too_large(int(size))
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                return self._too_large(total)
            chunks.append(chunk)
        raw = b"".join(chunks)
        timeout = self._timeout(headers.get("request-timeout"))
        token = http_token(headers.get("authorization", ""))
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._pool, self._work, entry, raw, dict(headers), token, timeout)
        try:
            return await asyncio.wait_for(work, timeout)
        except asyncio.TimeoutError:
            return 408, dumps({"code": rest_errors.TIMEOUT, "message": "request timeout"}), rest_errors.TIMEOUT

    def _too_large(self, size: int) -> tuple[int, bytes, int]:
        limit = self.settings.max_body
        message = (f"request body too large: {size} bytes, the limit is {limit} bytes; split the request (e.g. "
                   "insert fewer rows per call) or raise the server's --max-request-mb")
        return 413, dumps({"code": int(Code.PARAMETER_TOO_LARGE), "message": message}), int(Code.PARAMETER_TOO_LARGE)

    def _timeout(self, header: str | None) -> float:
        if header is not None:
            try:
                return max(1.0, float(int(header.strip())))
            except ValueError:
                pass
        return self.settings.timeout

    def _work(self, entry: Any, raw: bytes, headers: dict[str, str], token: str, timeout: float
              ) -> tuple[int, bytes, int]:
        """On a worker thread: authenticate, decode, run, encode."""
        try:
            user = self._authenticate(token)
            req = RestRequest(parse_body(raw), headers, entry.struct)
            req.validate(entry.props)
            ctx = CallContext(db_name=req.db, user=user, deadline=time.monotonic() + timeout)

            def run(op: Op) -> Any:
                return self.service.execute(op, ctx)

            payload = entry.handler(req, run)
            if "__raw__" in payload:
                return 200, dumps(payload["__raw__"]), 0
            return 200, dumps({"code": 0, **payload}), 0
        except _Unauthenticated:
            body = {"code": rest_errors.NOT_AUTHENTICATED, "message": "user hasn't authenticated"}
            return 401, dumps(body), rest_errors.NOT_AUTHENTICATED
        except PermissionDenied as exc:
            log.info("path=%s %s", entry.path, exc.message)
            return 403, dumps({"code": exc.code, "message": exc.message}), exc.code
        except MilvusException as exc:
            if not exc.is_input_error:
                log.warning("path=%s code=%s error=%s", entry.path, exc.code, exc.message)
            return 200, dumps(rest_errors.to_envelope(exc)), exc.code
        except Exception as exc:  # a bug: report it, keep serving
            log.exception("path=%s internal error", entry.path)
            return 500, dumps({"code": 500, "message": f"internal error: {type(exc).__name__}: {exc}"}), 500

    def _authenticate(self, token: str) -> str:
        if self.auth is None:
            return ""
        ctx = self.auth.check("Query", _AuthContext(token), CallContext())
        return ctx.user

    @staticmethod
    def _log(request: Request, path: str, status: int, code: int | None, started: float) -> None:
        if access.isEnabledFor(logging.INFO):
            client = request.client
            access.info('%s "%s %s" %s code=%s ms=%.2f', client.host if client else "-", request.method, path,
                        status, "-" if code is None else code, (time.perf_counter() - started) * 1000)


def build_app(service: Any, auth: Any = None, settings: RestSettings | None = None) -> RestApp:
    return RestApp(service, auth, settings)


__all__ = ["RestApp", "RestSettings", "build_app", "http_token"]
