#!/usr/bin/python3
"""WebSocket peers for Sockscope's tests, on 127.0.0.1 only.

Prints "PORT <n>" on stdout once listening, then one line per thing a test may want to know
("CLOSED <code> <reason>", "CLIENT-GONE"). Modes:

  stamp     like echo, and prints "ARRIVAL <monotonic ns> <message>" for each message
  echo      websockets server (permessage-deflate on, as python-websockets does by default)
            that echoes; text commands change its behaviour:
              "stall S"           block the server's event loop for S seconds (pongs stop)
              "close CODE REASON" close with that code and reason
              "drop-mid"          send half a binary frame, then drop TCP
              "big N"             send a binary message of N bytes
              "headers"           answer with the request's path and headers as JSON
            --subprotocols A,B supports those subprotocols.
            --tls CERT KEY serves wss://.
  echo-nct  the same with permessage-deflate in no-context-takeover mode both ways
  echo-plain the same with compression off
  keepalive echo, pinging the client every 0.2 s and closing with 1011 when a pong is 0.5 s late
  redirect  answers the upgrade with 302 and a Location header, keeps TCP open
  unauthorized answers the upgrade with 401 and a WWW-Authenticate header, keeps TCP open
  silent    accepts TCP and never answers
  deaf      completes the upgrade, then ignores everything, close frames included
  stuck     completes the upgrade, then reads nothing more (a peer whose loop is stuck)
  dropmid   completes the upgrade, sends half of a large binary frame, drops TCP
  masking   completes the upgrade, sends a masked frame (a server must not mask), then waits
  count     completes the upgrade, reads everything until the client is gone, never answers, then
            prints "RECEIVED-BYTES <n>" (the bytes after the upgrade request), "ENDED-BY fin" or
            "ENDED-BY reset" (how TCP ended) and "CLIENT-GONE"
  (the raw modes take --tls CERT KEY as well, and --rcvbuf BYTES: a receive buffer that small,
   so what a client sends waits in its own kernel, as on a long path, until this peer reads it)
  api       a JSON API whose replies carry a fresh timestamp ("ts") and fresh ids on every run,
            for `sockscope test`: a welcome on connect, then for {"op": ...}
              get KEY      {"op":"get","key":KEY,"value":...,"ts":...,"id":...}
              list         {"items":[{"id":...,"name":"a"},{"id":...,"name":"b"}],"ts":...}
              pair         {"part":1} then {"part":2}
            anything else is echoed. Flags make it regress the way servers do:
              --swap       pair answers {"part":2} first
              --changed    get answers another value
              --extra      list is followed by an extra {"note":"extra"}
              --silent-list list is never answered
              --drop-after N  drop TCP after N messages received
"""
import asyncio
import base64
import hashlib
import json
import random
import socket
import ssl
import sys
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def say(line):
    print(line, flush=True)


STAMP = False


async def echo_handler(ws, path=None):
    try:
        async for message in ws:
            if STAMP:
                say(f"ARRIVAL {time.monotonic_ns()} {message}")
            if isinstance(message, str) and message.startswith("stall "):
                time.sleep(float(message.split()[1]))  # deliberately blocks the event loop
                await ws.send(message)
            elif isinstance(message, str) and message.startswith("close "):
                parts = message.split(" ", 2)
                await ws.close(int(parts[1]), parts[2] if len(parts) > 2 else "")
            elif message == "drop-mid":
                # FIN + binary, 127 => 64-bit length of 1,000,000, then 1000 bytes of it.
                ws.transport.write(bytes([0x82, 127]) + (1_000_000).to_bytes(8, "big") + b"x" * 1000)
                await asyncio.sleep(0.05)
                ws.transport.abort()
            elif message == "headers":
                await ws.send(json.dumps({"path": ws.path,
                                          "headers": [list(h) for h in ws.request_headers.raw_items()]}))
            elif isinstance(message, str) and message.startswith("big "):
                await ws.send(b"\x00" * int(message.split()[1]))
            else:
                await ws.send(message)
    except Exception:
        pass
    say(f"CLOSED {ws.close_code} {ws.close_reason}")


API_VALUES = {"colour": "blue", "size": 3}


async def api_handler(ws, path=None):
    flags = sys.argv[2:]
    drop_after = int(flags[flags.index("--drop-after") + 1]) if "--drop-after" in flags else -1
    fresh_id = random.randrange(1_000_000)
    received = 0
    try:
        await ws.send(json.dumps({"event": "welcome", "ts": time.time(), "session": fresh_id}))
        async for message in ws:
            received += 1
            if received == drop_after:
                ws.transport.abort()
                break
            try:
                request = json.loads(message)
                op = request.get("op") if isinstance(request, dict) else None
            except ValueError:
                op = None
            fresh_id += 1
            if op == "get":
                value = API_VALUES.get(request.get("key"))
                if "--changed" in flags:
                    value = "changed"
                await ws.send(json.dumps({"op": "get", "key": request.get("key"), "value": value,
                                          "ts": time.time(), "id": fresh_id}))
            elif op == "list":
                if "--silent-list" in flags:
                    continue
                await ws.send(json.dumps({"ts": time.time(), "items": [
                    {"name": "a", "id": fresh_id}, {"id": fresh_id + 1, "name": "b"}]}))
                if "--extra" in flags:
                    await ws.send(json.dumps({"note": "extra"}))
            elif op == "pair":
                parts = [{"part": 1}, {"part": 2}]
                if "--swap" in flags:
                    parts.reverse()
                for part in parts:
                    await ws.send(json.dumps(part))
            else:
                await ws.send(message)
    except Exception:
        pass
    say(f"CLOSED {ws.close_code} {ws.close_reason}")


async def read_request(reader):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await reader.read(4096)
        if not chunk:
            return None
        data += chunk
    return data


def accept_key(request):
    for line in request.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
            return base64.b64encode(hashlib.sha1(key + GUID).digest())
    return b""


async def drain_until_gone(reader):
    while await reader.read(65536):
        pass
    say("CLIENT-GONE")


async def raw_handler(mode, reader, writer):
    say("ACCEPTED")
    if mode == "silent":
        await drain_until_gone(reader)
        return
    request = await read_request(reader)
    if request is None:
        say("CLIENT-GONE")
        return
    if mode in ("redirect", "unauthorized"):
        writer.write(b"HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:9/elsewhere\r\n"
                     b"Content-Length: 0\r\n\r\n" if mode == "redirect" else
                     b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n"
                     b"Content-Length: 0\r\n\r\n")
        await writer.drain()
        await drain_until_gone(reader)
        return
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept_key(request) + b"\r\n\r\n")
    await writer.drain()
    if mode == "stuck":
        writer.transport.pause_reading()  # else asyncio keeps reading into its own buffer
        await asyncio.Future()
    if mode == "deaf":
        await drain_until_gone(reader)
    elif mode == "masking":
        await asyncio.sleep(0.2)
        writer.write(bytes([0x81, 0x83, 1, 2, 3, 4]) + bytes(b ^ k for b, k in zip(b"bad", b"\x01\x02\x03")))
        await writer.drain()
        await drain_until_gone(reader)
    elif mode == "count":
        received = len(request) - request.index(b"\r\n\r\n") - 4
        ended = "fin"
        try:
            while chunk := await reader.read(65536):
                received += len(chunk)
        except ConnectionResetError:
            ended = "reset"  # what arrived before it is counted
        except OSError as error:
            ended = type(error).__name__
        say(f"RECEIVED-BYTES {received}")
        say(f"ENDED-BY {ended}")
        say("CLIENT-GONE")
    elif mode == "dropmid":
        await asyncio.sleep(0.2)
        writer.write(bytes([0x82, 127]) + (1_000_000).to_bytes(8, "big") + b"x" * 4096)
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.transport.abort()
        say("DROPPED")


def tls_from_arguments():
    """The server's TLS context when "--tls CERT KEY" was given, else None."""
    if "--tls" not in sys.argv:
        return None
    i = sys.argv.index("--tls")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
    return context


async def main():
    global STAMP
    mode = sys.argv[1] if len(sys.argv) > 1 else "echo"
    STAMP = mode == "stamp"
    if mode == "api":
        import websockets
        server = await websockets.serve(api_handler, "127.0.0.1", 0, ping_interval=None)
    elif mode in ("echo", "stamp", "echo-nct", "echo-plain", "keepalive"):
        import websockets
        from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
        options = {"ping_interval": None}
        if mode == "echo-nct":
            options["extensions"] = [ServerPerMessageDeflateFactory(
                server_no_context_takeover=True, client_no_context_takeover=True)]
        elif mode == "echo-plain":
            options["compression"] = None
        elif mode == "keepalive":
            options = {"ping_interval": 0.2, "ping_timeout": 0.5}
        if "--subprotocols" in sys.argv:
            options["subprotocols"] = sys.argv[sys.argv.index("--subprotocols") + 1].split(",")
        server = await websockets.serve(echo_handler, "127.0.0.1", 0, ssl=tls_from_arguments(),
                                        max_size=None,
                                        **options)
    else:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if "--rcvbuf" in sys.argv:
            # Set before listening: accepted sockets inherit it, and it bounds the window offered.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF,
                                int(sys.argv[sys.argv.index("--rcvbuf") + 1]))
        listener.bind(("127.0.0.1", 0))
        server = await asyncio.start_server(lambda r, w: raw_handler(mode, r, w), sock=listener,
                                            ssl=tls_from_arguments())
    port = server.sockets[0].getsockname()[1]
    say(f"PORT {port}")
    await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
