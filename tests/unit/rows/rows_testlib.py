"""Schema builder shared by the row conversion tests."""

from __future__ import annotations

from azimuth.types.enums import DataType
from azimuth.types.schema import CollectionSchema, FieldSchema


def make_schema(*fields: FieldSchema, dynamic: bool = False, pk_auto: bool = False,
                pk_type: DataType = DataType.INT64) -> CollectionSchema:
    pk_kwargs = {"max_length": 64} if pk_type == DataType.VARCHAR else {}
    pk = FieldSchema("id", pk_type, is_primary=True, auto_id=pk_auto, **pk_kwargs)
    return CollectionSchema([pk, *fields], enable_dynamic_field=dynamic)
