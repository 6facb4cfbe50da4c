"""Norm packs: data folders (pack.toml + CSV) that say how measurements are scored, classed and flagged.

Public API: ``load_norm_set(names) -> NormSet`` and ``load_pack(folder) -> NormPack``; packs shipped
with the station live in ``kiosk/norms/packs/<name>/``.
"""

from kiosk.norms.loader import SHIPPED_PACKS, find_pack, load_norm_set, load_pack
from kiosk.norms.model import NormPack, NormSet, PackInfo, PackKind

__all__ = ["SHIPPED_PACKS", "NormPack", "NormSet", "PackInfo", "PackKind", "find_pack", "load_norm_set",
           "load_pack"]
