# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""OCA's ``account_credit_control`` on the benchmark's data, for
``tools/benchmark_dunning.py --peer``.

The peer is a benchmark-only requirement (``requirements-bench.txt``:
``odoo-addon-account-credit-control==18.0.2.0.2.6``), never a dependency of
the addons. :func:`install_peer` installs it from PyPI into the benchmark's
throwaway data folder (``pip install --no-deps --target``), whose
``odoo/addons`` goes on the addons path: not into the Python that runs Odoo,
where the wheel's ``odoo/addons`` folder would hide Odoo's own ``odoo``
package, and whose ``odoo`` requirement no package index has.

Its documented flow, timed phase by phase on the same day and data as our
first run, in the same database and process, with the same
``report.print_delay``, wkhtmltopdf and mail queue (e-mails are queued as
``mail.mail``, not sent, as ours are):

1. create a credit control run for the day with the company's policy and
   generate the credit lines (``credit.control.run.generate_credit_lines``);
2. mark them ready (``set_to_ready_lines``);
3. generate and e-mail the communications of the e-mail lines (the
   ``credit.control.emailer`` wizard);
4. print the letter lines (the ``credit.control.printer`` wizard, then its
   report rendered per communication: Debian's wkhtmltopdf renders one
   document per run).

A first run only reaches the policy's first level ("3 time policy": an
e-mail 10 days after the due date): later levels need the lines of the
previous one.

With a time limit (``--peer-time-limit``), the e-mails are sent by the same
wizard in chunks of :data:`EMAIL_CHUNK` customers, each committed, and the
round stops after the chunk that reaches the limit: the figures then say how
many customers were e-mailed, and the per-e-mail ratio stays exact while the
overall one is a lower bound.
"""

import subprocess
import sys
import time
from pathlib import Path

PEER_MODULE = "account_credit_control"
PEER_POLICY = "account_credit_control.credit_control_3_time"
PEER_REPORT = "account_credit_control.report_credit_control_summary"
#: Customers per e-mail wizard call when the round has a time limit.
EMAIL_CHUNK = 100


def install_peer(target, requirements):
    """Install the peer's wheel into ``target``; return its addons folder.

    :raises RuntimeError: when pip fails (e.g. no access to PyPI)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            "-r",
            str(requirements),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    addons = Path(target) / "odoo" / "addons"
    if result.returncode or not (addons / PEER_MODULE).is_dir():
        raise RuntimeError(
            f"installing {PEER_MODULE} from {requirements} failed: "
            f"{result.stderr.strip()[-500:]}"
        )
    return addons


def configure(env, company):
    """The company follows the peer's "3 time policy" on its receivable
    accounts (the peer only reads the accounts its policy names)."""
    policy = env.ref(PEER_POLICY)
    receivable = env["account.account"].search(
        [
            ("company_ids", "in", company.ids),
            ("account_type", "=", "asset_receivable"),
        ]
    )
    policy.write({"account_ids": [(6, 0, receivable.ids)], "company_id": company.id})
    company.credit_policy_id = policy
    return policy


def run_peer(registry, company_id, today, new_env, maxrss_mb, time_limit=None):
    """The peer's first round on ``today``, measured phase by phase; with
    ``time_limit`` (seconds from the start), stopped in the e-mails at the
    first chunk of customers that ends after it."""
    import odoo.sql_db

    phases = []
    deadline = time.monotonic() + time_limit if time_limit else None
    stopped = {}

    def phase(name, func):
        queries = odoo.sql_db.sql_counter
        start = time.perf_counter()
        value = func()
        env.flush_all()
        env.cr.commit()
        phases.append(
            {
                "phase": name,
                "seconds": round(time.perf_counter() - start, 3),
                "queries": odoo.sql_db.sql_counter - queries,
                "peak_rss_mb": round(maxrss_mb(), 1),
            }
        )
        return value

    with registry.cursor() as cr:
        env = new_env(cr)
        company = env["res.company"].browse(company_id)
        # The same mail queue as ours: e-mails are queued, never sent from
        # inside the run.
        env = env(
            context={
                "mail_notify_force_send": False,
                "allowed_company_ids": company.ids,
            }
        )
        policy = configure(env, company)
        cr.commit()
        mails_before = env["mail.mail"].search_count([])
        run = env["credit.control.run"].create(
            {
                "date": today,
                "policy_ids": [(6, 0, policy.ids)],
                "company_id": company.id,
            }
        )
        phase("compute lines", run.generate_credit_lines)
        lines = run.line_ids
        phase("mark ready", run.set_to_ready_lines)
        email_lines = lines.filtered(
            lambda line: line.state == "to_be_sent" and line.channel == "email"
        )
        letter_lines = lines.filtered(
            lambda line: line.state == "to_be_sent" and line.channel == "letter"
        )

        def emails():
            if not email_lines:
                return
            Emailer = env["credit.control.emailer"]
            if deadline is None:
                Emailer.create({"line_ids": [(6, 0, email_lines.ids)]}).email_lines()
                return
            partners = email_lines.partner_id
            for start in range(0, len(partners), EMAIL_CHUNK):
                chunk = partners[start : start + EMAIL_CHUNK]
                Emailer.create(
                    {
                        "line_ids": [
                            (6, 0, email_lines.filtered(
                                lambda line, chunk=chunk: line.partner_id in chunk
                            ).ids)
                        ]
                    }
                ).email_lines()  # fmt: skip
                env.flush_all()
                env.cr.commit()
                if time.monotonic() > deadline and start + EMAIL_CHUNK < len(partners):
                    stopped.update(
                        phase="e-mails",
                        customers_done=start + len(chunk),
                        customers=len(partners),
                        time_limit_s=time_limit,
                    )
                    return

        phase("e-mails", emails)
        emails_queued = env["mail.mail"].search_count([]) - mails_before
        communications = env["credit.control.communication"].search(
            [("credit_control_line_ids", "in", email_lines.ids)]
        )

        def letters():
            if not letter_lines:
                return 0
            env["credit.control.printer"].create(
                {"line_ids": [(6, 0, letter_lines.ids)]}
            ).print_lines()
            report = env["ir.actions.report"]._get_report_from_name(PEER_REPORT)
            printed = env["credit.control.communication"].search(
                [("credit_control_line_ids", "in", letter_lines.ids)]
            )
            for communication in printed:
                report._render_qweb_pdf(report, communication.ids)
            return len(printed)

        letters_printed = 0 if stopped else phase("letters", letters)
        levels = {}
        for line in lines:
            levels[line.level] = levels.get(line.level, 0) + 1
        return {
            "system": "account_credit_control 18.0.2.0.2.6",
            "phases": phases,
            "total_s": round(sum(p["seconds"] for p in phases), 3),
            "queries": sum(p["queries"] for p in phases),
            "peak_rss_mb": max(p["peak_rss_mb"] for p in phases),
            "credit_lines": len(lines),
            "lines_by_level": dict(sorted(levels.items())),
            "email_lines": len(email_lines),
            "email_communications": len(communications),
            "emails_queued": emails_queued,
            "letter_lines": len(letter_lines),
            "letters_printed": letters_printed,
            "stopped_at_time_limit": stopped or None,
        }


def _per(seconds, count):
    return seconds / count if count else None


def _ratio(numerator, denominator):
    return round(numerator / denominator, 2) if numerator and denominator else None


def _ms(seconds):
    return round(1000 * seconds, 1) if seconds else None


def side_by_side(ours, peer):
    """Rows of the side-by-side table: ours (first run and the letters'
    PDFs) and the peer's first round, per phase, with the ratios."""
    breakdown = ours.get("breakdown", {})
    email = breakdown.get("dunning.communication._dunning_send_email") or {}
    ours_emails_s = email.get("seconds", 0.0)
    # Our e-mail messages to customers (the queued mail.mail also holds the
    # collectors' activity notifications).
    ours_emails = ours["created"].get("messages_by_channel", {}).get("email", 0)
    ours_total = ours["total_s"] + ours.get("letter_pdfs_s", 0.0)
    peer_s = {p["phase"]: p["seconds"] for p in peer["phases"]}
    peer_s.setdefault("letters", None)  # not reached before the time limit
    rows = [
        ("selection / compute lines", ours["selection_s"], peer_s["compute lines"]),
        ("mark ready", None, peer_s["mark ready"]),
        ("e-mails", ours_emails_s, peer_s["e-mails"]),
        ("letters issued (in the run)", ours.get("letters_s"), None),
        ("letters' PDFs", ours.get("letter_pdfs_s"), peer_s["letters"]),
        ("total", ours_total, peer["total_s"]),
    ]
    ours_per_email = _per(ours_emails_s, ours_emails)
    peer_per_email = _per(peer_s["e-mails"], peer["emails_queued"])
    ours_per_letter = _per(ours.get("letter_pdfs_s", 0), ours.get("letter_pdfs"))
    ratios = {
        "overall_peer_over_ours": _ratio(peer["total_s"], ours_total),
        "per_email_peer_over_ours": _ratio(peer_per_email, ours_per_email),
        "ours_ms_per_email": _ms(ours_per_email),
        "peer_ms_per_email": _ms(peer_per_email),
        "ours_ms_per_letter_pdf": _ms(ours_per_letter),
    }
    sent = {
        "ours": {
            "e-mails to customers": ours_emails,
            "mail.mail queued": ours["created"].get("mail_mail", 0),
            "messages": ours["messages"],
            "letters": ours.get("letter_pdfs", 0),
            "queries": ours["queries"] + ours.get("letter_pdfs_queries", 0),
            "peak RSS MB": ours["peak_rss_mb"],
        },
        "peer": {
            "e-mails queued": peer["emails_queued"],
            "communications": peer["email_communications"],
            "letters": peer["letters_printed"],
            "queries": peer["queries"],
            "peak RSS MB": peer["peak_rss_mb"],
            "credit lines by level": peer["lines_by_level"],
        },
    }
    return rows, ratios, sent


def print_side_by_side(ours, peer):
    rows, ratios, sent = side_by_side(ours, peer)

    def cell(value):
        return "—" if value is None else f"{value:.2f} s"

    print("\nfirst round, side by side (same data, day, settings and process):")
    print(f"  {'phase':<30} {'ours':>12} {'account_credit_control':>24}")
    for name, mine, theirs in rows:
        print(f"  {name:<30} {cell(mine):>12} {cell(theirs):>24}")
    for system, figures in sent.items():
        print(f"  {system}: {figures}")
    print(f"  ratios: {ratios}")
    print(
        "  the peer's first round reaches its policy's first level only "
        f"(lines by level {peer['lines_by_level']})"
    )
    stopped = peer.get("stopped_at_time_limit")
    if stopped:
        print(
            f"  the peer was STOPPED at its time limit ({stopped['time_limit_s']} s) "
            f"in the {stopped['phase']}: {stopped['customers_done']:,} of "
            f"{stopped['customers']:,} customers e-mailed, letters not reached; "
            "its total (and the overall ratio) is a lower bound"
        )
