"""Arrow arrays as numpy without detours: primitive and boolean columns are read straight from their buffers.

``pyarrow``'s ``to_numpy`` imports pandas (when installed) on first use, which costs a fresh process hundreds of
milliseconds; the engine's hot and start-up paths use these readers instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    import pyarrow.compute as pc
else:

    class _LazyCompute:
        """``pyarrow.compute``, imported on first use: the module builds hundreds of Python wrappers at import
        (tens of milliseconds and megabytes) that a process serving plain vector searches never needs."""

        def __getattr__(self, name: str) -> Any:
            import pyarrow.compute as module

            value = getattr(module, name)
            setattr(self, name, value)  # later lookups are plain attribute reads
            return value

    pc = _LazyCompute()


def to_numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A numpy view (primitive) or copy (boolean, chunked, nullable) of ``values``."""
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return to_numpy(values.chunk(0))
        if values.num_chunks == 0:
            return np.empty(0, dtype=primitive_dtype(values.type) or object)
        return np.concatenate([to_numpy(chunk) for chunk in values.chunks])
    kind = values.type
    dtype = primitive_dtype(kind)
    if values.null_count == 0 and dtype is not None:
        buffer = values.buffers()[1]
        return np.frombuffer(buffer, dtype=dtype, count=values.offset + len(values))[values.offset:]
    if values.null_count == 0 and pa.types.is_boolean(kind):
        return _bits(values.buffers()[1], values.offset, len(values))
    return values.to_numpy(zero_copy_only=False)


def filled(values: pa.Array | pa.ChunkedArray, fill: int | float | bool) -> np.ndarray:
    """Numbers or booleans of a primitive or boolean array as numpy, nulls replaced by ``fill``.

    Unlike ``pyarrow.compute.fill_null`` this never builds an Arrow scalar (which imports pandas)."""
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return filled(values.chunk(0), fill)
        if values.num_chunks == 0:
            return to_numpy(values)
        return np.concatenate([filled(chunk, fill) for chunk in values.chunks])
    if values.null_count == 0:
        return to_numpy(values)
    kind = values.type
    n, offset = len(values), values.offset
    validity, data = values.buffers()[0], values.buffers()[1]
    if pa.types.is_boolean(kind):
        out = _bits(data, offset, n)
    else:
        dtype = primitive_dtype(kind)
        if dtype is None:  # not a primitive layout (dates, decimals, ...): let Arrow convert it
            import pyarrow.compute as pc

            return to_numpy(pc.fill_null(values, fill))
        out = np.frombuffer(data, dtype=dtype, count=offset + n)[offset:].copy()
    out[~_bits(validity, offset, n)] = fill
    return out


def valid_mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Bool mask of the non-null entries, read from the validity bitmap (no compute kernel)."""
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return valid_mask(values.chunk(0))
        return np.concatenate([valid_mask(c) for c in values.chunks]) if values.num_chunks else np.ones(0, bool)
    n = len(values)
    if values.null_count == 0:
        return np.ones(n, dtype=bool)
    if values.null_count == n:
        return np.zeros(n, dtype=bool)
    bitmap = values.buffers()[0]
    if bitmap is None:  # layouts without a validity bitmap (unions, ...)
        return to_numpy(pc.is_valid(values))
    return _bits(bitmap, values.offset, n)


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")[offset : offset + n].astype(bool)


def primitive_dtype(kind: pa.DataType) -> np.dtype | None:
    """The numpy dtype whose buffer layout is exactly Arrow's for ``kind`` (integers and floats), else None."""
    if pa.types.is_signed_integer(kind):
        return np.dtype(f"<i{kind.bit_width // 8}")
    if pa.types.is_unsigned_integer(kind):
        return np.dtype(f"<u{kind.bit_width // 8}")
    if pa.types.is_floating(kind):
        return np.dtype(f"<f{kind.bit_width // 8}")
    return None


def from_numpy(values: np.ndarray) -> pa.Array:
    """A primitive Arrow array over a 1-D numpy array's memory (no copy, no pandas)."""
    values = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])
