# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the daily run of dunning_br on N open installments.

Run with the Python that runs Odoo 18.0::

    $ODOO_PYTHON tools/benchmark_dunning.py --installments 10000 --json out.json

1. Starts a throwaway PostgreSQL cluster (unless PGHOST/PGPORT/ODOO_RC name a
   server) and installs ``dunning_br`` without demo data in a fresh database
   (Odoo CLI, ``--without-demo=all``).
2. Generates the data in that database: one invoice made and posted with the
   ORM (3 equal installments) is cloned with bulk SQL into N/3 posted
   invoices of N/20 customers (about 20 installments each), due dates spread
   uniformly from 120 days before to 30 days after the benchmark's day.
3. Measures, with the engine's own methods, (a) a first run on that day
   (every installment due gets its latest due step, one message per customer
   and channel) and (b) an ordinary day's run the next business day:
   ``_select_due`` (selection: which customers have steps due) and
   ``_process_pending`` (processing: per batch of customers, inserting their
   pairs due as history rows, then skips, amounts, messages) times,
   messages, SQL queries, peak memory, and where the processing time goes.
   It checks that the pairs selected are exactly those that
   ``cobranca.schedule.due_step`` says are due, and that nothing was sent
   twice. ``--concurrent`` also runs (a) in two processes at once on a copy
   of the data and checks that no customer got a message twice.
4. Prints a table and writes the figures as JSON (``--json``).
"""

import argparse
import contextlib
import cProfile
import functools
import gc
import io
import json
import logging
import multiprocessing
import os
import platform
import pstats
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import benchmark_peer
import odoo_env
from odoo_env import REPO, SetupError

# A Monday, business day in Brazil, and the next business day.
DEFAULT_DAY = date(2025, 6, 2)
DAYS_BEFORE = 120  # due dates from DAYS_BEFORE days before the day...
DAYS_AFTER = 30  # ...to DAYS_AFTER days after it
INSTALLMENTS_PER_INVOICE = 3
INSTALLMENTS_PER_CUSTOMER = 20
UNIT = 1000  # amount of each installment of the template invoice

# Engine and message methods timed in the breakdown (model, method); those
# the engine does not have (any more) are left out. Nested calls are included
# in their caller's time.
TIMED_METHODS = (
    ("dunning.engine", "_lock_next_partners"),
    ("dunning.engine", "_process_rows"),
    ("dunning.engine", "_skip_reason"),
    ("dunning.engine", "_prior_notice_dates"),
    ("dunning.engine", "_set_amounts"),
    ("dunning.engine", "_send_group"),
    ("dunning.engine", "_prepare_communication"),
    ("dunning.engine", "_send"),
    ("dunning.engine", "_log_in_chatters"),
    ("dunning.communication", "_dunning_send_email"),
    ("dunning.communication", "_dunning_send_letter"),
    ("dunning.communication", "_dunning_send_activity"),
    ("dunning.communication", "_dunning_schedule_activity"),
    ("dunning.communication", "_dunning_table_html"),
    ("dunning.communication", "_compute_dunning_table_html"),
    ("dunning.communication", "_dunning_render_letters"),
    ("ir.actions.report", "_run_wkhtmltopdf"),
)
# The steps of the letters' PDF job timed in its own breakdown.
LETTER_TIMED_METHODS = (
    ("dunning.communication", "_dunning_render_letters"),
    ("dunning.communication", "_dunning_render_letter_batch"),
    ("dunning.communication", "_dunning_letters_pdf"),
    ("ir.actions.report", "_render_qweb_html"),
    ("ir.actions.report", "_prepare_html"),
    ("ir.actions.report", "_run_wkhtmltopdf"),
    ("dunning.communication", "_dunning_attach_letters"),
    ("dunning.communication", "_dunning_log_letters_ready"),
    ("dunning.communication", "_dunning_attach_letter"),
)


# ----------------------------------------------------------------------
# Odoo and the database
# ----------------------------------------------------------------------
def _find_odoo():
    found = odoo_env.find_odoo()
    if found is None:
        raise SetupError(
            f"Odoo 18.0 not found with {sys.executable}: run this script with "
            "the Python that runs Odoo (ODOO_PYTHON) or set ODOO_PATH"
        )
    env, package_dir = found
    if os.environ.get("ODOO_PATH"):
        sys.path.insert(0, str(Path(os.environ["ODOO_PATH"]).expanduser()))
    return env, package_dir


def _odoo_args(package_dir, db_args, data_dir, extra_addons=None):
    addons_path = odoo_env.addons_path(package_dir)
    if extra_addons:
        addons_path += f",{extra_addons}"
    return [
        f"--addons-path={addons_path}",
        *db_args,
        f"--data-dir={data_dir}",
        "--log-level=warn",
        "--max-cron-threads=0",
    ]


def _drop_database(name):
    import odoo.service.db
    import odoo.sql_db

    with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cr.fetchone()
    if exists:
        odoo.service.db.exp_drop(name)
        with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cr.fetchone():
                # exp_drop only logs its failures (e.g. a connection left open
                # by a worker): force it, so that no database is left behind.
                cr.rollback()
                cr._cnx.autocommit = True
                cr.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _install(env, odoo_args, dbname, modules=("dunning_br",)):
    """A fresh database with dunning_br (and, with ``--peer``, OCA's
    account_credit_control) and no demo data (Odoo CLI)."""
    _drop_database(dbname)
    cmd = odoo_env.odoo_command(
        *odoo_args,
        f"--database={dbname}",
        f"--init={','.join(modules)}",
        "--without-demo=all",
        "--stop-after-init",
    )
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=REPO, check=False)
    if result.returncode:
        raise SetupError(
            f"installing {', '.join(modules)} failed (exit {result.returncode})"
        )
    return time.perf_counter() - start


def _copy_database(source, target):
    """CREATE DATABASE target TEMPLATE source (and its filestore)."""
    import odoo.sql_db
    from odoo.tools import SQL, config

    _drop_database(target)
    odoo.sql_db.close_db(source)
    with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )
    if os.path.isdir(config.filestore(source)):
        shutil.copytree(config.filestore(source), config.filestore(target))


class _HideWkhtmltopdfWarnings(logging.Filter):
    """Counts, and keeps off the console, the warning Odoo logs for every PDF
    that wkhtmltopdf printed something for (one per letter)."""

    count = 0

    def filter(self, record):
        if str(record.msg).startswith("wkhtmltopdf: "):
            type(self).count += 1
            return False
        return True


def _new_env(cr):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, SUPERUSER_ID, {})


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s"
        " ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def _clone(cr, table, sources, template_filter, overrides, *, keep_id=False):
    """INSERT INTO ``table`` a copy of its template row(s) for each row of
    ``sources`` (aliases: ``t`` the template, ``s`` the source), every column
    copied from the template unless ``overrides`` gives its SQL expression."""
    from odoo.tools import SQL

    columns = [c for c in _columns(cr, table) if keep_id or c != "id"]
    values = [
        overrides.get(column, SQL("t.%s", SQL.identifier(column))) for column in columns
    ]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t CROSS JOIN %s s WHERE %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(values),
            SQL.identifier(table),
            sources,
            template_filter,
        )
    )
    return cr.rowcount


def _monetary_columns(env, model):
    """Stored amount columns of ``model``, scaled with the invoice's amount."""
    fields = env[model]._fields.values()
    names = [f.name for f in fields if f.type == "monetary" and f.store]
    if "price_unit" in env[model]._fields:
        names.append("price_unit")
    return names


def _template_invoice(env, company, day):
    """One invoice, made and posted with the ORM: 3 equal installments due on
    ``day``, 50 and 100 days later."""
    from odoo import Command

    term = env["account.payment.term"].create(
        {
            "name": "3 equal installments (benchmark)",
            "line_ids": [
                Command.create(
                    {
                        "value": "percent",
                        "value_amount": percent,
                        "delay_type": "days_after",
                        "nb_days": days,
                    }
                )
                for percent, days in ((33.333333, 0), (33.333333, 50), (33.333334, 100))
            ],
        }
    )
    partner = env["res.partner"].create(
        {
            "name": "Benchmark Template Customer",
            "email": "template@bench.example.com",
            "is_company": True,
        }
    )
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Benchmark service",
                            "quantity": 1,
                            "price_unit": INSTALLMENTS_PER_INVOICE * UNIT,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
    )
    move.action_post()
    kinds = sorted(move.line_ids.mapped("display_type"))
    installments = move.line_ids.filtered(
        lambda line: line.display_type == "payment_term"
    )
    if kinds != ["payment_term"] * 3 + ["product"] or set(
        installments.mapped("debit")
    ) != {UNIT}:
        raise SetupError(f"unexpected template invoice lines: {kinds}")
    return move, partner


def _ensure_chart(env, company):
    accounts = env["account.account"].search_count(
        [("company_ids", "in", company.id)], limit=1
    )
    if not accounts:
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    if not company.email:
        company.email = "cobranca@bench.example.com"


def _activate(env, company, day, max_catch_up_days, catch_up_legal):
    """Switch the company's régua on from ``day`` (nothing is sent for a
    company before a collection manager activates it), with a collector."""
    collector = env["res.users"].create(
        {
            "name": "Bench Collector",
            "login": "bench.collector",
            "email": "collector@bench.example.com",
            "phone": "+55 11 3000-0000",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
        }
    )
    company.write(
        {
            "dunning_active": True,
            "dunning_go_live_date": day,
            "dunning_collector_id": collector.id,
            "dunning_max_catch_up_days": max_catch_up_days,
            "dunning_catch_up_legal": catch_up_legal,
        }
    )


def generate(env, installments, day, max_catch_up_days=30, catch_up_legal=False):
    """N open installments of N/20 customers, cloned from one ORM invoice;
    the company's collection activated on ``day``."""
    from odoo.tools import SQL

    cr = env.cr
    company = env.ref("base.main_company")
    _ensure_chart(env, company)
    _activate(env, company, day, max_catch_up_days, catch_up_legal)
    invoices = -(-installments // INSTALLMENTS_PER_INVOICE)
    total = invoices * INSTALLMENTS_PER_INVOICE
    customers = max(1, round(total / INSTALLMENTS_PER_CUSTOMER))
    start = day - timedelta(days=DAYS_BEFORE)
    span = DAYS_BEFORE + DAYS_AFTER + 1
    template, template_partner = _template_invoice(env, company, start)
    env.flush_all()

    # Customers: ids taken first, so that commercial_partner_id = id.
    cr.execute(
        """CREATE TEMP TABLE bench_partner AS
           SELECT n, nextval('res_partner_id_seq') AS id,
                  'Bench Customer ' || lpad(n::text, 7, '0') AS name,
                  'customer' || n || '@bench.example.com' AS email
             FROM generate_series(0, %s - 1) n""",
        (customers,),
    )
    now = SQL("(NOW() AT TIME ZONE 'UTC')")
    _clone(
        cr,
        "res_partner",
        SQL("bench_partner"),
        SQL("t.id = %s", template_partner.id),
        {
            "id": SQL("s.id"),
            "name": SQL("s.name"),
            "complete_name": SQL("s.name"),
            "commercial_company_name": SQL("s.name"),
            "email": SQL("s.email"),
            "email_normalized": SQL("s.email"),
            "commercial_partner_id": SQL("s.id"),
            "is_company": SQL("mod(s.n, 2) = 0"),  # half consumers (fine cap)
            "create_date": now,
            "write_date": now,
        },
        keep_id=True,
    )
    # Invoices: installment j of invoice k is the (k + j * invoices)-th of the
    # N installments, whose due dates are spread uniformly over the span.
    cr.execute(
        SQL(
            """CREATE TEMP TABLE bench_invoice AS
               SELECT *, nextval('account_move_id_seq') AS id FROM (
               SELECT k, p.id AS partner_id, p.name AS partner_name,
                      (100 + mod(k::bigint * 7919, 90000) / 100.0)::numeric(16, 2)
                          AS amount,
                      t.sequence_prefix || lpad((k + 2)::text,
                          greatest(length(t.name) - length(t.sequence_prefix),
                                   length((k + 2)::text)), '0') AS name,
                      k + 2 AS sequence_number,
                      %(start)s::date + ((k::bigint) * %(span)s / %(n)s)::int AS d0,
                      %(start)s::date + ((k::bigint + %(m)s) * %(span)s / %(n)s)::int
                          AS d1,
                      %(start)s::date
                          + ((k::bigint + 2 * %(m)s) * %(span)s / %(n)s)::int AS d2
                 FROM generate_series(0, %(m)s - 1) k
                 JOIN bench_partner p ON p.n = mod(k, %(customers)s)
                 JOIN account_move t ON t.id = %(template)s
                ORDER BY k) invoice""",
            start=start,
            span=span,
            n=total,
            m=invoices,
            customers=customers,
            template=template.id,
        )
    )

    def scaled(model):
        return {
            column: SQL("round(t.%s * s.amount / %s, 2)", SQL.identifier(column), UNIT)
            for column in _monetary_columns(env, model)
        }

    _clone(
        cr,
        "account_move",
        SQL("bench_invoice"),
        SQL("t.id = %s", template.id),
        {
            **scaled("account.move"),
            "id": SQL("s.id"),
            "name": SQL("s.name"),
            "payment_reference": SQL("s.name"),
            "sequence_number": SQL("s.sequence_number"),
            "partner_id": SQL("s.partner_id"),
            "commercial_partner_id": SQL("s.partner_id"),
            "partner_shipping_id": SQL("s.partner_id"),
            "invoice_partner_display_name": SQL("s.partner_name"),
            "date": SQL("s.d0"),
            "invoice_date": SQL("s.d0"),
            "invoice_date_due": SQL("s.d2"),
            "state": SQL("'posted'"),
            "payment_state": SQL("'not_paid'"),
            "access_token": SQL("gen_random_uuid()::text"),
            "create_date": now,
            "write_date": now,
        },
        keep_id=True,
    )
    lines = _clone(
        cr,
        "account_move_line",
        SQL(
            """(SELECT bi.*, tl.id AS line_id, tl.j
                  FROM bench_invoice bi
                 CROSS JOIN (SELECT id, CASE WHEN display_type = 'payment_term'
                                 THEN row_number() OVER (
                                     PARTITION BY display_type
                                     ORDER BY date_maturity, id) - 1 END AS j
                               FROM account_move_line WHERE move_id = %s) tl)""",
            template.id,
        ),
        SQL("t.id = s.line_id"),
        {
            **scaled("account.move.line"),
            "move_id": SQL("s.id"),
            "move_name": SQL("s.name"),
            "partner_id": SQL("s.partner_id"),
            "date": SQL("s.d0"),
            "invoice_date": SQL("s.d0"),
            "date_maturity": SQL(
                """CASE s.j WHEN 0 THEN s.d0 WHEN 1 THEN s.d1 WHEN 2 THEN s.d2
                   ELSE CASE WHEN t.date_maturity IS NOT NULL THEN s.d0 END END"""
            ),
            "parent_state": SQL("'posted'"),
            "reconciled": SQL("false"),
            "create_date": now,
            "write_date": now,
        },
    )
    # The template itself takes no part: cancelled, as a user would.
    env.invalidate_all()
    template.button_draft()
    template.button_cancel()
    env.flush_all()
    cr.execute("DROP TABLE bench_invoice; DROP TABLE bench_partner")
    cr.commit()
    cr.execute("ANALYZE")
    return {
        "company_id": company.id,
        "max_catch_up_days": max_catch_up_days,
        "catch_up_legal": catch_up_legal,
        "installments": total,
        "invoices": invoices,
        "customers": customers,
        "move_lines": lines,
    }


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
def _status_mb(field):
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def _reset_peak_rss():
    """Reset the process's peak RSS (Linux: VmHWM) to its current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Breakdown:
    """Wall time spent in some engine methods, patched on the registry's
    classes for the duration of a run (nothing changes on disk)."""

    def __init__(self, registry, methods=TIMED_METHODS):
        self.registry = registry
        self.methods = methods
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.patched = []

    def __enter__(self):
        for model, method in self.methods:
            if model not in self.registry:
                continue
            cls = self.registry[model]
            original = getattr(cls, method, None)
            if original is None:
                continue
            key = f"{model}.{method}"
            own = cls.__dict__.get(method)
            setattr(cls, method, self._timed(original, key))
            self.patched.append((cls, method, own))
        return self

    def _timed(self, function, key):
        seconds, calls = self.seconds, self.calls

        @functools.wraps(function)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[key] += time.perf_counter() - start
                calls[key] += 1

        return timed

    def __exit__(self, *exc):
        for cls, method, own in reversed(self.patched):
            if own is None:
                delattr(cls, method)
            else:
                setattr(cls, method, own)
        self.patched.clear()

    def result(self):
        return {
            key: {"seconds": round(self.seconds[key], 3), "calls": self.calls[key]}
            for key in sorted(self.seconds, key=self.seconds.get, reverse=True)
        }


WATERMARK_TABLES = (
    "dunning_history",
    "dunning_communication",
    "mail_mail",
    "mail_message",
    "mail_activity",
    "ir_attachment",
)


def _watermarks(cr):
    marks = {}
    for table in WATERMARK_TABLES:
        cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        marks[table] = cr.fetchone()[0]
    return marks


def _created(cr, marks):
    created = {}
    for table, mark in marks.items():
        cr.execute(f"SELECT count(*) FROM {table} WHERE id > %s", (mark,))
        created[table] = cr.fetchone()[0]
    cr.execute(
        "SELECT state, count(*) FROM mail_mail WHERE id > %s GROUP BY state",
        (marks["mail_mail"],),
    )
    created["mail_mail_by_state"] = dict(cr.fetchall())
    cr.execute(
        """SELECT s.channel, count(*) FROM dunning_communication c
             JOIN dunning_policy_step s ON s.id = c.step_id
            WHERE c.id > %s GROUP BY s.channel""",
        (marks["dunning_communication"],),
    )
    created["messages_by_channel"] = dict(cr.fetchall())
    return created


def _history_by_state(cr, run_date):
    cr.execute(
        """SELECT state || COALESCE(':' || skip_reason, ''), count(*)
             FROM dunning_history WHERE run_date = %s GROUP BY 1 ORDER BY 1""",
        (run_date,),
    )
    return dict(cr.fetchall())


def _open_installments(cr, company_id):
    cr.execute(
        """SELECT aml.id, aml.date_maturity
             FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
            WHERE aml.company_id = %s AND aml.display_type = 'payment_term'
              AND aml.parent_state = 'posted' AND am.move_type = 'out_invoice'
              AND NOT aml.reconciled AND aml.amount_residual > 0""",
        (company_id,),
    )
    return cr.fetchall()


def _expected_pairs(env, company, today):
    """The (installment, step) pairs ``cobranca.schedule.due_step`` says are
    due ``today``, given the history so far (independent of the SQL)."""
    from cobranca.schedule import due_step

    calendar = env["dunning.engine"]._calendar(company)
    if not calendar.is_business_day(today):
        return set()
    steps = [step._schedule_step() for step in company.dunning_policy_id.step_ids]
    catch_up = company._dunning_catch_up()
    done = defaultdict(set)
    received = defaultdict(set)
    env.cr.execute("SELECT move_line_id, step_id, state FROM dunning_history")
    for line_id, step_id, state in env.cr.fetchall():
        done[line_id].add(step_id)
        if state == "sent":
            received[line_id].add(step_id)
    cache = {}
    expected = set()
    for line_id, due in _open_installments(env.cr, company.id):
        key = (
            due,
            frozenset(done.get(line_id, ())),
            frozenset(received.get(line_id, ())),
        )
        if key not in cache:
            cache[key] = due_step(
                due, steps, today, calendar, key[1], catch_up=catch_up, received=key[2]
            )
        if cache[key] is not None:
            expected.add((line_id, cache[key].key))
    return expected


def _selected_pairs(cr, mark):
    cr.execute(
        "SELECT move_line_id, step_id FROM dunning_history WHERE id > %s", (mark,)
    )
    return set(cr.fetchall())


def check_no_duplicates(cr):
    """Violations of "each reminder once" (all zero when correct)."""
    checks = {
        "pairs_with_two_history_rows": """
            SELECT count(*) FROM (SELECT 1 FROM dunning_history
             GROUP BY move_line_id, step_id HAVING count(*) > 1) d""",
        "sent_rows_without_message": """
            SELECT count(*) FROM dunning_history h
              LEFT JOIN dunning_communication c ON c.id = h.communication_id
             WHERE h.state = 'sent'
               AND (c.id IS NULL OR c.partner_id <> h.partner_id)""",
        "customer_step_day_with_two_messages": """
            SELECT count(*) FROM (SELECT 1 FROM dunning_communication
             GROUP BY partner_id, step_id, date HAVING count(*) > 1) d""",
        "messages_with_two_emails": """
            SELECT count(*) FROM (SELECT m.res_id FROM mail_mail mm
              JOIN mail_message m ON m.id = mm.mail_message_id
             WHERE m.model = 'dunning.communication'
             GROUP BY m.res_id HAVING count(*) > 1) d""",
        "messages_without_rows": """
            SELECT count(*) FROM dunning_communication c
             WHERE NOT EXISTS (SELECT 1 FROM dunning_history h
                                WHERE h.communication_id = c.id)""",
        "pending_rows_left": """
            SELECT count(*) FROM dunning_history WHERE state = 'pending'""",
    }
    result = {}
    for name, query in checks.items():
        cr.execute(query)
        result[name] = cr.fetchone()[0]
    return result


def _profile_report(profile, path):
    profile.dump_stats(path)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    Path(path).with_suffix(".txt").write_text(out.getvalue())
    return str(Path(path).with_suffix(".txt"))


def run_day(registry, company_id, today, label, options, profile_path=None):
    """One run of the engine on ``today``, measured."""
    import odoo.sql_db

    with registry.cursor() as cr:
        env = _new_env(cr)
        company = env["res.company"].browse(company_id)
        engine = env["dunning.engine"].sudo().with_company(company)
        expected = _expected_pairs(env, company, today)
        marks = _watermarks(cr)
        cr.commit()
        # The selection query alone (the engine's read-only preview of the
        # run), to tell it from the insertion of the pending rows.
        start = time.perf_counter()
        engine._preview(company, today)
        preview_s = time.perf_counter() - start
        cr.rollback()
        gc.collect()
        rss_before = _status_mb("VmRSS")
        maxrss_before = _maxrss_mb()
        peak_reset = _reset_peak_rss()
        if options.tracemalloc:
            tracemalloc.start()
        profile = cProfile.Profile() if profile_path else None
        with Breakdown(registry) as breakdown:
            queries0 = odoo.sql_db.sql_counter
            start = time.perf_counter()
            selected = engine._select_due(company, today)
            engine._commit()  # as the scheduled action does
            selection_s = time.perf_counter() - start
            queries1 = odoo.sql_db.sql_counter
            if profile:
                profile.enable()
            deadline = None
            if options.time_budget:
                deadline = time.monotonic() + options.time_budget
            processed, remaining = engine._process_pending(
                company, today, deadline, selected
            )
            if profile:
                profile.disable()
            total_s = time.perf_counter() - start
            queries2 = odoo.sql_db.sql_counter
        traced_peak = None
        if options.tracemalloc:
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        peak = _status_mb("VmHWM") if peak_reset else None
        maxrss_after = _maxrss_mb()
        cr.commit()
        created = _created(cr, marks)
        pairs = _selected_pairs(cr, marks["dunning_history"])
        messages = created["dunning_communication"]
        result = {
            "run": label,
            "today": today.isoformat(),
            # the customers _select_due found, and the rows the run inserted
            "customers_selected": len(selected),
            "selected_pairs": len(pairs),
            "processed_customers": processed,
            "remaining_customers": remaining,
            "time_budget_s": options.time_budget,
            "selection_s": round(selection_s, 3),
            "preview_query_s": round(preview_s, 3),
            "processing_s": round(total_s - selection_s, 3),
            "total_s": round(total_s, 3),
            "messages": messages,
            "ms_per_message": round(1000 * total_s / messages, 1) if messages else None,
            "queries": queries2 - queries0,
            "selection_queries": queries1 - queries0,
            "processing_queries": queries2 - queries1,
            "rss_before_mb": round(rss_before, 1) if rss_before else None,
            "peak_rss_mb": round(peak if peak else maxrss_after, 1),
            "peak_rss_is_process_max": not peak,
            "ru_maxrss_before_mb": round(maxrss_before, 1),
            "ru_maxrss_after_mb": round(maxrss_after, 1),
            "tracemalloc_peak_mb": round(traced_peak, 1) if traced_peak else None,
            "created": created,
            "history_by_state": _history_by_state(cr, today),
            "selection_matches_schedule": pairs == expected,
            "expected_pairs": len(expected),
            "selected_not_expected": len(pairs - expected),
            "expected_not_selected": len(expected - pairs),
            "checks": check_no_duplicates(cr),
            "breakdown": breakdown.result(),
        }
        letters = result["breakdown"].get("dunning.communication._dunning_send_letter")
        result["letters_s"] = letters["seconds"] if letters else 0.0
        # The letters' PDFs, rendered by their own scheduled action after the
        # run (which triggers it): timed apart, as the second job it is.
        if options.letter_pdfs:
            figures, rendered_ids = _letter_pdfs(registry, env)
            result.update(figures)
            if options.letter_pdfs_again and rendered_ids:
                # The same letters again, in the same process: without the
                # one-time costs of the first batch (report assets compiled
                # by the HTTP server, templates compiled, translations read).
                _requeue_letters(env, rendered_ids)
                again, _ids = _letter_pdfs(registry, env)
                result.update({f"{key}_again": value for key, value in again.items()})
        if profile:
            result["profile"] = _profile_report(profile, profile_path)
    return result


def _letter_pdfs(registry, env):
    """The letters' PDF job (``_cron_render_letters``), timed."""
    import odoo.sql_db

    communications = env["dunning.communication"].sudo()
    queued = communications.search([("letter_state", "=", "to_render")]).ids
    start = time.perf_counter()
    queries0 = odoo.sql_db.sql_counter
    with Breakdown(registry, LETTER_TIMED_METHODS) as breakdown:
        rendered, left = communications._cron_render_letters(time_budget=3600)
    result = {
        "letter_pdfs": rendered,
        "letter_pdfs_left": left,
        "letter_pdfs_s": round(time.perf_counter() - start, 3),
        "letter_pdfs_queries": odoo.sql_db.sql_counter - queries0,
        "letter_pdfs_breakdown": breakdown.result(),
    }
    env.cr.commit()
    ready = communications.browse(queued).filtered(lambda c: c.letter_state == "ready")
    return result, ready.ids


def _requeue_letters(env, ids):
    """Queue the letters ``ids`` again, as before their PDF job: without
    their PDF and the chatter note that holds it."""
    letters = env["dunning.communication"].sudo().browse(ids)
    attachments = letters.letter_attachment_id
    env["mail.message"].sudo().search(
        [
            ("model", "=", letters._name),
            ("res_id", "in", letters.ids),
            ("attachment_ids", "in", attachments.ids),
        ]
    ).unlink()
    letters.write({"letter_state": "to_render", "letter_attachment_id": False})
    attachments.unlink()
    env.cr.commit()


def _concurrent_worker(dbname, company_id, today, barrier, results):
    from odoo.modules.registry import Registry

    try:
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = _new_env(cr)
            company = env["res.company"].browse(company_id)
            engine = env["dunning.engine"].sudo().with_company(company)
            cr.commit()
            barrier.wait(timeout=900)
            start = time.perf_counter()
            selected = engine._select_due(company, today)
            engine._commit()
            processed, remaining = engine._process_pending(
                company, today, None, selected
            )
            results.put(
                {
                    "pid": os.getpid(),
                    "customers_selected": len(selected),
                    "processed_customers": processed,
                    "remaining_customers": remaining,
                    "total_s": round(time.perf_counter() - start, 3),
                }
            )
    except Exception as error:  # noqa: BLE001 - reported by the parent
        results.put({"pid": os.getpid(), "error": repr(error)})


def run_concurrent(dbname, company_id, today, reference):
    """Run (a) in two processes at once on ``dbname``; check nothing was sent
    twice and that the outcome equals the single run's (``reference``)."""
    import odoo.sql_db

    odoo.sql_db.close_all()  # no connection of this process crosses the fork
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(
            target=_concurrent_worker,
            args=(dbname, company_id, today, barrier, results),
        )
        for _n in range(2)
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=3600) for _worker in workers]
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - start
    with contextlib.closing(odoo.sql_db.db_connect(dbname).cursor()) as cr:
        cr.execute("SELECT count(*) FROM dunning_communication")
        messages = cr.fetchone()[0]
        history = _history_by_state(cr, today)
        checks = check_no_duplicates(cr)
    return {
        "workers": outcomes,
        "wall_s_with_registry_loading": round(wall, 3),
        "messages": messages,
        "history_by_state": history,
        "checks": checks,
        "same_outcome_as_single_run": (
            messages == reference["messages"]
            and history == reference["history_by_state"]
        ),
    }


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
COLUMNS = (
    ("run", "run", "{}"),
    ("N", "installments", "{:,}"),
    ("pairs", "selected_pairs", "{:,}"),
    ("customers left", "remaining_customers", "{:,}"),
    ("selection s", "selection_s", "{:.2f}"),
    ("processing s", "processing_s", "{:.2f}"),
    ("total s", "total_s", "{:.2f}"),
    ("of which letters s", "letters_s", "{:.2f}"),
    ("letter PDFs", "letter_pdfs", "{:,}"),
    ("letter PDFs s", "letter_pdfs_s", "{:.2f}"),
    ("messages", "messages", "{:,}"),
    ("ms/message", "ms_per_message", "{:.1f}"),
    ("queries", "queries", "{:,}"),
    ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
)


def _table(rows):
    cells = [[title for title, _key, _fmt in COLUMNS]]
    for row in rows:
        cells.append(
            [
                "-" if row.get(key) is None else fmt.format(row[key])
                for _title, key, fmt in COLUMNS
            ]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _print_details(run):
    print(f"\n{run['run']} on {run['today']}:")
    budget = f" (time budget {run['time_budget_s']} s)" if run["time_budget_s"] else ""
    print(
        f"  customers: {run['customers_selected']:,} selected, "
        f"{run['processed_customers']:,} processed, "
        f"{run['remaining_customers']:,} left{budget}"
    )
    print(f"  history rows by state: {run['history_by_state']}")
    created = run["created"]
    print(
        f"  messages by channel: {created['messages_by_channel']}; mail.mail "
        f"queued: {created['mail_mail_by_state']}; mail.message: "
        f"{created['mail_message']:,}; activities: {created['mail_activity']:,}; "
        f"attachments: {created['ir_attachment']:,}"
    )
    print(
        f"  selection {run['selection_s']} s (engine._preview, the pairs "
        f"counted per step: {run['preview_query_s']} s); queries: "
        f"{run['selection_queries']:,} selecting, "
        f"{run['processing_queries']:,} processing; RSS before "
        f"{run['rss_before_mb']} MB, ru_maxrss {run['ru_maxrss_before_mb']} -> "
        f"{run['ru_maxrss_after_mb']} MB"
        + (
            f", tracemalloc peak {run['tracemalloc_peak_mb']} MB"
            if run["tracemalloc_peak_mb"]
            else ""
        )
    )
    print(
        f"  selection = due_step of cobranca.schedule: "
        f"{run['selection_matches_schedule']} ({run['expected_pairs']:,} expected, "
        f"{run['selected_not_expected']} extra, {run['expected_not_selected']} "
        "missing)"
    )
    print(f"  duplicate checks (all 0 when correct): {run['checks']}")
    print("  where the processing time goes (nested calls included in callers):")
    for key, value in run["breakdown"].items():
        print(f"    {key:<52} {value['seconds']:>9.2f} s {value['calls']:>8,} calls")
    for suffix, label in (("", ""), ("_again", ", again")):
        if not run.get(f"letter_pdfs{suffix}"):
            continue
        count, seconds = run[f"letter_pdfs{suffix}"], run[f"letter_pdfs_s{suffix}"]
        print(
            f"  letters' PDF job{label}: {count:,} letters in {seconds:.2f} s = "
            f"{1000 * seconds / count:.1f} ms per letter, "
            f"{run[f'letter_pdfs_queries{suffix}']:,} queries (nested calls "
            "included in callers):"
        )
        for key, value in run[f"letter_pdfs_breakdown{suffix}"].items():
            print(
                f"    {key:<52} {value['seconds']:>9.2f} s {value['calls']:>8,} calls"
            )
    if run.get("profile"):
        print(f"  profile: {run['profile']}")


def _version(command):
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=30
        )
        return (result.stdout or result.stderr).strip().splitlines()[0]
    return None


def _code_version():
    """The commit measured, and our files that differ from it."""

    def git(*args):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run(
                ["git", "-C", str(REPO), *args],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
            return result.stdout.strip() if result.returncode == 0 else None
        return None

    status = git("status", "--porcelain", "--", "dunning_br", "lib")
    return {
        "commit": git("log", "-1", "--format=%h %cI %s"),
        "modified": status.splitlines() if status else [],
    }


def _machine():
    return {
        "wkhtmltopdf": _version(["wkhtmltopdf", "--version"]),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "memory_gb": round(
            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
        ),
    }


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installments", type=int, default=10000, metavar="N")
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        default=DEFAULT_DAY,
        help=f"the benchmark's today (default {DEFAULT_DAY}, a Monday)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    parser.add_argument(
        "--max-catch-up-days",
        type=int,
        default=30,
        metavar="D",
        help="the company's maximum catch-up when activated (default 30, the "
        "product's default; 200 makes every old installment get its latest "
        "step, as before the activation existed)",
    )
    parser.add_argument(
        "--catch-up-legal",
        action="store_true",
        help="the manager allows legal steps by catch-up without an earlier "
        "reminder (with --max-catch-up-days 200: the first run's workload "
        "before the activation existed)",
    )
    parser.add_argument(
        "--concurrent",
        action="store_true",
        help="also run (a) in two processes at once on a copy and check it",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure the Python allocations' peak (slows the runs)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the processing of run (a) into FILE (+ FILE.txt)",
    )
    parser.add_argument(
        "--time-budget",
        type=float,
        metavar="S",
        help="stop processing each run after S seconds, as the scheduled "
        "action does (the rest stays pending: the next run goes on with it)",
    )
    parser.add_argument(
        "--print-delay",
        type=int,
        metavar="MS",
        help="set Odoo's report.print_delay (wkhtmltopdf --javascript-delay, "
        "default 1000 ms per PDF) in the benchmark database",
    )
    parser.add_argument(
        "--database", default=None, help="database name (default dunning_br_bench_N)"
    )
    parser.add_argument(
        "--no-letter-pdfs",
        dest="letter_pdfs",
        action="store_false",
        help="do not run the letters' PDF job after each run",
    )
    parser.add_argument(
        "--letter-pdfs-again",
        action="store_true",
        help="after the letters' PDF job, queue the same letters again and "
        "time the job a second time (without the one-time costs of a first "
        "batch in the process and of the report assets' first compilation)",
    )
    parser.add_argument(
        "--peer",
        action="store_true",
        help="also install OCA's account_credit_control (requirements-bench.txt) "
        "in the same database and time its first round on the same day, side "
        "by side with ours",
    )
    parser.add_argument(
        "--peer-time-limit",
        type=float,
        metavar="S",
        help="with --peer: stop the peer's round in its e-mails once S seconds "
        "have passed (said in the output; its total is then a lower bound)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (external server)"
    )
    parser.add_argument(
        "--port",
        type=int,
        help="HTTP port of the report assets' server (default: a free one)",
    )
    return parser.parse_args()


def _next_business_day(registry, company_id, day):
    with registry.cursor() as cr:
        env = _new_env(cr)
        calendar = env["dunning.engine"]._calendar(
            env["res.company"].browse(company_id)
        )
        return calendar.next_business_day(day + timedelta(days=1))


def _set_report_url(registry, port):
    """Set before the copy of ``--concurrent`` is made, so that its letters
    load their assets from the same server."""
    with registry.cursor() as cr:
        _new_env(cr)["ir.config_parameter"].set_param(
            "report.url", f"http://127.0.0.1:{port}"
        )


def _print_delay(registry, delay_ms):
    """Odoo's ``report.print_delay`` (wkhtmltopdf's --javascript-delay, 1000 ms
    by default), set to ``delay_ms`` when given."""
    with registry.cursor() as cr:
        params = _new_env(cr)["ir.config_parameter"]
        if delay_ms is not None:
            params.set_param("report.print_delay", str(delay_ms))
        return int(params.get_param("report.print_delay", "1000"))


@contextlib.contextmanager
def _report_server(env, odoo_args, dbname, port):
    """An Odoo HTTP server for the database on ``port`` (``report.url``, see
    ``_set_report_url``): wkhtmltopdf loads the letters' assets from it, as in
    production where the scheduled action runs inside the server."""
    server = subprocess.Popen(
        odoo_env.odoo_command(
            *odoo_args,
            f"--database={dbname}",
            f"--db-filter=^{dbname}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
        ),
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not odoo_env.wait_for_port(port, 120):
            raise SetupError("the Odoo HTTP server for the report assets did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)


def benchmark(options, env, package_dir, db_args, data_dir):
    import odoo
    from odoo.modules.registry import Registry

    dbname = options.database or f"dunning_br_bench_{options.installments}"
    copy = f"{dbname}_concurrent"
    peer_addons = None
    if options.peer:
        print("installing the peer from requirements-bench.txt", flush=True)
        try:
            peer_addons = benchmark_peer.install_peer(
                data_dir / "peer", REPO / "requirements-bench.txt"
            )
        except RuntimeError as error:
            raise SetupError(f"--peer: {error}") from error
    odoo_args = _odoo_args(package_dir, db_args, data_dir, peer_addons)
    odoo.tools.config.parse_config(
        [*odoo_args, f"--database={dbname}"], setup_logging=True
    )
    logging.getLogger("odoo.addons.base.models.ir_actions_report").addFilter(
        _HideWkhtmltopdfWarnings()
    )
    report = {
        "machine": _machine(),
        "code": _code_version(),
        "installments_requested": options.installments,
    }
    modules = ["dunning_br"]
    if options.peer:
        modules.append(benchmark_peer.PEER_MODULE)
    print(f"installing {', '.join(modules)} (no demo data) in {dbname}", flush=True)
    report["install_s"] = round(_install(env, odoo_args, dbname, modules), 1)
    try:
        registry = Registry(dbname)
        print(f"generating {options.installments:,} installments", flush=True)
        start = time.perf_counter()
        with registry.cursor() as cr:
            data = generate(
                _new_env(cr),
                options.installments,
                options.day,
                options.max_catch_up_days,
                options.catch_up_legal,
            )
        data["generation_s"] = round(time.perf_counter() - start, 2)
        report["report_print_delay_ms"] = _print_delay(registry, options.print_delay)
        with registry.cursor() as cr:
            cr.execute("SHOW server_version")
            report["machine"]["postgresql"] = cr.fetchone()[0]
        report["data"] = data
        print(
            f"generated {data['installments']:,} installments, "
            f"{data['invoices']:,} invoices, {data['customers']:,} customers "
            f"in {data['generation_s']:.1f} s",
            flush=True,
        )
        port = options.port or odoo_env.free_port()
        _set_report_url(registry, port)
        if options.concurrent:
            _copy_database(dbname, copy)
        runs = []
        day_b = _next_business_day(registry, data["company_id"], options.day)
        with _report_server(env, odoo_args, dbname, port):
            for label, day, profile in (
                ("(a) first run", options.day, options.profile),
                ("(b) next day", day_b, None),
            ):
                print(f"running {label} on {day}", flush=True)
                run = run_day(
                    registry, data["company_id"], day, label, options, profile
                )
                run["installments"] = data["installments"]
                runs.append(run)
            report["runs"] = runs
            if options.peer:
                print(
                    f"running account_credit_control's first round on {options.day}",
                    flush=True,
                )
                report["peer"] = benchmark_peer.run_peer(
                    registry,
                    data["company_id"],
                    options.day,
                    _new_env,
                    _maxrss_mb,
                    time_limit=options.peer_time_limit,
                )
                rows, ratios, sent = benchmark_peer.side_by_side(
                    runs[0], report["peer"]
                )
                report["side_by_side"] = {"rows": rows, "ratios": ratios, "sent": sent}
            report["wkhtmltopdf_warnings_hidden"] = _HideWkhtmltopdfWarnings.count
            if options.concurrent:
                print("running (a) in two processes at once", flush=True)
                report["concurrent"] = run_concurrent(
                    copy, data["company_id"], options.day, runs[0]
                )
    finally:
        if not options.keep:
            _drop_database(copy)
            _drop_database(dbname)
    return report


def _print_report(report):
    print("\n" + _table(report["runs"]))
    for run in report["runs"]:
        _print_details(run)
    if report.get("peer"):
        benchmark_peer.print_side_by_side(report["runs"][0], report["peer"])
    concurrent = report.get("concurrent")
    if concurrent:
        print("\n(a) in two processes at once:")
        for worker in concurrent["workers"]:
            print(f"  {worker}")
        print(
            f"  messages {concurrent['messages']:,}, "
            f"history {concurrent['history_by_state']}"
        )
        print(f"  duplicate checks (all 0 when correct): {concurrent['checks']}")
        same = concurrent["same_outcome_as_single_run"]
        print(f"  same outcome as the single run: {same}")
    machine = report["machine"]
    print(
        f"\n{machine['date']}, {machine['cpus']} CPUs, {machine['memory_gb']} GB, "
        f"{machine['platform']}, Python {machine['python']}, PostgreSQL "
        f"{machine['postgresql']}, {machine['wkhtmltopdf']} (report.print_delay "
        f"{report['report_print_delay_ms']} ms; {report['wkhtmltopdf_warnings_hidden']}"
        f" wkhtmltopdf warnings hidden); generation {report['data']['generation_s']}"
        f" s, install {report['install_s']} s"
    )
    code = report["code"]
    print(f"code measured: {code['commit']}; modified: {code['modified'] or 'none'}")


def run_main(name, options, benchmark_func, print_func):
    """The command line of a benchmark: find Odoo, use the external
    PostgreSQL server (PGHOST/PGPORT/ODOO_RC) or a throwaway cluster, run
    ``benchmark_func(options, env, package_dir, db_args, data_dir)``, print
    its report with ``print_func`` and write it as JSON (``--json``)."""
    # ``timeout``/``kill`` still stop the throwaway cluster and remove its files.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    try:
        env, package_dir = _find_odoo()
        data_dir = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        with contextlib.ExitStack() as stack:
            stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
            if odoo_env.external_postgres_configured():
                db_args = odoo_env.db_args_from_env()
            else:
                cluster = stack.enter_context(odoo_env.throwaway_cluster())
                db_args = cluster.db_args
            report = benchmark_func(options, env, package_dir, db_args, data_dir)
    except SetupError as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 2
    print_func(report)
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"figures written to {options.json}")
    return 0


def main():
    return run_main("benchmark_dunning", _parse_args(), benchmark, _print_report)


if __name__ == "__main__":
    sys.exit(main())
