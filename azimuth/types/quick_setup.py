"""The schema Milvus builds for a quick-setup collection (``create_collection(name, dimension=...)``)."""

from __future__ import annotations

from typing import Any

from azimuth.errors import ParamError, PrimaryKeyException
from azimuth.types.enums import DataType
from azimuth.types.schema import CollectionSchema, create_schema


def quick_setup_schema(
    dimension: Any,
    primary_field_name: str = "id",
    id_type: Any = "int",
    vector_field_name: str = "vector",
    auto_id: bool = False,
    **kwargs: Any,
) -> CollectionSchema:
    """INT64 (or VARCHAR) primary key + FLOAT_VECTOR(dimension); dynamic field on unless disabled."""
    if not isinstance(dimension, int) or isinstance(dimension, bool):
        raise ParamError(message=f"`dimension` value {dimension} is illegal")
    options = dict(kwargs)
    options.setdefault("enable_dynamic_field", True)
    schema_kwargs = {k: v for k, v in options.items() if k in ("enable_dynamic_field", "description")}
    schema = create_schema(auto_id=auto_id, **schema_kwargs)
    if id_type in ("int", DataType.INT64):
        pk_type = DataType.INT64
    elif id_type in ("string", "str", DataType.VARCHAR):
        pk_type = DataType.VARCHAR
    else:
        raise PrimaryKeyException(message="Param primary_field must be int or str type.")
    pk_args: dict[str, Any] = {}
    if pk_type == DataType.VARCHAR:
        pk_args["max_length"] = options.get("max_length", 65535)
    schema.add_field(primary_field_name, pk_type, is_primary=True, **pk_args)
    schema.add_field(vector_field_name, DataType.FLOAT_VECTOR, dim=dimension)
    schema.verify()
    return schema
