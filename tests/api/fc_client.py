# SPDX-License-Identifier: Apache-2.0
"""A small Firecracker API client for the tests: HTTP/1.1 over a unix
socket, standard library only.

    c = FcClient("/tmp/vmm.sock")
    status, body = c.put("/machine-config", {"vcpu_count": 1, "mem_size_mib": 64})

Each call returns (status, parsed JSON body or None when the body is
empty). The connection is kept alive between calls, as the go-sdk's is;
raw() sends bytes as they are, for malformed requests.
"""
import json
import socket
import time


class FcError(Exception):
    pass


class FcClient:
    def __init__(self, path, timeout=30.0):
        self.path = path
        self.timeout = timeout
        self.sock = None
        self.buf = b""

    def connect(self, wait=10.0):
        """Connect, retrying while vmm has not created the socket yet."""
        deadline = time.monotonic() + wait
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            try:
                s.connect(self.path)
                self.sock, self.buf = s, b""
                return self
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def _read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("latin-1")

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise FcError("connection closed by vmm")
        self.buf += data

    def _response(self):
        status_line = self._read_line()
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise FcError("bad status line %r" % status_line)
        status = int(parts[1])
        headers = {}
        while True:
            line = self._read_line()
            if not line:
                break
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "chunked" in headers.get("transfer-encoding", ""):
            body = b""
            while True:
                size = int(self._read_line().split(";")[0], 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
        else:
            n = int(headers.get("content-length", "0"))
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def raw(self, data):
        """Send raw request bytes; return (status, headers, body bytes)."""
        if not self.sock:
            self.connect()
        self.sock.sendall(data)
        return self._response()

    def request(self, method, path, body=None, headers=None):
        """One request; body: a JSON-able object, bytes/str sent as is,
        or None. Returns (status, JSON or None)."""
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b""
        head = ["%s %s HTTP/1.1" % (method, path), "Host: localhost",
                "Accept: application/json"]
        if body is not None:
            head += ["Content-Type: application/json",
                     "Content-Length: %d" % len(data)]
        for k, v in (headers or {}).items():
            head.append("%s: %s" % (k, v))
        req = ("\r\n".join(head) + "\r\n\r\n").encode() + data
        status, hdrs, raw = self.raw(req)
        parsed = json.loads(raw) if raw else None
        if raw and "application/json" not in hdrs.get("content-type", ""):
            raise FcError("%s %s: body without a JSON content type" %
                          (method, path))
        return status, parsed

    def get(self, path):
        return self.request("GET", path)

    def put(self, path, body):
        return self.request("PUT", path, body)

    def patch(self, path, body):
        return self.request("PATCH", path, body)
