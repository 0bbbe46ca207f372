"""Vector columns of a segment as the arrays indexes and exact search consume: dense [n, dim] numpy arrays
(float32 / float16 / uint16 bfloat16 bits / int8), binary uint8 [n, dim/8], sparse scipy CSR matrices.
Zero copy from the Arrow layout where possible."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.types.arrays import to_numpy, valid_mask
from azimuth.types.enums import DataType

SPARSE_LIMIT = (1 << 32) - 1  # sparse indexes are uint32 below this bound


def sparse_width(indices: np.ndarray) -> int:
    """Column count of a CSR matrix holding these indices (as small as possible: searches multiply by it)."""
    return int(indices.max()) + 1 if len(indices) else 1


def column_array(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def vectors_of(array: pa.Array, dtype: DataType) -> Any:
    """The vectors of one Arrow column (nulls read as zero vectors; callers mask them out)."""
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return sparse_matrix(array)
    if dtype == DataType.BINARY_VECTOR:
        width = array.type.byte_width
        start = array.offset * width
        raw = np.frombuffer(array.buffers()[1], dtype=np.uint8)[start : start + len(array) * width]
        return raw.reshape(len(array), width)
    dim = array.type.list_size
    values = array.values.slice(array.offset * dim, len(array) * dim)
    return to_numpy(values).reshape(len(array), dim)


def sparse_matrix(array: pa.Array) -> Any:
    """The column as a scipy CSR matrix (scipy is imported here, only when sparse data exists)."""
    import scipy.sparse as sp

    offsets = to_numpy(array.offsets)
    start = int(offsets[0])
    indices = to_numpy(array.keys)[start : int(offsets[-1])].astype(np.int64)
    data = to_numpy(array.items)[start : int(offsets[-1])].astype(np.float32)
    indptr = (offsets - start).astype(np.int64)
    return sp.csr_matrix((data, indices, indptr), shape=(len(array), sparse_width(indices)))


def null_mask(array: pa.Array) -> np.ndarray | None:
    """Rows whose vector is null (nullable vector fields), or None when there are none."""
    if array.null_count == 0:
        return None
    return ~valid_mask(array)
