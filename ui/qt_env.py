"""Qt's process environment, set before the first Qt import: headless rendering and the virtual keyboard.

Qt reads these variables once, when the application object is built, so the shell sets them here and
nowhere else. With no display (no ``DISPLAY``/``WAYLAND_DISPLAY``) the station renders offscreen with
the software scene graph, which is how tests, screenshots and the headless demo work.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

HEADLESS = {"QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software", "QSG_RENDER_LOOP": "basic"}


def has_display(env: MutableMapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def prepare(*, headless: bool | None = None, env: MutableMapping[str, str] | None = None) -> bool:
    """Set Qt's variables (keeping any the operator set); returns whether the station runs headless."""
    env = os.environ if env is None else env
    headless = not has_display(env) if headless is None else headless
    if headless:
        for key, value in HEADLESS.items():
            env[key] = value if key == "QT_QPA_PLATFORM" else env.get(key, value)
    env.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    env.setdefault("QT_QUICK_CONTROLS_STYLE", "Basic")
    env.setdefault("QT_ENABLE_HIGHDPI_SCALING", "0")  # the kiosk lays out in device pixels on a fixed panel
    return headless
