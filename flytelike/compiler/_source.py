"""Source locations of user code: the frame that called into flytelike."""

from __future__ import annotations

import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_frame_location() -> tuple[str, int]:
    """``(file, line)`` of the innermost frame outside the flytelike package."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and not filename.startswith("<frozen"):
            return filename, frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return "<unknown>", 0


def fmt(loc: tuple[str, int] | None) -> str:
    if loc is None:
        return "<unknown>"
    return f"{loc[0]}:{loc[1]}"
