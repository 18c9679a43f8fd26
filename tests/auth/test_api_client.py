"""A Python client generated from the API's own OpenAPI document (openapi-python-client, as a partner would make
one) reads every route: each answer parses into the generated models, numbers and dates as the document types
them, and a refusal into the generated Problem."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys

import httpx
import pytest

from indicators.access import tokens


@pytest.fixture(scope="module")
def generated(demo_app, demo_store, users, tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    document = demo_app.server.test_client().get("/api/v1/openapi.json").get_json()
    (folder / "openapi.json").write_text(json.dumps(document))
    command = shutil.which(
        "openapi-python-client", path=str(__import__("pathlib").Path(sys.executable).parent)
    )
    made = subprocess.run(
        [command, "generate", "--path", "openapi.json", "--meta", "none", "--output-path", "ctm_client"],
        cwd=folder,
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0 and "Warning" not in made.stdout, made.stdout + made.stderr
    sys.path.insert(0, str(folder))
    try:
        client = importlib.import_module("ctm_client")
    finally:
        sys.path.remove(str(folder))
    with demo_store.begin() as session:
        token, _row = tokens.create(session, users["manager"], by="test", name="generated client")
    transport = httpx.WSGITransport(app=demo_app.server)
    return client, client.AuthenticatedClient(
        base_url="http://localhost", token=token, httpx_args={"transport": transport}
    )


def test_a_generated_client_reads_every_route(generated):
    package, client = generated
    api = importlib.import_module("ctm_client.api.programmes")
    listed = importlib.import_module("ctm_client.api.programmes.programmes").sync(client=client)
    assert [p.code for p in listed.programmes] == ["GIFT", "KEC", "PVR"]
    detail = importlib.import_module("ctm_client.api.programmes.programmes_code").sync("KEC", client=client)
    targets = [t.value for r in detail.results for i in r.indicators for t in i.targets]
    assert 1120 in targets and isinstance(targets[0], int)
    figures = importlib.import_module("ctm_client.api.programmes.programmes_code_figures").sync(
        "KEC", client=client, period="FY2019Q3"
    )
    assert figures.figures and figures.figures[0].period_start.isoformat() == "2019-04-01"
    records = importlib.import_module("ctm_client.api.programmes.programmes_code_activities").sync(
        "KEC", client=client, quarter="FY2019Q3"
    )
    assert records.total == len(records.activities) > 0
    assert all(r.uploaded_at.utcoffset() is not None for r in records.activities if r.uploaded_at)
    districts = importlib.import_module("ctm_client.api.programmes.programmes_code_districts").sync(
        "PVR", client=client, indicator="victims"
    )
    assert districts.districts and all(d.code for d in districts.districts)
    refused = importlib.import_module("ctm_client.api.programmes.programmes_code_figures").sync_detailed(
        "KEC", client=client, period="FY2030Q1"
    )
    assert refused.status_code == 400 and "outside KEC" in refused.parsed.error
    assert api is not None and package is not None
