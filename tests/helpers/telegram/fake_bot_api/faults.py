"""Injected faults: 429, 500, 403, timeouts and slow answers, once or at random."""

from __future__ import annotations

import random
from collections.abc import Iterable

from tests.helpers.telegram.fake_bot_api.state import ApiState, _Fault, _RandomFaults
from tests.helpers.telegram.fake_bot_api.wire import _CHAT_METHODS, FAULT_KINDS, JSON, _as_int


class Faults(ApiState):
    """`fail()` / `fail_randomly()` (see the package docstring) and choosing a fault per call."""

    def fail(
        self,
        method: str,
        kind: str,
        times: int = 1,
        chat_id: int | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" for any) fail with ``kind``
        ("429", "500", "403", "timeout", "slow"), optionally only those to ``chat_id``."""
        kind = str(kind)
        self._check_method_names([method])
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        self._faults.append(_Fault(kind, method.lower(), times, chat_id, retry_after, delay))

    def fail_randomly(
        self,
        rate: float,
        kinds: Iterable[str] = ("429", "500"),
        seed: int = 0,
        methods: Iterable[str] | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
    ) -> None:
        """Fail a fraction ``rate`` of calls at random (seeded). ``methods`` defaults to every
        method acting on a chat (sends, copies, edits, deletes, callback answers, chat
        actions, leaveChat) - not getUpdates/getMe/webhook calls; ``["*"]`` means every
        method. ``rate=0`` turns it off."""
        kinds_tuple = tuple(str(kind) for kind in kinds)
        unknown = set(kinds_tuple) - FAULT_KINDS
        if unknown or not kinds_tuple:
            raise ValueError(f"bad fault kinds {kinds_tuple!r}")
        if methods is not None:
            methods = list(methods)
            self._check_method_names(methods)
        if rate <= 0:
            self._random = None
            return
        if methods is None:
            chosen = frozenset(m.lower() for m in _CHAT_METHODS)
        elif "*" in methods:
            chosen = frozenset(self._canonical)
        else:
            chosen = frozenset(m.lower() for m in methods)
        self._random = _RandomFaults(
            rate, kinds_tuple, random.Random(seed), chosen, retry_after, delay
        )

    def _check_method_names(self, methods: Iterable[str]) -> None:
        unknown = [m for m in methods if m != "*" and m.lower() not in self._canonical]
        if unknown:
            raise ValueError(f"FakeBotApi does not implement {unknown}")

    def clear_faults(self) -> None:
        self._faults.clear()
        self._random = None

    def _pick_fault(self, method: str, params: JSON) -> _Fault | None:
        lowered = method.lower()
        chat_id = _as_int(params.get("chat_id"))
        for fault in self._faults:
            if fault.method not in ("*", lowered):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return self._count_fault(method, fault)
        chaos = self._random
        if chaos is not None and lowered in chaos.methods and chaos.rng.random() < chaos.rate:
            kind = chaos.rng.choice(chaos.kinds)
            return self._count_fault(
                method, _Fault(kind, lowered, 0, None, chaos.retry_after, chaos.delay)
            )
        return None

    def _count_fault(self, method: str, fault: _Fault) -> _Fault:
        self.faults_injected += 1
        self.faults.append((method, fault.kind))
        return fault
