"""The JSON API's OpenAPI 3 document, generated from the routes themselves: each route is declared once with
``Endpoint`` (its path, parameters, answer model and who may call it), and both the Flask view and the document
come from that declaration; the answer models are pydantic models, whose JSON Schema goes in as they are."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

REF = "#/components/schemas/{model}"
PERIOD_PATTERN = r"^\s*(?:[Ff][Yy])?\s*\d{2}(?:\d{2})?\s*[Qq][1-4]\s*$"  # FY2019Q3, FY19Q3, fy2019 q3, 2012Q1


class Problem(BaseModel):
    """Every answer that is not a success: what went wrong, in one sentence."""

    error: str
    status: int


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # path | query
    description: str
    required: bool = True
    example: str | None = None
    pattern: str | None = None  # what the value must look like (a regular expression)


@dataclass(frozen=True)
class Endpoint:
    path: str  # /programmes/{code}
    summary: str
    answer: type[BaseModel]
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    staff_only: bool = False
    errors: tuple[int, ...] = (401, 403, 404, 429)
    tags: tuple[str, ...] = field(default=("programmes",))

    @property
    def flask_rule(self) -> str:
        return self.path.replace("{", "<").replace("}", ">")


ERRORS = {
    400: "The request's parameters are not what the route expects (the error says which and why).",
    401: "No token, or a token that is unknown, revoked or expired, or whose user is disabled.",
    403: "The token's user may not read this (another donor's programme, or staff-only data).",
    404: "No such programme, or no such route.",
    405: "Another method than GET: the API only reads (Allow says which methods are allowed).",
    429: "More requests this minute than the token may make; Retry-After says when to try again.",
}
HEADERS = {
    429: {
        "Retry-After": {
            "description": "Seconds to wait before asking again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    405: {"Allow": {"description": "The methods this route answers.", "schema": {"type": "string"}}},
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: a bearer token.",
            "schema": {"type": "string"},
        }
    },
}


def document(endpoints: list[Endpoint], *, title: str, version: str, base: str) -> dict:
    """The OpenAPI 3.1 document for ``endpoints``, served under ``base``."""
    schemas: dict = {}

    def schema(model: type[BaseModel]) -> dict:
        generated = model.model_json_schema(ref_template=REF)
        for name, definition in generated.pop("$defs", {}).items():
            schemas[name] = definition
        schemas[model.__name__] = generated
        return {"$ref": REF.format(model=model.__name__)}

    problem = schema(Problem)
    paths: dict = {}
    for endpoint in endpoints:
        responses = {
            "200": {
                "description": endpoint.summary,
                "content": {"application/json": {"schema": schema(endpoint.answer)}},
            }
        }
        for status in (*endpoint.errors, 405):
            responses[str(status)] = {
                "description": ERRORS[status],
                "content": {"application/json": {"schema": problem}},
                **({"headers": HEADERS[status]} if status in HEADERS else {}),
            }
        operation = {
            "summary": endpoint.summary,
            "description": endpoint.description + (" Staff accounts only." if endpoint.staff_only else ""),
            "operationId": endpoint.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
            or "root",
            "tags": list(endpoint.tags),
            "parameters": [
                {
                    "name": p.name,
                    "in": p.where,
                    "required": p.required or p.where == "path",
                    "description": p.description,
                    "schema": {"type": "string", **({"pattern": p.pattern} if p.pattern else {})},
                    **({"example": p.example} if p.example else {}),
                }
                for p in endpoint.parameters
            ],
            "responses": responses,
            "security": [{"bearer": []}],
        }
        paths[base + endpoint.path] = {"get": operation}
    return {
        "openapi": "3.1.0",  # JSON Schema 2020-12, as pydantic writes it
        "info": {
            "title": title,
            "version": version,
            "description": "Read-only figures and logframes of ctmonitor, for partners' systems. Every request "
            "needs a personal access token (`ctmonitor tokens add`, or the Account page), sent "
            "as `Authorization: Bearer <token>`; it reads what its user may read.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
