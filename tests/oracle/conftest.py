"""Fixtures of the oracle test: the official protobuf runtime compiled from idl/."""

from __future__ import annotations

import oracle_harness as h
import pytest


@pytest.fixture(scope="session")
def pb_modules(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Compiles every .proto under idl/ for the official runtime and imports the modules."""
    return h.compile_idl(tmp_path_factory.mktemp("pb"))
