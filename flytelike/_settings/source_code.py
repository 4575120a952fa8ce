"""``SourceCode``: flytekit's link to where an entity's code lives, given as
``Documentation(source_code=SourceCode(link=...))`` and carried into the IR with the rest of the
documentation (``docs``). Not here: ``Documentation`` (``_settings.carried``)."""

from __future__ import annotations

from flytelike.ir import record


@record
class SourceCode:
    """A link to the source of a task or workflow (a repository URL, a file at a commit)."""

    link: str | None = None
