"""``workplan remind``: each member's digest by mail (the work is remind/run.py's)."""

from __future__ import annotations

import sys

import click

from workplan_tui.cli.base import Env, complete_members, fail, pass_env
from workplan_tui.model.text import clean


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print every message instead of sending it; nothing is recorded.")
@click.option(
    "--print",
    "to_stdout",
    is_flag=True,
    help="Write the digests to standard output (mbox) for a script to deliver, and record them as sent.",
)
@click.option("--member", "only", metavar="HANDLE", shell_complete=complete_members, help="Only this member's digest.")
@click.option("--quiet", "-q", is_flag=True, help="Say only what failed (for cron, which mails what a job prints).")
@pass_env
def remind_cmd(env: Env, dry_run: bool, to_stdout: bool, only: str | None, quiet: bool) -> None:
    """Send each member a digest of what they have to act on, at most once a period.

    A member gets one when they have an e-mail address (member edit --email), their preference
    (--digest daily, weekly:fri or off; daily by default) says this period is due, and there is
    something to act on: tasks overdue or due this week, votes not cast, norms not agreed,
    outcomes off track that their tasks work towards, their partner's pledges behind or late,
    follow-ups due, debriefs owed, meetings they run this week; with the week's other meetings
    and what others changed on their tasks since their last digest. Safe from cron: what was
    sent is recorded beside the file (NAME.reminders.json), so running it again in the same period sends
    nothing twice, and a member whose message failed is tried again at the next run. Exit status
    0 when everyone due got theirs, 1 when one failed (each named on stderr).

    Mail goes out as the mail settings say (~/.config/workplan/mail.toml, or the file
    $WORKPLAN_MAIL_CONFIG names): SMTP, or the system's sendmail program when there are none.
    The SMTP password comes from a file or $WORKPLAN_SMTP_PASSWORD, never the command line.

    \b
    Examples:
      workplan remind --dry-run
      workplan remind --member bob
      workplan -f /srv/eastside/partnership.json remind --quiet     # from cron
    """
    from workplan_tui.model.dates import today, utc_now
    from workplan_tui.remind import config as settings
    from workplan_tui.remind.message import as_mbox
    from workplan_tui.remind.run import FAILED, SENT, SHOWN, Result, remind
    from workplan_tui.remind.sent import SentError, sent_path_for

    if dry_run and to_stdout:
        fail("--dry-run and --print: choose one")
    try:
        config = settings.load()
    except settings.ConfigError as exc:
        fail(str(exc))
    # Messages go to standard output with --print and --dry-run; then what happened goes to stderr.
    report_to_stderr = dry_run or to_stdout

    def progress(result: Result) -> None:
        who = clean(result.handle) + (f" <{clean(result.email)}>" if result.email else "")
        if result.status == FAILED:
            click.echo(f"workplan: {who}: not delivered: {clean(result.reason)}; the next run tries again", err=True)
        elif not quiet:
            items = f"{result.items} item{'s' if result.items != 1 else ''}"
            if result.status == SENT:
                line = f"{who}: {'printed' if to_stdout else 'sent'} ({items})"
            elif result.status == SHOWN:
                line = f"{who}: would be sent ({items})"
            else:
                line = f"{who}: {clean(result.reason)}"
            click.echo(line, err=report_to_stderr)

    now = utc_now()
    mode = "dry-run" if dry_run else "print" if to_stdout else "send"
    try:
        report = remind(env.store, config, now=now, today=today(now), only=only, mode=mode, progress=progress)
    except SentError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))
    if report.messages and report_to_stderr:
        click.echo(as_mbox(report.messages, readable=dry_run), nl=False)
    if not quiet:
        sent = sum(r.status == SENT for r in report.results)
        failed = sum(r.status == FAILED for r in report.results)
        shown = sum(r.status == SHOWN for r in report.results)
        where = f"; recorded in {sent_path_for(env.store.path)}" if sent else ""
        if dry_run:
            click.echo(f"{shown} digest{'s' if shown != 1 else ''} would be sent (dry run: nothing sent)", err=True)
        else:
            verb = "printed" if to_stdout else f"sent via {config.describe()}"
            click.echo(f"{sent} {verb}, {failed} failed{where}", err=report_to_stderr)
    if not report.ok:
        sys.exit(1)
