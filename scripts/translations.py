"""Keep the Chinese catalogue in step with the sources: `update` re-extracts, `check` lists what is missing.

    .venv/bin/python scripts/translations.py update   # pyside6-lupdate over ui/ into ui/i18n/station_zh.ts
    .venv/bin/python scripts/translations.py check    # exit 1 if a string is new, changed or untranslated
    .venv/bin/python scripts/translations.py missing  # the untranslated sources as a JSON object to fill in
    .venv/bin/python scripts/translations.py fill F.json   # apply {"English source": "中文", …} to every context
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "ui" / "i18n" / "station_zh.ts"


def sources() -> list[str]:
    qml = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui" / "qml").rglob("*.qml"))
    py = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))
    return qml + py


def lupdate(ts: Path) -> None:
    tool = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(tool), "-silent", "-no-obsolete", "-locations", "none", "-source-language", "en",
                    "-target-language", "zh_CN", *sources(), "-ts", str(ts)], check=True, cwd=ROOT)


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) → translation, or None when unfinished."""
    out: dict[tuple[str, str], str | None] = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete") and (tr.text or "")
            out[(name, msg.findtext("source") or "")] = tr.text if done else None
    return out


def problems() -> list[str]:
    """Strings in the sources but not in the catalogue, and strings without a translation."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        shutil.copy(TS, fresh)
        lupdate(fresh)
        now = messages(fresh)
    committed = messages(TS)
    found = [f"not in the catalogue (run update): [{c}] {s}" for (c, s) in now if (c, s) not in committed]
    found += [f"untranslated: [{c}] {s}" for (c, s), t in now.items() if (c, s) in committed and t is None]
    return found


def fill(mapping: dict[str, str]) -> int:
    """Set the translation of every message whose source is in ``mapping``; returns how many were set."""
    tree = ET.parse(TS)
    count = 0
    for msg in tree.getroot().iter("message"):
        zh = mapping.get(msg.findtext("source") or "")
        tr = msg.find("translation")
        if zh and tr is not None:
            tr.text = zh
            tr.attrib.pop("type", None)
            count += 1
    ET.indent(tree, space="    ")
    with TS.open("wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding="utf-8", xml_declaration=False)
    return count


def main(argv: list[str]) -> int:
    if argv[:1] == ["missing"]:
        todo = {s: "" for (_, s), t in messages(TS).items() if t is None}
        print(json.dumps(todo, ensure_ascii=False, indent=1))
        return 0
    if argv[:1] == ["fill"] and len(argv) == 2:
        print(f"{fill(json.loads(Path(argv[1]).read_text(encoding='utf-8')))} translations set")
        return 0
    if argv[:1] == ["update"]:
        lupdate(TS)
        print(f"updated {TS.relative_to(ROOT)}")
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print("\n".join(found) or "every visible string has a Chinese translation")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
