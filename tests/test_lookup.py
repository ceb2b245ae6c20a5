"""IMO numbers as a lookup key wherever an entity name is accepted: the report, path and named
queries on the command line, the JSON API's entity report and search, the search page. Bare
("9188300"), prefixed ("IMO 9188300", "IMO: 9188300", "imo:9188300") and a wrong check digit
(one clear line naming the fix), on a store of each backend holding the example articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from cli import main
from graph import formats
from graph.errors import BadReference
from graph.lookup import identifier_ref
from graph.ontology import load
from queries.report import resolve_entity
from web.app import console_headers, create_app

ROOT = Path(__file__).resolve().parents[1]
GREY_HERON = "imo:9188300"  # examples/articles/06_ownership_chain.txt: "The bulk carrier Grey Heron (IMO 9188300)"
FORMS = ["9188300", "IMO 9188300", "IMO: 9188300", "imo:9188300", "IMO9188300", "imo 9188300", "IMO No. 9188300"]
BAD = "9188301"  # one digit off: the check digit of 918830 is 0


# -- the parser: no store --------------------------------------------------------------------
@pytest.mark.parametrize("text", FORMS + ["  IMO   9188300 "])
def test_forms_of_an_imo_number(text):
    ref = identifier_ref(text, load())
    assert (ref.label, ref.prop, ref.value, ref.id) == ("Vessel", "imo", "9188300", GREY_HERON)


@pytest.mark.parametrize("text", ["Grey Heron", "Imola", "IMO", "imo:", "918830", "91883000", "Imo Shipping 2000",
                                  "port:rason"])
def test_names_are_not_identifiers(text):
    assert identifier_ref(text, load()) is None


@pytest.mark.parametrize("text, why", [
    (BAD, "its check digit fails (the last digit of an IMO number starting 918830 is 0, not 1)"),
    (f"IMO {BAD}", "its check digit fails"),
    (f"imo:{BAD}", "its check digit fails"),
    ("IMO 91883", "an IMO number is seven digits, e.g. IMO 9161003"),
    ("IMO 9188300x", "an IMO number is seven digits"),
])
def test_a_wrong_imo_number_says_why_and_the_fix(text, why):
    with pytest.raises(BadReference) as err:
        identifier_ref(text, load())
    message = str(err.value)
    assert message.startswith(f"{' '.join(text.split())!r} is not a valid IMO number: {why}")
    assert message.endswith("Check the number against its source, or look the vessel up by name.")
    assert "\n" not in message


def test_the_check_digit_is_the_ontology_format():
    # graph/lookup.py validates with the format the ontology declares on Vessel.imo, nothing else.
    assert load().labels["Vessel"].properties["imo"].format == "imo"
    assert formats.problem("imo", "9188300") is None and formats.problem("imo", BAD)


# -- a graph of the example articles -----------------------------------------------------------
def _ingest_examples(store) -> None:
    from ingest.pipeline import ingest_paths

    ingest_paths(store, [ROOT / "examples" / "articles"])


@pytest.fixture(scope="module")
def examples_graph(graph_of):
    return graph_of(_ingest_examples)


@pytest.fixture
def db(examples_graph) -> str:
    return examples_graph.db


def invoke(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)


@pytest.mark.parametrize("form", FORMS)
def test_resolve_by_imo_number(examples_graph, form):
    assert resolve_entity(examples_graph.store, form)["name"] == "Grey Heron"


def test_a_vessel_carrying_the_number_only_as_a_property_is_found(store):
    store.upsert_nodes("Vessel", [{"id": "vessel:grey-heron", "name": "Grey Heron", "imo": "9188300"}])
    assert resolve_entity(store, "IMO 9188300")["id"] == "vessel:grey-heron"


@pytest.mark.parametrize("form", ["9188300", "IMO 9188300", "IMO: 9188300", "imo:9188300"])
def test_cli_report_by_imo_number(db, form):
    result = invoke(db, "report", form, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entity"]["id"] == GREY_HERON and data["entity"]["identifiers"]["imo"] == "9188300"


@pytest.mark.parametrize("args", [["report", BAD], ["report", f"IMO {BAD}"], ["path", f"IMO: {BAD}", "Caspian Holding JSC"],
                                  ["query", "--name", "ownership_chain", "-p", f"entity=IMO {BAD}"]])
def test_cli_bad_check_digit_is_one_line(db, args):
    result = invoke(db, *args)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "is not a valid IMO number: its check digit fails" in line
    assert line.endswith("or look the vessel up by name.")


def test_cli_unknown_imo_number_says_so(db):
    result = invoke(db, "report", "IMO 1234567")  # a valid number no example article gives
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: No vessel with IMO 1234567 in the graph. Look it up by name, "
                                     "or ingest an article or list that gives this number.")


def test_cli_path_and_named_query_by_imo_number(db):
    result = invoke(db, "path", "IMO 9188300", "Caspian Holding JSC")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Path 1 (2 hops): Grey Heron -OWNED_BY-> Zenith Bulk Shipping LLC -OWNED_BY-> "
                                    "Caspian Holding JSC")
    result = invoke(db, "query", "--name", "ownership_chain", "-p", "entity=9188300", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["chain"] == ["Grey Heron", "Zenith Bulk Shipping LLC", "Caspian Holding JSC"]


# -- the JSON API and the search page ---------------------------------------------------------------
@pytest.fixture
def client(examples_graph):
    store = examples_graph.store
    app = create_app(store.settings, store=store)
    with TestClient(app, base_url="http://127.0.0.1", headers=console_headers(app)) as c:
        yield c


@pytest.mark.parametrize("form", ["9188300", "IMO 9188300", "IMO: 9188300", "imo:9188300"])
def test_api_entity_and_search_by_imo_number(client, form):
    res = client.get(f"/api/entity/{form}")
    assert res.status_code == 200, res.text
    assert res.json()["entity"]["name"] == "Grey Heron"
    res = client.get("/api/search", params={"q": form})
    assert res.status_code == 200, res.text
    [hit] = res.json()["results"]
    assert (hit["id"], hit["name"], hit["label"], hit["matched"]) == (GREY_HERON, "Grey Heron", "Vessel", "IMO 9188300")


@pytest.mark.parametrize("path", [f"/api/entity/{BAD}", f"/api/entity/IMO%20{BAD}", f"/api/search?q=IMO+{BAD}",
                                  f"/api/search?q={BAD}"])
def test_api_bad_check_digit_is_400_saying_why(client, path):
    res = client.get(path)
    assert res.status_code == 400
    err = res.json()["error"]
    assert err["kind"] == "bad_reference"
    assert "is not a valid IMO number: its check digit fails" in err["message"]


def test_api_search_for_an_unknown_imo_number_finds_nothing(client):
    assert client.get("/api/search", params={"q": "1234567"}).json()["results"] == []
