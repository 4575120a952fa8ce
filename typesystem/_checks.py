"""Generated fast validators for record types.

``build_check(t)`` returns a function ``check(value) -> bool`` that answers, as fast as Python
allows, whether ``value`` is *exactly* a value of ``t`` that the record codecs can encode without
any conversion. Source code is generated once per record class (one function per class, calling
each other, so recursive records work) with the scalar checks inlined.

A ``False`` answer is not an error: the caller then runs the slow path, which converts values that
need widening (an ``int`` in a ``float`` field is fine here already; ``numpy.int64`` is not) and
collects every failing path.
"""

from __future__ import annotations

import datetime as _dt
import typing
from collections.abc import Callable
from typing import Any

from typesystem import _typing as ty

_EXACT = {
    int: "int",
    float: "float",
    str: "str",
    bool: "bool",
    bytes: "bytes",
    _dt.datetime: "datetime",
    _dt.date: "date",
    _dt.timedelta: "timedelta",
}


class _Builder:
    def __init__(self) -> None:
        self.ns: dict[str, Any] = {
            "int": int,
            "float": float,
            "str": str,
            "bool": bool,
            "bytes": bytes,
            "datetime": _dt.datetime,
            "date": _dt.date,
            "timedelta": _dt.timedelta,
            "isinstance": isinstance,
            "type": type,
            "list": list,
            "dict": dict,
            "tuple": tuple,
            "len": len,
        }
        self.funcs: dict[Any, str] = {}
        self.sources: list[str] = []
        self._n = 0

    def name_for(self, obj: Any) -> str:
        self._n += 1
        name = f"_o{self._n}"
        self.ns[name] = obj
        return name

    def var(self) -> str:
        self._n += 1
        return f"_v{self._n}"

    def stmts(self, t: Any, x: str, indent: str) -> list[str]:
        """Statements that ``return False`` unless ``x`` is exactly a value of ``t``."""
        t, _ = ty.strip_annotated(t)
        fail = f"{indent}    return False"
        if t is typing.Any or t is object:
            return []
        if t is None or t is ty.NoneType:
            return [f"{indent}if {x} is not None:", fail]
        if t in _EXACT:
            return [f"{indent}if type({x}) is not {_EXACT[t]}:", fail]
        if ty.is_enum(t):
            return [f"{indent}if type({x}) is not {self.name_for(t)}:", fail]
        if ty.is_literal(t):
            values = self.name_for(frozenset((type(v), v) for v in ty.literal_values(t)))
            return [f"{indent}if (type({x}), {x}) not in {values}:", fail]
        if ty.is_union(t):
            fn = self.func_for(t)
            return [f"{indent}if not {fn}({x}):", fail]
        if ty.is_list(t):
            args = ty.type_args(t)
            out = [f"{indent}if type({x}) is not list:", fail]
            if args:
                y = self.var()
                inner = self.stmts(args[0], y, indent + "    ")
                if inner:
                    out += [f"{indent}for {y} in {x}:", *inner]
            return out
        if ty.is_dict(t):
            args = ty.type_args(t)
            out = [f"{indent}if type({x}) is not dict:", fail]
            if args:
                k, v = self.var(), self.var()
                kin = self.stmts(args[0], k, indent + "    ")
                vin = self.stmts(args[1], v, indent + "    ")
                if kin or vin:
                    out += [f"{indent}for {k}, {v} in {x}.items():", *kin, *vin]
            return out
        if ty.is_dataclass_type(t) or ty.is_namedtuple(t) or (ty.is_tuple(t)):
            fn = self.func_for(t)
            return [f"{indent}if not {fn}({x}):", fail]
        if ty.is_typeddict(t):  # (a plain dict; its transformer checks the keys)
            return [f"{indent}if type({x}) is not dict:", fail]
        if isinstance(t, type):
            return [f"{indent}if not isinstance({x}, {self.name_for(t)}):", fail]
        return [f"{indent}if True:", fail]

    def func_for(self, t: Any) -> str:
        key = t
        if key in self.funcs:
            return self.funcs[key]
        fn = f"_check{len(self.funcs)}"
        self.funcs[key] = fn
        body: list[str] = []
        if ty.is_union(t):
            variants = []
            for arg in ty.union_args(t):
                sub = self.var()
                self._emit(arg, sub)
                variants.append(sub)
            body = [f"    return {' or '.join(f'{v}(x)' for v in variants)}"]
        elif ty.is_dataclass_type(t):
            cls = self.name_for(t)
            body = [f"    if type(x) is not {cls}:", "        return False"]
            for f, ft in ty.dataclass_fields(t):
                y = self.var()
                inner = self.stmts(ft, y, "    ")
                if inner:
                    body += [f"    {y} = x.{f.name}", *inner]
            body.append("    return True")
        elif ty.is_namedtuple(t):
            cls = self.name_for(t)
            body = [f"    if type(x) is not {cls}:", "        return False"]
            for i, (_, ft) in enumerate(ty.namedtuple_fields(t)):
                y = self.var()
                inner = self.stmts(ft, y, "    ")
                if inner:
                    body += [f"    {y} = x[{i}]", *inner]
            body.append("    return True")
        else:  # tuple[...]
            args = ty.type_args(t)
            body = ["    if type(x) is not tuple:", "        return False"]
            if args and not (len(args) == 2 and args[1] is Ellipsis):
                body += [f"    if len(x) != {len(args)}:", "        return False"]
                for i, a in enumerate(args):
                    y = self.var()
                    inner = self.stmts(a, y, "    ")
                    if inner:
                        body += [f"    {y} = x[{i}]", *inner]
            elif args:
                y = self.var()
                inner = self.stmts(args[0], y, "        ")
                if inner:
                    body += [f"    for {y} in x:", *inner]
            body.append("    return True")
        self.sources.append(f"def {fn}(x):\n" + "\n".join(body) + "\n")
        return fn

    def _emit(self, t: Any, name: str) -> None:
        inner = self.stmts(t, "x", "    ")
        self.sources.append(f"def {name}(x):\n" + "\n".join([*inner, "    return True"]) + "\n")


def build_check(t: Any) -> Callable[[Any], bool]:
    """A function telling whether a value is exactly a value of record type ``t``."""
    builder = _Builder()
    entry = builder.func_for(t)
    code = "\n".join(builder.sources)
    exec(compile(code, f"<typesystem check {ty.type_name(t)}>", "exec"), builder.ns)
    check: Callable[[Any], bool] = builder.ns[entry]
    return check
