"""A throw-away test PKI made with the ``openssl`` command: a CA, a server cert for 127.0.0.1, a client cert.

For tests and the demo only: keys are unencrypted and live in the folder the caller gives.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class PkiError(RuntimeError):
    """The test PKI could not be made (``openssl`` missing or failing); the message says which step."""


@dataclass(frozen=True)
class TestPki:
    """Paths of the PEM files of one test PKI."""

    __test__ = False  # not a pytest test class

    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _openssl(args: list[str], cwd: Path) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        raise PkiError("the openssl command is needed to make the test PKI (apt-get install openssl)")
    done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise PkiError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_test_pki(folder: Path, *, ca_name: str = "Test CA", days: int = 2) -> TestPki:
    """Make (or reuse) a CA, a server certificate valid for 127.0.0.1/localhost and a client certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    pki = TestPki(folder / "ca.pem", folder / "server.pem", folder / "server.key",
                  folder / "client.pem", folder / "client.key")
    if all(p.is_file() for p in (pki.ca_cert, pki.server_cert, pki.server_key, pki.client_cert, pki.client_key)):
        return pki
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", str(days),
              "-subj", f"/CN={ca_name}", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], folder)
    leaves = {
        "server": ("/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        "client": ("/CN=station-test-client", "extendedKeyUsage=clientAuth\n"),
    }
    for name, (subject, ext) in leaves.items():
        (folder / f"{name}.ext").write_text("basicConstraints=CA:FALSE\n" + ext)
        _openssl(["req", "-new", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject], folder)
        _openssl(["x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                  "-out", f"{name}.pem", "-days", str(days), "-extfile", f"{name}.ext"], folder)
    return pki
