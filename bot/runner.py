"""`python -m bot`: run every channel whose token is set."""

from __future__ import annotations

import logging
import sys

from bot.config import Settings

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    missing = list(settings.channels)
    print(
        f"The {', '.join(missing)} channel is not built yet; try `python -m bot console`.",
        file=sys.stderr,
    )
    return 2
