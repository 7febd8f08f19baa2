# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Find an installed Odoo 18.0 and a PostgreSQL server for it.

Shared by ``run_tests.py`` (``make test``) and ``run_demo.py`` (``make run``).
Odoo is never installed from here: it is looked up as an importable ``odoo``
package of the running interpreter, or as the source tree named by
``ODOO_PATH``.
"""

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = ("dunning_br", "dunning_br_pix", "dunning_br_sms")
ODOO_MAJOR = 18


class SetupError(RuntimeError):
    """Something the developer has to fix on the machine (message says what)."""


def _probe_odoo(env):
    code = (
        "import sys, pathlib, odoo, odoo.release as r;"
        "print(r.version_info[0]);"
        "print(pathlib.Path(odoo.__file__).resolve().parent)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode:
        return None
    major, package_dir = result.stdout.split()
    return int(major), Path(package_dir)


def find_odoo():
    """Return ``(env, package_dir)`` to run Odoo 18.0, or ``None`` if absent.

    ``env`` is the process environment to run Odoo with (``PYTHONPATH``
    extended when ``ODOO_PATH`` is used).
    """
    env = dict(os.environ)
    odoo_path = env.get("ODOO_PATH")
    if odoo_path:
        source = Path(odoo_path).expanduser().resolve()
        if not (source / "odoo" / "release.py").is_file():
            raise SetupError(
                f"ODOO_PATH={odoo_path} is not an Odoo source tree "
                "(no odoo/release.py in it)"
            )
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(source), env.get("PYTHONPATH")])
        )
    found = _probe_odoo(env)
    if found is None:
        if odoo_path:
            raise SetupError(
                f"ODOO_PATH={odoo_path} is set but 'import odoo' fails with "
                f"{sys.executable}: install Odoo's requirements.txt in this "
                "interpreter (or set ODOO_PYTHON to the one that has them)"
            )
        return None
    major, package_dir = found
    if major != ODOO_MAJOR:
        raise SetupError(
            f"found Odoo {major} at {package_dir}; these addons need Odoo 18.0"
        )
    return env, package_dir


def addons_path(package_dir):
    """Odoo's own addons folders followed by this repository."""
    paths = [package_dir.parent / "addons", package_dir / "addons"]
    return ",".join(str(p) for p in paths if p.is_dir()) + f",{REPO}"


def _read_database(code, dbname, db_args, env):
    """Run the Python ``code`` with the interpreter of Odoo, given ``dbname``
    and ``db_args`` as arguments; its output, or ``None`` when it exits with
    3 (no such database)."""
    result = subprocess.run(
        [sys.executable, "-c", code, dbname, *db_args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode == 3:
        return None
    if result.returncode:
        raise SetupError(f"cannot read database {dbname}: {result.stderr.strip()}")
    return result.stdout


def installed_addons(dbname, db_args, env):
    """Our addons installed in ``dbname`` (``None`` when there is no such
    database), read by the interpreter that runs Odoo."""
    code = (
        "import sys, odoo\n"
        "from odoo.tools import config\n"
        "config.parse_config(sys.argv[2:])\n"
        "import odoo.sql_db, odoo.service.db as sdb\n"
        "if not sdb.exp_db_exist(sys.argv[1]): sys.exit(3)\n"
        "with odoo.sql_db.db_connect(sys.argv[1]).cursor() as cr:\n"
        '    cr.execute("SELECT name FROM ir_module_module"\n'
        "               \" WHERE state = 'installed'\")\n"
        "    print(' '.join(r[0] for r in cr.fetchall()))\n"
    )
    output = _read_database(code, dbname, db_args, env)
    if output is None:
        return None
    return set(output.split()) & set(ADDONS)


# Run by the interpreter of Odoo: the main company of a database, read with
# plain SQL (no registry to load).
_COMPANY_STATE = """
import json, sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[2:])
import odoo.service.db as sdb
import odoo.sql_db
if not sdb.exp_db_exist(sys.argv[1]):
    sys.exit(3)
with odoo.sql_db.db_connect(sys.argv[1]).cursor() as cr:
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'res_company' AND column_name = 'chart_template'"
    )
    chart = "c.chart_template" if cr.fetchone() else "NULL"
    cr.execute(
        "SELECT country.code, currency.name, " + chart +
        "  FROM res_company c"
        "  JOIN res_currency currency ON currency.id = c.currency_id"
        "  JOIN res_partner p ON p.id = c.partner_id"
        "  LEFT JOIN res_country country ON country.id = p.country_id"
        " WHERE c.id = (SELECT res_id FROM ir_model_data"
        "                WHERE module = 'base' AND name = 'main_company')"
    )
    country, currency, chart = cr.fetchone()
    cr.execute("SELECT code FROM res_lang WHERE active ORDER BY code")
    langs = [row[0] for row in cr.fetchall()]
print(json.dumps({"country": country, "currency": currency,
                  "chart_template": chart, "langs": langs}))
"""


def company_state(dbname, db_args, env):
    """What the demo needs to know of the main company of ``dbname``: a dict
    with ``country`` (code), ``currency``, ``chart_template`` (``None``
    before ``account``) and ``langs`` (the active languages); ``None`` when
    there is no such database."""
    output = _read_database(_COMPANY_STATE, dbname, db_args, env)
    if output is None:
        return None
    return json.loads(output.strip().splitlines()[-1])


def odoo_command(*args):
    """The command line that runs the Odoo CLI with this interpreter."""
    return [sys.executable, "-m", "odoo", *args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bindir():
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise SetupError(
        "PostgreSQL server binaries not found: install Debian's 'postgresql' "
        "package (apt-get install postgresql) or set PGHOST/PGPORT/PGUSER to "
        "an existing server"
    )


def _as_pg_user(cmd):
    """Run PostgreSQL server commands as a non-root user (initdb refuses root)."""
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam("postgres")
    except KeyError as err:
        raise SetupError(
            "running as root and no 'postgres' system user exists to own the "
            "throwaway cluster: install Debian's 'postgresql' package"
        ) from err
    return ["runuser", "-u", "postgres", "--", *cmd]


def external_postgres_configured():
    return any(os.environ.get(var) for var in ("PGHOST", "PGPORT", "ODOO_RC"))


def db_args_from_env():
    """Odoo command-line options for the server given by the usual env vars."""
    args = []
    for var, option in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(var):
            args.append(f"{option}={os.environ[var]}")
    if os.environ.get("ODOO_RC"):
        args.append(f"--config={os.environ['ODOO_RC']}")
    return args


class Cluster:
    """A PostgreSQL cluster in a folder, listening on loopback only."""

    user = "odoo"

    def __init__(self, datadir, port=None):
        self.datadir = Path(datadir)
        self.port = port or free_port()
        self.bindir = _pg_bindir()
        self.started_here = False

    @property
    def db_args(self):
        return [
            "--db_host=127.0.0.1",
            f"--db_port={self.port}",
            f"--db_user={self.user}",
        ]

    def _chown(self, path):
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def init(self):
        if (self.datadir / "PG_VERSION").is_file():
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        self._chown(self.datadir)
        # The parent folders must be traversable by the postgres user.
        for parent in self.datadir.parents:
            if parent == Path("/") or parent.stat().st_mode & 0o001:
                break
            if os.geteuid() == 0:
                parent.chmod(parent.stat().st_mode | 0o711)
        subprocess.run(
            _as_pg_user(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.datadir),
                    "-U",
                    self.user,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def is_running(self):
        result = subprocess.run(
            [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def start(self, fast=False):
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-k {self.datadir}",
        ]
        if fast:
            # A throwaway test cluster: durability is not wanted, speed is.
            options += ["-c fsync=off", "-c synchronous_commit=off"]
            options += ["-c full_page_writes=off"]
        subprocess.run(
            _as_pg_user(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.datadir / "server.log"),
                    "-w",
                    "-o",
                    " ".join(options),
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.started_here = True

    def stop(self):
        if not self.started_here:
            return
        subprocess.run(
            _as_pg_user(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.started_here = False


@contextlib.contextmanager
def throwaway_cluster():
    """A fresh cluster in a temporary folder, removed on exit, even on failure."""
    tmp = Path(tempfile.mkdtemp(prefix="dunning_br_pg_"))
    if os.geteuid() == 0:
        tmp.chmod(0o755)
    cluster = Cluster(tmp / "data")
    try:
        cluster.init()
        cluster.start(fast=True)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def wait_for_port(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return True
        time.sleep(0.5)
    return False
