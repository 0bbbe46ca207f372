"""The OpenAPI 3.0 document of the REST API, generated from the route table (served at
``GET /v2/vectordb/openapi.json``): one ``POST`` operation per path with its body keys, types and required keys,
and the ``{"code", "data"}`` / ``{"code", "message"}`` envelopes."""

from __future__ import annotations

from typing import Any

from azimuth import __version__

_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"}, "int": {"type": "integer"}, "bool": {"type": "boolean"},
    "number": {"type": "number"}, "object": {"type": "object"}, "list": {"type": "array", "items": {}},
    "list[str]": {"type": "array", "items": {"type": "string"}},
    "list[int]": {"type": "array", "items": {"type": "integer"}}, "any": {},
}

ENVELOPE = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "integer"}, "data": {}, "message": {"type": "string"}},
}


def _operation(route: Any) -> dict[str, Any]:
    props = {key: dict(_TYPES.get(kind, {})) for key, kind in route.props.items()}
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if route.required:
        schema["required"] = list(route.required)
    name = route.path.rsplit("/v2/vectordb/", 1)[-1]
    return {
        "summary": route.summary,
        "operationId": name.replace("/", "_"),
        "tags": [name.split("/", 1)[0]],
        "parameters": [
            {"name": "DB-Name", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "Accept-Type-Allow-Int64", "in": "header", "required": False, "schema": {"type": "string"}},
            {"name": "Request-Timeout", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "responses": {
            "200": {"description": "success (code 0) or an error envelope",
                    "content": {"application/json": {"schema": ENVELOPE}}},
            "401": {"description": "authentication failed (code 1800)"},
            "403": {"description": "the caller's roles lack the privilege (code 1401)",
                    "content": {"application/json": {"schema": ENVELOPE}}},
            "408": {"description": "deadline exceeded (code 10001)"},
            "413": {"description": "request body over the size limit"},
        },
    }


def document(routes: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Azimuth — Milvus RESTful API v2", "version": __version__,
                 "description": "Milvus-compatible REST API: every endpoint is POST with a JSON body."},
        "paths": {path: {"post": _operation(route)} for path, route in sorted(routes.items())},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


__all__ = ["document"]
