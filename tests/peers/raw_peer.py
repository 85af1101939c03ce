#!/usr/bin/python3
"""Raw-socket WebSocket servers that send what libraries will not, for Sockscope's conformance
tests. On 127.0.0.1 only. Prints "PORT <n>" once listening, then one line per thing the client
did, for the test to wait on:

  CLIENT-CLOSE <code> <reason>   the client's close frame (code 1005 when it carried none)
  CLIENT-PONG <hex payload>      a pong from the client
  CLIENT-TEXT <text>             a text message from the client
  CLIENT-GONE                    the client closed TCP
  REQUEST <header line>          each line of the client's upgrade request

Usage: raw_peer.py SCENARIO [--tls CERT KEY]   (see scenario() and HANDSHAKES below)
"""
import asyncio
import socket
import struct
import sys

from py_peer import accept_key, read_request, say, tls_from_arguments  # the same HTTP reading as the library peers


def frame(opcode, payload=b"", fin=True, rsv=0, mask=None, length=None):
    first = (0x80 if fin else 0) | rsv | opcode
    n = len(payload) if length is None else length
    if n < 126:
        head = bytes([first, n | (0x80 if mask else 0)])
    elif n < 65536:
        head = bytes([first, 126 | (0x80 if mask else 0)]) + struct.pack("!H", n)
    else:
        head = bytes([first, 127 | (0x80 if mask else 0)]) + struct.pack("!Q", n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += mask
    return head + payload


def close_frame(code, reason=b""):
    return frame(0x8, struct.pack("!H", code) + reason)


def upgrade(request, extra=b""):
    return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept_key(request) + b"\r\n" + extra + b"\r\n")


async def read_client_frames(reader, on_close=None):
    """Reports the client's frames (masked, as RFC 6455 requires) until it closes TCP; on_close
    (a coroutine taking the code and reason) answers the client's close frame."""
    buffer = b""
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 2:
                opcode = buffer[0] & 0x0F
                n = buffer[1] & 0x7F
                pos = 2
                if n == 126:
                    if len(buffer) < 4:
                        break
                    n = struct.unpack("!H", buffer[2:4])[0]
                    pos = 4
                elif n == 127:
                    if len(buffer) < 10:
                        break
                    n = struct.unpack("!Q", buffer[2:10])[0]
                    pos = 10
                masked = buffer[1] & 0x80
                if len(buffer) < pos + (4 if masked else 0) + n:
                    break
                key = buffer[pos:pos + 4] if masked else b"\0\0\0\0"
                pos += 4 if masked else 0
                payload = bytes(b ^ key[i % 4] for i, b in enumerate(buffer[pos:pos + n]))
                buffer = buffer[pos + n:]
                if not masked:
                    say("CLIENT-UNMASKED")
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    say(f"CLIENT-CLOSE {code} {payload[2:].decode('utf-8', 'replace')}")
                    if on_close:
                        await on_close(code, payload[2:])
                elif opcode == 0xA:
                    say(f"CLIENT-PONG {payload.hex()}")
                elif opcode == 0x1:
                    say(f"CLIENT-TEXT {payload.decode('utf-8', 'replace')}")
    except (ConnectionError, OSError):
        pass
    say("CLIENT-GONE")


def rst(writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# Each scenario: the bytes sent after the 101 answer, then what the server does.
async def scenario(name, reader, writer, request):
    w = writer.write
    if name == "fragmented-with-ping":
        w(frame(0x1, b"frag", fin=False) + frame(0x9, b"between") + frame(0x0, b"ment", fin=False)
          + frame(0x0, b"ed"))
    elif name == "utf8-split-valid":
        w(frame(0x1, "price \u20ac".encode()[:-1], fin=False) + frame(0x0, "\u20ac".encode()[-1:] + b" 5"))
    elif name == "utf8-split-invalid":
        w(frame(0x1, b"ok \xe2", fin=False) + frame(0x0, b"\x28 then"))
    elif name == "length-2^63":
        w(bytes([0x82, 127]) + struct.pack("!Q", 1 << 63))
    elif name == "length-2^62":
        w(bytes([0x82, 127]) + struct.pack("!Q", 1 << 62))
    elif name == "ping-126":
        w(frame(0x9, b"p" * 126))
    elif name == "reserved-opcode":
        w(frame(0x3, b"x"))
    elif name == "rsv1-without-deflate":
        w(frame(0x1, b"x", rsv=0x40))
    elif name == "close-1005-on-wire":
        w(close_frame(1005))
    elif name == "close-1-byte":
        w(frame(0x8, b"\x03"))
    elif name == "close-999":
        w(close_frame(999))
    elif name == "close-5000":
        w(close_frame(5000))
    elif name == "masked-server-frame":
        w(frame(0x1, b"masked", mask=b"\x01\x02\x03\x04"))
    elif name == "ping-125":
        w(frame(0x9, bytes(range(125))))
    elif name == "close-and-go":
        w(close_frame(4001, b"bye now"))
        await writer.drain()
        writer.close()
        say("SERVER-CLOSED")
        return
    elif name == "close-1007-qt-text":
        w(close_frame(1007, b"Invalid UTF-8 code encountered."))
    elif name == "slow-frame":
        # One 20-byte text frame, its payload spread over 6 s: slow, but alive.
        w(bytes([0x81, 20]) + b"0123456789")
        await writer.drain()
        await asyncio.sleep(6)
        w(b"abcdefghij")
    elif name == "fin-no-close":
        await asyncio.sleep(0.2)
        writer.close()
        say("SERVER-CLOSED")
        return
    elif name == "rst-no-close":
        await asyncio.sleep(0.2)
        rst(writer)
        say("SERVER-RESET")
        return
    elif name == "last-words":
        # RFC 6455 lets a side send data after it received a close frame, until it answers.
        async def answer(code, reason):
            w(frame(0x1, b"last words") + close_frame(code, reason))
            await writer.drain()
        await writer.drain()
        await read_client_frames(reader, answer)
        return
    elif name == "echo":
        pass
    await writer.drain()
    await read_client_frames(reader)


HANDSHAKES = {
    "answer-400": b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    "answer-302": b"HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\n\r\n",
    "answer-garbage": b"\x16\x03\x01\x00\x05hello garbage\r\n\r\n",
    "answer-http10": None,  # built from the request
    "answer-wrong-accept": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           b"Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
    "answer-subprotocol": None,
    "answer-deflate-unoffered": None,
    "answer-huge-head": None,
    "answer-endless-status": None,
}


async def handle(name, reader, writer):
    request = await read_request(reader)
    if request is None:
        say("CLIENT-GONE")
        return
    for line in request.split(b"\r\n")[:-2]:
        say("REQUEST " + line.decode("latin-1"))
    try:
        if name in HANDSHAKES:
            answer = HANDSHAKES[name]
            if name == "answer-http10":
                answer = upgrade(request).replace(b"HTTP/1.1", b"HTTP/1.0", 1)
            elif name == "answer-subprotocol":
                answer = upgrade(request, b"Sec-WebSocket-Protocol: mqtt\r\n")
            elif name == "answer-deflate-unoffered":
                answer = upgrade(request, b"Sec-WebSocket-Extensions: permessage-deflate\r\n")
            elif name == "answer-huge-head":
                answer = b"HTTP/1.1 101 Switching Protocols\r\n" + b"X-Filler: " + b"a" * 100000 + b"\r\n\r\n"
            if name == "answer-endless-status":
                # An endless status line: 8 MiB and counting, never a line end.
                writer.write(b"HTTP/1.1 200 ")
                for _ in range(128):
                    writer.write(b"a" * 65536)
                    await writer.drain()
            else:
                writer.write(answer)
                await writer.drain()
            await read_client_frames(reader)
            return
        writer.write(upgrade(request))
        await scenario(name, reader, writer, request)
    except (ConnectionError, OSError):
        say("CLIENT-GONE")


async def main():
    name = sys.argv[1]
    server = await asyncio.start_server(lambda r, w: handle(name, r, w), "127.0.0.1", 0,
                                        ssl=tls_from_arguments())
    say(f"PORT {server.sockets[0].getsockname()[1]}")
    await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
