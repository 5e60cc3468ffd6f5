from envctl.stacks import InMemoryStackClient, Stack
from envctl.teardown import find_stacks, teardown


def client():
    return InMemoryStackClient(
        [
            Stack("pr-4821-web", {"env": "pr-4821"}),
            Stack("pr-4821-worker", {"env": "pr-4821"}),
            Stack("checkout-web", {"env": "production"}),
        ]
    )


def test_find_stacks_by_environment():
    assert [s.name for s in find_stacks(client(), "pr-4821")] == ["pr-4821-web", "pr-4821-worker"]


def test_teardown_asks_before_deleting():
    c = client()
    assert teardown(c, "pr-4821", prompt=lambda _: "n") == 1
    assert c.deleted == []


def test_teardown_deletes_after_yes():
    c = client()
    assert teardown(c, "pr-4821", prompt=lambda _: "y") == 0
    assert c.deleted == ["pr-4821-web", "pr-4821-worker"]


def test_assume_yes_skips_the_prompt():
    c = client()
    assert teardown(c, "pr-4821", assume_yes=True) == 0
    assert c.deleted == ["pr-4821-web", "pr-4821-worker"]
