"""A small reporting pipeline: fetch orders (from a database in real life), keep the paid
ones, total them per region. Its tests are in ``tests/``."""

from __future__ import annotations

from dataclasses import dataclass

from flytelike import task, workflow


@dataclass
class Order:
    region: str
    amount: float
    paid: bool


@task(cache=True, cache_version="1")
def fetch_orders(day: str) -> list[Order]:
    raise RuntimeError(f"fetch_orders({day!r}) needs the orders database; mock it in tests")


@task
def paid_only(orders: list[Order]) -> list[Order]:
    return [o for o in orders if o.paid]


@task
def totals_by_region(orders: list[Order]) -> dict[str, float]:
    out: dict[str, float] = {}
    for o in orders:
        out[o.region] = out.get(o.region, 0.0) + o.amount
    return out


@workflow
def daily_report(day: str) -> dict[str, float]:
    return totals_by_region(orders=paid_only(orders=fetch_orders(day=day)))
