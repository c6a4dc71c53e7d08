"""Runs many `openstack` (or, given the argument `swift`, `swift`) commands in one interpreter.

Reads a JSON list of argument lists on stdin and prints a JSON list of
{argv, rc, stdout, stderr}. Each command gets a fresh client shell, exactly as
a separate `openstack` or `swift` process would, so the client under test is
the real one; only Python's start-up is shared.
"""
import contextlib
import importlib
import io
import json
import logging
import sys

CLIENT = sys.argv[1] if len(sys.argv) > 1 else "openstack"
shell = importlib.import_module({"openstack": "openstackclient.shell", "swift": "swiftclient.shell"}[CLIENT])
# swiftclient's main() reads its program name from argv[0], as sys.argv has it.
PROGRAM = {"openstack": [], "swift": ["swift"]}[CLIENT]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = shell.main(PROGRAM + list(argv))
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # the CLI itself crashed: report it like a failed command
            print(repr(exc), file=sys.stderr)
            rc = 1
    logging.getLogger().handlers.clear()
    return {"argv": argv, "rc": rc or 0, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    commands = json.load(sys.stdin)
    json.dump([run(argv) for argv in commands], sys.stdout)


if __name__ == "__main__":
    main()
