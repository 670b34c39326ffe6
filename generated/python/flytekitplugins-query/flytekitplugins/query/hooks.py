# Scaffolded by flyteplug from acme/query/v1/query.proto. This file is yours: `flyteplug generate`
# creates it when missing and never overwrites or deletes it.
# mypy: disable-error-code="import-untyped, import-not-found"
# mypy: allow-subclassing-any
"""Hooks of the ``query`` plugin's flytekit task: this file is yours.

``flytekitplugins.query.task`` calls these functions; ``flyteplug generate`` writes
this file only when it is missing, so edits here survive regeneration. Keep the
functions' names and signatures.
"""

from __future__ import annotations

from flytekit.configuration import SerializationSettings

from .models import QueryJob


def adapt_config(config: QueryJob, settings: SerializationSettings) -> QueryJob:
    """Returns the config to encode as ``TaskTemplate.custom`` when a task is serialized.

    ``QueryTask.get_custom(settings)`` calls this with the task's ``task_config`` and
    encodes the result with ``to_custom()``. Fill in what depends on how the task is
    registered (flytekit's Spark plugin, for one, fills the main application file from
    ``settings.entrypoint_settings.path``); return ``config`` as it is when nothing does.
    Do not change ``config`` in place (the task keeps it and may be serialized again):
    return a copy made with ``dataclasses.replace``.

    Example, filling ``statement`` from the project when it is empty::

        import dataclasses

        if not config.statement:
            config = dataclasses.replace(config, statement=settings.project)
        return config
    """
    return config
