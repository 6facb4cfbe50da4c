"""Add the TFLite metadata the mediapipe Tasks API needs (input normalisation) to a bare .tflite model.

mediapipe 1.2.2 ships the Python metadata writers but not the compiled helper
``mediapipe.tasks.cc.metadata.python._pywrap_metadata_version`` they import. That helper only answers
one question — the minimum metadata-parser version that understands a metadata flatbuffer — so it is
supplied here in pure Python (from the version history written in the schema the wheel ships), and
installed into ``sys.modules`` only for the duration of a write.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

_HELPER_PACKAGES = ("mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata", "mediapipe.tasks.cc.metadata.python")
_HELPER_MODULE = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"

# Baseline of the schema (file identifier "M001"); every later feature raises the minimum.
_BASE_VERSION = (1, 0, 0)


@dataclass(frozen=True)
class ImageInputNormalisation:
    """How the model wants its float input: ``(pixel - mean) / std`` per channel, RGB."""

    mean: float
    std: float


def minimum_parser_version(metadata_buf: bytes) -> str:
    """The smallest metadata-parser version that understands every populated field of ``metadata_buf``.

    Mirrors the history in ``metadata_schema.fbs`` (1.0.1 … 1.5.0): the answer is the largest
    "Added in" version among the fields and union types actually used.
    """
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb

    md = fb.ModelMetadataT.InitFromObj(fb.ModelMetadata.GetRootAsModelMetadata(bytearray(metadata_buf), 0))
    v = _BASE_VERSION

    def files_version(files: list | None) -> tuple[int, int, int]:
        out = _BASE_VERSION
        for f in files or []:
            if f.type == fb.AssociatedFileType.VOCABULARY:
                out = max(out, (1, 0, 1))
            if f.type == fb.AssociatedFileType.SCANN_INDEX_FILE:
                out = max(out, (1, 4, 0))
            if f.version is not None:
                out = max(out, (1, 4, 1))
        return out

    def units_version(units: list | None) -> tuple[int, int, int]:
        out = _BASE_VERSION
        for u in units or []:
            if u.optionsType in (fb.ProcessUnitOptions.BertTokenizerOptions,
                                 fb.ProcessUnitOptions.SentencePieceTokenizerOptions):
                out = max(out, (1, 1, 0))
            if u.optionsType == fb.ProcessUnitOptions.RegexTokenizerOptions:
                out = max(out, (1, 2, 1))
        return out

    def tensors_version(tensors: list | None) -> tuple[int, int, int]:
        out = _BASE_VERSION
        for t in tensors or []:
            out = max(out, files_version(t.associatedFiles), units_version(t.processUnits))
            if t.content is not None and t.content.contentPropertiesType == fb.ContentProperties.AudioProperties:
                out = max(out, (1, 3, 0))
        return out

    v = max(v, files_version(md.associatedFiles))
    for sg in md.subgraphMetadata or []:
        v = max(v, tensors_version(sg.inputTensorMetadata), tensors_version(sg.outputTensorMetadata),
                files_version(sg.associatedFiles))
        if sg.inputProcessUnits or sg.outputProcessUnits:
            v = max(v, (1, 1, 0), units_version(sg.inputProcessUnits), units_version(sg.outputProcessUnits))
        if sg.inputTensorGroups or sg.outputTensorGroups:
            v = max(v, (1, 2, 0))
        if sg.customMetadata:
            v = max(v, (1, 5, 0))
    return ".".join(str(p) for p in v)


@contextlib.contextmanager
def _metadata_version_helper() -> Iterator[None]:
    """Make ``_pywrap_metadata_version`` importable while the metadata writers run, then remove it."""
    added: list[str] = []
    for name in _HELPER_PACKAGES:
        if name not in sys.modules:
            pkg = types.ModuleType(name)
            pkg.__path__ = []
            sys.modules[name] = pkg
            added.append(name)
    if _HELPER_MODULE not in sys.modules:
        helper = types.ModuleType(_HELPER_MODULE)
        helper.GetMinimumMetadataParserVersion = minimum_parser_version  # type: ignore[attr-defined]
        sys.modules[_HELPER_MODULE] = helper
        sys.modules[_HELPER_PACKAGES[-1]]._pywrap_metadata_version = helper  # type: ignore[attr-defined]
        added.append(_HELPER_MODULE)
    try:
        yield
    finally:
        for name in reversed(added):
            sys.modules.pop(name, None)


def with_image_metadata(model: bytes, *, name: str, description: str, norm: ImageInputNormalisation) -> bytes:
    """``model`` with TFLite metadata naming it and declaring its RGB image input and normalisation.

    The output tensors get plain feature metadata (names from the model), which is all the pose
    graphs need: they decode the tensors themselves.
    """
    with _metadata_version_helper():
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

        writer = metadata_writer.MetadataWriter.create(bytearray(model))
        writer.add_general_info(name, description)
        writer.add_image_input(norm_mean=[norm.mean], norm_std=[norm.std])
        populated, _json = writer.populate()
        # The writer cleans its temp folder in __del__; do it now, while the interpreter is whole.
        writer._temp_folder.cleanup()
        del writer
        gc.collect()
    return bytes(populated)


def read_normalisation(model: bytes) -> ImageInputNormalisation | None:
    """The input normalisation recorded in ``model``'s metadata, or None when it has none."""
    with _metadata_version_helper():
        from mediapipe.tasks.metadata import metadata_schema_py_generated as fb
        from mediapipe.tasks.python.metadata import metadata

        try:
            buf = metadata.get_metadata_buffer(bytearray(model))
        except ValueError:
            return None
        if buf is None:
            return None
        md = fb.ModelMetadataT.InitFromObj(fb.ModelMetadata.GetRootAsModelMetadata(buf, 0))
        for unit in md.subgraphMetadata[0].inputTensorMetadata[0].processUnits or []:
            if unit.optionsType == fb.ProcessUnitOptions.NormalizationOptions:
                return ImageInputNormalisation(mean=float(unit.options.mean[0]), std=float(unit.options.std[0]))
    return None
