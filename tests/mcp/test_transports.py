"""The server over real transports: stdio subprocess, streamable HTTP (subprocess and ASGI), start-up failures."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client, ClientSession, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from azimuth import AsyncMilvusClient
from azimuth.mcp import MCPConfig, build_server
from azimuth.mcp.server import http_app
from tests.mcp.conftest import ok

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "azimuth.cli", "mcp", *args]


async def test_stdio_subprocess_with_the_sdk_client(db_path: str) -> None:
    cmd = _command("--uri", db_path)
    params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=_env(), cwd=str(ROOT))
    for mode in ("auto", "legacy"):
        async with Client(params, mode=mode) as c:
            if mode == "auto":
                await ok(c, "milvus_create_collection", {"collection_name": "docs", "dimension": 3,
                                                         "auto_id": False})
                await ok(c, "milvus_insert_data", {"collection_name": "docs",
                                                   "data": [{"id": 1, "vector": [1, 0, 0], "text": "a"}]})
            found = await ok(c, "milvus_vector_search", {"collection_name": "docs", "vector": [1, 0, 0]})
            assert found["hits"][0]["id"] == 1 and found["hits"][0]["entity"] == {"id": 1, "text": "a"}


def test_stdio_stdout_carries_only_protocol(db_path: str) -> None:
    """Raw JSON-RPC over the pipe: every stdout line is a JSON-RPC message, logs go to stderr."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "milvus_query", "arguments": {
            "collection_name": "missing", "filter_expr": "id > 0"}}},
    ]
    proc = subprocess.Popen(_command("--uri", db_path, "--log-level", "DEBUG"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=str(ROOT))
    assert proc.stdin and proc.stdout
    replies: dict[int, Any] = {}
    try:
        for message in messages:
            proc.stdin.write((json.dumps(message) + "\n").encode())
            proc.stdin.flush()
            if "id" in message:
                while message["id"] not in replies:
                    line = proc.stdout.readline()
                    assert line, proc.stderr.read().decode() if proc.stderr else ""
                    parsed = json.loads(line)
                    assert parsed["jsonrpc"] == "2.0"
                    if "id" in parsed:
                        replies[parsed["id"]] = parsed
    finally:
        proc.stdin.close()
        proc.wait(timeout=20)
    rest = proc.stdout.read().decode()
    assert all(json.loads(line)["jsonrpc"] == "2.0" for line in rest.splitlines() if line.strip())
    assert replies[1]["result"]["serverInfo"]["name"] == "azimuth-milvus"
    assert len(replies[2]["result"]["tools"]) >= 20
    call = replies[3]["result"]
    assert call["isError"] is True and call["structuredContent"]["error"]["code"] == "COLLECTION_NOT_FOUND"


async def test_locked_local_database_fails_fast(db_path: str) -> None:
    async with AsyncMilvusClient(db_path) as holder:
        await holder.list_collections()  # this process now owns the data directory
        started = time.monotonic()
        proc = subprocess.run(_command("--uri", db_path), capture_output=True, env=_env(), cwd=str(ROOT),
                              timeout=60, stdin=subprocess.DEVNULL)
        assert time.monotonic() - started < 30
        assert proc.returncode == 2 and proc.stdout == b""
        stderr = proc.stderr.decode()
        assert "DB_LOCKED" in stderr and "azimuth serve" in stderr and "--uri http://" in stderr


def test_bad_option_and_unreachable_server_exit_cleanly(tmp_path: Path) -> None:
    proc = subprocess.run(_command("--uri", str(tmp_path / "x.db"), "--toolsets", "read,bogus"),
                          capture_output=True, env=_env(), cwd=str(ROOT), timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and b"bogus" in proc.stderr and proc.stdout == b""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_streamable_http_subprocess_survives_idle(db_path: str) -> None:
    port = _free_port()
    proc = subprocess.Popen(_command("--uri", db_path, "--transport", "streamable-http", "--port", str(port)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=str(ROOT),
                            stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core CI box can be slow to start
        async with httpx2.AsyncClient() as http:
            while True:
                try:
                    health = await http.get(f"{url}/health")
                    if health.status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.1)
            assert health.json()["status"] == "ok"
        async with Client(f"{url}/mcp", mode="legacy") as c:
            await ok(c, "milvus_create_collection", {"collection_name": "docs", "dimension": 2, "auto_id": False})
            await ok(c, "milvus_use_database", {"db_name": "default"})
            time.sleep(2)  # an idle session must still work afterwards
            await ok(c, "milvus_insert_data", {"collection_name": "docs", "data": [{"id": 5, "vector": [0, 1]}]})
        async with Client(f"{url}/mcp") as c:
            assert (await ok(c, "milvus_count", {"collection_name": "docs"}))["count"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def _session_calls(app: Any, base: str) -> None:
    async with app.router.lifespan_context(app):
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base) as http:
            async with streamable_http_client(f"{base}/mcp", http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    result = await session.call_tool("milvus_list_collections", {})
                    assert not result.is_error and result.structured_content == {"db_name": "default",
                                                                                "collections": []}


async def test_streamable_http_in_process_stateful_and_stateless(db_path: str) -> None:
    for stateless in (False, True):
        config = MCPConfig(uri=db_path, stateless=stateless, json_response=stateless)
        await _session_calls(http_app(build_server(config), config), "http://127.0.0.1:8000")


async def test_http_guards_bad_host_and_bearer_token(db_path: str) -> None:
    config = MCPConfig(uri=db_path, bearer_token="s3cret")
    app = http_app(build_server(config), config)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            assert (await http.get("/health")).status_code == 200
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
            assert (await http.post("/mcp", json=body)).status_code == 401
            headers = {"Authorization": "Bearer s3cret", "Accept": "application/json, text/event-stream",
                       "Host": "evil.example"}
            assert (await http.post("/mcp", json=body, headers=headers)).status_code == 421
    open_config = MCPConfig(uri=db_path)
    await _session_calls(http_app(build_server(open_config), open_config), "http://127.0.0.1:8000")


async def test_startup_errors_are_clear_without_a_real_server() -> None:
    import pytest

    from azimuth import MilvusException
    from azimuth.errors import Code
    from azimuth.mcp.server import StartupError, connect

    class Refusing:
        def __init__(self, code: int, message: str) -> None:
            self.error = MilvusException(code, message)
            self.closed = False

        async def get_server_version(self) -> str:
            raise self.error

        async def close(self) -> None:
            self.closed = True

    locked = Refusing(Code.STORAGE_LOCKED, "data directory /x is locked by process 1")
    with pytest.raises(StartupError, match="DB_LOCKED") as info:
        await connect(MCPConfig(uri="/x"), lambda config: locked)  # type: ignore[arg-type, return-value]
    assert "azimuth serve --data-dir /x" in str(info.value) and locked.closed
    down = Refusing(Code.UNAVAILABLE, "connection refused")
    with pytest.raises(StartupError, match="CONNECTION_FAILED"):
        await connect(MCPConfig(uri="http://user:pw@127.0.0.1:1"), lambda config: down)  # type: ignore
