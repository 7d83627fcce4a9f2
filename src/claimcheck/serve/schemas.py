"""Request and response shapes of the HTTP API; the limits live here so the OpenAPI document states them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
MAX_BATCH_TEXT_CHARS = 20_000
MAX_BATCH = 100
MAX_URL_CHARS = 2_048

Lang = Literal["auto", "en", "zh"]


class CheckRequest(BaseModel):
    """Exactly one of `text` or `url`; `lang` forces the language (default: detect per paragraph)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["url"]}]}
    )

    # null is accepted for an absent field, but the document only advertises strings
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | SkipJsonSchema[None] = Field(
        None, description="The text to check."
    )
    url: Annotated[str, Field(max_length=MAX_URL_CHARS)] | SkipJsonSchema[None] = Field(
        None, description="An http(s) page to fetch and check."
    )
    lang: Lang | SkipJsonSchema[None] = Field(None, description="auto (default), en or zh.")

    @model_validator(mode="after")
    def _one_source(self) -> CheckRequest:
        if (self.text is None) == (self.url is None):
            raise ValueError("give exactly one of 'text' or 'url'")
        return self


class BatchRequest(BaseModel):
    """Up to MAX_BATCH texts checked in one call; results come back in the same order."""

    model_config = ConfigDict(extra="forbid")

    texts: list[Annotated[str, Field(max_length=MAX_BATCH_TEXT_CHARS)]] = Field(..., min_length=1, max_length=MAX_BATCH)
    lang: Lang | SkipJsonSchema[None] = Field(None, description="auto (default), en or zh.")


class ErrorDetail(BaseModel):
    code: str
    message: str
    hint: str | None = None  # what to try instead, for the person using the page
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: {"error": {"code": ..., "message": ...}}."""

    error: ErrorDetail


class Finding(BaseModel):
    """One flagged claim; `start`/`end` are a half-open span into the text that was sent."""

    model_config = ConfigDict(extra="allow")

    quote: str
    start: int
    end: int
    category: str
    severity: Literal["low", "medium", "high"]
    confidence: float
    rule_id: str
    explanation: dict[str, str]
    facts: list[dict[str, Any]]


class Report(BaseModel):
    """The Report JSON (the same document `claimcheck check --format json` prints)."""

    model_config = ConfigDict(extra="allow")

    schema_version: str
    flagged: bool
    risk: float = Field(..., ge=0, le=1)
    max_severity: Literal["low", "medium", "high"] | None
    categories: list[str]
    language: str
    findings: list[Finding]
    facts_as_of: str
    stale_facts: int = Field(0, ge=0, description="Cited facts past their recheck date (each fact has `stale`).")


class BatchResponse(BaseModel):
    results: list[Report]


class FactsResponse(BaseModel):
    as_of: str
    facts: list[dict[str, Any]]


class RulesResponse(BaseModel):
    packs: list[str]
    categories: list[dict[str, Any]]
    rules: list[dict[str, Any]]


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    rules: int
    facts: int
    facts_as_of: str
