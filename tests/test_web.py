"""reportgen serve, in-process (Starlette's TestClient): its routes, its safety rules,
and real builds of real workbooks through the same library functions as the CLI."""

from __future__ import annotations

import io
import itertools
import json
import socket
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import run_cli
from starlette.testclient import TestClient
from workbooks import ACTIONS, APPENDICES_HEADER, paper_workbook

from reportgen.web import server
from reportgen.web.app import create_app

BASE = "http://127.0.0.1:8000"
SAME = {"origin": BASE}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_ACTIONS = [*ACTIONS[:2], ["G9", "Theme", "x", None, "Lead", "30/11/2018", "Amberish", None]]


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    paper_workbook(folder / "paper.xlsx")
    paper_workbook(folder / "bad.xlsx", actions=BAD_ACTIONS)
    return folder


def client_for(folder: Path, **options) -> TestClient:
    return TestClient(create_app(folder, jobs=1, **options), base_url=BASE)


def wait_for(client: TestClient, location: str) -> list[dict]:
    """Follow a job's server-sent events to its end; the events, decoded."""
    events = []
    with client.stream("GET", f"{location}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append({"event": kind, **json.loads(line[6:])})
    assert events[-1]["event"] == "end"
    return events


def submit(client: TestClient, url: str, **kwargs) -> str:
    response = client.post(url, headers=SAME, follow_redirects=False, **kwargs)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def uploads_left(client: TestClient) -> list[Path]:
    root = client.app.service.root / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# -- Host, Origin, caps, paths --------------------------------------------------------


def test_a_foreign_host_header_is_refused(folder):
    with client_for(folder) as client:
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
            response = client.get("/", headers={"host": host})
            assert response.status_code == 400
            assert f"not to the host &#x27;{host}&#x27;" in response.text
        assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
        assert client.get("/").status_code == 200


def test_a_post_from_another_origin_or_with_none_is_refused(folder):
    with client_for(folder) as client:
        form = {"choice": "paper.xlsx"}
        for headers, expected in (({"origin": "http://evil.example"},
                                   "Refused: a form sent from http://evil.example"),
                                  ({"origin": "null"}, "Refused: a form sent from null"),
                                  ({"referer": "http://evil.example/x"},
                                   "Refused: a form sent from http://evil.example"),
                                  ({}, "Refused: a form sent without an Origin header")):
            response = client.post("/paper", data=form, headers=headers,
                                   follow_redirects=False)
            assert response.status_code == 403, headers
            assert expected in response.text
        assert client.app.service.queue.jobs == {}  # nothing was queued


def test_an_upload_over_the_cap_is_refused(folder):
    with client_for(folder, max_upload_bytes=50_000) as client:
        big = io.BytesIO(b"PK" + b"\0" * 80_000)
        response = client.post("/paper", headers=SAME,
                               files={"workbook": ("paper.xlsx", big, XLSX)})
        assert response.status_code == 413
        assert "Refused: the upload is larger than 48.8281 KB, the most this page takes at " \
            "once (send fewer or smaller files)" in response.text
        assert client.app.service.queue.jobs == {}
        assert uploads_left(client) == []


def test_an_upload_over_the_cap_without_a_length_is_refused_as_it_arrives(folder):
    def body():  # sent in chunks, with no Content-Length: counted as it comes
        yield (b'--x\r\nContent-Disposition: form-data; name="workbook"; '
               b'filename="a.xlsx"\r\n\r\n')
        for _ in range(20):
            yield b"\0" * 10_000

    with client_for(folder, max_upload_bytes=50_000) as client:
        response = client.post("/paper", content=body(), headers={
            **SAME, "content-type": "multipart/form-data; boundary=x"})
        assert response.status_code == 413
        assert "Refused: the upload is larger than 48.8281 KB" in response.text
        assert client.app.service.queue.jobs == {}
        assert uploads_left(client) == []


def test_an_upload_of_too_many_files_is_refused(folder):
    with client_for(folder, max_files=3) as client:
        files = [("appendices", (f"a{i}.pdf", io.BytesIO(b"%PDF-1.4"), "application/pdf"))
                 for i in range(4)]
        response = client.post("/paper", headers=SAME, files=files)
        assert response.status_code == 413
        assert "send at most 3 files at once" in response.text
        assert client.app.service.queue.jobs == {}


@pytest.mark.parametrize("field", ["choice", "previous_choice"])
def test_a_path_out_of_the_folder_in_a_paper_field_is_refused(folder, field):
    with client_for(folder) as client:
        data = {"choice": "paper.xlsx", field: "../../etc/passwd"}
        response = client.post("/paper", headers=SAME, data=data)
        assert response.status_code == 400
        assert f"Refused: the field {field} (&#39;../../etc/passwd&#39;) is a path" \
            in response.text
        assert "root:" not in response.text
        assert client.app.service.queue.jobs == {}


def test_a_path_out_of_the_folder_anywhere_else_is_refused(folder, tmp_path):
    outside = paper_workbook(tmp_path / "outside.xlsx")
    (folder / "link.xlsx").symlink_to(outside)
    with client_for(folder) as client:
        for value in ("/etc/passwd", "..\\..\\etc\\passwd", "sub/../../x.xlsx"):
            response = client.post("/pack", headers=SAME,
                                   data={"choice": value, "parts": "public"})
            assert response.status_code == 400 and "is a path outside" in response.text
        response = client.post("/paper", headers=SAME, data={"choice": "link.xlsx"})
        assert response.status_code == 400
        assert "Refused: the workbook &#39;link.xlsx&#39; leads outside this folder" \
            in response.text
        assert "link.xlsx" not in client.get("/paper").text  # not offered either
        response = client.get("/?file=../../etc/passwd")
        assert response.status_code == 400
        assert "Refused: the parameter file" in response.text
        response = client.post("/paper", headers=SAME, files={
            "workbook": ("../../etc/passwd.xlsx", io.BytesIO(b"x"), XLSX)})
        assert response.status_code == 400
        assert "is not a plain file name" in response.text
        for url in ("/jobs/x/files/..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2Fpyproject.toml",
                    "/assets/../../pyproject.toml", "/pages/..%2F..%2Fetc%2Fpasswd.png",
                    "/starter/..%2Fx"):
            response = client.get(url)
            assert response.status_code in (400, 404), url
            assert "root:" not in response.text and "[project]" not in response.text
        assert client.app.service.queue.jobs == {}
        assert uploads_left(client) == []


def test_binds_only_the_loopback_address_unless_host_is_given(monkeypatch, tmp_path):
    served = {}

    def record(app, sock, **options):  # instead of serving for ever
        served["address"] = sock.getsockname()
        served["hosts"] = app.service.queue and app.hosts
        sock.close()
        app.service.close()

    monkeypatch.setattr(server, "run", record)
    result = run_cli("serve", tmp_path, "--port", "0", "--no-browser")
    assert result.exit_code == 0, result.output
    assert served["address"][0] == "127.0.0.1"
    assert served["hosts"] == frozenset({"127.0.0.1", "localhost", "::1"})
    assert "Warning" not in result.output
    assert f"Serving {tmp_path.resolve()} at http://127.0.0.1:" in result.output
    result = run_cli("serve", tmp_path, "--host", "0.0.0.0", "--port", "0", "--no-browser")
    assert result.exit_code == 0, result.output
    assert served["address"][0] == "0.0.0.0"
    assert "Warning: listening on 0.0.0.0:" in result.output
    assert "not only on this computer: anyone who can reach it there can build papers" \
        in result.output


def test_a_port_in_use_is_a_clean_error(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        result = run_cli("serve", tmp_path, "--port", port, "--no-browser")
        assert result.exit_code == 1
        assert f"Error: could not listen on 127.0.0.1:{port}" in result.output
        assert "give another with --port" in result.output
        assert "Traceback" not in result.output
    finally:
        taken.close()


def test_serve_refuses_a_folder_that_is_not_one(tmp_path):
    result = run_cli("serve", tmp_path / "nowhere", "--port", "0", "--no-browser")
    assert result.exit_code == 1
    assert "is not a folder: give the folder that holds the workbooks" in result.output


# -- the forms --------------------------------------------------------------------------


def test_the_pages_offer_the_folders_files_and_the_starters(folder):
    with client_for(folder) as client:
        start = client.get("/")
        assert start.status_code == 200 and "Build a board paper" in start.text
        assert "default-src &#39;self&#39;" not in start.text
        assert "script-src 'self'" in start.headers["content-security-policy"]
        paper = client.get("/paper").text
        assert '<option value="paper.xlsx">' in paper and '<option value="bad.xlsx">' in paper
        starter = client.get("/starter/paper.xlsx")
        assert starter.headers["content-disposition"] == 'attachment; filename="my-paper.xlsx"'
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(starter.content))
        assert {"Paper", "Sections", "Actions"} <= set(book.sheetnames)
        agenda = openpyxl.load_workbook(io.BytesIO(client.get("/starter/agenda.xlsx").content))
        assert {"Meeting", "Agenda"} <= set(agenda.sheetnames)


def test_a_form_without_a_workbook_links_its_error_to_the_field(folder):
    with client_for(folder) as client:
        response = client.post("/paper", headers=SAME, data={"choice": ""})
        assert response.status_code == 400
        assert '<a href="#workbook">Upload a workbook (.xlsx), or choose one in the folder</a>' \
            in response.text
        assert 'id="workbook-error"' in response.text
        assert "<title>Error: Build a board paper" in response.text
        response = client.post("/paper", headers=SAME, files={
            "workbook": ("notes.docx", io.BytesIO(b"x"), "application/msword")})
        assert '<a href="#workbook">notes.docx is not an Excel workbook (.xlsx)</a>' \
            in response.text
        response = client.post("/pack", headers=SAME, data={"choice": "agenda.yaml"})
        assert '<a href="#parts">Choose the public pack, the private pack or both</a>' \
            in response.text
        response = client.post("/pack", headers=SAME,
                               data={"choice": "x.yaml", "parts": "secret"})
        assert response.status_code == 400
        assert "Refused: &#39;secret&#39; is not a part of a pack" in response.text
        assert client.app.service.queue.jobs == {}


# -- builds -------------------------------------------------------------------------------


def test_a_broken_workbook_shows_its_problems_and_builds_nothing(folder):
    before = (folder / "bad.xlsx").read_bytes()
    with client_for(folder) as client:
        with open(folder / "bad.xlsx", "rb") as upload:
            location = submit(client, "/paper", files={"workbook": ("bad.xlsx", upload, XLSX)})
        events = wait_for(client, location)
        assert events[-1]["state"] == "invalid"
        page = client.get(location).text
        assert "<title>Error: There is a problem with bad.xlsx" in page
        assert '<a href="#problems-1">Actions!G4: &#34;Amberish&#34; is not a status' in page
        assert ('<td>Actions</td>\n      <td>G4</td>\n      <td>&#34;Amberish&#34; is not a '
                'status</td>') in page
        assert "use one of Complete, On track, At risk, Off track, Not started" in page
        assert "Nothing was built." in page
        job = next(iter(client.app.service.queue.jobs.values()))
        assert job.outputs == [] and not (client.app.service.root / "jobs" / job.id).exists()
        assert uploads_left(client) == []  # the upload's private folder is gone
    assert (folder / "bad.xlsx").read_bytes() == before


def test_an_uploaded_workbook_may_not_append_a_file_from_elsewhere(folder, tmp_path,
                                                                  built_paper):
    appendices = [[1, "Secret", str(built_paper)]]
    book = paper_workbook(tmp_path / "sneaky.xlsx", appendices=appendices)
    assert APPENDICES_HEADER[2] == "File"
    with client_for(folder) as client:
        with open(book, "rb") as upload:
            location = submit(client, "/paper",
                              files={"workbook": ("sneaky.xlsx", upload, XLSX)})
        assert wait_for(client, location)[-1]["state"] == "invalid"
        page = client.get(location).text
        assert (f"appendix 1: {built_paper} is not among the uploaded files, and an uploaded "
                "workbook may append only files uploaded with it") in page
        assert "<td>Appendices</td>\n      <td>C2</td>" in page


def test_an_uploaded_agenda_may_not_name_a_paper_from_elsewhere(folder, built_paper):
    agenda = ("organisation: NHS Test\nmeeting: Governing Body\n"
              "date: 2018-11-14\nitems:\n  - number: '1'\n    title: Sneaky\n"
              f"    paper: {built_paper}\n")
    with client_for(folder) as client:
        location = submit(client, "/pack", data={"parts": "public"}, files={
            "agenda": ("agenda.yaml", io.BytesIO(agenda.encode()), "application/yaml")})
        assert wait_for(client, location)[-1]["state"] == "invalid"
        page = client.get(location).text
        assert (f"paper {built_paper} is not among the uploaded files, and an uploaded "
                "agenda may name only files uploaded with it") in page
        assert "<td>item 1</td>" in page


def test_builds_are_queued_and_run_one_at_a_time(folder):
    with client_for(folder) as client:
        locations = [submit(client, "/paper", data={"choice": "bad.xlsx"}) for _ in range(3)]
        for location in locations:
            wait_for(client, location)
        jobs = list(client.app.service.queue.jobs.values())
        spans = [(next(e.at for e in job.events if e.data.get("text") == "started"),
                  job.events[-1].at) for job in jobs]
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end  # each began after the one before ended


def test_a_paper_builds_and_every_file_it_wrote_is_linked(folder):
    with client_for(folder) as client:
        location = submit(client, "/paper", data={"choice": "paper.xlsx"})
        events = wait_for(client, location)
        assert events[-1]["state"] == "done", client.get(location).text
        percents = [e["percent"] for e in events if e["event"] == "progress"]
        assert percents == sorted(percents) and percents[-1] == 100 and len(set(percents)) >= 5
        page = client.get(location).text
        job = next(iter(client.app.service.queue.jobs.values()))
        labels = [o.label.split(" (")[0] for o in job.outputs]
        assert labels == ["PDF", "HTML twin", "Manifest", "Word document"]
        for output in job.outputs:
            assert f'href="/jobs/{job.id}/files/{output.name}"' in page
        pdf = client.get(f"/jobs/{job.id}/files/test-framework-update-2018-2019.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        with pikepdf.open(io.BytesIO(pdf.content)) as opened:
            assert len(opened.pages) == len(job.pages) >= 3
            assert str(opened.docinfo["/Title"]) == "Test Framework Update 2018/2019"
        twin = client.get(f"/jobs/{job.id}/files/test-framework-update-2018-2019.html")
        assert "Test Framework Update 2018/2019" in twin.text
        assert "sandbox" in twin.headers["content-security-policy"]
        manifest = json.loads(client.get(
            f"/jobs/{job.id}/files/test-framework-update-2018-2019.manifest.json").text)
        assert any(Path(i["path"]).name == "paper.xlsx" for i in manifest["inputs"])
        image = client.get(f"/pages/{job.pages[0].key}.png")
        assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
        assert "Introduce Employee Self Service" in " ".join(p.text for p in job.pages)
        assert client.get(f"/jobs/{job.id}/files/paper.xlsx").status_code == 404
    assert not (folder / "output").exists()  # serve writes nothing into FOLDER


def test_the_server_removes_its_files_when_it_stops(folder):
    with client_for(folder) as client:
        root = client.app.service.root
        assert root.is_dir() and (root.stat().st_mode & 0o777) == 0o700
    deadline = time.monotonic() + 5
    while root.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not root.exists()


def test_an_uploaded_agenda_with_its_papers_becomes_a_pack(folder, built_paper):
    agenda = ("organisation: NHS Test\nmeeting: Governing Body\n"
              "date: 2018-11-14\nitems:\n  - number: '1'\n    title: Apologies\n"
              "  - number: '2'\n    title: The framework\n    paper: framework.pdf\n")
    with client_for(folder) as client:
        location = submit(client, "/pack", data={"parts": "public", "draft": "yes"}, files=[
            ("agenda", ("agenda.yaml", io.BytesIO(agenda.encode()), "application/yaml")),
            ("papers", ("framework.pdf", built_paper.read_bytes(), "application/pdf"))])
        events = wait_for(client, location)
        assert events[-1]["state"] == "done", client.get(location).text
        percents = [e["percent"] for e in events if e["event"] == "progress"]
        assert percents == sorted(percents) and percents[-1] == 100
        assert any("Pack: assembling" in e.get("text", "") for e in events)
        job = next(iter(client.app.service.queue.jobs.values()))
        assert [o.label for o in job.outputs] == ["Public pack: PDF", "Public pack: Manifest"]
        assert job.outputs[0].name == "governing-body-2018-11-14-public-draft.pdf"
        pdf = client.get(f"/jobs/{job.id}/files/{job.outputs[0].name}")
        with pikepdf.open(io.BytesIO(pdf.content)) as opened, \
                pikepdf.open(built_paper) as paper:
            assert len(opened.pages) > len(paper.pages)
        assert uploads_left(client) == []
