"""The tool list (names, input schemas, annotations) is pinned: compatibility cannot change silently.

The 14 reference tool names must always be present with their reference parameters. To accept an intended change
to the tool list, run ``AZIMUTH_UPDATE_MCP_SNAPSHOT=1 pytest tests/mcp/test_snapshot.py`` and review the diff.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

from mcp import Client

from azimuth.mcp import MCPConfig, build_server
from azimuth.mcp.config import parse_toolsets
from azimuth.mcp.tools_admin import OPTIONAL_TOOLS

SNAPSHOT = Path(__file__).with_name("tool_snapshot.json")
PACKAGE = Path(__file__).resolve().parents[2] / "azimuth" / "mcp"

#: The reference server's tools and the parameters (with defaults) an agent may already pass.
REFERENCE = {
    "milvus_list_collections": {}, "milvus_list_databases": {}, "milvus_use_database": {"db_name": None},
    "milvus_get_collection_info": {"collection_name": None},
    "milvus_create_collection": {"collection_name": None, "auto_id": True, "dimension": 768,
                                 "primary_field_name": "id", "vector_field_name": "vector", "metric_type": "COSINE",
                                 "field_schema": None, "index_params": None, "other_kwargs": None},
    "milvus_load_collection": {"collection_name": None, "replica_number": 1},
    "milvus_release_collection": {"collection_name": None},
    "milvus_insert_data": {"collection_name": None, "data": None},
    "milvus_delete_entities": {"collection_name": None, "filter_expr": None},
    "milvus_query": {"collection_name": None, "filter_expr": None, "output_fields": None, "limit": 10},
    "milvus_vector_search": {"collection_name": None, "vector": None, "vector_field": None, "limit": 5,
                             "output_fields": None, "metric_type": None, "filter_expr": None, "radius": None,
                             "range_filter": None},
    "milvus_text_search": {"collection_name": None, "query_text": None, "limit": 5, "output_fields": None,
                           "drop_ratio": 0.2},
    "milvus_text_similarity_search": {"collection_name": None, "query_text": None, "anns_field": None, "limit": 5,
                                      "output_fields": None, "metric_type": None, "filter_expr": None,
                                      "radius": None, "range_filter": None},
    "milvus_hybrid_search": {"collection_name": None, "query_text": None, "text_field": None, "vector": None,
                             "vector_field": None, "limit": 5, "output_fields": None, "filter_expr": None,
                             "sparse_radius": None, "sparse_range_filter": None, "dense_radius": None,
                             "dense_range_filter": None},
}


async def _tools(tmp_path: Path) -> dict[str, dict]:
    config = MCPConfig(uri=str(tmp_path / "s.db"), toolsets=parse_toolsets("all"))
    async with Client(build_server(config), mode="legacy") as c:
        tools = (await c.list_tools()).tools
    return {t.name: {"input_schema": t.input_schema,
                     "annotations": t.annotations.model_dump(exclude_none=True) if t.annotations else {},
                     "has_output_schema": t.output_schema is not None} for t in sorted(tools, key=lambda t: t.name)}


async def test_tool_list_matches_snapshot(tmp_path: Path) -> None:
    optional = {fn.__name__ for fn, _, _ in OPTIONAL_TOOLS}  # present only when the SDK client has the method
    current = _normalise({k: v for k, v in (await _tools(tmp_path)).items() if k not in optional})
    if os.environ.get("AZIMUTH_UPDATE_MCP_SNAPSHOT") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text()), "tool list changed: see the module docstring"


def _normalise(value: object) -> object:
    return json.loads(json.dumps(value, sort_keys=True))


async def test_reference_tools_keep_names_parameters_and_defaults(tmp_path: Path) -> None:
    tools = await _tools(tmp_path)
    for name, params in REFERENCE.items():
        assert name in tools, name
        properties = tools[name]["input_schema"]["properties"]
        for param, default in params.items():
            assert param in properties, (name, param)
            if default is not None:
                assert properties[param].get("default") == default, (name, param)
    assert all(t["has_output_schema"] for t in tools.values())
    assert tools["milvus_query"]["annotations"]["read_only_hint"] is True
    assert tools["milvus_delete_entities"]["annotations"]["destructive_hint"] is True
    assert tools["milvus_insert_data"]["annotations"]["destructive_hint"] is False
    assert tools["milvus_upsert_data"]["annotations"]["idempotent_hint"] is True


def test_mcp_imports_only_the_public_sdk() -> None:
    """DESIGN rule 2: the MCP server is built on AsyncMilvusClient; never engine, service, codec or server."""
    forbidden = ("azimuth.engine", "azimuth.service", "azimuth.codec", "azimuth.server", "azimuth.client",
                 "azimuth.ops", "azimuth.orm")
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(forbidden), f"{path.name} imports {name}"
