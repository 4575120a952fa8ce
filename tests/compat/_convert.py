"""The one change a flytekit or flyte 2 program needs to run on flytelike: its import lines.

``convert(source)`` rewrites, line by line, as docs/guides/migrating.md documents:
``import flytekit`` -> ``import flytelike as flytekit``; ``import flyte`` -> ``import flytelike
as flyte``; ``from flytekit.X import ...`` / ``from flyte.X import ...`` -> ``from flytelike.X
import ...``; ``import flyte.X`` (which binds ``flyte``) -> ``import flytelike as flyte`` plus
``import flytelike.X``. Nothing else in the program changes.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^(\s*)import (flytekit|flyte)(\s+as\s+\w+)?\s*(#.*)?$")
_FROM = re.compile(r"^(\s*)from (flytekit|flyte)((?:\.\w+)*) import ")
_DOTTED = re.compile(r"^(\s*)import (flytekit|flyte)((?:\.\w+)+)(\s+as\s+\w+)?\s*(#.*)?$")


def convert(source: str) -> str:
    out: list[str] = []
    for line in source.splitlines():
        m = _PLAIN.match(line)
        if m:
            alias = m.group(3) or f" as {m.group(2)}"
            out.append(f"{m.group(1)}import flytelike{alias}")
            continue
        m = _DOTTED.match(line)
        if m:
            indent, top, sub, alias = m.group(1), m.group(2), m.group(3), m.group(4)
            if alias:
                out.append(f"{indent}import flytelike{sub}{alias}")
            else:
                out.append(f"{indent}import flytelike as {top}")
                out.append(f"{indent}import flytelike{sub}")
            continue
        out.append(_FROM.sub(lambda m: f"{m.group(1)}from flytelike{m.group(3)} import ", line))
    return "\n".join(out) + "\n"
