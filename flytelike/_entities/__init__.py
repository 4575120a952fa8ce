"""The flytekit (v1) entities: tasks, workflows, launch plans, dynamic and eager workflows, map
tasks, references, container/shell/SQLite/sensor tasks, gates and the imperative builder, plus
``calls`` (what calling an entity means here: promise, plain call, run, or child action)."""
