"""Shell completion: `workplan completion bash|zsh|fish`, run by a real bash (issue 12)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from workplan_tui.cli.main import cli

BIN = Path(sys.executable).parent  # where pip put the `workplan` script


def env_for(wp: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "WORKPLAN_FILE": str(wp)}


def bash_completes(wp: Path, *words: str) -> list[str]:
    """What bash offers for the last of ``words``, with the script `workplan completion bash` prints."""
    line = " ".join(f"'{w}'" for w in ("workplan", *words))
    script = (
        'eval "$(workplan completion bash)"; '
        f"COMP_WORDS=({line}); COMP_CWORD={len(words)}; _workplan_completion workplan; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", script], env=env_for(wp), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_ids_handles_and_codes(wp: Path) -> None:
    assert bash_completes(wp, "ta") == ["task"]
    assert bash_completes(wp, "task", "pro") == ["progress"]
    assert bash_completes(wp, "task", "progress", "") == ["T1", "T2", "T3"]
    assert bash_completes(wp, "task", "progress", "t") == ["T1", "T2", "T3"]  # typed in any case
    assert bash_completes(wp, "plan", "show", "P") == ["P1"]
    # after an id, another id or the handle (task assign T1 T2 bob)
    assert bash_completes(wp, "task", "assign", "T1", "") == ["T1", "T2", "T3", "alice", "bob", "carol"]
    assert bash_completes(wp, "task", "assign", "T1", "b") == ["bob"]
    assert bash_completes(wp, "task", "status", "T1", "T2", "do") == ["doing", "done"]
    assert bash_completes(wp, "member", "add", "dave", "--partner", "f") == ["FOOD"]
    assert bash_completes(wp, "task", "add", "P1", "x", "--outcome", "") == ["O1"]
    assert bash_completes(wp, "log", "--member", "b") == ["bob"]
    assert bash_completes(wp, "task", "skip", "") == []  # no task repeats


def test_zsh_and_fish_show_titles(wp: Path) -> None:
    # zsh passes the words and the index of the one completed; fish the line and the word itself.
    for shell, words, current in (("zsh", "workplan task show T", "3"), ("fish", "workplan task show T", "T")):
        env = {**env_for(wp), "COMP_WORDS": words, "COMP_CWORD": current, "_WORKPLAN_COMPLETE": f"{shell}_complete"}
        done = subprocess.run([str(BIN / "workplan")], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "T2" in done.stdout and "Build beds" in done.stdout, (shell, done.stdout)
    for shell in ("bash", "zsh", "fish"):
        source = subprocess.run([str(BIN / "workplan"), "completion", shell], capture_output=True, text=True)
        assert source.returncode == 0 and "_WORKPLAN_COMPLETE" in source.stdout


def test_completion_on_a_file_it_cannot_read_offers_nothing_and_says_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    env = {**env_for(bad), "COMP_WORDS": "workplan task show ", "COMP_CWORD": "3", "_WORKPLAN_COMPLETE": "zsh_complete"}
    done = subprocess.run([str(BIN / "workplan")], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "" and done.stderr == ""


def test_every_id_argument_completes() -> None:
    with click.Context(cli) as ctx:
        stack: list[click.Command] = [cli]
        seen = 0
        while stack:
            command = stack.pop()
            if isinstance(command, click.Group):
                stack += [c for n in command.list_commands(ctx) if (c := command.get_command(ctx, n))]
            for param in command.params:
                if param.name and (param.name.endswith("_id") or param.name in ("handle", "owner", "partner_code")):
                    if command.name == "add" and param.name == "handle":
                        continue  # a new member's handle: nothing to complete
                    assert param._custom_shell_complete is not None, f"{command.name} {param.name}"
                    seen += 1
    assert seen > 15


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_a_file_given_as_tilde_or_home_is_found(wp: Path, tmp_path: Path) -> None:
    """The shell expands ~ and $HOME when it runs the command, not in the line being completed."""
    home = wp.parent
    env = {**env_for(wp), "HOME": str(home)}
    del env["WORKPLAN_FILE"]
    for given in (f"~/{wp.name}", f"$HOME/{wp.name}", f"${{HOME}}/{wp.name}"):
        line = " ".join(f"'{w}'" for w in ("workplan", "-f", given, "task", "show", "T"))
        script = (
            'eval "$(workplan completion bash)"; '
            f"COMP_WORDS=({line}); COMP_CWORD=5; _workplan_completion workplan; "
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout.split() == ["T1", "T2", "T3"], (given, done.stdout, done.stderr)


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_keeps_a_description_with_commas_whole(wp: Path) -> None:
    from tests.conftest import make_store
    from workplan_tui.store import actions

    actions.add_task(make_store(wp), 1, "Order soil, compost and mulch, by Friday")
    script = 'source (workplan completion fish | psub); complete -C "workplan task show T4"'
    done = subprocess.run(["fish", "-c", script], env=env_for(wp), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "T4\tOrder soil, compost and mulch, by Friday" in done.stdout.splitlines()


def offered(wp: Path, monkeypatch: pytest.MonkeyPatch, *words: str) -> list[str]:
    """What completion offers for the last of ``words`` (in process: the same code bash runs)."""
    from click.shell_completion import ShellComplete

    monkeypatch.setenv("WORKPLAN_FILE", str(wp))
    complete = ShellComplete(cli, {}, "workplan", "_WORKPLAN_COMPLETE")
    return [item.value for item in complete.get_completions(list(words[:-1]), words[-1])]


def test_series_commands_offer_only_the_recurring_tasks_they_apply_to(
    wp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`task skip` offered every task (T1, a task that never repeats, included) and `series
    pause/resume/end` nothing; now each offers what it applies to: skip, the open instances;
    pause, running series; resume, paused or ended ones and a running one with none open; end,
    any not ended; a series by its id and by its open instance."""
    from tests.clock import iso_day
    from tests.conftest import make_store
    from workplan_tui.store import actions

    store = make_store(wp)  # T1-T3 do not repeat
    weekly = actions.add_task(store, 1, "Weigh the harvest", every="week", due=iso_day(0))  # T4, S1
    actions.set_status(store, weekly.id, "done")  # T5 open, S1 running
    actions.add_task(store, 1, "Monthly report", every="month", due=iso_day(0))  # T6, S2
    actions.set_series_status(store, 2, "paused")
    actions.add_task(store, 1, "Water the beds", every="day", due=iso_day(0))  # T7, S3
    actions.set_series_status(store, 3, "ended")  # T7 still open
    rota = actions.add_task(store, 1, "Rota", every="monday")  # T8, S4
    actions.set_status(store, rota.id, "done")  # T9
    actions.remove_task(store, rota.id + 1)  # S4 running, none open
    assert offered(wp, monkeypatch, "task", "skip", "") == ["T5", "T6", "T7"]
    assert offered(wp, monkeypatch, "task", "skip", "T5", "") == ["T5", "T6", "T7"]
    assert offered(wp, monkeypatch, "series", "pause", "") == ["S1", "T5", "S4"]
    assert offered(wp, monkeypatch, "series", "resume", "") == ["S2", "T6", "S3", "T7", "S4"]
    assert offered(wp, monkeypatch, "series", "resume", "t") == ["T6", "T7"]
    assert offered(wp, monkeypatch, "series", "resume", "3") == ["S3"]
    assert offered(wp, monkeypatch, "series", "end", "") == ["S1", "T5", "S2", "T6", "S4"]
    assert offered(wp, monkeypatch, "task", "progress", "") == [f"T{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8)]
