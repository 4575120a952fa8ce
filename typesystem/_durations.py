"""Durations as text: ``parse_duration`` reads what users write, ``format_duration`` writes ISO 8601.

Used by the JSON form of literals (``_json``) and by every flytelike setting that takes a
duration. What does not live here: durations inside literals (``timedelta`` scalars).
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from typesystem._limits import DURATION_RANGE

_UNITS = {
    "w": 604800, "week": 604800, "weeks": 604800,
    "d": 86400, "day": 86400, "days": 86400,
    "h": 3600, "hour": 3600, "hours": 3600, "hr": 3600,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "ms": 0.001,
}  # fmt: skip
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*")


_ISO = re.compile(r"(-)?p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)(?:\.(\d{1,6}))?s)?)?")


def format_duration(value: _dt.timedelta) -> str:
    """ISO 8601 duration, exact to the microsecond: ``P1DT2H3M4.5S``, ``-PT1S``, ``PT0S``."""
    sign = "-" if value < _dt.timedelta(0) else ""
    value = abs(value)
    hours, rem = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rem, 60)
    text = f"{value.days}D" if value.days else ""
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        frac = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        clock += f"{seconds}{frac}S"
    if not text and not clock:
        clock = "0S"
    return f"{sign}P{text}" + (f"T{clock}" if clock else "")


def parse_duration(text: str) -> _dt.timedelta:
    """ISO 8601 (``P1DT2H``), seconds (``"90"``), ``"1:24"`` (h:mm[:ss]), ``"10 days"``, ``"1h30m"``.

    ``ValueError`` for anything else, for durations that are not finite and for durations beyond
    what ``timedelta`` holds (999,999,999 days either way).
    """
    try:
        value = _read_duration(text.strip().lower())
    except (OverflowError, ValueError) as e:  # (ValueError: ints of more than 4300 digits)
        raise ValueError(f"duration {text!r:.60} is out of range: {DURATION_RANGE}") from e
    if value is None:
        raise ValueError(
            f"cannot read {text!r:.60} as a duration; write e.g. 90, 1:30, 1h30m or 10 days"
        )
    return value


def _read_duration(s: str) -> _dt.timedelta | None:
    iso = _ISO.fullmatch(s)
    if iso and s not in ("p", "-p") and not s.endswith("t"):
        neg, d, h, m, sec, frac = iso.groups()
        value = _dt.timedelta(
            days=int(d or 0),
            hours=int(h or 0),
            minutes=int(m or 0),
            seconds=int(sec or 0),
            microseconds=int((frac or "0").ljust(6, "0")),
        )
        return -value if neg else value
    try:
        seconds = float(s)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            raise OverflowError(f"{seconds} seconds")
        return _dt.timedelta(seconds=seconds)
    if re.fullmatch(r"\d+:\d{1,2}(:\d{1,2}(\.\d+)?)?", s):
        parts = [float(p) for p in s.split(":")]
        h, m, sec = [*parts, 0.0][:3]
        return _dt.timedelta(hours=h, minutes=m, seconds=sec)
    total, pos = 0.0, 0
    for match in _PART.finditer(s):
        if match.start() != pos or match.group(2) not in _UNITS:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    else:
        if pos == len(s) and pos > 0:
            return _dt.timedelta(seconds=total)
    return None
