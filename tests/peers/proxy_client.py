#!/usr/bin/python3
"""A python-websockets client for Sockscope's proxy tests, on 127.0.0.1 only.

  proxy_client.py URL SCENARIO [ARGS]

Prints one line per thing a test checks, then "DONE" (or "ERROR <what>"):
  suite [plain]        text, binary, empty, unicode, fragmented and 16 MiB messages echoed back
                       unchanged ("OK <name>" each); plain: compression off
  subprotocol P        "SUBPROTOCOL <negotiated>"
  headers              sends Authorization, Cookie, Origin, a custom header and a subprotocol offer,
                       asks the echo server for what it saw: "SEEN <json>"
  status               "STATUS <code>" of a refused upgrade
  close CODE REASON    closes with CODE and REASON: "CLOSED <code the server answered>"
  server-close         asks the server to close with 4002 "bye": "CLOSED <code> <reason>"
  rtt N                N echoes one after another: "RTT <median ms>"
  stamp N              N messages "m<i>", each printed as "SENT <monotonic ns> m<i>" when sent
  wait-closed          stays connected, answering pings, until closed: "CLOSED <code> <reason>"
  cut SIZE             "OPEN", waits for a line on stdin, then asks for a binary message of SIZE
                       bytes: "CLOSED <code> <seconds>"
  hold                 "OPEN", then stays connected until killed
  big SIZE             asks for a binary message of SIZE bytes: "RECEIVED <seconds>"
  burst N K            a raw socket, not python-websockets: K bursts of N masked text frames
                       "b<k>-<i>", each burst in one sendall (one TCP write), printed as
                       "SENT <monotonic ns> b<k>" just before; the next burst once the N echoes
                       are back
wss:// URLs trust the certificates in $SSL_CERT_FILE.
"""
import asyncio
import base64
import json
import os
import socket
import struct
import sys
import time
from urllib.parse import urlparse

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode


def say(line):
    print(line, flush=True)


async def suite(url, plain):
    compression = None if plain else "deflate"
    async with websockets.connect(url, compression=compression, max_size=None,
                                  ping_interval=None) as ws:
        cases = [
            ("text", "hello"),
            ("binary", bytes(range(256))),
            ("empty-text", ""),
            ("empty-binary", b""),
            ("unicode", "h\u00e9llo w\u00f6rld \u2603 \U0001F600"),
            ("large-text", "abc" * 3000),
            ("16MiB", bytes(16 * 1024 * 1024)),
        ]
        for name, payload in cases:
            await ws.send(payload)
            echoed = await ws.recv()
            say(("OK " if echoed == payload else "MISMATCH ") + name)
        await ws.send(["frag-", "ment", "ed"])
        echoed = await ws.recv()
        say(("OK " if echoed == "frag-mented" else "MISMATCH ") + "fragmented")
        say(f"EXTENSIONS {ws.response_headers.get('Sec-WebSocket-Extensions', '')}")


def masked_text(text):
    payload = text.encode()
    key = os.urandom(4)
    assert len(payload) < 126
    return (bytes([0x81, 0x80 | len(payload)]) + key
            + bytes(b ^ key[i % 4] for i, b in enumerate(payload)))


def burst(url, frames, bursts):
    """Frames written together reach the proxy in one read: it must still delay each on its own."""
    parsed = urlparse(url)
    sock = socket.create_connection((parsed.hostname, parsed.port))
    key = base64.b64encode(os.urandom(16))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: " + parsed.netloc.encode()
                 + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                 + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.split(b"\r\n")[0].decode())
    for k in range(bursts):
        data = b"".join(masked_text(f"b{k}-{i}") for i in range(frames))
        say(f"SENT {time.monotonic_ns()} b{k}")
        sock.sendall(data)
        echoed = 0
        while echoed < frames:  # the server's frames: unmasked, short
            while len(buffer) >= 2 and len(buffer) >= 2 + (buffer[1] & 0x7F):
                buffer = buffer[2 + (buffer[1] & 0x7F):]
                echoed += 1
            if echoed < frames:
                chunk = sock.recv(65536)
                if not chunk:
                    raise RuntimeError("the proxy closed the connection")
                buffer += chunk
    sock.close()


async def main():
    url, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        if scenario == "suite":
            await suite(url, args[:1] == ["plain"])
        elif scenario == "subprotocol":
            async with websockets.connect(url, subprotocols=[args[0]], ping_interval=None) as ws:
                say(f"SUBPROTOCOL {ws.subprotocol}")
        elif scenario == "headers":
            headers = {"Authorization": "Bearer t0ken", "Cookie": "session=abc",
                       "X-Custom": "kept as sent"}
            async with websockets.connect(url, extra_headers=headers, origin="http://origin.test",
                                          subprotocols=["chat"], ping_interval=None) as ws:
                await ws.send("headers")
                say(f"SEEN {await ws.recv()}")
        elif scenario == "status":
            try:
                async with websockets.connect(url, ping_interval=None, open_timeout=5):
                    say("STATUS 101")
            except InvalidStatusCode as e:
                say(f"STATUS {e.status_code}")
        elif scenario == "close":
            async with websockets.connect(url, ping_interval=None) as ws:
                await ws.close(int(args[0]), args[1] if len(args) > 1 else "")
                say(f"CLOSED {ws.close_code}")
        elif scenario == "server-close":
            async with websockets.connect(url, ping_interval=None) as ws:
                await ws.send("close 4002 bye")
                try:
                    await ws.recv()
                except ConnectionClosed as e:
                    say(f"CLOSED {e.rcvd.code if e.rcvd else 1006} {e.rcvd.reason if e.rcvd else ''}")
        elif scenario == "rtt":
            async with websockets.connect(url, ping_interval=None) as ws:
                times = []
                for i in range(int(args[0])):
                    start = time.monotonic()
                    await ws.send(f"r{i}")
                    await ws.recv()
                    times.append((time.monotonic() - start) * 1000)
                times.sort()
                say(f"RTT {times[len(times) // 2]:.3f}")
        elif scenario == "stamp":
            async with websockets.connect(url, ping_interval=None) as ws:
                for i in range(int(args[0])):
                    say(f"SENT {time.monotonic_ns()} m{i}")
                    await ws.send(f"m{i}")
                    await ws.recv()
        elif scenario == "wait-closed":
            async with websockets.connect(url, ping_interval=None) as ws:
                say("OPEN")
                try:
                    await ws.recv()
                except ConnectionClosed as e:
                    say(f"CLOSED {e.rcvd.code if e.rcvd else 1006} {e.rcvd.reason if e.rcvd else ''}")
        elif scenario == "cut":
            async with websockets.connect(url, ping_interval=None, max_size=None) as ws:
                say("OPEN")
                await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
                await ws.send(f"big {args[0]}")
                start = time.monotonic()
                try:
                    await ws.recv()
                    say("RECEIVED")
                except ConnectionClosed as e:
                    say(f"CLOSED {e.code} {time.monotonic() - start:.3f}")
        elif scenario == "big":
            async with websockets.connect(url, ping_interval=None, max_size=None) as ws:
                start = time.monotonic()
                await ws.send(f"big {args[0]}")
                message = await ws.recv()
                say(f"RECEIVED {time.monotonic() - start:.3f} {len(message)}")
        elif scenario == "send-all":
            # Each argument as a text message, then "end"; every message back until "end".
            async with websockets.connect(url, ping_interval=None) as ws:
                for message in args + ["end"]:
                    await ws.send(message)
                while (message := await ws.recv()) != "end":
                    say(f"GOT {message}")
        elif scenario == "burst":
            burst(url, int(args[0]), int(args[1]))
        elif scenario == "hold":
            async with websockets.connect(url, ping_interval=None) as ws:
                say("OPEN")
                await ws.wait_closed()
                say("CLOSED")
        say("DONE")
    except Exception as e:  # the test reads what went wrong
        say(f"ERROR {type(e).__name__} {e}")


asyncio.run(main())
