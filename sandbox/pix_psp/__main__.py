# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``python -m sandbox.pix_psp``: serve a sandbox PSP until interrupted."""

import argparse
import contextlib
import logging
import signal
import threading

from .psp import CONTROL_PREFIX, DEFAULT_KEY, PixSandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.pix_psp",
        description="Serve a local API Pix PSP (sandbox) until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument(
        "--pix-key",
        action="append",
        dest="keys",
        help=f"a Pix key of the receiver (repeatable; default {DEFAULT_KEY})",
    )
    parser.add_argument("--token-ttl", type=int, default=3600)
    parser.add_argument(
        "--tls", nargs=2, metavar=("CERTFILE", "KEYFILE"), help="serve HTTPS"
    )
    parser.add_argument(
        "--client-ca", help="with --tls: require client certificates signed by this CA"
    )
    parser.add_argument(
        "--spec",
        help="path of openapi.yaml (default: the copy in sandbox/pix_psp/pix-api)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.client_ca and not args.tls:
        parser.error("--client-ca needs --tls")
    sandbox = PixSandbox(
        args.client_id,
        args.client_secret,
        host=args.host,
        port=args.port,
        keys=args.keys or (DEFAULT_KEY,),
        token_ttl=args.token_ttl,
        tls=tuple(args.tls) if args.tls else None,
        client_ca=args.client_ca,
        spec_path=args.spec,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox.start()
    pay = (
        f"curl -u {args.client_id}:{args.client_secret} -H 'Content-Type: "
        f'application/json\' -d \'{{"txid": "<txid>", "data": "YYYY-MM-DD"}}\' '
        f"{sandbox.origin}{CONTROL_PREFIX}/pay"
    )
    lines = [
        "API Pix sandbox PSP",
        f"  base URL:  {sandbox.base_url}",
        f"  token URL: {sandbox.token_url}",
        f"  client:    {args.client_id} / {args.client_secret}",
        f"  Pix keys:  {', '.join(sandbox.keys)}",
        f"  spec:      {len(sandbox.bundle.fixes)} fixes applied at load time",
        f"  pay:       {pay}",
        "Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop serving
            stop.wait()
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
