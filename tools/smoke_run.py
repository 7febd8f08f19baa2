# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""End-to-end smoke test of ``make run`` through odoorpc.

Start ``make run`` in another terminal, then::

    python tools/smoke_run.py [--port 8069] [--db dunning_br_demo]

It signs in as admin/admin, checks that the three addons are installed, that
admin works in pt_BR in a company in BRL, that the standard collection policy
and the scheduled action exist and that the demo's first run filled the
collection history, and asks the preview wizard what today's run would do
(nothing is sent). The defaults of ``--port`` and ``--db`` are those of
``make run`` (``DUNNING_BR_HTTP_PORT``, ``DUNNING_BR_DB``).
"""

import argparse
import os
import sys

import odoorpc
from odoo_env import ADDONS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("DUNNING_BR_HTTP_PORT", "8069"))
    )
    parser.add_argument(
        "--db", default=os.environ.get("DUNNING_BR_DB", "dunning_br_demo")
    )
    options = parser.parse_args()
    odoo = odoorpc.ODOO("127.0.0.1", port=options.port, timeout=60)
    odoo.login(options.db, "admin", "admin")
    modules = odoo.env["ir.module.module"].search_read(
        [("name", "in", list(ADDONS))], ["name", "state"]
    )
    states = {module["name"]: module["state"] for module in modules}
    missing = [name for name in ADDONS if states.get(name) != "installed"]
    if missing:
        sys.exit(f"not installed: {', '.join(missing)}")
    user = odoo.env.user
    currency = user.company_id.currency_id.name
    if (user.lang, currency) != ("pt_BR", "BRL"):
        sys.exit(
            f"admin works in {user.lang} in a company in {currency}, not pt_BR "
            "and BRL: the database was created by an older make run"
        )
    history = odoo.env["dunning.history"].search_count([])
    if not history:
        sys.exit("the collection history is empty: the demo's first run is missing")
    policies = odoo.env["dunning.policy"].search_read([], ["name", "step_ids"])
    if not policies:
        sys.exit("no collection policy")
    cron = odoo.env.ref("dunning_br.ir_cron_dunning_run")
    wizard_id = odoo.env["dunning.run.wizard"].create({})
    wizard = odoo.env["dunning.run.wizard"].browse(wizard_id)
    print(f"signed in to {options.db} as admin; addons installed: {', '.join(ADDONS)}")
    for policy in policies:
        print(f"policy {policy['name']!r}: {len(policy['step_ids'])} steps")
    print(f"admin in {user.lang}, company {user.company_id.name} in {currency}")
    print(f"collection history: {history} rows")
    print(f"scheduled action {cron.name!r}, next call {cron.nextcall}")
    print(f"today's run would process {wizard.total} installment steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
