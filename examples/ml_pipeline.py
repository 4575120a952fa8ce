"""A realistic training pipeline: validation, fan-out over hyper-parameters, a conditional
deployment, a launch plan with a schedule.

    flytelike compile examples/ml_pipeline.py training_pipeline --format json
    flytelike graph examples/ml_pipeline.py training_pipeline --format mermaid
    python examples/ml_pipeline.py            # runs it locally
"""

from __future__ import annotations

import functools
import statistics
from dataclasses import dataclass
from datetime import timedelta

from flytelike import (
    Cache,
    CronSchedule,
    Email,
    LaunchPlan,
    Resources,
    WorkflowExecutionPhase,
    conditional,
    map_task,
    task,
    workflow,
)


@dataclass
class Dataset:
    features: list[list[float]]
    labels: list[float]


@dataclass
class Model:
    weights: list[float]
    learning_rate: float


@dataclass
class Evaluation:
    model: Model
    score: float


@task(cache=Cache(version="1"), retries=2)
def load_data(n_rows: int) -> Dataset:
    """Make a small synthetic regression data set.

    :param n_rows: how many rows to generate
    """
    features = [[float(i), float(i % 7)] for i in range(n_rows)]
    labels = [2.0 * f[0] + 0.5 * f[1] + 1.0 for f in features]
    return Dataset(features=features, labels=labels)


@task
def validate(data: Dataset) -> int:
    """Check the data set and return its number of rows."""
    if len(data.features) != len(data.labels):
        raise ValueError("features and labels differ in length")
    return len(data.labels)


@task(
    requests=Resources(cpu="1", mem="1Gi"),
    limits=Resources(cpu="2", mem="2Gi"),
    timeout=timedelta(minutes=30),
)
def train(data: Dataset, learning_rate: float, epochs: int) -> Model:
    """Fit a linear model with plain gradient descent."""
    weights = [0.0, 0.0, 0.0]
    n = len(data.labels)
    for _ in range(epochs):
        grads = [0.0, 0.0, 0.0]
        for x, y in zip(data.features, data.labels, strict=True):
            err = weights[0] + weights[1] * x[0] / 100 + weights[2] * x[1] - y
            grads[0] += err / n
            grads[1] += err * x[0] / 100 / n
            grads[2] += err * x[1] / n
        weights = [w - learning_rate * g for w, g in zip(weights, grads, strict=True)]
    return Model(weights=weights, learning_rate=learning_rate)


@task
def evaluate(data: Dataset, model: Model) -> Evaluation:
    """Mean absolute error of the model (lower is better)."""
    w = model.weights
    errors = [
        abs(w[0] + w[1] * x[0] / 100 + w[2] * x[1] - y)
        for x, y in zip(data.features, data.labels, strict=True)
    ]
    return Evaluation(model=model, score=statistics.fmean(errors))


@task
def pick_best(evaluations: list[Evaluation]) -> Evaluation:
    return min(evaluations, key=lambda e: e.score)


@task
def deploy(model: Model) -> str:
    return f"deployed model with learning rate {model.learning_rate}"


@task
def reject(score: float) -> str:
    return f"not deployed: error {score:.2f} is too high"


@workflow
def training_pipeline(
    n_rows: int = 200,
    learning_rates: list[float] = [0.01, 0.03, 0.1],  # noqa: B006  (a default input, stored as a literal)
    epochs: int = 50,
) -> str:
    """Train one model per learning rate, keep the best, deploy it if it is good enough."""
    data = load_data(n_rows=n_rows)
    rows = validate(data=data)
    models = map_task(functools.partial(train, data=data, epochs=epochs))(
        learning_rate=learning_rates
    )
    rows >> models
    evaluations = map_task(functools.partial(evaluate, data=data))(model=models)
    best = pick_best(evaluations=evaluations)
    return (
        conditional("deploy_if_good")
        .if_(best.score < 50.0)
        .then(deploy(model=best.model))
        .else_()
        .then(reject(score=best.score))
    )


nightly = LaunchPlan.get_or_create(
    training_pipeline,
    name="training_pipeline_nightly",
    default_inputs={"n_rows": 500},
    schedule=CronSchedule(schedule="0 2 * * *"),
    notifications=[
        Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["ml@example.com"])
    ],
    max_parallelism=4,
)


if __name__ == "__main__":
    print(training_pipeline())
