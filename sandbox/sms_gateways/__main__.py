# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``python -m sandbox.sms_gateways``: serve the local SMS gateways until
interrupted."""

import argparse
import contextlib
import logging
import signal
import threading

from . import SmsGatewaySandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.sms_gateways",
        description="Serve local Zenvia, Twilio and generic SMS gateways.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--zenvia-token", default="zenvia-token")
    parser.add_argument("--twilio-sid", default="AC" + "0" * 31 + "1")
    parser.add_argument("--twilio-token", default="twilio-auth-token")
    parser.add_argument("--generic-token", default="generic-token")
    parser.add_argument(
        "--zenvia-webhook-url", help="where Zenvia events (reports, replies) go"
    )
    parser.add_argument("--generic-webhook-url", help="where generic reports go")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sandbox = SmsGatewaySandbox(
        args.host,
        args.port,
        zenvia_token=args.zenvia_token,
        twilio_sid=args.twilio_sid,
        twilio_token=args.twilio_token,
        generic_token=args.generic_token,
        zenvia_webhook_url=args.zenvia_webhook_url,
        generic_webhook_url=args.generic_webhook_url,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox.start()
    origin = sandbox.origin
    twilio_url = f"{origin}/2010-04-01/Accounts/{args.twilio_sid}/Messages.json"
    deliver = '{"id": "<id>", "status": "delivered"}'
    reply = '{"from": "+5511987654321", "text": "SAIR"}'
    lines = [
        "SMS gateways sandbox",
        f"  Zenvia:   {origin}/v2/channels/sms/messages (token {args.zenvia_token})",
        f"  Twilio:   {twilio_url} (auth token {args.twilio_token})",
        f"  generic:  {sandbox.generic_url} (Bearer {args.generic_token})",
        f"  messages: curl {origin}/sandbox/messages",
        f"  deliver:  curl -d '{deliver}' {origin}/sandbox/deliver",
        f"  reply:    curl -d '{reply}' {origin}/sandbox/inbound",
        "Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
