"""The OpenAPI document tells the truth: every operation declares the error answers it can actually give.

Most error answers do not come from a route's own code but from what every route of its kind goes
through: the API key check (401; 403 for a user filing for no organisation; 429 for an address guessing
keys), the store behind it (503 when it does not answer), ids in the path (404 for an id that does not
exist or is not yours), parameters and bodies (422) and bodies that must arrive in time (408). They are
added here, once for the whole document, from what each operation declares (security, parameters, a
body), so a new route is described correctly without repeating them. A route declares only answers of its
own (409, 413, a 403 for a role), and its description wins. Every error body is `errors.Problems`.
"""

from typing import Any

from fastapi import FastAPI

from safelane.service.errors import Problems

REF_PREFIX = "#/components/schemas/"
PROBLEMS = REF_PREFIX + Problems.__name__
AUTHENTICATED = {
    "401": "No API key, or an unknown one (`WWW-Authenticate: Bearer`)",
    "403": "This user may not do this: its role or office, it files for no organisation, or it is another "
    "agency's officer on a customs-only route",
    "429": "Too many unknown API keys from this address: retry after `Retry-After` seconds",
    "503": "The store is not answering: nothing was stored; retry after `Retry-After` seconds",
}
IDENTIFIED = {"404": "No such record, or not yours (the same answer, so ids of others do not leak)"}
INVALID = {"422": "A parameter or the body is invalid: each problem names its location"}
BODY = {"408": "The body did not arrive in time: send it again"}


def implied(operation: dict[str, Any]) -> dict[str, str]:
    """The error answers an operation gives through what it declares: a credential, parameters, a body."""
    answers: dict[str, str] = {}
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        answers |= AUTHENTICATED  # the key is looked up in the store
    if any(p.get("in") == "path" and p.get("name", "").endswith("_id") for p in parameters):
        answers |= IDENTIFIED
    if parameters or "requestBody" in operation:
        answers |= INVALID
    if "requestBody" in operation:
        answers |= BODY
    return answers


def declare(operation: dict[str, Any]) -> None:
    """Add the implied answers; every error answer without a body of its own gets the `Problems` body."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, description in implied(operation).items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        json = response.setdefault("content", {}).setdefault("application/json", {}) if status >= "4" else None
        if json is not None and (not json.get("schema") or json["schema"].get("$ref", "").endswith("ValidationError")):
            json["schema"] = {"$ref": PROBLEMS}  # FastAPI's own 422 body is rewritten into problems (errors.py)
        success = response.get("content", {}).get("application/json")
        if status.startswith("2") and success is not None and not success.get("schema"):
            success["schema"] = {"type": "object"}  # every JSON answer of ours is an object
    operation["responses"] = dict(sorted(responses.items()))


def complete(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            declare(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schema = Problems.model_json_schema(ref_template=REF_PREFIX + "{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[Problems.__name__] = schema
    return document


def install(app: FastAPI) -> None:
    """The document is built once, on first request, and completed before anyone reads it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
