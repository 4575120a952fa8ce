"""The Flyte v2 API: ``TaskEnvironment`` and its tasks, ``run``/``with_runcontext``, ``map``,
``trace``, ``ctx``/``group``/``custom_context``, ``init`` and the logger."""
