# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``python -m sandbox.bureau``: serve a fake credit bureau until interrupted."""

import argparse
import contextlib
import logging
import signal
import threading

from . import DEFAULT_TOKEN, BureauSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.bureau",
        description="Serve a local fake credit bureau (JSON API) until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args(argv)
    bureau = BureauSandbox(token=args.token, host=args.host, port=args.port).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger(__name__).info("Fake bureau on %s", bureau.url)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    finally:
        bureau.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
