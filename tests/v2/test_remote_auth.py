"""flyte 2's ``flyte.remote.auth_metadata``: pairs kept for a block (nothing is sent locally)."""

from __future__ import annotations

import asyncio

import pytest

import flytelike.remote as remote
from flytelike.remote._auth import get_auth_metadata


def test_pairs_hold_for_the_block_and_nest() -> None:
    assert get_auth_metadata() == ()
    with remote.auth_metadata(("authorization", "Bearer a"), ("x-team", "ml")):
        assert get_auth_metadata() == (("authorization", "Bearer a"), ("x-team", "ml"))
        with remote.auth_metadata(("authorization", "Bearer b")):
            assert dict(get_auth_metadata()) == {"authorization": "Bearer b", "x-team": "ml"}

        async def seen() -> tuple[tuple[str, str], ...]:
            return get_auth_metadata()  # (a task of the block's context sees them too)

        assert dict(asyncio.run(seen()))["authorization"] == "Bearer a"
    assert get_auth_metadata() == ()


def test_bad_pairs_raise() -> None:
    with pytest.raises(ValueError, match="no auth metadata provided"), remote.auth_metadata():
        pass
    bad = ("k", 1)
    with pytest.raises(TypeError, match=r"\(key, value\) tuple of str"), remote.auth_metadata(bad):  # type: ignore[arg-type]
        pass
