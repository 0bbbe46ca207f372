"""Vectorised protobuf packing: numpy arrays ⇄ the wire bytes of packed repeated fields.

A message whose only field is ``repeated <scalar> data = 1`` (``LongArray``, ``FloatArray``, ``BoolArray``...)
serialises as ``0x0a <varint byte length> <payload>``; the payload of fixed-width types is the little-endian
array itself and that of varint types is the concatenated varints. Building such messages with
``Message.FromString(header + payload)`` and reading them back with ``np.frombuffer`` avoids one Python object
per element. Varints are encoded with whole-array numpy operations (at most ten passes); reading goes through
the buffer protocol of upb's repeated containers (``np.asarray(message.data)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_TAG = b"\x0a"  # field 1, wire type 2 (length-delimited / packed)


def varint(value: int) -> bytes:
    """One unsigned varint."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_sizes(unsigned: np.ndarray) -> np.ndarray:
    """Encoded size in bytes of each uint64 value."""
    sizes = np.ones(len(unsigned), dtype=np.int64)
    for k in range(1, 10):
        sizes += unsigned >= (np.uint64(1) << np.uint64(7 * k))
    return sizes


def pack_varints(values: np.ndarray) -> bytes:
    """Concatenated varints of ``values`` (signed ints are encoded as two's complement uint64, like protobuf)."""
    unsigned = np.ascontiguousarray(values).astype(np.int64, copy=False).view(np.uint64)
    if len(unsigned) == 0:
        return b""
    sizes = varint_sizes(unsigned)
    starts = np.cumsum(sizes) - sizes
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    for k in range(int(sizes.max())):
        rows = np.flatnonzero(sizes > k) if k else slice(None)
        chunk = ((unsigned[rows] >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8)
        more = (sizes[rows] > k + 1).astype(np.uint8) << 7
        out[starts[rows] + k] = chunk | more
    return out.tobytes()


def packed_message(cls: Any, payload: bytes | memoryview) -> Any:
    """A ``cls`` message whose field 1 is the packed ``payload``."""
    size = len(payload) if isinstance(payload, bytes) else memoryview(payload).nbytes
    if not size:
        return cls()
    return cls.FromString(b"".join((_TAG, varint(size), payload)))


def fixed_message(cls: Any, array: np.ndarray, dtype: str) -> Any:
    """A packed fixed-width message (``FloatArray``/``DoubleArray``) holding ``array``."""
    data = np.ascontiguousarray(array, dtype=dtype)
    return packed_message(cls, memoryview(data).cast("B"))


def values(message: Any, dtype: str) -> np.ndarray:
    """The ``data`` field of a packed numeric message as a numpy array (one buffer copy)."""
    return np.asarray(message.data, dtype=dtype)


def varint_message(cls: Any, array: np.ndarray) -> Any:
    """A packed varint message (``LongArray``/``IntArray``/``BoolArray``) holding ``array``."""
    return packed_message(cls, pack_varints(np.asarray(array)))


__all__ = ["fixed_message", "pack_varints", "packed_message", "values", "varint", "varint_message"]
