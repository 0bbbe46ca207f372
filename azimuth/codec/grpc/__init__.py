"""Milvus gRPC codec: pure functions between ops/results/exceptions and ``milvus.proto`` messages.

``table.CODECS`` holds one :class:`~azimuth.codec.grpc.table.RpcCodec` per RPC; clients encode requests and
decode responses with it, servers do the reverse. Nothing here imports the engine or the service.
"""
