#!/usr/bin/env python3
"""fill_imap.py HOST PORT USER PASS N [SEED] — APPEND the messages of ../shared/bench/gen_mail.py
(same generator, same seed, so both servers get identical mailboxes) with TCP_NODELAY on the client
socket. imaplib sends a literal and its CRLF in two writes; with Nagle on, each APPEND waits for a
delayed ACK (about 40 ms on Linux), which measures the client, not the server."""
import imaplib
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
import gen_mail  # noqa: E402


class NoDelayIMAP4(imaplib.IMAP4):
    def _create_socket(self, timeout):
        s = super()._create_socket(timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s


def main():
    host, port, user, pw, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 7
    m = NoDelayIMAP4(host, port)
    m.login(user, pw)
    t0 = time.time()
    count = 0
    for msg in gen_mail.messages(n, seed):
        typ, data = m.append("INBOX", None, None, msg)
        if typ != "OK":
            sys.exit(f"APPEND failed: {data}")
        count += 1
    dt = time.time() - t0
    print(f"appended {count} messages to {user} in {dt:.1f}s ({count / dt:.0f}/s, 1 connection, TCP_NODELAY)")
    m.logout()


if __name__ == "__main__":
    main()
