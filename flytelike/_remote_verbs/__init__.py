"""flyte 2's verbs whose answers are ``flytelike.remote`` objects: ``deploy`` (tasks and apps,
``flytelike._remote_verbs.deploy``) and ``run_python_script`` / ``load_plugin_config``
(``flytelike._remote_verbs.scripts``). They stand above ``flytelike.remote`` and
``flytelike.app``, which they hand back, and below the ``flytelike`` face that exports them."""
