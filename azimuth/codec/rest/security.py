"""Endpoints for features this engine does not have: bulk import jobs from object storage and the quota center
metrics. Each answers code 3000 (unsupported operation) with a message naming the feature, never a 404 or a 500.
Users, roles, privilege groups, resource groups, segments and the analyzer are in :mod:`.rbac` and
:mod:`.cluster`.
"""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.errors import unsupported
from azimuth.codec.rest.table import Run, route

DEFAULT_GROUP = "__default_resource_group"

_UNSUPPORTED: dict[str, tuple[str, str, dict[str, str]]] = {
    "/jobs/import/create": ("Start a bulk import", "bulk import from object storage",
                            {"collectionName": "str", "files": "list"}),
    "/jobs/import/list": ("List import jobs", "bulk import from object storage", {"collectionName": "str"}),
    "/jobs/import/describe": ("Progress of an import job", "bulk import from object storage", {"jobId": "str"}),
    "/jobs/import/get_progress": ("Progress of an import job (deprecated alias)", "bulk import from object storage",
                                  {"jobId": "str"}),
    "/quotacenter/describe": ("Quota center metrics (admin)", "quota center metrics", {}),
}


def _unsupported_handler(feature: str) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        raise unsupported(feature)

    return handle


for _path, (_summary, _feature, _props) in _UNSUPPORTED.items():
    route(_path, _summary + " (not supported: answers code 3000)", {"dbName": "str", **_props})(
        _unsupported_handler(_feature))


__all__ = ["DEFAULT_GROUP"]
