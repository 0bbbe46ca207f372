"""Field ids are stored in the catalog: they survive reopen, drops and adds across reopen, and a catalog written
before ids were stored opens with the ids it always reported (then keeps them through later drops)."""

from __future__ import annotations

import json
import os

from azimuth import DataType, MilvusClient


def _create(client: MilvusClient, name: str) -> None:
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("a", DataType.INT64, is_primary=True)
    schema.add_field("b", DataType.VARCHAR, max_length=20, nullable=True)
    schema.add_field("c", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("d", DataType.INT32, nullable=True)
    index = client.prepare_index_params()
    index.add_index("c", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)


def _ids(client: MilvusClient, name: str) -> dict[str, int]:
    return {f["name"]: f["field_id"] for f in client.describe_collection(name)["fields"]}


def test_field_ids_survive_reopen(tmp_path):
    path = str(tmp_path / "ids.db")
    client = MilvusClient(path)
    _create(client, "t")
    client.drop_collection_field("t", "b")
    client.add_collection_field("t", "e", DataType.INT64, nullable=True)
    # $meta (dynamic field) took 104 at create, so e gets 105
    assert _ids(client, "t") == {"a": 100, "c": 102, "d": 103, "e": 105}
    client.insert("t", [{"a": 1, "c": [0.1, 0.2, 0.3, 0.4], "d": 4, "e": 5}])
    client.close()
    client = MilvusClient(path)
    assert _ids(client, "t") == {"a": 100, "c": 102, "d": 103, "e": 105}
    client.drop_collection_field("t", "e")
    client.close()
    client = MilvusClient(path)
    client.add_collection_field("t", "f", DataType.INT64, nullable=True)
    assert _ids(client, "t") == {"a": 100, "c": 102, "d": 103, "f": 106}
    assert client.query("t", filter="a == 1", output_fields=["d", "f"]) == [{"a": 1, "d": 4, "f": None}]
    client.close()


def _strip_ids(path: str) -> None:
    """Rewrite the catalog as it was before field ids were stored."""
    catalog_file = os.path.join(path, "catalog.json")
    with open(catalog_file) as handle:
        document = json.load(handle)
    for collection in document["collections"]:
        schema = collection["schema"]
        schema.pop("max_field_id")
        for field in schema["fields"]:
            field.pop("field_id")
    with open(catalog_file, "w") as handle:
        json.dump(document, handle)


def test_catalog_without_field_ids_opens_and_keeps_them(tmp_path):
    path = str(tmp_path / "legacy.db")
    client = MilvusClient(path)
    _create(client, "t")
    client.close()
    _strip_ids(path)
    client = MilvusClient(path)
    assert _ids(client, "t") == {"a": 100, "b": 101, "c": 102, "d": 103}
    client.drop_collection_field("t", "b")
    client.add_collection_field("t", "e", DataType.INT64, nullable=True)
    assert _ids(client, "t") == {"a": 100, "c": 102, "d": 103, "e": 105}
    client.close()
    client = MilvusClient(path)
    assert _ids(client, "t") == {"a": 100, "c": 102, "d": 103, "e": 105}
    client.close()
    with open(os.path.join(path, "catalog.json")) as handle:
        schema = json.load(handle)["collections"][0]["schema"]
    assert [f["field_id"] for f in schema["fields"]] == [100, 102, 103, 105] and schema["max_field_id"] == 105
