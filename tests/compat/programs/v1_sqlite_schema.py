"""A flytekit 1.x module querying a zipped SQLite database with SQLite3Task whose output is a
typed FlyteSchema (declared columns), read downstream as a pandas frame and as the schema itself
(open().all()); one query task is made inside the workflow body."""

import os
import sqlite3
import tempfile
import zipfile

import pandas
from flytekit import kwtypes, task, workflow
from flytekit.extras.sqlite3.task import SQLite3Config, SQLite3Task
from flytekit.types.schema import FlyteSchema

HERE = tempfile.mkdtemp(prefix="sqlite-schema-")
ARCHIVE = os.path.join(HERE, "shop.zip")

db = os.path.join(HERE, "shop.db")
with sqlite3.connect(db) as con:
    con.execute("create table items (ItemId integer, Label text)")
    con.executemany("insert into items values (?, ?)", [(i, f"item{i}") for i in range(1, 41)])
with zipfile.ZipFile(ARCHIVE, "w") as z:
    z.write(db, "shop.db")

Items = FlyteSchema[kwtypes(ItemId=int, Label=str)]

first_items = SQLite3Task(
    name="shop.first_items",
    query_template="select ItemId, Label from items order by ItemId limit {{.inputs.limit}}",
    inputs=kwtypes(limit=int),
    output_schema_type=Items,
    task_config=SQLite3Config(uri=ARCHIVE, compressed=True),
)


@task
def count_rows(df: pandas.DataFrame) -> int:
    return len(df[df.columns[0]])


@task
def label_sum(items: Items) -> str:
    df = items.open().all()
    return f"{list(df.columns)}:{int(df['ItemId'].sum())}:{df['Label'].iloc[-1]}"


@workflow
def counted(limit: int) -> int:
    return count_rows(df=first_items(limit=limit))


@workflow
def summed() -> str:
    rows = SQLite3Task(
        name="shop.inline_items",
        query_template="select ItemId, Label from items where ItemId > {{ .inputs.low }}",
        inputs=kwtypes(low=int),
        output_schema_type=Items,
        task_config=SQLite3Config(uri=ARCHIVE, compressed=True),
    )(low=35)
    return label_sum(items=rows)


if __name__ == "__main__":
    assert counted(limit=25) == 25
    assert summed() == "['ItemId', 'Label']:190:item40", summed()
    print("OK")
