# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the collection reports of dunning_br on N open installments.

Run with the Python that runs Odoo 18.0::

    $ODOO_PYTHON tools/benchmark_reports.py --installments 100000 --json out.json

Sets up the database exactly as ``tools/benchmark_dunning.py`` (its own
functions: fresh database without demo data, N installments cloned with bulk
SQL, collection activated) and runs the régua's first round on it (so that
the recovery report has its history; the letters' PDFs are not rendered),
then times, as the web client asks for them,
each report's first page: the list (``web_search_read``, 80 rows, the list
view's fields) and the pivot (``read_group`` with the pivot view's rows,
columns and measures), and the aging per customer (rows customers, columns
the aging buckets, open and updated amounts). Each figure is the best of
``--repeat`` runs after one warm-up (cold caches are not what a user who
opens the menu twice sees; the first run is reported too). Goal: < 2 s each.
"""

import argparse
import sys
import time
from datetime import date

from benchmark_dunning import (
    DEFAULT_DAY,
    _code_version,
    _drop_database,
    _install,
    _machine,
    _new_env,
    _odoo_args,
    generate,
    run_day,
    run_main,
)

GOAL_S = 2.0

#: (label, model): each report's default list and pivot views are read from
#: the database (``get_views``), so that the figures are those of what the
#: web client asks for.
REPORTS = (
    ("aging", "dunning.report.aging"),
    ("delinquency", "dunning.report.delinquency"),
    ("recovery", "dunning.report.recovery"),
    ("customers", "dunning.report.customer"),
    ("agreements", "dunning.report.agreement"),
)


def _view_specs(env, model):
    """The list view's fields and the pivot view's row and column group-bys
    and measures (with their aggregator, as the web client sends them)."""
    from lxml import etree

    Model = env[model]
    views = Model.get_views([(False, "list"), (False, "pivot")])["views"]
    list_arch = etree.fromstring(views["list"]["arch"])
    list_fields = [
        node.get("name")
        for node in list_arch.iter("field")
        if node.get("column_invisible") not in ("True", "1")
    ]
    pivot_arch = etree.fromstring(views["pivot"]["arch"])
    rows, cols, measures = [], [], []
    for node in pivot_arch.iter("field"):
        name, kind = node.get("name"), node.get("type")
        groupby = f"{name}:{node.get('interval')}" if node.get("interval") else name
        if kind == "row":
            rows.append(groupby)
        elif kind == "col":
            cols.append(groupby)
        elif kind == "measure":
            aggregator = Model._fields[name].aggregator
            measures.append(f"{name}:{aggregator}" if aggregator else name)
    return list_fields, rows, cols, measures


def _timed(registry, day, call, repeat):
    """First and best wall time of ``call(env)`` in fresh transactions."""
    times = []
    for _i in range(repeat + 1):
        with registry.cursor() as cr:
            env = _new_env(cr)
            env = env(context={"dunning_report_date": day})
            start = time.perf_counter()
            result = call(env)
            times.append(time.perf_counter() - start)
            cr.rollback()
    return {"first_s": round(times[0], 3), "best_s": round(min(times), 3)}, result


def measure(registry, day, repeat):
    rows = []
    # The delinquency figures are a snapshot: its daily update, timed, then
    # committed for the report's pages.
    timed, _day = _timed(
        registry,
        day,
        lambda env: env["dunning.report.delinquency"]._dunning_refresh(),
        repeat,
    )
    rows.append({"report": "delinquency", "view": "update (daily job)",
                 "records": "", **timed})  # fmt: skip
    with registry.cursor() as cr:
        env = _new_env(cr)
        env(context={"dunning_report_date": day})[
            "dunning.report.delinquency"
        ]._dunning_refresh()
    with registry.cursor() as cr:
        specs = {model: _view_specs(_new_env(cr), model) for _label, model in REPORTS}
    for label, model in REPORTS:
        list_fields, row_groups, col_groups, measures = specs[model]

        def list_page(env, model=model, list_fields=list_fields):
            return env[model].web_search_read(
                [], {name: {} for name in list_fields}, limit=80
            )["length"]

        def pivot(env, model=model, rows=row_groups, cols=col_groups,
                  measures=measures):  # fmt: skip
            # The web client's first pivot page: one read_group for the
            # totals, the rows, the columns and the cells (fewer when a
            # dimension is empty), each with the measures and the count.
            Model = env[model]
            found = 0
            for groupby in dict.fromkeys(
                ((), tuple(rows), tuple(cols), tuple(rows + cols))
            ):
                found = len(
                    Model.read_group(
                        [], [*measures, "__count"], list(groupby), lazy=False
                    )
                )
            return found

        listed, length = _timed(registry, day, list_page, repeat)
        pivoted, groups = _timed(registry, day, pivot, repeat)
        rows.append({"report": label, "view": "list (80 rows)", "records": length,
                     **listed})  # fmt: skip
        rows.append({"report": label, "view": "pivot", "groups": groups, **pivoted})

    def aging_per_customer(env):
        return len(
            env["dunning.report.aging"].read_group(
                [("days_overdue", ">", 0)],
                ["amount_residual:sum", "amount_updated:sum"],
                ["partner_id", "aging_bucket"],
                lazy=False,
            )
        )

    timed, groups = _timed(registry, day, aging_per_customer, repeat)
    rows.append({"report": "aging per customer", "view": "read_group (overdue)",
                 "groups": groups, **timed})  # fmt: skip
    return rows


def benchmark(options, env, package_dir, db_args, data_dir):
    import odoo
    from odoo.modules.registry import Registry

    dbname = options.database or f"dunning_br_bench_reports_{options.installments}"
    odoo_args = _odoo_args(package_dir, db_args, data_dir)
    odoo.tools.config.parse_config(
        [*odoo_args, f"--database={dbname}"], setup_logging=True
    )
    report = {
        "machine": _machine(),
        "code": _code_version(),
        "installments_requested": options.installments,
    }
    print(f"installing dunning_br (no demo data) in {dbname}", flush=True)
    report["install_s"] = round(_install(env, odoo_args, dbname), 1)
    try:
        registry = Registry(dbname)
        print(f"generating {options.installments:,} installments", flush=True)
        start = time.perf_counter()
        with registry.cursor() as cr:
            data = generate(_new_env(cr), options.installments, options.day)
            cr.execute("ANALYZE")
        data["generation_s"] = round(time.perf_counter() - start, 2)
        report["data"] = data
        print(f"running the first round of the régua on {options.day}", flush=True)
        first_round = run_day(
            registry,
            data["company_id"],
            options.day,
            "first round",
            argparse.Namespace(tracemalloc=False, time_budget=None, letter_pdfs=False),
        )
        report["first_round"] = {
            key: first_round.get(key)
            for key in ("total_s", "messages", "history_by_state")
        }
        with registry.cursor() as cr:
            cr.execute("ANALYZE")
        with registry.cursor() as cr:
            cr.execute("SHOW server_version")
            report["machine"]["postgresql"] = cr.fetchone()[0]
        print(f"timing the reports on {options.day}", flush=True)
        report["reports"] = measure(registry, options.day, options.repeat)
    finally:
        if not options.keep:
            _drop_database(dbname)
    return report


def _print_report(report):
    print(
        f"\n{report['data']['installments']:,} installments, "
        f"{report['data']['customers']:,} customers; first round of the régua: "
        f"{report['first_round']['messages']:,} messages in "
        f"{report['first_round']['total_s']:.1f} s, history "
        f"{report['first_round']['history_by_state']}"
    )
    print(f"{'report':<20} {'view':<22} {'rows':>8} {'first':>8} {'best':>8}  goal")
    for row in report["reports"]:
        count = row.get("records", row.get("groups"))
        ok = "ok" if row["best_s"] < GOAL_S else "SLOW"
        print(
            f"{row['report']:<20} {row['view']:<22} {count:>8} "
            f"{row['first_s']:>7.3f}s {row['best_s']:>7.3f}s  {ok}"
        )
    machine = report["machine"]
    print(
        f"\n{machine['date']}, {machine['cpus']} CPUs, PostgreSQL "
        f"{machine['postgresql']}; code {report['code']['commit']}"
    )


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installments", type=int, default=100000, metavar="N")
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        default=DEFAULT_DAY,
        help=f"the reports' date (default {DEFAULT_DAY})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best)")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    parser.add_argument("--database", default=None, help="database name")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (external server)"
    )
    return parser.parse_args()


def main():
    return run_main("benchmark_reports", _parse_args(), benchmark, _print_report)


if __name__ == "__main__":
    sys.exit(main())
