# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Serve the three addons with demo data on http://127.0.0.1:8069 (``make run``).

Starts (or reuses) a PostgreSQL cluster kept in ``.run/pgdata`` unless
PGHOST/PGPORT/ODOO_RC name a server, creates (or reuses) the database
``dunning_br_demo`` with the addons and their demo data, then runs Odoo.

``--prepare`` stops after the database is ready (used by ``make i18n``);
``--update`` upgrades the addons of an existing database first;
``--i18n`` exports each addon's ``.pot`` and merges it into ``pt_BR.po``.
"""

import argparse
import os
import subprocess
import sys

import odoo_env
from odoo_env import ADDONS, REPO, SetupError

DB = os.environ.get("DUNNING_BR_DB", "dunning_br_demo")
PG_PORT = int(os.environ.get("DUNNING_BR_PG_PORT", "54329"))
HTTP_PORT = int(os.environ.get("DUNNING_BR_HTTP_PORT", "8069"))
# Translator comment of a term that reads the same in Portuguese (tests accept
# its empty msgstr; see dunning_br/tests/common.py).
SAME_AS_SOURCE = "pt_BR: same as source"


def _odoo(env, package_dir, db_args, *args, check=True):
    cmd = odoo_env.odoo_command(
        f"--addons-path={odoo_env.addons_path(package_dir)}", *db_args, *args
    )
    print("$ " + " ".join(cmd), flush=True)
    result = subprocess.run(cmd, env=env, cwd=REPO, check=False)
    if check and result.returncode:
        raise SetupError(f"Odoo exited with {result.returncode}")
    return result.returncode


def _export_i18n(env, package_dir, db_args):
    import polib

    for name in ADDONS:
        pot_path = REPO / name / "i18n" / f"{name}.pot"
        _odoo(
            env,
            package_dir,
            db_args,
            f"--database={DB}",
            f"--i18n-export={pot_path}",
            f"--modules={name}",
            "--stop-after-init",
        )
        pot = polib.pofile(str(pot_path))
        po_path = pot_path.with_name("pt_BR.po")
        old = polib.pofile(str(po_path)) if po_path.is_file() else polib.POFile()
        po = polib.pofile(str(pot_path))
        po.metadata.update({"Language": "pt_BR", "Language-Team": "Portuguese (BR)"})
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
        known = {entry.msgid: entry for entry in old}
        for entry in po:
            previous = known.get(entry.msgid)
            entry.msgstr = previous.msgstr if previous else ""
            entry.tcomment = previous.tcomment if previous else ""
            if entry.msgstr == entry.msgid:  # OCA's po format: no copy of msgid
                entry.msgstr, entry.tcomment = "", SAME_AS_SOURCE
        po.sort(key=lambda entry: entry.msgid)  # as oca-checks-po formats it
        po_path.write_text(str(po), encoding="utf-8")
        missing = [
            entry.msgid
            for entry in po
            if not entry.msgstr and entry.tcomment != SAME_AS_SOURCE
        ]
        name = po_path.relative_to(REPO)
        print(f"{name}: {len(pot)} terms, {len(missing)} untranslated")
        for msgid in missing:
            print(f"    {msgid!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="stop once ready")
    parser.add_argument("--update", action="store_true", help="upgrade the addons")
    parser.add_argument("--i18n", action="store_true", help="export translations")
    options = parser.parse_args()
    try:
        found = odoo_env.find_odoo()
        if found is None:
            raise SetupError(
                f"Odoo 18.0 not found with {sys.executable}. Install Odoo 18.0 "
                "outside this repository as its README says (source tree, "
                "its requirements.txt in a virtualenv), then run "
                "`ODOO_PYTHON=/path/to/venv/bin/python make run` or "
                "`ODOO_PATH=/path/to/odoo make run`"
            )
        env, package_dir = found
        cluster = None
        if odoo_env.external_postgres_configured():
            db_args = odoo_env.db_args_from_env()
        else:
            cluster = odoo_env.Cluster(REPO / ".run" / "pgdata", port=PG_PORT)
            cluster.init()
            if cluster.is_running():
                print(f"reusing PostgreSQL on 127.0.0.1:{cluster.port}")
            else:
                cluster.start()
                print(f"started PostgreSQL on 127.0.0.1:{cluster.port}")
            db_args = cluster.db_args
        try:
            installed = odoo_env.installed_addons(DB, db_args, env)
            if installed != set(ADDONS):
                print(f"creating the demo database {DB} (takes a few minutes)")
                _odoo(
                    env,
                    package_dir,
                    db_args,
                    f"--database={DB}",
                    f"--init={','.join(ADDONS)}",
                    "--stop-after-init",
                    "--max-cron-threads=0",
                )
            elif options.update:
                _odoo(
                    env,
                    package_dir,
                    db_args,
                    f"--database={DB}",
                    f"--update={','.join(ADDONS)}",
                    "--stop-after-init",
                    "--max-cron-threads=0",
                )
            if options.i18n:
                _export_i18n(env, package_dir, db_args)
            if options.prepare or options.i18n:
                return 0
            print(
                f"\nOpen http://127.0.0.1:{HTTP_PORT}/web/login and sign in as "
                f"admin / admin (database {DB}). Stop with Ctrl+C.\n",
                flush=True,
            )
            return _odoo(
                env,
                package_dir,
                db_args,
                f"--database={DB}",
                f"--db-filter=^{DB}$",
                "--http-interface=127.0.0.1",
                f"--http-port={HTTP_PORT}",
                check=False,
            )
        finally:
            if cluster is not None:
                cluster.stop()
    except SetupError as err:
        print(f"make run: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
