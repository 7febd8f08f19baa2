# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the customer page "Minhas pendências" (/my/pendencias).

Run with the Python that runs Odoo 18.0::

    $ODOO_PYTHON tools/benchmark_portal.py --json out.json

1. Starts a throwaway PostgreSQL cluster (unless PGHOST/PGPORT/ODOO_RC name a
   server) and installs ``dunning_br`` without demo data in a fresh database.
2. Makes, with the ORM, two customers with a portal user each: one with
   ``--installments`` open installments (default 500), one with a tenth of
   them (50), half of them overdue, under a policy with fine and interest.
3. Starts the Odoo HTTP server (``--port``, default a free one), signs each
   portal user in and requests /my/pendencias ``--requests`` times (default
   50) through it; reports p50/p95/max of the wall time and the SQL queries
   of each request (from the server's request log), for both customers: the
   number of queries must not grow with the installments.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import odoo_env
from odoo_env import REPO, SetupError

# The request log line of the HTTP server: query count, query time, rest.
REQUEST_RE = re.compile(
    r'"GET /my/pendencias HTTP/1\.1" 200 - (?P<queries>\d+) (?P<sql>[\d.]+) '
    r"(?P<rest>[\d.]+)"
)
INSTALLMENTS_PER_INVOICE = 10


def _odoo_args(package_dir, db_args, data_dir):
    return [
        f"--addons-path={odoo_env.addons_path(package_dir)}",
        *db_args,
        f"--data-dir={data_dir}",
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


def _install(env, odoo_args, dbname):
    _drop_database(dbname)
    cmd = odoo_env.odoo_command(
        *odoo_args,
        "--log-level=warn",
        f"--database={dbname}",
        "--init=dunning_br",
        "--without-demo=all",
        "--stop-after-init",
    )
    result = subprocess.run(cmd, env=env, cwd=REPO, check=False)
    if result.returncode:
        raise SetupError(f"installing dunning_br failed (exit {result.returncode})")


def _customer(env, company, name, count, today):
    """A customer company with a portal user and ``count`` open installments
    (invoices of INSTALLMENTS_PER_INVOICE monthly installments), due dates
    from about ``count`` days before ``today`` on."""
    from odoo import Command

    partner = env["res.partner"].create(
        {"name": name, "is_company": True, "email": f"{name.lower()}@bench.example"}
    )
    login = f"{name.lower()}.portal"
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": f"{name} Portal",
                "login": login,
                "password": login,
                "email": f"{login}@bench.example",
                "parent_id": partner.id,
                "groups_id": [Command.set([env.ref("base.group_portal").id])],
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
            }
        )
    )
    user.partner_id.parent_id = partner
    term = env["account.payment.term"].search(
        [("name", "=", "Benchmark: 10 monthly installments")], limit=1
    ) or env["account.payment.term"].create(
        {
            "name": "Benchmark: 10 monthly installments",
            "line_ids": [
                Command.create(
                    {
                        "value": "percent",
                        "value_amount": 10,
                        "delay_type": "days_after",
                        "nb_days": 30 * index,
                    }
                )
                for index in range(INSTALLMENTS_PER_INVOICE)
            ],
        }
    )
    invoices = count // INSTALLMENTS_PER_INVOICE
    moves = (
        env["account.move"]
        .with_company(company)
        .create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    # Half of the installments overdue, half to fall due.
                    "invoice_date": today - timedelta(days=150 + index),
                    "invoice_payment_term_id": term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Serviço", "price_unit": 1000.0, "tax_ids": []}
                        )
                    ],
                }
                for index in range(invoices)
            ]
        )
    )
    moves.action_post()
    return partner, login


def generate(registry, count):
    from odoo import SUPERUSER_ID, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        if not company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        policy = env["dunning.policy"].create(
            {
                "name": "Benchmark",
                "company_id": company.id,
                "fine_percent": 2.0,
                "interest_monthly_percent": 1.0,
            }
        )
        company.dunning_policy_id = policy
        today = fields.Date.context_today(env["res.partner"])
        result = {}
        for name, n in (("Pequena", max(count // 10, 10)), ("Grande", count)):
            partner, login = _customer(env, company, name, n, today)
            lines = env["account.move.line"].search_count(
                partner._dunning_portal_installment_domain()
            )
            result[name] = {"login": login, "installments": lines}
        return result


@contextlib.contextmanager
def _server(env, odoo_args, dbname, port, log_path):
    with log_path.open("w") as log:
        server = subprocess.Popen(
            odoo_env.odoo_command(
                *odoo_args,
                "--log-level=info",
                f"--database={dbname}",
                f"--db-filter=^{dbname}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
            ),
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            if not odoo_env.wait_for_port(port, 120):
                raise SetupError("the Odoo HTTP server did not start")
            yield
        finally:
            server.terminate()
            server.wait(timeout=60)


def _session(base, login):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=60)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/web/login",
        data={"login": login, "password": login, "csrf_token": csrf},
        timeout=60,
    )
    if "/web/login" in response.url:
        raise SetupError(f"{login} could not sign in")
    return session


def _percentile(values, pct):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def measure(base, login, requests_count, log_path):
    session = _session(base, login)
    session.get(f"{base}/my/pendencias", timeout=60)  # warm-up (assets, caches)
    done = len(REQUEST_RE.findall(log_path.read_text()))
    times = []
    for _index in range(requests_count):
        start = time.perf_counter()
        response = session.get(f"{base}/my/pendencias", timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200 or "o_dunning_pendencias" not in response.text:
            raise SetupError(f"/my/pendencias answered {response.status_code}")
    shown = len(re.findall(r'data-line-id="\d+"', response.text))
    time.sleep(1)  # the server logs the last request after answering it
    lines = REQUEST_RE.findall(log_path.read_text())[done + 1 :]
    queries = sorted({int(queries) for queries, _sql, _rest in lines})
    return {
        "installments_shown": shown,
        "requests": requests_count,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
        "queries_per_request": queries,
    }


def benchmark(options, env, package_dir, db_args, data_dir):
    import odoo
    from odoo.modules.registry import Registry

    dbname = options.database
    odoo_args = _odoo_args(package_dir, db_args, data_dir)
    odoo.tools.config.parse_config(
        [*odoo_args, f"--database={dbname}"], setup_logging=True
    )
    print(f"installing dunning_br (no demo data) in {dbname}", flush=True)
    _install(env, odoo_args, dbname)
    try:
        registry = Registry(dbname)
        print(f"generating customers with {options.installments} installments")
        customers = generate(registry, options.installments)
        port = options.port or odoo_env.free_port()
        log_path = Path(data_dir) / "server.log"
        report = {"date": date.today().isoformat(), "cpus": os.cpu_count()}
        with _server(env, odoo_args, dbname, port, log_path):
            base = f"http://127.0.0.1:{port}"
            for name, data in customers.items():
                print(f"measuring {name}: {data['installments']} installments")
                report[name] = {
                    **data,
                    **measure(base, data["login"], options.requests, log_path),
                }
    finally:
        if not options.keep:
            odoo.sql_db.close_all()
            _drop_database(dbname)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installments", type=int, default=500, metavar="N")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    parser.add_argument("--database", default="dunning_br_bench_portal")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    try:
        found = odoo_env.find_odoo()
        if found is None:
            raise SetupError("Odoo 18.0 not found: run with ODOO_PYTHON")
        env, package_dir = found
        data_dir = Path(tempfile.mkdtemp(prefix="dunning_br_bench_portal_"))
        with contextlib.ExitStack() as stack:
            stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
            if odoo_env.external_postgres_configured():
                db_args = odoo_env.db_args_from_env()
            else:
                cluster = stack.enter_context(odoo_env.throwaway_cluster())
                db_args = cluster.db_args
            report = benchmark(options, env, package_dir, db_args, data_dir)
    except SetupError as err:
        print(f"benchmark_portal: {err}", file=sys.stderr)
        return 2
    print()
    for name in ("Pequena", "Grande"):
        row = report[name]
        print(
            f"{row['installments']:>5} installments: p50 {row['p50_ms']} ms, "
            f"p95 {row['p95_ms']} ms, max {row['max_ms']} ms over "
            f"{row['requests']} requests; SQL queries per request "
            f"{row['queries_per_request']}"
        )
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
