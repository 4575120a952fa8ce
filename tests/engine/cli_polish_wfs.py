"""Entities for the CLI polish tests: docstrings in each style, bools, durations, datetimes."""

from __future__ import annotations

import datetime as dt

import flytelike as fl
from flytelike import LaunchPlan  # (a class, imported: not an entity of this file)


@fl.task
def shout(text: str, loud: bool = False, times: int = 1) -> str:
    """Repeat a text, maybe loudly.

    Args:
        text: what to repeat
            (any text).
        loud: upper-case it
        times: how many times
    """
    out = " ".join([text] * times)
    return out.upper() if loud else out


@fl.task
def wait_for(pause: dt.timedelta) -> float:
    """Seconds in a duration.

    Parameters
    ----------
    pause : timedelta
        how long to wait
    """
    return pause.total_seconds()


@fl.task
def stamp(when: dt.datetime) -> str:
    """The ISO text of a datetime.

    :param when: the moment to print
    """
    return when.isoformat()


@fl.workflow
def greet(name: str) -> str:
    """Greet someone.

    A longer paragraph that the listing leaves out.
    """
    return shout(text=name)


greet_bob = LaunchPlan.get_or_create(greet, name="greet_bob", default_inputs={"name": "bob"})


def not_an_entity() -> None:
    """A plain function: never listed."""
