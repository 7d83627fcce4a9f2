"""Every error the service answers with, mapped to an HTTP status in one place: {"error": {"code", "message"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from claimcheck.errors import ClaimcheckError, FetchError, InputError
from claimcheck.serve.messages import for_web

log = logging.getLogger("claimcheck.serve")

# FetchError.reason -> status: a URL we refuse to fetch is the caller's to fix (400); a page the site will not
# let us fetch (robots.txt) is 403; anything that went wrong upstream is 502, or 504 when it was too slow.
FETCH_STATUS = {
    "bad_url": 400,
    "bad_scheme": 400,
    "blocked_address": 400,
    "private_address": 400,
    "robots": 403,
    "robots_disallowed": 403,
    "timeout": 504,
}
HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    501: "not_available",
    503: "busy",
}
_TOO_LONG = {"string_too_long", "too_long"}


def error_response(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None, hint: str | None = None
) -> JSONResponse:
    """The one error body every 4xx and 5xx answer carries; `hint` says what to try instead."""
    error: dict[str, Any] = {"code": code, "message": message}
    if hint:
        error["hint"] = hint
    if details:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into error bodies."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(FetchError, _fetch)
    app.add_exception_handler(InputError, _input)
    app.add_exception_handler(ClaimcheckError, _internal)
    app.add_exception_handler(Exception, _internal)


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    """Bad JSON is 400, anything over a documented limit 413, any other schema violation 422."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    kinds = {e.get("type") for e in errors}
    details = [
        {"loc": [str(p) for p in e.get("loc", ())], "type": str(e.get("type")), "msg": str(e.get("msg"))}
        for e in errors
    ]
    if "json_invalid" in kinds:
        return error_response(400, "bad_json", "the request body is not valid JSON", details)
    if kinds & _TOO_LONG:
        too_long = next(d for d in details if d["type"] in _TOO_LONG)
        return error_response(413, "too_large", f"{_where(too_long['loc'])}: {too_long['msg']}", details)
    first = details[0] if details else {"loc": ["request"], "msg": "invalid request"}
    return error_response(422, "invalid_request", f"{_where(first['loc'])}: {first['msg']}", details)


def _where(loc: list[str]) -> str:
    """'texts.3' for ['body', 'texts', '3']; 'body' when the body itself is at fault."""
    return ".".join(loc[1:]) or (loc[0] if loc else "request")


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    hint = "Wait a few seconds and try again." if exc.status_code == 503 else None
    response = error_response(exc.status_code, code, str(exc.detail), hint=hint)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _fetch(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FetchError)
    message, hint = for_web(exc.reason, str(exc))  # the CLI's wording names flags a web user cannot pass
    return error_response(FETCH_STATUS.get(exc.reason, 502), exc.reason, message, hint=hint)


async def _input(_: Request, exc: Exception) -> JSONResponse:
    return error_response(400, "invalid_input", str(exc))


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "the server could not check this input")
