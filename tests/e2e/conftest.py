from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import close_stack, make_stack


@pytest.fixture(params=["aiogram", "ptb"])
async def stack(request: pytest.FixtureRequest, tmp_path: Path):
    s = await make_stack(tmp_path, request.param)
    try:
        yield s
    finally:
        await close_stack(s)
