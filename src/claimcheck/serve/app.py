"""The HTTP service: JSON API under /v1, the web page at /, an OpenAPI document at /openapi.json.

The Checker is built once when the app starts (lifespan) and shared; every check runs in a worker thread so
the event loop keeps answering while a long text is analysed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anyio
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from claimcheck import __version__
from claimcheck.errors import FetchError
from claimcheck.model import CATEGORIES, Report
from claimcheck.report import claimreview
from claimcheck.report import json as report_json
from claimcheck.report.i18n import CATEGORY_LABELS
from claimcheck.serve import errors, schemas
from claimcheck.serve.middleware import BodyLimit, SecurityHeaders

if TYPE_CHECKING:
    from claimcheck.checker import Checker

STATIC = Path(__file__).resolve().parent / "static"
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f]")
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": schemas.ErrorBody,
        "description": "Bad JSON, bad input, or a URL that is refused (bad_url, bad_scheme, blocked_address).",
    },
    413: {"model": schemas.ErrorBody, "description": "Body, text or batch over the limit."},
    422: {"model": schemas.ErrorBody, "description": "The body does not match the schema (e.g. missing field)."},
}
_URL_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": schemas.ErrorBody, "description": "The site's robots.txt forbids fetching the page."},
    501: {"model": schemas.ErrorBody, "description": "URL checks are not available in this installation."},
    503: {
        "model": schemas.ErrorBody,
        "description": "Too many URL checks in progress; retry after Retry-After seconds.",
    },
    502: {
        "model": schemas.ErrorBody,
        "description": "The page could not be fetched (DNS, refused, HTTP error, wrong type).",
    },
    504: {"model": schemas.ErrorBody, "description": "The page took too long to fetch."},
}
_JSONLD = {"application/ld+json": {"schema": {"type": "object", "description": "schema.org ClaimReview JSON-LD"}}}

router = APIRouter()


def create_app(
    checker: Checker | None = None, allow_private: bool = False, url_limits: Any = None, today: dt.date | None = None
) -> FastAPI:
    """The ASGI app; pass a ready Checker to share one (tests), or let the app build the default at start.

    `url_limits` (a serve.urlchecks.UrlLimits) bounds URL checks; by default from the environment. `today`
    pins the day reports judge facts stale by (tests); by default the real date of each request."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from claimcheck import default_checker

        ready = checker if checker is not None else await anyio.to_thread.run_sync(default_checker)
        await anyio.to_thread.run_sync(_warm_up, ready)
        app.state.checker = ready
        yield

    app = FastAPI(
        title="claimcheck",
        version=__version__,
        summary="Flags and explains stem-cell 'cure' marketing for stroke in English and Chinese text.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the service must work offline
        redoc_url=None,
    )
    app.state.allow_private = allow_private
    app.state.today = today
    app.state.url_limits = url_limits
    app.state.url_checks = None  # made on first use, inside the server's event loop
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=schemas.MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def run(host: str = "127.0.0.1", port: int = 8000, allow_private: bool = False) -> None:
    """Serve the app under uvicorn until interrupted (what `claimcheck serve` calls)."""
    import uvicorn

    from claimcheck.serve.urlchecks import UrlLimits

    limits = UrlLimits.from_env()  # a bad setting fails at start, not on the first URL check
    uvicorn.run(create_app(allow_private=allow_private, url_limits=limits), host=host, port=port, log_level="info")


@router.post(
    "/v1/check",
    response_model=None,
    responses={200: {"model": schemas.Report, "content": _JSONLD}, **_ERRORS, **_URL_ERRORS},
    summary="Check one text or one web page",
)
async def check(
    body: schemas.CheckRequest,
    request: Request,
    format: Literal["json", "claimreview"] = Query("json", description="json (the Report) or claimreview (JSON-LD)."),
) -> Response:
    """Answer the Report JSON (or, with ?format=claimreview, schema.org ClaimReview JSON-LD)."""
    checker = request.app.state.checker
    lang = _lang(body.lang)
    if body.url is not None:
        report = await _check_url(body.url, request, lang)
    else:
        report = await run_in_threadpool(
            partial(checker.check_text, body.text or "", lang=lang, source={"kind": "text"})
        )
    today = _today(request)
    if format == "claimreview":
        return Response(claimreview.render(report, today=today), media_type="application/ld+json")
    return JSONResponse(report_json.to_dict(report, today=today))


@router.post(
    "/v1/check/batch", response_model=schemas.BatchResponse, responses=_ERRORS, summary="Check up to 100 texts"
)
async def check_batch(body: schemas.BatchRequest, request: Request) -> JSONResponse:
    """Answer {"results": [Report, ...]} in the order the texts were given."""
    checker = request.app.state.checker
    lang = _lang(body.lang)
    today = _today(request)

    def check_all() -> list[dict[str, Any]]:
        return [
            report_json.to_dict(checker.check_text(t, lang=lang, source={"kind": "text", "index": i}), today=today)
            for i, t in enumerate(body.texts)
        ]

    return JSONResponse({"results": await run_in_threadpool(check_all)})


@router.get("/v1/facts", response_model=schemas.FactsResponse, summary="The dated, sourced facts")
async def facts(request: Request) -> JSONResponse:
    """Every fact in the knowledge base, with its as_of and recheck_by dates and sources."""
    kb = request.app.state.checker.kb
    items = [f.to_dict() | {"topic": f.topic, "jurisdictions": list(f.jurisdictions), "note": f.note} for f in kb]
    return JSONResponse({"as_of": kb.as_of(), "facts": items})


@router.get("/v1/rules", response_model=schemas.RulesResponse, summary="The rule packs and categories")
async def rules(request: Request) -> JSONResponse:
    """Every rule (id, pack, category, severity, languages, facts, message) and the category labels."""
    ruleset = request.app.state.checker.rules
    categories = [
        {"id": c, "label": dict(zip(("en", "zh"), CATEGORY_LABELS.get(c, (c, c)), strict=True))} for c in CATEGORIES
    ]
    items = [
        {
            "id": r.id,
            "pack": r.pack,
            "category": r.category,
            "severity": r.severity,
            "languages": list(r.languages),
            "facts": list(r.facts),
            "message": {"en": r.message_en, "zh": r.message_zh},
        }
        for r in ruleset.rules
    ]
    return JSONResponse({"packs": ruleset.packs, "categories": categories, "rules": items})


@router.get("/healthz", response_model=schemas.Health, summary="Liveness: the checker is loaded")
async def healthz(request: Request) -> JSONResponse:
    """200 once the rules, facts and model are loaded."""
    checker = request.app.state.checker
    body = {
        "status": "ok",
        "version": __version__,
        "rules": len(checker.rules.rules),
        "facts": len(checker.kb),
        "facts_as_of": checker.facts_as_of,
    }
    return JSONResponse(body)


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    """The web page."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


def _warm_up(checker: Checker) -> None:
    """Load what the checker loads lazily (rule patterns, the classifier) before the first request."""
    checker.warm()
    checker.check_text("Stem cells cure stroke. 干细胞能治愈中风。")


def _today(request: Request) -> dt.date:
    return request.app.state.today or dt.date.today()


def _lang(lang: str | None) -> str | None:
    return None if lang in (None, "auto") else lang


async def _check_url(url: str, request: Request, lang: str | None) -> Report:
    """Fetch through the safe fetcher (address guard, size, type and time limits), through the URL-check gate."""
    url = url.strip()
    if _UNSAFE_URL_CHARS.search(url):  # the fetcher's URL parser rejects these with a non-FetchError
        raise FetchError(f"not a valid URL (spaces or control characters): {url[:200]!r}", "bad_url")
    state = request.app.state
    if state.url_checks is None:
        try:
            from claimcheck.serve.urlchecks import UrlChecks, UrlLimits
        except ImportError:
            raise HTTPException(501, "URL checks are not available in this installation") from None
        state.url_checks = UrlChecks(state.url_limits or UrlLimits.from_env())
    return await state.url_checks.check(url, checker=state.checker, lang=lang, allow_private=state.allow_private)
