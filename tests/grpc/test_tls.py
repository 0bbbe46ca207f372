"""TLS for ``azimuth serve --tls-cert/--tls-key`` (and ``--tls-client-ca`` for mutual TLS), driven by Azimuth's
client (``https://`` + ``server_pem_path`` / ``ca_pem_path`` / ``client_pem_path`` + ``client_key_path``) and
by pymilvus. Certificates are self-signed, made with ``cryptography`` (or the ``openssl`` CLI)."""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from azimuth import MilvusClient, MilvusException


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_cryptography(out: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def key_pair(name: str):
        key = ec.generate_private_key(ec.SECP256R1())
        (out / f"{name}.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
        return key

    def write(name: str, cert) -> None:
        (out / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    ca_key = key_pair("ca")
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "azimuth test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    write("ca", ca)
    for name, alt in (("server", True), ("client", False)):
        key = key_pair(name)
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
                   .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2)))
        if alt:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        write(name, builder.sign(ca_key, hashes.SHA256()))


def _with_openssl(out: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=out, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=azimuth test CA")
    (out / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name in ("server", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", "/CN=localhost")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", *(["-extfile", "san.ext"] if name == "server" else []))


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("certs")
    try:
        _with_cryptography(out)
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl CLI is available to make certificates")
        _with_openssl(out)
    return out


def _serve(tmp_path: Path, *flags: str):
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from azimuth.cli import main; sys.exit(main(sys.argv[1:]))", "serve", "--data-dir", str(tmp_path / "data"),
                             "--port", str(port), "--log-level", "WARNING", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    deadline = time.monotonic() + 120  # a loaded 2-core CI box can be slow to import
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "serving" in line:
            return proc, port
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"azimuth serve did not start: {proc.stdout.read()}")


@pytest.fixture
def tls_server(tmp_path, certs):
    proc, port = _serve(tmp_path, "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"))
    yield port
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def mtls_server(tmp_path, certs):
    proc, port = _serve(tmp_path, "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"),
                        "--tls-client-ca", str(certs / "ca.pem"))
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def _roundtrip(client) -> None:
    client.create_collection("secure", dimension=4)
    client.insert("secure", [{"id": 1, "vector": [0.1, 0.2, 0.3, 0.4]}])
    hits = client.search("secure", data=[[0.1, 0.2, 0.3, 0.4]], limit=1)
    assert hits[0][0]["id"] == 1
    client.drop_collection("secure")


def test_tls_with_server_pem(tls_server, certs):
    client = MilvusClient(f"https://localhost:{tls_server}", server_pem_path=str(certs / "server.pem"),
                          server_name="localhost")
    try:
        _roundtrip(client)
    finally:
        client.close()
    client = MilvusClient(f"https://127.0.0.1:{tls_server}", ca_pem_path=str(certs / "ca.pem"))
    try:
        assert client.list_collections() == []
    finally:
        client.close()


def test_plaintext_client_is_refused(tls_server):
    with pytest.raises(MilvusException):
        MilvusClient(f"http://127.0.0.1:{tls_server}", timeout=2).list_collections()


def test_pymilvus_over_tls(tls_server, certs):
    pymilvus = pytest.importorskip("pymilvus")
    client = pymilvus.MilvusClient(uri=f"https://localhost:{tls_server}", server_pem_path=str(certs / "ca.pem"),
                                   server_name="localhost")
    try:
        _roundtrip(client)
    finally:
        client.close()


def test_mutual_tls(mtls_server, certs):
    client = MilvusClient(f"https://localhost:{mtls_server}", client_pem_path=str(certs / "client.pem"),
                          client_key_path=str(certs / "client.key"), ca_pem_path=str(certs / "ca.pem"))
    try:
        _roundtrip(client)
    finally:
        client.close()
    with pytest.raises(MilvusException):  # no client certificate: the handshake fails
        MilvusClient(f"https://localhost:{mtls_server}", ca_pem_path=str(certs / "ca.pem"), timeout=2,
                     dedicated=True).list_collections()
