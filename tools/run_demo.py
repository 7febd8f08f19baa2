# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Serve the three addons with demo data on http://127.0.0.1:8069 (``make run``).

Starts (or reuses) a PostgreSQL cluster kept in ``.run/pgdata`` unless
PGHOST/PGPORT/ODOO_RC name a server, creates (or reuses) the database
``dunning_br_demo`` as a company in Brazil (BRL, l10n_br's chart of accounts,
pt_BR for every user) with the addons and their demo data, which end with a
first run of the régua (the collection history), starts the API Pix
sandbox PSP (``python -m sandbox.pix_psp``, port 8799 or a free one), points
the demo Pix provider at it, starts a local SMTP server keeping the e-mails in
``.run/mail`` and a local Zenvia-like SMS gateway (``python -m
sandbox.sms_gateways``, port 8798 or a free one) that the demo SMS gateway of
the company uses, then runs Odoo.

``--prepare`` stops after the database is ready (used by ``make i18n``);
``--update`` upgrades the addons of an existing database first;
``--i18n`` exports each addon's ``.pot`` and merges it into ``pt_BR.po``.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import odoo_env
from odoo_env import ADDONS, REPO, SetupError

DB = os.environ.get("DUNNING_BR_DB", "dunning_br_demo")
PG_PORT = int(os.environ.get("DUNNING_BR_PG_PORT", "54329"))
HTTP_PORT = int(os.environ.get("DUNNING_BR_HTTP_PORT", "8069"))
PIX_PORT = int(os.environ.get("DUNNING_BR_PIX_PORT", "8799"))
SMTP_PORT = int(os.environ.get("DUNNING_BR_SMTP_PORT", "8025"))
SMS_PORT = int(os.environ.get("DUNNING_BR_SMS_PORT", "8798"))
# The demo SMS gateway of dunning_br_sms (a Zenvia-like local gateway).
SMS_GATEWAY = "dunning_br_sms.demo_sms_gateway_zenvia"
# Credentials of the sandbox PSP, as the demo provider of dunning_br_pix has
# them (dunning_br_pix/demo/dunning_pix_demo.xml).
PIX_CLIENT = ("sandbox-client", "sandbox-secret")
PIX_PROVIDER = "dunning_br_pix.demo_provider_pix_sandbox"
PIX_INVOICE = "dunning_br_pix.demo_invoice_pix"
# The portal user of the Pix demo customer (password = login).
PORTAL_LOGIN = "confeitaria"
# Translator comment of a term that reads the same in Portuguese (tests accept
# its empty msgstr; see dunning_br/tests/common.py).
SAME_AS_SOURCE = "pt_BR: same as source"
# The language of the demo database (and of its users and customers).
DEMO_LANG = "pt_BR"


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


def _start_pix_sandbox(env):
    """Start the sandbox PSP (``sandbox/``, a development package that
    ``requirements-dev.txt`` installs with its dependencies); return
    ``(process, origin)`` or ``(None, None)`` when it cannot run (the demo
    then works without it)."""
    if importlib.util.find_spec("openapi_core") is None:
        print(
            "make run: the Pix sandbox needs the development requirements "
            "(pip install -r requirements-dev.txt); Pix works without it.",
            file=sys.stderr,
        )
        return None, None
    port = PIX_PORT
    if odoo_env.wait_for_port(port, 0.1):
        port = odoo_env.free_port()
        print(f"port {PIX_PORT} is taken: the Pix sandbox uses {port}")
    cmd = [sys.executable, "-m", "sandbox.pix_psp", f"--port={port}"]
    cmd += [f"--client-id={PIX_CLIENT[0]}", f"--client-secret={PIX_CLIENT[1]}"]
    print("$ " + " ".join(cmd), flush=True)
    process = subprocess.Popen(cmd, env=env, cwd=REPO)
    if not odoo_env.wait_for_port(port, 30) or process.poll() is not None:
        _stop(process)
        print(
            "make run: the Pix sandbox did not start (see its output above); "
            "Pix works without it.",
            file=sys.stderr,
        )
        return None, None
    return process, f"http://127.0.0.1:{port}"


def _stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Run by the interpreter of Odoo on the demo database: the demo provider
# talks to the sandbox in test mode, its webhook is registered at the sandbox
# (which keeps it in memory only), and the demo invoice gets its charge.
_CONFIGURE_PIX = """
import json, sys
import odoo
from odoo.tools import config
settings = json.loads(sys.argv[1])
config.parse_config(sys.argv[2:])
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
with Registry(settings["db"]).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    provider = env.ref(settings["provider"], raise_if_not_found=False)
    if not provider:
        sys.exit(3)
    provider.write({
        "state": "test",
        "dunning_pix_mode": "dynamic",
        "dunning_pix_base_url": settings["origin"] + "/api/v2",
        "dunning_pix_token_url": settings["origin"] + "/oauth/token",
        "dunning_pix_client_id": settings["client"][0],
        "dunning_pix_client_secret": settings["client"][1],
        "dunning_pix_webhook_url": settings["webhook"],
    })
    provider.action_dunning_pix_register_webhook()
    # The sandbox starts empty: charges Odoo still holds as active are gone.
    charges = env["dunning.pix.charge"]
    stale = charges.search(
        [("provider_id", "=", provider.id), ("state", "=", "active")]
    )
    stale.filtered(lambda charge: not charge.payment_ids).unlink()
    invoice = env.ref(settings["invoice"], raise_if_not_found=False)
    if invoice and invoice.state == "posted":
        lines = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and not line.reconciled
        )
        charges._dunning_pix_ensure(lines, provider)
    cr.commit()
    print(json.dumps({"company": provider.company_id.name,
                      "invoice": invoice.name if invoice else "-"}))
"""


def _configure_pix(env, package_dir, db_args, origin):
    settings = {
        "db": DB,
        "provider": PIX_PROVIDER,
        "invoice": PIX_INVOICE,
        "origin": origin,
        "client": PIX_CLIENT,
        "webhook": f"http://127.0.0.1:{HTTP_PORT}/payment/dunning_pix/webhook",
    }
    cmd = [sys.executable, "-c", _CONFIGURE_PIX, json.dumps(settings)]
    cmd += [f"--addons-path={odoo_env.addons_path(package_dir)}", *db_args]
    result = subprocess.run(
        cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode == 3:
        print(
            "make run: no demo Pix provider in this database (created without "
            "dunning_br_pix's demo data): the Pix sandbox runs unused."
        )
        return False
    if result.returncode:
        print(
            f"make run: the demo Pix provider was not configured:\n{result.stderr}",
            file=sys.stderr,
        )
        return False
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    company, invoice = shown["company"], shown["invoice"]
    print(
        f"Pix: provider 'Pix' of {company} in test mode with the "
        f"sandbox PSP at {origin}. In {company}, open invoice {invoice} "
        "> Pix Charges > the charge > Simulate a Payment: the sandbox pays it "
        "and its webhook makes the invoice paid."
    )
    return True


# Run by the interpreter of Odoo on the demo database: the demo SMS gateway
# points at the local gateway's port; prints its webhook URL.
_CONFIGURE_SMS = """
import json, sys
import odoo
from odoo.tools import config
settings = json.loads(sys.argv[1])
config.parse_config(sys.argv[2:])
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
with Registry(settings["db"]).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    gateway = env.ref(settings["gateway"], raise_if_not_found=False)
    if not gateway:
        sys.exit(3)
    gateway.write({"api_url": settings["origin"], "api_token": settings["token"]})
    cr.commit()
    print(json.dumps({"company": gateway.company_id.name,
                      "webhook": gateway.status_webhook_url}))
"""


def _start_sms_gateway(env, package_dir, db_args):
    """Point the demo SMS gateway at a local Zenvia-like gateway
    (``python -m sandbox.sms_gateways``) and start it; return its process or
    None (the demo then runs without SMS gateway: its SMS wait in the queue)."""
    port = SMS_PORT
    if odoo_env.wait_for_port(port, 0.1):
        port = odoo_env.free_port()
        print(f"port {SMS_PORT} is taken: the SMS gateway uses {port}")
    origin = f"http://127.0.0.1:{port}"
    settings = {
        "db": DB,
        "gateway": SMS_GATEWAY,
        "origin": origin,
        "token": "zenvia-token",
    }
    cmd = [sys.executable, "-c", _CONFIGURE_SMS, json.dumps(settings)]
    cmd += [f"--addons-path={odoo_env.addons_path(package_dir)}", *db_args]
    result = subprocess.run(
        cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode:
        print(
            "make run: the demo SMS gateway was not configured (a database "
            f"without dunning_br_sms's demo data?):\n{result.stderr}",
            file=sys.stderr,
        )
        return None
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    webhook = shown["webhook"].replace(
        shown["webhook"].split("/dunning_sms/")[0], f"http://127.0.0.1:{HTTP_PORT}"
    )
    cmd = [sys.executable, "-m", "sandbox.sms_gateways", f"--port={port}"]
    cmd += [f"--zenvia-webhook-url={webhook}"]
    print("$ " + " ".join(cmd), flush=True)
    process = subprocess.Popen(cmd, env=env, cwd=REPO)
    if not odoo_env.wait_for_port(port, 15) or process.poll() is not None:
        _stop(process)
        print(
            "make run: the local SMS gateway did not start (see its output "
            "above); the demo's SMS wait in the queue.",
            file=sys.stderr,
        )
        return None
    print(
        f"SMS: the SMS of {shown['company']} go to the local Zenvia-like gateway "
        f"at {origin} (messages: {origin}/sandbox/messages; deliver one with "
        f'POST {origin}/sandbox/deliver {{"id": ...}}; a reply "SAIR" with '
        f"POST {origin}/sandbox/inbound)."
    )
    return process


def _start_smtp_sink(env):
    """Start a local SMTP server that keeps the demo's e-mails in the maildir
    ``.run/mail`` instead of sending them, so that the régua's e-mails are
    delivered (and can be read there) rather than failing for want of a mail
    server. Return ``(process, Odoo's options)``, or ``(None, [])`` when it
    cannot run (then the e-mails fail, as on any server without SMTP)."""
    port = SMTP_PORT
    if odoo_env.wait_for_port(port, 0.1):
        port = odoo_env.free_port()
    maildir = REPO / ".run" / "mail"
    maildir.parent.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "aiosmtpd", "-n", f"--listen=127.0.0.1:{port}"]
    cmd += ["--class=aiosmtpd.handlers.Mailbox", str(maildir)]
    print("$ " + " ".join(cmd), flush=True)
    process = subprocess.Popen(cmd, env=env, cwd=REPO)
    if not odoo_env.wait_for_port(port, 15) or process.poll() is not None:
        _stop(process)
        print(
            "make run: the local SMTP server did not start (it needs aiosmtpd: "
            "pip install -r requirements-dev.txt); the demo's e-mails will fail.",
            file=sys.stderr,
        )
        return None, []
    print(f"E-mails: kept by the SMTP server on 127.0.0.1:{port} in {maildir}")
    return process, ["--smtp=127.0.0.1", f"--smtp-port={port}"]


# Run by the interpreter of Odoo: creates the demo database as Odoo's database
# manager does for a company in Brazil (odoo.service.db.exp_create_database
# with country BR and pt_BR): the main company is in BRL, pt_BR is loaded and
# is every user's language. The company then gets a Brazilian identity. The
# l10n_br chart of accounts comes with the next step (installing l10n_br).
_CREATE_DATABASE = """
import json, sys
import odoo
from odoo.tools import config
settings = json.loads(sys.argv[1])
config.parse_config(sys.argv[2:])
import odoo.service.db as sdb
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools.misc import file_path


def _logo():
    # The company's logo (instead of Odoo's "Your logo" placeholder).
    import base64, io
    from PIL import Image, ImageDraw, ImageFont
    lato = file_path("web/static/fonts/lato/Lato-Bol-webfont.ttf")
    image = Image.new("RGB", (560, 140), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 10, 130, 130), radius=24, fill="#e8731a")
    draw.text((70, 70), "A", font=ImageFont.truetype(lato, 84), fill="white",
              anchor="mm")
    draw.text((150, 62), "Aurora", font=ImageFont.truetype(lato, 52),
              fill="#2b3a4a", anchor="lm")
    draw.text((152, 108), "DISTRIBUIDORA", font=ImageFont.truetype(lato, 22),
              fill="#e8731a", anchor="lm")
    data = io.BytesIO()
    image.save(data, "PNG")
    return base64.b64encode(data.getvalue())


sdb.exp_create_database(
    settings["db"], True, settings["lang"], "admin", "admin", settings["country"]
)
with Registry(settings["db"]).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    company = env.ref("base.main_company")
    if company.country_id.code != settings["country"] or not env[
        "res.lang"
    ]._lang_get(settings["lang"]):
        sys.exit(4)  # Odoo logged why above
    company.write({
        **settings["company"],
        "state_id": env.ref(settings["state"]).id,
        "logo": _logo(),
    })
    users = env["res.users"].with_context(active_test=False).search([])
    users.write({"lang": settings["lang"], "tz": settings["tz"]})
    # Admin (the customers' contact, the invoices' salesperson) works there.
    env.ref("base.partner_admin").write({
        **settings["admin"],
        "state_id": env.ref(settings["state"]).id,
        "country_id": env.ref("base.br").id,
    })
    company.partner_id.tz = settings["tz"]
"""
# The demo's main company (its collection messages name it).
DEMO_COMPANY = {
    "name": "Distribuidora Aurora Ltda",
    "vat": "12.345.678/0001-95",
    "street": "Avenida Paulista, 1000",
    "city": "São Paulo",
    "zip": "01310-100",
    "phone": "+55 11 3000-0000",
    "email": "cobranca@aurora.example.com",
}


def _create_database(env, package_dir, db_args):
    settings = {
        "db": DB,
        "lang": DEMO_LANG,
        "country": "BR",
        "state": "base.state_br_sp",
        "tz": "America/Sao_Paulo",
        "company": DEMO_COMPANY,
        "admin": {
            "street": DEMO_COMPANY["street"],
            "city": DEMO_COMPANY["city"],
            "zip": DEMO_COMPANY["zip"],
            "phone": "+55 11 3000-0001",
        },
    }
    cmd = [sys.executable, "-c", _CREATE_DATABASE, json.dumps(settings)]
    cmd += [f"--addons-path={odoo_env.addons_path(package_dir)}", *db_args]
    print(f"$ (create {DB} with country BR and {DEMO_LANG})", flush=True)
    result = subprocess.run(cmd, env=env, cwd=REPO, check=False)
    if result.returncode:
        raise SetupError(
            f"the database {DB} could not be created as a Brazilian company "
            f"(exit {result.returncode}, see above); drop it and try again"
        )


def _is_brazilian(state):
    return (
        state["country"] == "BR"
        and state["currency"] == "BRL"
        and DEMO_LANG in state["langs"]
    )


def _dropdb_hint(db_args):
    options = dict(arg[2:].split("=", 1) for arg in db_args if "=" in arg)
    cmd = ["dropdb"]
    for option, flag in (("db_host", "-h"), ("db_port", "-p"), ("db_user", "-U")):
        if options.get(option):
            cmd += [flag, options[option]]
    return " ".join([*cmd, DB])


def _prepare_database(env, package_dir, db_args):
    """Create the demo database, or say what an existing one lacks; install
    the localization, then the addons with their demo data (which end with a
    first run of the régua, so the collection history is not empty)."""
    state = odoo_env.company_state(DB, db_args, env)
    if state is None:
        print(f"creating the demo database {DB} (takes a few minutes)")
        _create_database(env, package_dir, db_args)
        state = odoo_env.company_state(DB, db_args, env)
    if not _is_brazilian(state):
        print(
            f"make run: the database {DB} was created by an older `make run`: "
            f"its main company is in {state['currency']}, not a company in "
            f"Brazil in BRL with {DEMO_LANG} loaded, so messages to the "
            "Brazilian demo customers cannot be written in Portuguese. Stop "
            f"make run, drop it ({_dropdb_hint(db_args)}) and run make run "
            "again to get the Brazilian demo. Serving it as it is.",
            file=sys.stderr,
        )
    elif not state["chart_template"]:
        # The chart of accounts of the company's country is loaded once the
        # localization is installed: before the addons' demo invoices.
        _odoo(
            env,
            package_dir,
            db_args,
            f"--database={DB}",
            "--init=l10n_br",
            "--stop-after-init",
            "--max-cron-threads=0",
        )
    return odoo_env.installed_addons(DB, db_args, env)


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
        pix_sandbox = None
        smtp_sink = None
        sms_gateway = None
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
            installed = _prepare_database(env, package_dir, db_args)
            if installed != set(ADDONS):
                print(f"installing the addons with their demo data in {DB}")
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
            pix_sandbox, pix_origin = _start_pix_sandbox(env)
            if pix_sandbox is not None:
                _configure_pix(env, package_dir, db_args, pix_origin)
            smtp_sink, smtp_args = _start_smtp_sink(env)
            sms_gateway = _start_sms_gateway(env, package_dir, db_args)
            print(
                f"\nOpen http://127.0.0.1:{HTTP_PORT}/web/login and sign in as "
                f"admin / admin (database {DB}; the customer's side: "
                f"{PORTAL_LOGIN} / {PORTAL_LOGIN}). Stop with Ctrl+C.\n",
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
                *smtp_args,
                check=False,
            )
        finally:
            _stop(pix_sandbox)
            _stop(smtp_sink)
            _stop(sms_gateway)
            if cluster is not None:
                cluster.stop()
    except SetupError as err:
        print(f"make run: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
