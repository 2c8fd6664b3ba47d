"""`svcsite`: build, check, serve, audit and demo. Exit 0 on success, 1 on invalid input or
audit findings (a clear message, no traceback), 2 on bad usage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import InputError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svcsite",
        description="Service-transparency sites: SLA figures per client, from CSV exports.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build every client's site")
    build.add_argument(
        "--data", type=Path, default=Path("data"), help="the portfolio (default: data)"
    )
    build.add_argument(
        "--out", type=Path, default=Path("site"), help="where the sites go (default: site)"
    )
    build.add_argument(
        "--client", action="append", metavar="ID", help="build only this client (repeatable)"
    )
    build.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="report as at this instant (default: the data's latest)",
    )
    build.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="client sites in parallel",
    )
    build.add_argument("--strict", action="store_true", help="fail on any quarantined row")
    build.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="build only the I-th of N equal shares of the clients (for a CI matrix)",
    )

    check = commands.add_parser(
        "check", help="validate the inputs and print the data-quality report"
    )
    check.add_argument("--data", type=Path, default=Path("data"))
    check.add_argument("--strict", action="store_true", help="fail on any quarantined row")

    serve = commands.add_parser("serve", help="live preview of one client's site (mkdocs serve)")
    serve.add_argument("client", nargs="?", metavar="CLIENT", help="client id (default: the first)")
    serve.add_argument(
        "--data",
        type=Path,
        default=None,
        help="the portfolio, watched for edits (default: $SVCSITE_DATA, else data)",
    )
    serve.add_argument(
        "--dev-addr",
        type=_address,
        metavar="HOST:PORT",
        help="where the preview is served (default: mkdocs.yml's dev_addr, 127.0.0.1:8000)",
    )

    audit = commands.add_parser("audit", help="scan built sites for leaks; exit 1 on any finding")
    audit.add_argument("site_dir", nargs="?", type=Path, default=Path("site"), metavar="SITE_DIR")
    audit.add_argument("--data", type=Path, default=Path("data"))

    demo = commands.add_parser("demo", help="write a realistic synthetic portfolio")
    demo.add_argument("--out", type=Path, default=Path("data"))
    demo.add_argument("--content", type=Path, default=None, help="also write meeting minutes here")
    demo.add_argument("--clients", type=int, default=6)
    demo.add_argument("--months", type=int, default=24)
    demo.add_argument("--seed", type=int, default=7)
    return parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number


def _shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected I/N such as 1/4, got {text!r}") from None
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"expected 1 <= I <= N, got {text!r}")
    return index, count


def _address(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as 127.0.0.1:8000, got {text!r}")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as error:
        print(f"svcsite {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _build(args: argparse.Namespace) -> int:
    from generator.build import build

    return build(
        data_dir=args.data,
        out_dir=args.out,
        clients=args.client,
        as_of=args.as_of,
        jobs=args.jobs,
        strict=args.strict,
        shard=args.shard,
    )


def _check(args: argparse.Namespace) -> int:
    from generator.check import check

    return check(data_dir=args.data, strict=args.strict)


def _serve(args: argparse.Namespace) -> int:
    from generator.inputs.config import load_config
    from generator.inputs.read import CONFIG_FILE

    data_dir = args.data or Path(os.environ.get("SVCSITE_DATA", "data"))
    config = load_config(data_dir / CONFIG_FILE)  # an unknown client is said before MkDocs starts
    # The preview hook reads the portfolio (and watches it) where SVCSITE_DATA says.
    environment = dict(
        os.environ,
        SVCSITE_DATA=str(data_dir.resolve()),
        NO_MKDOCS_2_WARNING="1",  # requirements.lock keeps MkDocs 1
    )
    if args.client:
        environment["SVCSITE_CLIENT"] = config.client(args.client).id
    # --dirty: a rebuild renders only the pages the preview hook changed (it marks them all
    # changed when the navigation or the theme did).
    command = [sys.executable, "-m", "mkdocs", "serve", "--dirty"]
    if args.dev_addr:
        command += ["--dev-addr", args.dev_addr]
    # The server takes this process's place: a signal that stops `svcsite serve` stops the
    # server (a child left running would go on rewriting build/preview/ on its own).
    os.execve(sys.executable, command, environment)


def _audit(args: argparse.Namespace) -> int:
    from generator.inputs.read import read_inputs
    from generator.safety.audit import audit_sites

    inputs = read_inputs(args.data)
    findings = audit_sites(args.site_dir, inputs.config, inputs)
    for finding in findings:
        print(finding, file=sys.stderr)
    print(f"audit: {len(findings)} finding(s) in {args.site_dir}")
    return EXIT_INVALID if findings else EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from generator.demo import write_demo

    if args.clients < 1 or args.months < 1:
        print("svcsite demo: --clients and --months must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    summary = write_demo(
        args.out, clients=args.clients, months=args.months, seed=args.seed, content=args.content
    )
    print(f"demo: wrote {summary} to {args.out}")
    return EXIT_OK


_COMMANDS = {"build": _build, "check": _check, "serve": _serve, "audit": _audit, "demo": _demo}
