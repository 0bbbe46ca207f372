"""Milvus RPCs that carry no op of their own: connection handshake, health, timestamps, and the progress /
segment / compaction polling pymilvus does. Each answers from ops run through the same ``Service`` (a
single-node server: one segment view, flush and compaction complete at once).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from azimuth import __version__
from azimuth.codec.grpc.proto import common_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.ops import collection as c
from azimuth.ops import index as i
from azimuth.ops.base import CallContext
from azimuth.types.enums import IndexState, LoadState

Execute = Callable[[Any, CallContext], Any]
_IDENTIFIERS = itertools.count(1)
OK = common_pb2.Status


def hybrid_now() -> int:
    """A Milvus hybrid timestamp (physical ms << 18) for now."""
    return int(time.time() * 1000) << 18


def _connect(run: Execute, req: Any, ctx: CallContext) -> Any:
    info = common_pb2.ServerInfo(build_tags=f"azimuth-{__version__}", deploy_mode="STANDALONE")
    return mpb.ConnectResponse(status=OK(), server_info=info, identifier=next(_IDENTIFIERS))


def _health(run: Execute, req: Any, ctx: CallContext) -> Any:
    return mpb.CheckHealthResponse(status=OK(), isHealthy=True)


def _alloc_ts(run: Execute, req: Any, ctx: CallContext) -> Any:
    return mpb.AllocTimestampResponse(status=OK(), timestamp=hybrid_now())


def _loading_progress(run: Execute, req: Any, ctx: CallContext) -> Any:
    op = c.GetLoadState(collection_name=req.collection_name, db_name=req.db_name,
                        partition_names=tuple(req.partition_names))
    state = run(op, ctx)
    progress = 100 if state.state == LoadState.Loaded else int(state.progress if state.state == LoadState.Loading
                                                                   else 0)
    return mpb.GetLoadingProgressResponse(status=OK(), progress=progress, refresh_progress=progress)


def _flush_state(run: Execute, req: Any, ctx: CallContext) -> Any:
    return mpb.GetFlushStateResponse(status=OK(), flushed=True)


def _index_descriptions(run: Execute, req: Any, ctx: CallContext) -> Any:
    op = i.DescribeIndex(collection_name=req.collection_name, db_name=req.db_name, index_name=req.index_name)
    return run(op, ctx)


def _index_state(run: Execute, req: Any, ctx: CallContext) -> Any:
    info = _index_descriptions(run, req, ctx)[0]
    return mpb.GetIndexStateResponse(status=OK(), state=int(IndexState[info.state]))


def _index_progress(run: Execute, req: Any, ctx: CallContext) -> Any:
    info = _index_descriptions(run, req, ctx)[0]
    return mpb.GetIndexBuildProgressResponse(status=OK(), indexed_rows=info.indexed_rows, total_rows=info.total_rows)


EXTRAS: dict[str, Callable[[Execute, Any, CallContext], Any]] = {
    "Connect": _connect,
    "CheckHealth": _health,
    "AllocTimestamp": _alloc_ts,
    "GetLoadingProgress": _loading_progress,
    "GetFlushState": _flush_state,
    "GetIndexState": _index_state,
    "GetIndexBuildProgress": _index_progress,
}


__all__ = ["EXTRAS", "hybrid_now"]
