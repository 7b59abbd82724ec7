#!/usr/bin/env python3
"""A stand-in for systemd's notification socket: binds a unix datagram
socket at PATH and appends every message it receives to LOG, one per line
(newlines inside a message become '|'). Runs until killed."""
import os
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(log, "a", buffering=1) as out:
    out.write("listening\n")
    while True:
        message = sock.recv(4096).decode("utf-8", "replace")
        out.write(message.replace("\n", "|") + "\n")
