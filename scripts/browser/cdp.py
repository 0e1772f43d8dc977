"""A minimal Chrome DevTools Protocol client over a hand-written WebSocket (stdlib only).

Enough for scripts/browser/drive.py: send commands, wait for their results, and collect events.
Only what RFC 6455 needs for a local client: the opening handshake, masked text frames out,
unmasked frames in (with 16- and 64-bit lengths, fragmentation, ping/pong and close).
"""

import base64
import json
import os
import select
import socket
import struct
import time
import urllib.parse


class CDPError(Exception):
    pass


class WebSocket:
    def __init__(self, url, timeout=30):
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parsed.path + (("?" + parsed.query) if parsed.query else "")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise CDPError("websocket handshake: connection closed")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise CDPError("websocket handshake refused: " + head.split(b"\r\n")[0].decode(errors="replace"))

    def _read_exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise CDPError("websocket closed")
            data += chunk
        return data

    def send_text(self, text):
        payload = text.encode()
        header = bytes([0x81])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive_text(self):
        message = b""
        while True:
            first, second = self._read_exact(2)
            opcode = first & 0x0F
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read_exact(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if second & 0x80 else None
            payload = self._read_exact(length)
            if mask:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            if opcode == 0x8:
                raise CDPError("websocket closed by the browser")
            if opcode == 0x9:  # ping
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class CDP:
    """One DevTools session on a page target."""

    def __init__(self, websocket_url):
        self.ws = WebSocket(websocket_url)
        self.next_id = 0
        self.events = []  # received and not yet consumed by wait_for_event
        self.log = []  # every event received, for checks after the fact

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send_text(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive_text())
            if message.get("id") == ident:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
                self.log.append(message)
        raise CDPError(f"{method}: no answer within {timeout} s")

    def wait_for_event(self, method, timeout=30, predicate=lambda params: True):
        """Returns the first event `method` (already received or arriving) that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method and predicate(event.get("params", {})):
                    del self.events[: index + 1]
                    return event.get("params", {})
            if time.monotonic() >= deadline:
                raise CDPError(f"no {method} event within {timeout} s")
            # Wait for the next frame without a read timeout that could cut one in half.
            readable, _, _ = select.select([self.ws.sock], [], [], max(0.05, deadline - time.monotonic()))
            if not readable:
                continue
            message = json.loads(self.ws.receive_text())
            if "method" in message:
                self.events.append(message)
                self.log.append(message)

    def close(self):
        self.ws.close()
