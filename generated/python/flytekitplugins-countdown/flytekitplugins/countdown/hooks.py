# Scaffolded by flyteplug from acme/countdown/v1/countdown.proto. This file is yours: `flyteplug generate`
# creates it when missing and never overwrites or deletes it.
# mypy: disable-error-code="import-untyped, import-not-found"
# mypy: allow-subclassing-any
"""Hooks of the ``countdown`` plugin's flytekit task: this file is yours.

``flytekitplugins.countdown.task`` calls these functions; ``flyteplug generate`` writes
this file only when it is missing, so edits here survive regeneration. Keep the
functions' names and signatures.
"""

from __future__ import annotations

from flytekit.configuration import SerializationSettings

from .models import Countdown


def adapt_config(config: Countdown, settings: SerializationSettings) -> Countdown:
    """Returns the config to encode as ``TaskTemplate.custom`` when a task is serialized.

    ``CountdownTask.get_custom(settings)`` calls this with the task's ``task_config`` and
    encodes the result with ``to_custom()``. Fill in what depends on how the task is
    registered (flytekit's Spark plugin, for one, fills the main application file from
    ``settings.entrypoint_settings.path``); return ``config`` as it is when nothing does.
    Do not change ``config`` in place (the task keeps it and may be serialized again):
    return a copy made with ``dataclasses.replace``.

    Example, filling ``fail_with`` from the project when it is empty::

        import dataclasses

        if not config.fail_with:
            config = dataclasses.replace(config, fail_with=settings.project)
        return config
    """
    return config
