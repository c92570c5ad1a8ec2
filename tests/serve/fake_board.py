"""A stand-in for the board that speaks Textual's web-driver protocol: the server tests run it
instead of the real board (fast), and it notes how it was started.

    python fake_board.py RECORD [ARGS...]

writes {"argv": ..., "columns": ..., "rows": ...} to RECORD, says hello, and exits on "quit".
"""

import json
import os
import sys


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def main() -> None:
    with open(sys.argv[1], "a") as record:
        env = {"columns": os.environ.get("COLUMNS"), "rows": os.environ.get("ROWS")}
        record.write(json.dumps({"argv": sys.argv, **env}) + "\n")
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(b"__GANGLION__\n" + packet(b"D", b"hello from the board"))
    out.flush()
    while True:
        head = inp.read(5)
        if len(head) < 5:
            return
        payload = inp.read(int.from_bytes(head[1:], "big"))
        if head[:1] == b"M" and json.loads(payload).get("type") == "quit":
            out.write(packet(b"M", b'{"type": "exit"}'))
            out.flush()
            return
        if head[:1] == b"D":
            out.write(packet(b"D", b"echo " + payload))
            out.flush()


if __name__ == "__main__":
    main()
