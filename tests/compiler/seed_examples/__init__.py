"""Code examples of seeds 001 and 002 (v1 style), with only the import line changed.

Each module is one example page; errata from ``spec/v1-api.md`` section 32 are fixed as noted
in comments (missing imports added, undefined names defined). Modules are imported by
``tests/compiler/test_seed_examples.py``, which compiles and, where the spec gives a result, runs
every workflow and launch plan they define.
"""
