"""Durations as text: ``parse_duration`` reads what users write, ``format_duration`` writes ISO 8601.

Used by the JSON form of literals (``_json``) and by every flytelike setting that takes a
duration. What does not live here: durations inside literals (``timedelta`` scalars).

Why a parser of our own rather than a library: no maintained one reads all the forms at once
(isodate reads only ISO 8601, and gives years and months, which have no fixed length;
pytimeparse, last released in 2018, reads only the unit and clock forms), and every form must
round to whole microseconds the same way and respect ``DURATION_RANGE``, which a wrapper around
two libraries would have to redo anyway. The docstrings, by contrast, are read by
docstring_parser (``flytelike.compiler``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal

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


_NUM = r"(\d+(?:[.,]\d+)?)"
_ISO = re.compile(rf"(-)?p(?:{_NUM}w)?(?:{_NUM}d)?(?:t(?:{_NUM}h)?(?:{_NUM}m)?(?:{_NUM}s)?)?")
_ISO_UNITS = (604800, 86400, 3600, 60, 1)
_CLOCK = re.compile(r"(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?")

DURATION_FORMS = (
    "seconds (90, 1.5), [h:]m:ss (1:30 is 90 s, 1:30:00 is 1.5 h), units (1h30m, 10 days) or "
    "ISO 8601 (PT1H30M, PT1.5H, P1W, P1DT2H)"
)
"""The spellings ``parse_duration`` reads, for error messages."""


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
    """A duration as users write it: seconds (``"90"``), ``m:ss`` or ``h:mm:ss`` (``"1:30"`` is 90
    seconds, as in pyflyte; ``"1:30:00"`` is 1.5 hours), units (``"1h30m"``, ``"10 days"``) or ISO
    8601 (``"PT1H30M"``, ``"PT1.5H"``, ``"P1W"``, ``"P1DT2H"``; no years or months, which have no
    fixed length).

    ``ValueError`` naming ``DURATION_FORMS`` for anything else; ``ValueError`` for durations that
    are not finite and for durations beyond what ``timedelta`` holds (999,999,999 days either way).
    """
    # Our own parser rather than a library: pyflyte's (pytimeparse) has had no release since
    # 2018 and reads no ISO 8601; isodate reads only ISO 8601 and returns its own ``Duration``
    # for years and months. Neither reads every form above, and the JSON form of literals needs
    # an exact microsecond round trip with ``format_duration``.
    try:
        value = _read_duration(text.strip().lower())
    except (OverflowError, ValueError, ArithmeticError) as e:  # (ints of more than 4300 digits)
        raise ValueError(f"duration {text!r:.60} is out of range: {DURATION_RANGE}") from e
    if value is None:
        if re.fullmatch(r"-?p[^t]*[ym].*", text.strip().lower()):
            raise ValueError(
                f"cannot read {text!r:.60} as a duration: ISO 8601 years and months have no "
                f"fixed length; write days or weeks (P30D, P4W). Accepted: {DURATION_FORMS}"
            )
        raise ValueError(f"cannot read {text!r:.60} as a duration; write {DURATION_FORMS}")
    return value


def _read_duration(s: str) -> _dt.timedelta | None:
    iso = _ISO.fullmatch(s)
    if iso and s not in ("p", "-p") and not s.endswith("t"):
        neg, *parts = iso.groups()
        # (Decimal: exact to the microsecond, as ``format_duration`` writes it)
        micros: Decimal = sum(
            Decimal(p.replace(",", ".")) * unit * 1_000_000
            for p, unit in zip(parts, _ISO_UNITS, strict=True)
            if p
        ) or Decimal(0)
        value = _dt.timedelta(microseconds=int(micros.to_integral_value(ROUND_HALF_EVEN)))
        return -value if neg else value
    try:
        seconds = float(s)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            raise OverflowError(f"{seconds} seconds")
        return _dt.timedelta(seconds=seconds)
    clock = _CLOCK.fullmatch(s)
    if clock:  # m:ss, or h:mm:ss when there are three parts (pyflyte's reading)
        a, b, c = clock.groups()
        if c is None:
            return _dt.timedelta(minutes=int(a), seconds=int(b))
        return _dt.timedelta(hours=int(a), minutes=int(b), seconds=float(c))
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
