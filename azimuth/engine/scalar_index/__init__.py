"""Scalar indexes per sealed segment: INVERTED, STL_SORT, BITMAP, TRIE, AUTOINDEX and JSON-path indexes.

``build_scalar_index(index_type, dtype, column, params)`` → :class:`FieldIndex`; ``index.save(dir)`` and
``load_scalar_index(dir)`` (memory-mapped, never rebuilds). The evaluator takes ``{key: index}`` where the key is
the field name, or ``json_path_key(field, path)`` for JSON-path indexes; results are identical with and without
indexes. Layout and literal semantics: :mod:`.parts`; routing and storage: :mod:`.index`.
"""

from __future__ import annotations

from azimuth.engine.scalar_index.build import (
    INDEX_TYPES,
    JSON_CAST_TYPES,
    build_scalar_index,
    canonical_index_type,
)
from azimuth.engine.scalar_index.index import FieldIndex, ScalarIndex, load_scalar_index
from azimuth.engine.scalar_index.paths import json_path_key, parse_json_path

__all__ = [
    "INDEX_TYPES",
    "JSON_CAST_TYPES",
    "FieldIndex",
    "ScalarIndex",
    "build_scalar_index",
    "canonical_index_type",
    "json_path_key",
    "load_scalar_index",
    "parse_json_path",
]
