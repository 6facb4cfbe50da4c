"""The offline pose-model build: checksums, .task layout, metadata, idempotence and refusal of changed inputs."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from models.build_pose_model import (
    DEFAULT_SUMS,
    PARTS,
    ModelBuildError,
    build,
    extract_parts,
    read_sums,
    with_required_metadata,
)
from models.tflite_metadata import ImageInputNormalisation, minimum_parser_version, read_normalisation


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_built_model_matches_the_checksum_recorded_in_the_repository(pose_model):
    sums = read_sums(DEFAULT_SUMS)
    assert sums.get(pose_model.name) == sha256(pose_model), "the .task must be byte-identical to the recorded build"
    for part in PARTS:
        assert sums[Path(part.member).name] == part.sha256, "inputs recorded with their published sha256"


def test_task_is_an_uncompressed_zip_with_the_two_models_aligned(pose_model):
    with zipfile.ZipFile(pose_model) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert set(infos) == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        for info in infos.values():
            assert info.compress_type == zipfile.ZIP_STORED, f"{info.filename} must be stored, not deflated"
            data_offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            assert data_offset % 64 == 0, f"{info.filename} data at {data_offset} is not 64-byte aligned"
            assert zf.read(info.filename)[4:8] == b"TFL3", f"{info.filename} is not a TFLite flatbuffer"


@pytest.mark.parametrize("member, mean, std", [("pose_detector.tflite", 127.5, 127.5),
                                               ("pose_landmarks_detector.tflite", 0.0, 255.0)])
def test_each_model_declares_the_input_normalisation_the_tasks_api_needs(pose_model, member, mean, std):
    with zipfile.ZipFile(pose_model) as zf:
        norm = read_normalisation(zf.read(member))
    assert norm == ImageInputNormalisation(mean, std), f"{member}: expected mean {mean} / std {std}, got {norm}"


def test_detector_is_kept_as_google_shipped_it_and_the_landmark_model_gains_metadata(pose_model):
    wheel = next((pose_model.parent / "build" / "wheel").glob("mediapipe-0.10.14-*.whl"))
    parts = extract_parts(wheel)
    detector, landmarks = (parts[p.member] for p in PARTS)
    assert read_normalisation(detector) == ImageInputNormalisation(127.5, 127.5), "the wheel's detector has metadata"
    assert read_normalisation(landmarks) is None, "the wheel's landmark model has none: the Tasks API would refuse it"
    with zipfile.ZipFile(pose_model) as zf:
        assert zf.read("pose_detector.tflite") == detector, "a model already carrying metadata is not rewritten"
        assert zf.read("pose_landmarks_detector.tflite") != landmarks


def test_a_model_declaring_the_wrong_normalisation_is_refused(pose_model):
    wheel = next((pose_model.parent / "build" / "wheel").glob("mediapipe-0.10.14-*.whl"))
    detector = extract_parts(wheel)[PARTS[0].member]
    wrong = replace(PARTS[0], norm_mean=0.0, norm_std=255.0)
    with pytest.raises(ModelBuildError, match="normalisation"):
        with_required_metadata(wrong, detector)


def test_second_build_does_nothing_when_output_matches(pose_model):
    before = pose_model.stat().st_mtime_ns
    assert build(pose_model) == "up-to-date"
    assert pose_model.stat().st_mtime_ns == before


def test_rebuild_elsewhere_is_byte_identical(pose_model, tmp_path):
    sums = tmp_path / "SHA256SUMS"
    out = tmp_path / pose_model.name
    assert build(out, sums_path=sums) == "built"
    assert sha256(out) == sha256(pose_model), "the build must be reproducible byte for byte"
    assert read_sums(sums)[out.name] == sha256(out)


def test_output_not_matching_the_recorded_checksum_is_refused(pose_model, tmp_path):
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(f"{'0' * 64}  {pose_model.name}\n")
    with pytest.raises(ModelBuildError, match="not reproducible"):
        build(tmp_path / pose_model.name, sums_path=sums)


def test_a_deliberately_changed_output_can_be_recorded(pose_model, tmp_path):
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(f"{'0' * 64}  {pose_model.name}\n")
    out = tmp_path / pose_model.name
    assert build(out, sums_path=sums, record_new_checksum=True) == "built"
    assert read_sums(sums)[pose_model.name] == sha256(out)


def test_a_changed_model_in_the_wheel_is_refused(tmp_path):
    cache = tmp_path / "cache"
    (cache / "wheel").mkdir(parents=True)
    fake = cache / "wheel" / "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.whl"
    with zipfile.ZipFile(fake, "w") as zf:
        for part in PARTS:
            zf.writestr(part.member, b"TFL3 but not Google's model")
    with pytest.raises(ModelBuildError, match="refusing to build from a changed model"):
        build(tmp_path / "out.task", cache=cache, sums_path=tmp_path / "sums")
    assert not (tmp_path / "out.task").exists(), "nothing may be written from a changed input"


def test_corrupt_cached_wheel_gives_a_clear_error(tmp_path):
    cache = tmp_path / "cache"
    (cache / "wheel").mkdir(parents=True)
    (cache / "wheel" / "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.whl").write_bytes(b"truncated")
    with pytest.raises(ModelBuildError, match="not a valid wheel"):
        build(tmp_path / "out.task", cache=cache, sums_path=tmp_path / "sums")


def test_malformed_checksum_file_names_the_line(tmp_path):
    sums = tmp_path / "SHA256SUMS"
    sums.write_text("# header\nnot-a-digest file\n")
    with pytest.raises(ModelBuildError, match=r"SHA256SUMS:2"):
        read_sums(sums)


def test_minimum_parser_version_follows_the_schema_history():
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb

    def packed(md: fb.ModelMetadataT) -> bytes:
        b = flatbuffers.Builder(0)
        b.Finish(md.Pack(b), b"M001")
        return bytes(b.Output())

    plain = fb.ModelMetadataT()
    sg = fb.SubGraphMetadataT()
    sg.inputTensorMetadata = [fb.TensorMetadataT()]
    plain.subgraphMetadata = [sg]
    assert minimum_parser_version(packed(plain)) == "1.0.0"

    sg.inputProcessUnits = [fb.ProcessUnitT()]
    assert minimum_parser_version(packed(plain)) == "1.1.0"

    sg.customMetadata = [fb.CustomMetadataT()]
    assert minimum_parser_version(packed(plain)) == "1.5.0"


def test_unknown_variant_is_refused(tmp_path):
    with pytest.raises(ModelBuildError, match="unknown model variant"):
        build(tmp_path / "x.task", sums_path=tmp_path / "sums", variant="heavy")


def test_lite_variant_builds_with_the_same_detector_and_the_lite_landmark_model(pose_model, tmp_path):
    import shutil

    cached = pose_model.parent / "build" / "npm"
    if not any(cached.glob("*.tgz")) and shutil.which("npm") is None:
        pytest.skip("the lite landmark model needs npm once to fetch @mediapipe/pose")
    out = tmp_path / "pose_landmarker_lite.task"
    assert build(out, sums_path=tmp_path / "sums", variant="lite") == "built"
    with zipfile.ZipFile(out) as zf, zipfile.ZipFile(pose_model) as full:
        assert zf.read("pose_detector.tflite") == full.read("pose_detector.tflite")
        lite_landmarks = zf.read("pose_landmarks_detector.tflite")
        assert lite_landmarks != full.read("pose_landmarks_detector.tflite")
        assert read_normalisation(lite_landmarks) == ImageInputNormalisation(0.0, 255.0)
    assert read_sums(tmp_path / "sums")[out.name] == sha256(out)
