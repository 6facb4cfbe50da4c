"""Fetch Google's ``@mediapipe/pose`` npm package (build time only) for the lite landmark model it ships.

The mediapipe wheels carry only the full landmark model; the lite one is published in the npm package
``@mediapipe/pose`` (Apache-2.0, Google). It is fetched once with ``npm pack`` into the build cache.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"
NPM_TARBALL = f"mediapipe-pose-{NPM_VERSION}.tgz"


class NpmFetchError(Exception):
    """The npm package could not be fetched or read."""


def find_or_fetch_npm_package(cache: Path) -> Path:
    """The cached package tarball, fetched with ``npm pack`` the first time."""
    folder = cache / "npm"
    tarball = folder / NPM_TARBALL
    if tarball.is_file():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise NpmFetchError(f"npm is needed once to fetch {NPM_PACKAGE}@{NPM_VERSION} (Debian package 'npm')")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"fetching {NPM_PACKAGE}@{NPM_VERSION} into {folder} …", file=sys.stderr)
    proc = subprocess.run([npm, "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"], cwd=folder,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not tarball.is_file():
        raise NpmFetchError(f"npm pack {NPM_PACKAGE}@{NPM_VERSION} failed (exit {proc.returncode}): "
                            f"{proc.stderr.strip()[-600:]}")
    return tarball


def read_member(tarball: Path, member: str) -> bytes:
    """One file from the package tarball (``member`` as stored, e.g. ``package/pose_landmark_lite.tflite``)."""
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            f = tf.extractfile(member)
            if f is None:
                raise NpmFetchError(f"{tarball.name} has no file {member}")
            return f.read()
    except KeyError:
        raise NpmFetchError(f"{tarball.name} has no {member}") from None
    except (tarfile.TarError, OSError) as e:
        raise NpmFetchError(f"{tarball} is not a valid package tarball ({e}); delete it and build again") from e
