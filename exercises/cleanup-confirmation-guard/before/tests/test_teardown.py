from opsctl.stacks import InMemoryStackClient
from opsctl.teardown import main, teardown


def test_teardown_deletes_only_the_environment():
    client = InMemoryStackClient({"web-pr-12": "pr-12", "db-pr-12": "pr-12", "web": "production"})
    assert teardown(client, "pr-12") == ["db-pr-12", "web-pr-12"]
    assert client.deleted == ["db-pr-12", "web-pr-12"]


def test_main_prints_each_deleted_stack(capsys):
    client = InMemoryStackClient({"web-pr-12": "pr-12"})
    assert main(["pr-12"], client=client) == 0
    assert capsys.readouterr().out == "deleted web-pr-12\n"
