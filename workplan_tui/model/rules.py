"""The partnership's rules: progress rollups, buy-in decisions, task transitions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from workplan_tui.model import identity
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    MAX_ACCOUNTS,
    POSITIONS,
    REOPEN_STATUSES,
    RULES,
    TASK_STATUSES,
    UNDECIDED_PLAN_STATUSES,
    Member,
    Norm,
    Outcome,
    Partner,
    Plan,
    Record,
    Task,
    Vote,
    Workplan,
    label,
)
from workplan_tui.model.schema import valid_handle
from workplan_tui.model.text import clean, short


class RuleError(ValueError):
    """A change that the partnership's rules do not allow."""


# --- progress ---------------------------------------------------------------


def outcome_progress(baseline: float, target: float, current: float) -> float:
    """(current - baseline) / (target - baseline) as a percentage clamped to 0-100.

    Works for reduction goals too (target below baseline). When target equals
    baseline the goal counts as met only while current is at the target.
    """
    span = target - baseline
    if span == 0:
        return 100.0 if current == target else 0.0
    return max(0.0, min(100.0, (current - baseline) / span * 100.0))


def outcome_figures(outcome: Outcome, number: Callable[[float], str]) -> str:
    """Where an outcome stands, in words a reader takes the right way round:
    "28 / 40 beds" for a goal that grows from nothing, else from where it started:
    "25 → 12 min, target 10" for one that shrinks (a wait time, a cost), where
    "12 / 10 min" would read as 120 %."""
    unit = f" {clean(outcome.unit)}" if outcome.unit else ""
    current, target = number(outcome.current), number(outcome.target)
    if outcome.target < outcome.baseline or outcome.baseline != 0:
        return f"{number(outcome.baseline)} → {current}{unit}, target {target}"
    return f"{current} / {target}{unit}"


def plan_progress(outcomes: Iterable[Outcome], tasks: Iterable[Task]) -> float:
    """A plan's progress, 0-100.

    The mean progress of its outcomes and the mean progress of its tasks, each
    weighing half when the plan has both; a plan with only one kind uses that
    mean alone; a plan with neither is at 0.
    """
    outcome_values = [outcome_progress(o.baseline, o.target, o.current) for o in outcomes]
    task_values = [float(t.progress) for t in tasks]
    means = [sum(v) / len(v) for v in (outcome_values, task_values) if v]
    return sum(means) / len(means) if means else 0.0


PLAN_PROGRESS_FORMULA = (
    "plan progress = mean(outcome progress) x 1/2 + mean(task progress) x 1/2; "
    "a plan with only outcomes or only tasks uses that mean alone"
)


# --- buy-in -----------------------------------------------------------------


class BuyIn(Record):
    """Where a plan stands: the tally, and whether its rule lets it become active."""

    rule: str
    tally: dict[str, int]
    not_voted: list[str]
    ok: bool
    reasons: list[str] = []

    def summary(self) -> str:
        voted = sum(self.tally.values())
        total = voted + len(self.not_voted)
        parts = [f"buy-in {self.tally['agree']}/{total}"]
        for position in ("block", "disagree", "abstain"):  # what stops a plan first
            if self.tally[position]:
                parts.append(f"{self.tally[position]} {position}")
        return " · ".join(parts)


def buy_in(
    plan: Plan,
    members: Mapping[str, Member],
    votes: Mapping[str, Vote],
    partners: Mapping[str, Partner],
) -> BuyIn:
    """Decide whether ``plan`` has the buy-in its rule asks for.

    ``votes`` maps a member handle to that member's latest vote on the plan.
    Votes of people who are no longer members do not count.
    """
    counted = {h: v for h, v in votes.items() if h in members}
    tally = dict.fromkeys(POSITIONS, 0)
    for vote in counted.values():
        tally[vote.position] += 1
    not_voted = sorted(h for h in members if h not in counted)
    reasons: list[str] = []
    blockers = sorted(h for h, v in counted.items() if v.position == "block")
    if blockers:
        reasons.append(f"blocked by {', '.join(blockers)}")
    if not members:
        reasons.append("the partnership has no members yet")
    elif plan.rule == "consensus":
        if not_voted:
            reasons.append(f"not voted yet: {', '.join(not_voted)}")
        against = sorted(h for h, v in counted.items() if v.position == "disagree")
        if against:
            reasons.append(f"disagrees: {', '.join(against)}")
    elif plan.rule == "partners":
        agreeing = {members[h].partner for h, v in counted.items() if v.position == "agree"}
        with_members = {m.partner for m in members.values()}
        missing = sorted(code for code in partners if code in with_members and code not in agreeing)
        if missing:
            reasons.append(f"no agree vote yet from partner {', '.join(missing)}")
    elif plan.rule == "majority":
        needed = len(members) // 2 + 1
        if tally["agree"] < needed:
            reasons.append(f"{tally['agree']} of {len(members)} members agree; a majority needs {needed}")
    else:
        reasons.append(f"unknown decision rule {plan.rule!r}")
    return BuyIn(plan.rule, tally, not_voted, ok=not reasons, reasons=reasons)


def buyin_words(plan: Plan, buyin: BuyIn) -> str:
    """Where a plan's buy-in leaves it, in words fitting its status: only a proposed plan "may
    become active"; a draft does so once proposed; an active (or closed) plan says it has the
    buy-in, or what it lacks now (a member who joined since). The board, the command line and
    the report say it so."""
    missing = "; ".join(buyin.reasons)
    if plan.status == "proposed":
        return "may become active" if buyin.ok else f"missing: {missing}"
    if plan.status == "draft":
        return "may become active once proposed" if buyin.ok else f"missing: {missing}"
    if buyin.ok:
        return f"{plan.status}, with the buy-in its rule asks for"
    return f"{plan.status}; its buy-in now lacks: {missing}"


# Each buy-in rule in plain words (the board and the CLI say it the same way).
RULE_WORDS = {
    "consensus": "every member votes; nobody disagrees or blocks",
    "partners": "at least one agree from every partner; nobody blocks",
    "majority": "more than half of all members agree; nobody blocks",
}

# Plan status moves: which statuses each action starts from.
PLAN_MOVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "propose": ("proposed", ("draft",)),
    "activate": ("active", ("proposed",)),
    "complete": ("completed", ("active",)),
    "archive": ("archived", REOPEN_STATUSES),
}


def plan_move(plan: Plan, action: str, buyin: BuyIn | None = None) -> str:
    """The plan's new status for ``action``, or RuleError saying why not."""
    new_status, allowed_from = PLAN_MOVES[action]
    if plan.status not in allowed_from:
        hint = " (propose it first)" if action == "activate" and plan.status == "draft" else ""
        raise RuleError(f"{plan.label} is {plan.status}; cannot {action} it{hint}")
    if action == "activate" and buyin is not None and not buyin.ok:
        raise RuleError(f"{plan.label} cannot become active: {'; '.join(buyin.reasons)}")
    return new_status


# --- closing dates (a proposal's buy-in deadline) ------------------------------


def closing_words(plan: Plan, today: date) -> str:
    """A proposal's closing date in words: 'closes in 2 days, Mon 30 Nov', 'closes today',
    'closed Fri 27 Nov'; '' for a plan without one. The rule is unchanged by it (a lead still
    activates); it says by when the partners are asked to have voted."""
    if not plan.closes:
        return ""
    from workplan_tui.model.dates import short_date

    when = date.fromisoformat(plan.closes)
    days = when.toordinal() - today.toordinal()
    day = short_date(when, today=today)
    if days < 0:
        return f"closed {day}"
    if days == 0:
        return "closes today"
    return f"closes {'tomorrow' if days == 1 else f'in {days} days'}, {day}"


def is_closed(plan: Plan, today: date) -> bool:
    """Whether a proposal's closing date has passed (False without one)."""
    return bool(plan.closes) and str(plan.closes) < today.isoformat()


def not_voted_by_close(plan: Plan, members: Iterable[str], votes: Iterable[Vote]) -> list[str]:
    """The members (handles, sorted) who had not voted on ``plan`` by the end of its closing day
    (their local day of each vote, as people see it), from the votes kept in the file; [] for a
    plan without a closing date. A vote changed later does not count before it was cast."""
    if not plan.closes:
        return []
    voted = set()
    for vote in votes:
        if vote.plan == plan.id and vote.at:
            try:
                day = datetime.fromisoformat(vote.at.replace("Z", "+00:00")).astimezone().date().isoformat()
            except ValueError:
                continue
            if day <= plan.closes:
                voted.add(vote.member)
    return sorted(set(members) - voted)


def vote_problem(position: str, comment: str) -> str | None:
    """Why a vote cannot be cast as given, or None. A member who disagrees or blocks says
    why (a block stops the plan, so the others must know what would lift it): the board
    and the CLI both ask for the reason through this rule."""
    if position in ("disagree", "block") and not comment.strip():
        return f"say why you {position}: a reason is required"
    return None


# --- norms --------------------------------------------------------------------


class NormState(NamedTuple):
    """Where a norm stands: in force or not, the members who have agreed and those still to
    agree (handles, sorted)."""

    in_force: bool
    agreed: list[str]
    waiting: list[str]


def norm_state(norm: Norm, members: Iterable[str]) -> NormState:
    """Whether ``norm`` is in force among ``members`` (their handles): when every member has
    agreed (PRODUCT.md), and only in a partnership that has members. Only members' agreement
    counts: someone who agreed and has left counts neither as agreed nor as waited for."""
    current = set(members)
    agreed = current & set(norm.agreed_by)
    return NormState(bool(current) and agreed == current, sorted(agreed), sorted(current - agreed))


# --- partners and members ---------------------------------------------------


def partner_code(typed: str, codes: Iterable[str]) -> str | None:
    """The stored partner code that ``typed`` names, or None. Codes are matched ignoring
    case everywhere (``parks`` names ``PARKS``), as ``partner add`` refuses a code that
    differs from another only in case."""
    wanted = typed.strip().lower()
    return next((code for code in codes if code.lower() == wanted), None)


def member_handle(typed: str, handles: Iterable[str]) -> str | None:
    """The stored handle that ``typed`` names, or None. A handle is matched as typed, else
    ignoring case (``Dan`` names ``dan``, ``WORKPLAN_USER=Bob`` acts as ``bob``), as long as
    only one handle matches so; ``member add`` refuses a handle that differs from another only
    in case. Every command, action and filter that takes a handle asks this."""
    typed = typed.strip()
    known = list(handles)
    if typed in known:
        return typed
    lowered = typed.casefold()
    found = [h for h in known if h.casefold() == lowered]
    return found[0] if len(found) == 1 else None


def no_member(typed: str, handles: Iterable[str]) -> str:
    """The refusal of a handle no member has, with the handles it may have meant:
    "no member 'dna' (did you mean dan?); see 'workplan member list'"."""
    known = sorted(handles)
    typed = typed.strip()
    same = [h for h in known if h.casefold() == typed.casefold()]
    if len(same) > 1:
        return f"{typed!r} names {len(same)} members ({', '.join(same)}); type the handle exactly"
    return f"no member {typed!r}{_meant(typed, known)}; see 'workplan member list'"


def _meant(typed: str, handles: Iterable[str]) -> str:
    """' (did you mean dan?)' for the handles close to ``typed``, or ''."""
    from difflib import get_close_matches  # only when refusing: start-up time

    lowered = {h.casefold(): h for h in handles}
    close = [lowered[h] for h in get_close_matches(typed.strip().casefold(), list(lowered), n=3, cutoff=0.6)]
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def member_problem(
    user: str, members: Mapping[str, Sequence[str]], login: str, *, even_if_none: bool = False
) -> str | None:
    """Why the Unix account ``login`` may not change the file as member ``user``, or None (one
    line). ``members``: each member's handle -> the accounts that may act as them
    (``identity.bindings``). Once a file has members only they change it, each from an
    account bound to them (root is not special); anyone may set up an empty one.
    ``even_if_none``: a change only a member can make (a vote, an agreement), members or not.
    The command line, the actions, the board and serve say it in these words."""
    if not (members or even_if_none):
        return None
    mine = identity.members_for(members, login)
    choose = (
        f"your login {login} acts as {', '.join(mine)} (WORKPLAN_USER={mine[0]})"
        if mine
        else f"your login {login} may act as no member"
    )
    if user not in members:
        if user == login and len(mine) > 1:
            return f"{choose.replace('acts as', 'may act as')}; set WORKPLAN_USER to the one you are acting as"
        return (
            f"{user} is not a member of this partnership{_meant(user, members)} ({choose}); ask a member to run "
            f"'workplan member add {user} --name NAME --partner CODE'"
        )
    if login not in members[user]:
        return (
            f"your login {login} may not act as {user} (only {', '.join(members[user])} may); {choose}. A lead can "
            f"bind it: 'workplan member edit {user} --account {login}'"
        )
    return None


def first_member_problem(handle: str, accounts: Sequence[str], user: str, login: str) -> str | None:
    """Why ``login`` (acting as ``user``) may not add ``handle``, bound to ``accounts``, as the
    file's first member, or None. The one setting a file up adds themselves: a member bound to
    their login, under its own handle or another (``--account LOGIN``), which they then act as
    (``user`` is their login, or that handle asked for with ``$WORKPLAN_USER``).

    Once a file has members only they may change it, each from an account bound to them
    (model/identity.py), so a first member the person setting it up cannot act as would lock
    them out of their own file."""
    if login in accounts and user in (handle, login):
        return None
    if login in accounts:  # $WORKPLAN_USER names someone else
        return f"WORKPLAN_USER={user} is not the member you add ({handle}); unset it to add yourself"
    return (
        f"the first member must be you (your login {login}), or you could not change the file after: "
        f"'workplan member add {login} --name NAME --partner CODE', or under another handle "
        f"'workplan member add HANDLE --name NAME --partner CODE --account {login}'"
    )


def check_accounts(
    members: Mapping[str, Member], accounts: Sequence[str], handle: str, *, me: str, login: str, change: bool = False
) -> None:
    """Refuse accounts a member may not set (one line): only a lead binds accounts other than
    the handle's own to a new member (else any member could add a second member acting from
    their login and vote twice), and only a lead changes an existing member's (``change``),
    back to the handle's own included (else any member could unbind cron's account from a
    'bot' member, or give a name back to the login a lead took it from); at most
    ``MAX_ACCOUNTS``, each a login; and never unbind yourself from the login you act from (you
    could not change the file after, nor undo this)."""
    if not _is_lead(members, me) and (change or list(accounts) != [handle]):
        raise RuleError(
            f"only a lead may bind a member to Unix accounts, or unbind them; ask one ({', '.join(_leads_of(members))})"
        )
    if not accounts:
        raise RuleError(f"{handle} needs at least one Unix account that may act as them")
    if len(accounts) > MAX_ACCOUNTS:
        raise RuleError(f"at most {MAX_ACCOUNTS} accounts may act as one member")
    for account in accounts:
        if not valid_handle(account):
            raise RuleError(f"account {account!r} must be a Unix login: 1-32 letters, digits, '.', '-' or '_'")
    if handle == me and login not in accounts:
        raise RuleError(f"your login {login} would no longer act as {handle}: you could not change the file after")


def plan_reopen(plan: Plan, archived_from: str | None) -> str:
    """The status ``plan reopen`` returns a plan to.

    A completed plan goes back to active (work resumes under the buy-in it had). An
    archived plan goes back to the status it had when it was archived (the plan
    remembers it in ``archived_from``); one archived before plans remembered that
    comes back as a draft, to be proposed and bought into again.
    """
    if plan.status == "completed":
        return "active"
    if plan.status == "archived":
        return archived_from if archived_from in REOPEN_STATUSES else "draft"
    raise RuleError(f"{plan.label} is {plan.status}; only a completed or archived plan can be reopened")


def rule_change(plan: Plan, rule: str) -> None:
    """A plan's decision rule changes only before its buy-in is decided (draft or proposed)."""
    if rule not in RULES:
        raise RuleError(f"decision rule {rule!r} is not one of {', '.join(RULES)}")
    if plan.status not in UNDECIDED_PLAN_STATUSES:
        raise RuleError(
            f"{plan.label} is {plan.status}: its buy-in was decided under the {plan.rule} rule, "
            "which can change only while the plan is a draft or proposed"
        )


def reopen_command(plan: Plan) -> str:
    """How the command line reopens ``plan``; the board names its own key instead."""
    return f"'workplan plan reopen {plan.label}'"


def frozen(plan: Plan, reopen: str = "") -> str | None:
    """Why nothing in ``plan`` (the plan, its tasks, its outcomes) may change, or None.

    An archived plan is a closed record: reopen it first (``reopen`` says how; the
    command line's command unless given).
    """
    if plan.status == "archived":
        return f"{plan.label} is archived; reopen it first ({reopen or reopen_command(plan)})"
    return None


def closed_to_new(plan: Plan, what: str = "tasks", reopen: str = "") -> str | None:
    """Why no new ``what`` (tasks, outcomes) may be added to ``plan``, or None.

    Completed and archived plans take no new work: reopen the plan first (``reopen``
    says how; the command line's command unless given). (Tasks and outcomes already in
    a completed plan may still be edited: late figures arrive.)
    """
    if plan.status in CLOSED_PLAN_STATUSES:
        return f"{plan.label} is {plan.status}: no new {what} (reopen it first: {reopen or reopen_command(plan)})"
    return None


def check_open(plan: Plan) -> None:
    """RuleError when ``plan`` is frozen (see ``frozen``)."""
    problem = frozen(plan)
    if problem:
        raise RuleError(problem)


def check_can_add(plan: Plan, what: str = "tasks") -> None:
    """RuleError when ``plan`` takes no new ``what`` (see ``closed_to_new``)."""
    problem = closed_to_new(plan, what)
    if problem:
        raise RuleError(problem)


# --- members ------------------------------------------------------------------


def check_member_change(
    members: Mapping[str, Member],
    handle: str,
    *,
    me: str,
    remove: bool = False,
    role: str | None = None,
    partner: str | None = None,
) -> None:
    """Refuse a change that would leave the partnership without anyone to run it, or that a
    member may not make.

    Only a lead removes a member, or changes a member's role or partner (a member may
    change their own name): otherwise any member of a hostile partner could demote the
    leads and remove them (found by a tester). Never remove or demote the last lead
    (nobody could administer the file), never remove the last member (anyone could then
    change the file), and never remove yourself (you could not undo it: ask another member).
    """
    member = members[handle]
    if (remove or role is not None or partner is not None) and not _is_lead(members, me):
        doing = "remove a member" if remove else "change a member's role or partner"
        raise RuleError(f"only a lead may {doing}; ask one ({', '.join(_leads_of(members)) or 'none'})")
    leads = [h for h, m in members.items() if m.role == "lead"]
    losing_lead = member.role == "lead" and (remove or (role is not None and role != "lead"))
    if losing_lead and leads == [handle]:
        doing = "removed" if remove else "made a member"
        raise RuleError(
            f"{handle} is the last lead and cannot be {doing}; make another member a lead first "
            "('workplan member edit HANDLE --role lead')"
        )
    if remove and len(members) == 1:
        raise RuleError(f"{handle} is the last member; a partnership without members could be changed by anyone")
    if remove and handle == me:
        raise RuleError("you cannot remove yourself (you could not undo it); ask another member to do it")


def check_contact_change(members: Mapping[str, Member], handle: str, *, me: str) -> None:
    """Refuse a change of a member's e-mail address or digest preference by anyone but that
    member or a lead (issue 27: they set their own, a lead may set anyone's). ``me`` is the
    acting member, whom the store has already checked may act so."""
    acting = members.get(me)
    if me != handle and (acting is None or acting.role != "lead"):
        raise RuleError(
            f"only {handle} or a lead may change {handle}'s e-mail address or digest; "
            f"ask one ({', '.join(_leads_of(members)) or 'none'})"
        )


def email_problem(text: str) -> str | None:
    """Why ``text`` is not an address workplan may mail (one line), or None (records.EMAIL_PATTERN)."""
    from workplan_tui.model.digest import valid_email

    if valid_email(text):
        return None
    return (
        f"{clean(text)!r} is not one plain e-mail address (letters, digits and . _ + = % - before the @; "
        "no spaces, commas, quotes or angle brackets)"
    )


def check_member_add(members: Mapping[str, Member], role: str, *, me: str) -> None:
    """Refuse a member added as a lead by someone who is not one (``members`` empty: the
    file's first member, who leads)."""
    if members and role == "lead" and not _is_lead(members, me):
        raise RuleError("only a lead may add a lead; add them as a member and ask a lead")


def _is_lead(members: Mapping[str, Member], handle: str) -> bool:
    return handle in members and members[handle].role == "lead"


def _leads_of(members: Mapping[str, Member]) -> list[str]:
    return sorted(h for h, m in members.items() if m.role == "lead")


# --- tasks ------------------------------------------------------------------


def parse_progress(spec: str, current: int) -> int:
    """A task's progress as typed, from ``current``: ``60``, ``60%`` or ``60 percent`` sets it, ``+10`` or
    ``-5%`` moves it (by at most 100 points, the result clamped to 0-100); a whole number may come with a zero
    fraction, as spreadsheets write it (``60.0``). The command line, the board's form and an
    import all read it so. Raises RuleError for anything else."""
    s = spec.strip()
    relative = s[:1] in "+-" and len(s) > 1
    number = s[1:] if relative else s
    for sign in ("%", "percent", "pct", "pc"):  # 60%, 60 percent
        if number.lower().endswith(sign):
            number = number[: -len(sign)]
            break
    digits, _, fraction = number.rstrip().partition(".")
    if fraction.strip("0") or not (digits.isascii() and digits.isdigit()):
        raise RuleError(f"progress {spec!r} is not a number; use e.g. 60, 60%, +10 or -5")
    if len(digits.lstrip("0")) > 4:  # a whole number, but far beyond 100: said as such, never read whole
        raise RuleError(f"progress {short(spec, 24)!r} is out of range; use 0 to 100 (or +10, -5 to move it)")
    value = int(digits)
    if relative and value > 100:  # '+1000' for '+10' would finish the task: a slip, never a move
        raise RuleError(f"a move of {s[0]}{value} is more than 100 points; move by -100 to +100, e.g. +10")
    if relative:
        return max(0, min(100, current + (value if s[0] == "+" else -value)))
    if value > 100:
        raise RuleError(f"progress {value} is out of range; use 0 to 100")
    return value


def parse_percent(spec: str) -> int:
    """A progress typed as a value, not a move (``60`` or ``60%``, 0 to 100): what a form's
    field or a spreadsheet's cell holds. Raises RuleError for anything else, moves included."""
    try:
        if spec.strip()[:1] in "+-":
            raise RuleError(spec)
        return parse_progress(spec, 0)
    except RuleError:
        raise RuleError(f"progress {spec.strip()!r} is not a whole number from 0 to 100 (60 or 60%)") from None


def progress_changes(task: Task, progress: int) -> dict[str, Any]:
    """Field changes for setting a task's progress (100 marks it done)."""
    if not 0 <= progress <= 100:
        raise RuleError(f"progress {progress} is out of range; use 0 to 100")
    changes: dict[str, Any] = {"progress": progress}
    if progress == 100:
        changes["status"] = "done"
        changes["blocked_reason"] = ""
    elif task.status == "done":
        changes["status"] = "doing"
    elif task.status == "todo" and progress > 0:
        changes["status"] = "doing"
    return _only_changed(task, changes)


def status_changes(task: Task, status: str, reason: str | None = None) -> dict[str, Any]:
    """Field changes for moving a task to ``status``: done sets 100 %, to do sets 0 %, and a
    done task reopened as doing or blocked drops to 90 %; blocked needs a reason."""
    if status not in TASK_STATUSES:
        raise RuleError(f"unknown task status {status!r}; use {', '.join(TASK_STATUSES)}")
    changes: dict[str, Any] = {"status": status}
    if status == "blocked":
        reason = (reason or "").strip() or (task.blocked_reason if task.status == "blocked" else "")
        if not reason:
            raise RuleError(f"{task.label}: say why it is blocked (--reason TEXT)")
        changes["blocked_reason"] = reason
    else:
        changes["blocked_reason"] = ""
    if status == "done":
        changes["progress"] = 100
    elif status == "todo":
        changes["progress"] = 0  # to do means not started (a task with progress is doing)
    elif task.status == "done":
        changes["progress"] = min(task.progress, REOPENED_PROGRESS)  # done again only at 100 %
    return _only_changed(task, changes)


# A done task taken back to doing or blocked: not finished, nearly (100 % would mark it done).
REOPENED_PROGRESS = 90


def status_progress_problem(status: str, progress: int) -> str | None:
    """Why a task cannot have both ``status`` and ``progress`` at once, or None.

    The rule everywhere: done is 100 % and 100 % is done; to do is 0 % (progress
    makes a task doing)."""
    if status == "done" and progress != 100:
        return f"a done task is at 100%, not {progress}%"
    if progress == 100 and status != "done":
        return f"100% is done, not {status}"
    if status == "todo" and progress > 0:
        return f"a task to do has no progress yet ({progress}% is doing)"
    return None


def _only_changed(task: Task, changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if getattr(task, k) != v}


def schedule_problem(what: str, start: str | None, end: str | None, ends: str = "end") -> str | None:
    """Why ``what`` (``"P2"``, ``"O3"``, ``"T12"``) cannot start on ``start`` and end (or be
    due: ``ends="be due"``) on ``end``, or None. ISO days; either may be None. A start after
    the end is refused everywhere a date is typed (the store asks this); a file edited by
    hand may still hold one, and the forecast says so (model/forecast.py)."""
    if start and end and start > end:
        return f"{what} would {ends} on {end}, before it starts on {start}; change both together"
    return None


# A check-in dated this far past "now" is in the future, not a clock a little ahead.
FUTURE_CHECKIN_SLACK = timedelta(days=1)


def date_doubts(workplan: Workplan, now: datetime) -> list[str]:
    """Dates no command writes but a hand edit (or a merge of two edits) may leave, in words
    with the record's id, for ``workplan check``: a plan that ends before it starts, an outcome
    or task that starts after its due day (``schedule_problem``'s rule), a check-in recorded
    after a later one (the forecast takes the last recorded as the latest) and one dated more
    than ``FUTURE_CHECKIN_SLACK`` after ``now`` (an aware datetime). The file stays sound: the
    forecast reads such dates as they are (model/forecast.py)."""
    doubts: list[str] = []
    plans, outcomes, tasks = workplan.plans.values(), workplan.outcomes.values(), workplan.tasks.values()
    for plan in plans:
        if schedule_problem(plan.label, plan.start, plan.end):
            doubts.append(f"{plan.label} ends on {plan.end}, before it starts on {plan.start}")
    for outcome in outcomes:
        if schedule_problem(outcome.label, outcome.start, outcome.due):
            doubts.append(f"{outcome.label} starts on {outcome.start}, after its due day, {outcome.due}")
    for task in tasks:
        if schedule_problem(task.label, task.start, task.due):
            doubts.append(f"{task.label} starts on {task.start}, after its due day, {task.due}")
    future = (now + FUTURE_CHECKIN_SLACK).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for outcome in outcomes:
        latest = ""
        for number, checkin in enumerate(outcome.checkins, 1):
            if checkin.at < latest:
                doubts.append(f"{outcome.label} check-in {number} ({checkin.at[:10]}) is recorded after a later one")
            elif checkin.at > future:
                doubts.append(f"{outcome.label} check-in {number} is dated {checkin.at[:10]}, in the future")
            latest = max(latest, checkin.at)
    return doubts


def not_of_plan(what: str, its_plan: object, plan_id: int, table: str) -> str | None:
    """Why a milestone of plan ``plan_id`` cannot list ``what`` (``"T5"``, ``"O2"``, a record of
    ``table``: tasks or outcomes) of plan ``its_plan``, or None. A milestone is a day its own plan
    holds itself to (``records.Milestone``), so it lists that plan's tasks and outcomes only: the
    store refuses any other (store/actions/milestones.py), and a task or outcome never moves to
    another plan; a hand edit may still leave one, which ``workplan check`` reports."""
    if its_plan == plan_id:
        return None
    return f"{what} is in plan P{its_plan}; a milestone of P{plan_id} lists only its own plan's {table}"


def open_instances_problem(series: str, open_tasks: Sequence[str], *, would: bool = False) -> str | None:
    """Why a recurring series (``series``: ``"S1"``) cannot have the open instances ``open_tasks``
    (labels, ``["T4", "T9"]``), or None: a series has at most one open instance, the one whose
    done makes the next (store/actions/series.py). ``would``: said of a change not yet made.
    The store refuses a change that would open a second (a done instance reopened, a removed one
    brought back); a hand edit or a merge of two copies may still leave one, which ``workplan
    check`` reports."""
    if len(open_tasks) < 2:
        return None
    has = "would have" if would else "has"
    return (
        f"{series} {has} {len(open_tasks)} open instances ({', '.join(open_tasks)}); "
        "a recurring series has one open at a time"
    )


def skip_problem(task: str, series: str | None, status: str) -> str | None:
    """Why task ``task`` (``"T30"``), an instance of ``series`` (``"S1"``; None: of no series that
    exists) with ``status``, cannot be skipped to its series' next day, or None: only an open
    instance is. ``task skip`` (store/actions/series.py) and its shell completion ask this."""
    if series is None:
        return f"{task} is not a recurring task; only an instance of a series is skipped"
    if status == "done":
        return f"{task} is done; there is nothing to skip"
    return None


def series_status_problem(series: str, current: str, wanted: str, *, instances: int, open_now: int) -> str | None:
    """Why series ``series`` (``"S1"``), now ``current`` (running, paused, ended), with ``instances``
    tasks of which ``open_now`` are open, cannot be made ``wanted`` (``series pause``: paused,
    ``resume``: running, ``end``: ended), or None. Resuming a running series with none open (its
    open one was removed) makes the next, so it applies then; an ended series is resumed before it
    is paused. The store (store/actions/series.py) and the commands' shell completion ask this."""
    if current == wanted == "running" and open_now == 0:
        if instances:
            return None
        return f"{series} has no task left to repeat (its instances were removed; 'workplan undo' brings one back)"
    if current == wanted:
        return f"{series} is already {wanted}"
    if current == "ended" and wanted == "paused":
        return f"{series} has ended; resume it first"
    return None


def record_doubts(workplan: Workplan) -> list[str]:
    """What the records say that no command writes but a hand edit or a merge of two copies may
    leave, in words with the records' ids, for ``workplan check`` (beside ``date_doubts``): a
    meeting whose facilitator is also its alternate (``meetings.role_problem``), a milestone
    that lists a task or outcome of another plan (``not_of_plan``), a recurring series with more
    than one open instance (``open_instances_problem``). The file stays sound."""
    from workplan_tui.model.meetings import role_problem  # meetings imports this module

    doubts: list[str] = []
    for meeting in workplan.meetings.values():
        problem = role_problem(meeting.facilitator, meeting.alternate)
        if problem:
            doubts.append(f"{meeting.label}: {problem}")
    for milestone in workplan.milestones.values():
        for table, ids in (("tasks", milestone.tasks), ("outcomes", milestone.outcomes)):
            records: Mapping[int, Task | Outcome] = getattr(workplan, table)
            for record_id in ids:
                record = records.get(record_id)
                problem = not_of_plan(record.label, record.plan, milestone.plan, table) if record else None
                if problem:
                    doubts.append(f"{milestone.label}: {problem}")
    open_by_series: dict[int, list[str]] = {}
    for task in workplan.tasks.values():
        if task.series is not None and task.status != "done":
            open_by_series.setdefault(task.series, []).append(task.label)
    for series_id, open_tasks in sorted(open_by_series.items()):
        problem = open_instances_problem(label("series", series_id), open_tasks)
        if problem:
            doubts.append(problem)
    return doubts


def is_overdue(task: Task, today: str) -> bool:
    """An open task whose due day is before ``today`` (ISO ``YYYY-MM-DD``: ISO days compare as
    text). The board's columns and filter, the review, status and ``task list --overdue`` ask this."""
    return task.status != "done" and bool(task.due) and str(task.due) < today


def week_after(today: date) -> str:
    """The first day past the coming week (ISO): a task due before it, and not overdue, is due
    this week (``is_due_this_week``)."""
    return (today + timedelta(days=7)).isoformat()


def is_due_this_week(task: Task, today: str, week_after: str) -> bool:
    """An open task due from ``today`` to the end of the coming week (``week_after``, from
    ``rules.week_after``; both ISO days). The review, the board's ``due:week`` filter and
    ``status``'s "due this week" ask this."""
    return task.status != "done" and bool(task.due) and today <= str(task.due) < week_after


def stale_cutoff(now: datetime, days: int = 14) -> str:
    """The ISO UTC timestamp before which an open task counts as stale."""
    return (now - timedelta(days=days)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_stale(task: Task, cutoff: str) -> bool:
    """An open task whose last update is older than ``cutoff`` (see ``stale_cutoff``)."""
    return task.status != "done" and bool(task.updated_at) and task.updated_at < cutoff


def stale_tasks(tasks: Iterable[Task], cutoff: str) -> list[Task]:
    """The tasks ``is_stale`` picks, in their order (one pass, no call per task: 10,000 in 1 ms)."""
    return [t for t in tasks if t.status != "done" and t.updated_at and t.updated_at < cutoff]
