# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The project's one test command (``make test``).

1. installs the development requirements and the ``cobranca`` library;
2. runs the static checks (the pre-commit hooks of the repository);
3. runs the library tests (pytest);
4. when an Odoo 18.0 is found (importable ``odoo`` or ``ODOO_PATH``): uses the
   PostgreSQL given by PGHOST/PGPORT/PGUSER/ODOO_RC or starts a throwaway
   cluster, creates a fresh database with pt_BR loaded, installs the three
   addons with demo data and runs their tests only, the tours in headless
   Chromium (a missing browser is a failure, not a skip); otherwise says
   loudly that they were skipped;
5. ends with one line ``N passed, N failed`` counting both layers.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import odoo_env
from odoo_env import ADDONS, REPO, SetupError

SUMMARY_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): "
)
OUR_LOGGERS = tuple(f"odoo.addons.{name}" for name in ADDONS)
TEST_LANG = "pt_BR"
TRANSLATION_RE = re.compile(
    rf"module (?P<module>\w+): loading translation file \S+{TEST_LANG}\.po "
)


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.problems = []

    def add(self, passed=0, failed=0, skipped=0, problem=None):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        if problem:
            self.problems.append(problem)


def banner(text):
    print(f"\n=== {text}", flush=True)


def run(cmd, **kwargs):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=False, **kwargs)


def install_requirements():
    banner("installing development requirements and the cobranca library")
    result = run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(REPO / "requirements-dev.txt"),
        ],
        cwd=REPO,  # requirements.txt names the library as ./lib
    )
    if result.returncode:
        raise SetupError("pip could not install the development requirements")


def static_checks(tally):
    banner("static checks (the repository's pre-commit hooks)")
    # The hooks are `language: system`: they must find this interpreter's tools.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    if not (REPO / ".git").exists():
        tally.add(failed=1, problem="static checks: not a git checkout")
        return
    result = run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "--all-files",
            "--show-diff-on-failure",
            "--color=never",
        ],
        cwd=REPO,
        env=env,
    )
    if result.returncode:
        tally.add(failed=1, problem="static checks failed (pre-commit, see above)")
    else:
        tally.add(passed=1)


def library_tests(tally):
    banner("library tests (cobranca, no Odoo)")
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        result = run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={junit}",
                str(REPO / "lib" / "tests"),
            ],
            cwd=REPO,
        )
        if not junit.is_file():
            tally.add(failed=1, problem=f"pytest crashed (exit {result.returncode})")
            return
        suite = ET.parse(junit).getroot()
        if suite.tag == "testsuites":
            suite = suite[0]
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
    tally.add(passed=total - failed - skipped, failed=failed, skipped=skipped)
    if result.returncode not in (0, 1) or (result.returncode == 1 and not failed):
        tally.add(failed=1, problem=f"pytest exited with {result.returncode}")
    elif failed:
        tally.add(problem=f"{failed} library test(s) failed")


def odoo_tests(tally, package_dir, env, db_args, keep_log):
    dbname = f"dunning_br_test_{int(time.time())}"
    log_path = Path(tempfile.gettempdir()) / f"{dbname}.log"
    tags = ",".join(f"/{name}" for name in ADDONS)
    cmd = odoo_env.odoo_command(
        f"--addons-path={odoo_env.addons_path(package_dir)}",
        *db_args,
        f"--database={dbname}",
        f"--init={','.join(ADDONS)}",
        # pt_BR installed, as in a Brazilian database: the tests must pass
        # with the addons' translations loaded (messages, pages, reports).
        f"--load-language={TEST_LANG}",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=test",
        "--max-cron-threads=0",
        f"--http-port={odoo_env.free_port()}",
        "--http-interface=127.0.0.1",
    )
    banner(f"Odoo 18.0 tests of {', '.join(ADDONS)} in a fresh database {dbname}")
    print("$ " + " ".join(cmd), flush=True)
    summary = None
    log_problems = []
    translated = set()
    with log_path.open("w", encoding="utf-8") as log_file:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        for line in proc.stdout:
            log_file.write(line)
            match = LOG_RE.match(line)
            level = match["level"] if match else None
            if level in ("ERROR", "CRITICAL") or (
                level == "WARNING" and match["logger"].startswith(OUR_LOGGERS)
            ):
                log_problems.append(line.rstrip())
            if _worth_echo(line, level):
                print(line, end="", flush=True)
            loaded = TRANSLATION_RE.search(line)
            if loaded:
                translated.add(loaded["module"])
            found = SUMMARY_RE.search(line)
            if found:
                summary = found
        returncode = proc.wait()
    print(f"(full Odoo log: {log_path})")
    installed = odoo_env.installed_addons(dbname, db_args, env) or set()
    missing = [name for name in ADDONS if name not in installed]
    if summary is None:
        tally.add(failed=1, problem=f"Odoo gave no test summary (exit {returncode})")
    else:
        run_count = int(summary["run"])
        failed = int(summary["failed"]) + int(summary["errors"])
        tally.add(passed=run_count - failed, failed=failed)
        if failed:
            tally.add(problem=f"{failed} Odoo test(s) failed or errored")
        if not run_count:
            tally.add(failed=1, problem="Odoo ran no test of our addons")
    if missing:
        tally.add(failed=1, problem=f"not installed: {', '.join(missing)}")
    untranslated = [name for name in ADDONS if name not in translated]
    if untranslated:
        tally.add(
            failed=1,
            problem=f"{TEST_LANG} translations not loaded: {', '.join(untranslated)}",
        )
    if log_problems:
        tally.add(
            failed=1,
            problem=f"{len(log_problems)} problem line(s) in the Odoo log:\n"
            + "\n".join(f"    {line}" for line in log_problems[:20]),
        )
    if returncode and summary is not None and not tally.problems:
        tally.add(failed=1, problem=f"Odoo exited with {returncode}")
    if not keep_log and not tally.problems:
        log_path.unlink(missing_ok=True)


BROWSER_PROBE = """
import unittest
from odoo.tests.common import _find_executable, websocket
try:
    print(_find_executable() or "")
except unittest.SkipTest:
    print("")
print("yes" if websocket is not None else "")
"""


def browser_problem(env):
    """Why Odoo cannot run the tours (JS tests in headless Chromium) with the
    interpreter of the tests, or None: the browser (Debian's ``chromium``,
    installed by ``.ci/run``) or the ``websocket-client`` module is missing.
    Without them Odoo skips the tours: here that is a failure."""
    result = subprocess.run(
        [sys.executable, "-c", BROWSER_PROBE],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode:
        return f"cannot look for the tours' browser: {result.stderr.strip()[-300:]}"
    lines = result.stdout.splitlines() + ["", ""]
    if not lines[0].strip():
        return (
            "no Chrome/Chromium for the tours (install Debian's chromium package: "
            "apt-get install chromium)"
        )
    if not lines[1].strip():
        return "the websocket-client module is missing (requirements-dev.txt)"
    return None


def _worth_echo(line, level):
    """Echo our tests' progress and every problem, not all of Odoo's INFO lines."""
    if level is None or level in ("WARNING", "ERROR", "CRITICAL"):
        return True  # tracebacks and other unformatted output, and problems
    return "tests when loading database" in line or (
        "Starting " in line and ".tests." in line and "dunning_br" in line
    )


def count_odoo_tests():
    """Count the test methods of our addons (to say how many were skipped)."""
    count = 0
    for name in ADDONS:
        for path in (REPO / name / "tests").glob("test_*.py"):
            count += len(re.findall(r"^    def test_", path.read_text(), re.MULTILINE))
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-install", action="store_true", help="skip pip install")
    parser.add_argument("--no-static", action="store_true", help="skip static checks")
    parser.add_argument("--no-odoo", action="store_true", help="skip the Odoo tests")
    parser.add_argument("--keep-log", action="store_true", help="keep the Odoo log")
    options = parser.parse_args()
    tally = Tally()
    try:
        if not options.no_install:
            install_requirements()
        if not options.no_static:
            static_checks(tally)
        library_tests(tally)
        found = None if options.no_odoo else odoo_env.find_odoo()
        if found is None:
            skipped_odoo = count_odoo_tests()
            why = "--no-odoo given" if options.no_odoo else "Odoo 18.0 not found"
            banner(
                f"{why}: skipped the {skipped_odoo} Odoo tests of "
                f"{', '.join(ADDONS)} (set ODOO_PATH, or run with an "
                "interpreter that can import odoo: ODOO_PYTHON=... make test)"
            )
            tally.add(skipped=skipped_odoo)
        else:
            skipped_odoo = 0
            env, package_dir = found
            print(f"Odoo 18.0 found: {package_dir}")
            problem = browser_problem(env)
            if problem:
                # The tours would be skipped: fail loudly instead.
                tally.add(failed=1, problem=f"browser for the tours: {problem}")
            if odoo_env.external_postgres_configured():
                odoo_tests(
                    tally,
                    package_dir,
                    env,
                    odoo_env.db_args_from_env(),
                    options.keep_log,
                )
            else:
                with odoo_env.throwaway_cluster() as cluster:
                    print(f"throwaway PostgreSQL cluster on 127.0.0.1:{cluster.port}")
                    odoo_tests(
                        tally, package_dir, env, cluster.db_args, options.keep_log
                    )
    except SetupError as err:
        tally.add(failed=1, problem=f"setup: {err}")
        skipped_odoo = 0
    banner("result")
    for problem in tally.problems:
        print(f"FAILED: {problem}")
    if skipped_odoo:
        print(
            f"WARNING: {skipped_odoo} Odoo tests of {', '.join(ADDONS)} did NOT run "
            "(Odoo 18.0 not found; set ODOO_PATH or ODOO_PYTHON)"
        )
    print(f"{tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped")
    return 1 if tally.failed or tally.problems else 0


if __name__ == "__main__":
    sys.exit(main())
