"""`dealcraft serve`: the browser server binds to loopback unless told otherwise."""

import pytest

from engine.problems import InputError
from simulator import serve
from simulator.cli import build_parser, main


def test_server_binds_to_loopback_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000
    server = serve.build_server()
    assert server.host == "127.0.0.1" and server.port == 8000
    assert server.command.endswith("dealcraft") or "simulator.cli" in server.command
    assert server.title == "Dealcraft"


def test_cmd_serve_says_where_it_listens_and_does_not_linger(monkeypatch, capsys):
    made = []

    class FakeServer:
        def __init__(self, command, host="localhost", port=8000, title=None, **kw):
            self.command, self.host, self.port = command, host, port
            made.append(self)

        def serve(self, debug=False):
            self.served = True

    monkeypatch.setattr("textual_serve.server.Server", FakeServer)
    assert main(["serve"]) == 0
    assert made[0].host == "127.0.0.1" and made[0].served
    err = capsys.readouterr().err
    assert "http://127.0.0.1:8000" in err and "loopback only" in err

    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert made[1].host == "0.0.0.0" and made[1].port == 8123
    assert "anyone who can reach" in capsys.readouterr().err


def test_bad_port_and_busy_port(monkeypatch, capsys):
    assert main(["serve", "--port", "70000"]) == 1
    assert "port must be" in capsys.readouterr().err

    class Busy:
        def __init__(self, *a, **k):
            pass

        def serve(self, debug=False):
            raise OSError(98, "Address already in use")

    monkeypatch.setattr("textual_serve.server.Server", Busy)
    with pytest.raises(InputError, match="Address already in use"):
        serve.cmd_serve(build_parser().parse_args(["serve"]))
