"""Write a valid synthetic partnership of N tasks (20 plans, members, outcomes, votes, log).

python benchmarks/generate.py --tasks 10000 [--history 200000] [--schema 1] big.json

The log holds one entry per task added, then progress changes up to --history entries.
Schema 2 (the default) writes the sealed file and its log side file, as workplan does;
--schema 1 writes the old single indented file with the log inside.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from workplan_tui.model import schema
from workplan_tui.model.records import SCHEMA_VERSION
from workplan_tui.store.storage import locked, os_login
from workplan_tui.store.store import Store

PARTNERS = ["PARKS", "FOODBANK", "SCHOOLS", "GARDEN"]
WORDS = "order build plan book train recruit print measure deliver check report map fund draft review".split()
THINGS = "soil beds lumber vans boxes flyers volunteers permits budget route lessons compost signage rota".split()


def generate(tasks: int, plans: int = 20, seed: int = 7, history: int | None = None) -> dict:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()

    def ts(days_ago: float) -> str:
        return (now - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")

    data: dict = {
        "meta": {"1": {"schema_version": SCHEMA_VERSION, "name": "Synthetic Partnership", "stage": "performing"}},
        "partners": {},
        "members": {},
        "norms": {},
        "plans": {},
        "votes": {},
        "outcomes": {},
        "tasks": {},
        "activity": {},
    }
    for i, code in enumerate(PARTNERS, 1):
        data["partners"][str(i)] = {"code": code, "name": f"{code.title()} organisation", "contributions": [], "rev": 1}
    handles = [f"member{i:02d}" for i in range(1, 13)]
    login = os_login()  # the benchmarks act as several members (WORKPLAN_USER) from this account
    for i, handle in enumerate(handles, 1):
        data["members"][str(i)] = {
            "handle": handle,
            "name": f"Member {i}",
            "partner": PARTNERS[i % 4],
            "role": "lead" if i <= 4 else "member",
            "rev": 1,
            "accounts": [handle, login],
        }
    for i in range(1, 6):
        data["norms"][str(i)] = {"text": f"Norm number {i}", "agreed_by": handles[: 12 - i], "rev": 1}
    vote_id = outcome_id = 0
    for p in range(1, plans + 1):
        status = ["active", "proposed", "draft", "completed"][p % 4]
        data["plans"][str(p)] = {"title": f"Plan {p}: {rng.choice(THINGS)}", "status": status, "rule": "consensus"}
        for handle in handles[: rng.randint(4, 12)]:
            vote_id += 1
            data["votes"][str(vote_id)] = {
                "plan": p,
                "member": handle,
                "position": rng.choice(["agree", "agree", "agree", "abstain", "disagree"]),
                "at": ts(rng.uniform(20, 60)),
                "rev": 1,
            }
        for _ in range(3):
            outcome_id += 1
            target = rng.choice([100, 400, 5000])
            data["outcomes"][str(outcome_id)] = {
                "plan": p,
                "name": f"Outcome {outcome_id}",
                "unit": "units",
                "baseline": 0,
                "target": target,
                "current": rng.randint(0, target),
                "due": (today + timedelta(days=rng.randint(-10, 90))).isoformat(),
                "checkins": [
                    {"value": rng.randint(0, target), "by": rng.choice(handles), "at": ts(k)} for k in (30, 20, 10)
                ],
                "rev": 3,
            }
    for t in range(1, tasks + 1):
        plan = (t - 1) % plans + 1
        status = rng.choice(["todo", "todo", "doing", "doing", "blocked", "done"])
        progress = 100 if status == "done" else (0 if status == "todo" else rng.randrange(10, 100, 10))
        updated = rng.uniform(0, 40)
        data["tasks"][str(t)] = {
            "plan": plan,
            "title": f"{rng.choice(WORDS).title()} {rng.choice(THINGS)} #{t}",
            "notes": "",
            "owner": rng.choice(handles),
            "status": status,
            "progress": progress,
            "due": (today + timedelta(days=rng.randint(-20, 60))).isoformat(),
            "outcome": (plan - 1) * 3 + rng.randint(1, 3) if rng.random() < 0.3 else None,
            "blocked_reason": "waiting on a partner" if status == "blocked" else "",
            "updates": [],
            "created_at": ts(updated + 10),
            "updated_at": ts(updated),
            "rev": 2,
        }
        data["activity"][str(t)] = {
            "at": ts(updated + 10),
            "member": rng.choice(handles),
            "os_user": "bench",
            "kind": "task.add",
            "record": f"T{t}",
            "changes": {"title": [None, data["tasks"][str(t)]["title"]]},
        }
    for n in range(tasks + 1, (history or tasks) + 1):
        t = (n - 1) % max(tasks, 1) + 1
        before = rng.randrange(0, 100, 10)
        data["activity"][str(n)] = {
            "at": ts(40 * (1 - n / (history or 1))),
            "member": rng.choice(handles),
            "os_user": "bench",
            "kind": "task.progress",
            "record": f"T{t}",
            "changes": {"progress": [before, before + 10]},
        }
    data["meta"]["1"]["schema_version"] = 1  # the log is still inside; write_file moves it out
    problems = schema.validate(data)
    if problems:
        raise SystemExit(f"generator bug: {problems[0]}")
    return data


def write_file(path: Path, tasks: int, plans: int = 20, *, history: int | None = None, version: int = 2) -> None:
    """A synthetic file at ``path`` (and its log beside it, for schema 2)."""
    data = generate(tasks, plans, history=history)
    if version == 1:
        path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        return
    with locked(path):
        Store(path, user="bench").write_new(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--history", type=int, default=None, help="log entries (default: one per task)")
    parser.add_argument("--schema", type=int, choices=[1, SCHEMA_VERSION], default=SCHEMA_VERSION)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.tasks < 0 or args.plans < 1:
        sys.exit("generate.py: --tasks must be >= 0 and --plans >= 1")
    write_file(args.out, args.tasks, args.plans, history=args.history, version=args.schema)
    print(f"wrote {args.out}: {args.tasks} tasks in {args.plans} plans, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
