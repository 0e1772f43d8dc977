#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/<target>/ (deterministic: fixed nonces and times).

Tokens are sealed with scripts/token_reference.py (the independent Python implementation of the
token format) under the fuzz fixture's keys, at the fixture's clock (Sources/actiongate-fuzz/
FuzzFixture.swift: now = 1800000000, active key 3f9a0c12 = 32 x 0x07, old key 00000001 = 32 x 0x09),
so the gate and token targets start from inputs that get past authentication.

Run from the package folder: python3 Fuzz/seeds.py   (needs the `cryptography` package)
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import token_reference as tr  # noqa: E402

NOW = 1800000000
ACTIVE = (0x3F9A0C12, bytes([7]) * 32)
OLD = (0x00000001, bytes([9]) * 32)
COOKIE = "__Host-actiongate"
NEXT_ID = "7f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a"


def nonce(n):
    return bytes([n]) * 12


def session(data, iat=NOW - 60, exp=None, key=ACTIVE, n=1, auth_time=None):
    exp = exp if exp is not None else iat + 8 * 3600
    ctx = tr.context_bytes(tr.SESSION, COOKIE, None, None)
    return tr.seal(key[0], key[1], tr.SESSION, ctx, iat, exp, auth_time if auth_time else iat, data, nonce(n))


def bound(action, data, subject=None, n=2, iat=NOW - 1, exp=NOW + 600):
    purpose = tr.SUBJECT_BOUND if subject is not None else tr.BOUND
    ctx = tr.context_bytes(purpose, None, action, subject)
    return tr.seal(ACTIVE[0], ACTIVE[1], purpose, ctx, iat, exp, None, data, nonce(n))


ALICE = session('{"sub":"alice"}')
ADMIN = session('{"sub":"root","roles":["admin","ops"]}', n=3)
SUSPENDED = session('{"sub":"mallory","roles":"admin","suspended":true}', n=4)
STALE = session('{"sub":"alice"}', iat=NOW - 7200, n=5)
EXPIRED = session('{"sub":"alice"}', iat=NOW - 90000, exp=NOW - 3600, n=6)
OLDKEY = session('{"sub":"alice"}', key=OLD, n=7)
NOTE = bound("deleteNote", '{"note":42}')
NOTE_ALICE = bound("deleteNote", '{"note":[1,"x"]}', subject="alice", n=8)


def gate(line, headers, body=b"", response=()):
    text = line + "\n" + "".join(f"{name}: {value}\n" for name, value in headers)
    text += "".join(f"@{name}: {value}\n" for name, value in response)
    return text.encode() + b"\n" + body


BROWSER = [("Host", "app.example.com"), ("Origin", "https://app.example.com")]
JSON = BROWSER + [("Content-Type", "application/json"), ("Content-Length", "2")]


def multipart(boundary, parts, epilogue=b""):
    body = b""
    for disposition, value in parts:
        body += b"--" + boundary + b"\r\nContent-Disposition: form-data; " + disposition + b"\r\n\r\n" + value + b"\r\n"
    return body + b"--" + boundary + b"--\r\n" + epilogue


LOGIN_FORM = multipart(b"XyZ", [(b'name="$ACTION_ID_login"', b""), (b'name="email"', b"a@b.c")])
REF_FORM = multipart(b"b0", [(b'name="$ACTION_REF_1"', b""), (b'name="$ACTION_1:0"', b'{"id":"login","bound":null}')])
BOUND_FORM = multipart(
    b"----WebKitFormBoundary7MA4YWxkTrZu0gW",
    [(b'name="$ACTION_ID_deleteNote"', b""), (b'name="$ACTION_BOUND"', NOTE.encode())])

SEEDS = {
    "origin": [
        b"https://app.example.com", b"HTTPS://APP.Example.COM:443", b"http://localhost:8080",
        b"https://[::1]:8443", b"https://[0:0::1]:8443", b"https://foo.preview.example.net",
        b"https://a.b.tenants.example.com:8443", b"http://x.a.b.example.io", b"null",
        b"https://evil.example, https://app.example.com", b"https://app.example.com/", b"https://u@app.example.com",
        b"chrome-extension://abcdefghijklmnop", b"http://127.0.0.1:3000", b"https://[2001:db8::1]",
        b"https://[::ffff:10.0.0.1]", b"app.example.com:443\nlocalhost:8080\n[::1]:8443",
        b"https://app.example.com\nsame-origin", b"\ncross-site", b"https://app.example.com\nhttps://app.example.com",
        b"# partners\nhttps://partner.example.org   # main\n\n\thttps://*.preview.example.net\r\n"
        b"https://**.tenants.example.com:8443\nhttp://*.127.0.0.1\nhttps://*.com\nhttps://a*.example.com\n"
        b"https://x.**.example.com\nhttps://*.vercel.app\nexample.com\nhttps://a.com#frag\n",
        b"https://xn--bcher-kva.example:65535", b"http://" + b"a" * 63 + b"." + b"b" * 63 + b".example",
    ],
    "cookie": [
        f"{COOKIE}={ALICE}; theme=dark".encode(), b"a=1; a=2", b"  spaced = value ; x ;; =novalue; empty=",
        b'q="quoted"; e=a=b=c', f"{COOKIE}=x\n{COOKIE}=y".encode(), b"a=b\x01c; d=e\x7f; f=g\th",
        b"a=1;b=2;c=3;d=4;e=5", f"{COOKIE}=evil; Path=/; Secure; HttpOnly".encode(), b"sid\nabcDEF_-123",
        b"__Secure-x=1\n;=\n\t=\t", f"theme=dark; {COOKIE}={ADMIN}".encode(), f"{COOKIE}={EXPIRED}".encode(),
        "caf\u00e9=cr\u00e8me; \U0001f36a=1".encode(),
    ],
    "token": [
        ALICE.encode(), ADMIN.encode(), STALE.encode(), EXPIRED.encode(), OLDKEY.encode(), NOTE.encode(),
        NOTE_ALICE.encode(), b"AAA", b"AA==", b"A-_B", b"AB", b"",
        f'{{"iat":{NOW - 1},"exp":{NOW + 3600},"auth_time":{NOW - 9},"data":{{"sub":"alice"}}}}'.encode(),
        b'{"iat":1,"exp":2,"data":{"a":[1,2.5,-0,1e300,"\\u00e9\\ud83d\\ude00",null,true]}}',
        b"[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", b'"\\u0000\\"\\\\\\/\\b\\f\\n\\r\\t"', b'{"a":1,"a":2}',
        b"-1.0e-5", b'{"data":null,"iat":9007199254740993,"exp":1e3}', b'{"iat":0.5,"exp":1,"data":0}',
        "{\"\u00e9\":1,\"e\u0301\":2}".encode(),
    ],
    "multipart": [
        b"multipart/form-data; boundary=XyZ\n" + LOGIN_FORM, b"multipart/form-data; boundary=b0\n" + REF_FORM,
        b"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW\n" + BOUND_FORM,
        b'multipart/form-data; boundary="a b:c"\n' + multipart(b"a b:c", [(b'name="f"; filename="a.txt"', b"x")]),
        b"XyZ\n" + multipart(b"XyZ", [(b'name="a\\"b"', b"1"), (b'name="%22x%0D"', b"2")]),
        b"multipart/form-data; boundary=XyZ\n" + multipart(b"XyZ", [(b"name*=UTF-8''%24ACTION_ID_x", b"")]),
        b"multipart/form-data; boundary=XyZ\npreamble\r\n" + LOGIN_FORM + b"--XyZ",
        b"multipart/form-data; boundary=XyZ\n--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XyZ--",
        b"application/x-www-form-urlencoded\n$ACTION_ID_login=&email=a%40b.c+d",
        b"application/x-www-form-urlencoded; charset=utf-8\n%24ACTION_REF_1=&%24ACTION_1%3A0=%7B%22id%22%3A%22login%22%7D",
        b"text/plain\n$ACTION_BOUND=abc&$ACTION_BOUND=def&x=%zz",
        b"multipart/form-data; boundary=XyZ; boundary=abc\n",
        b"MULTIPART/Form-Data ; boundary=XyZ;;charset=\"utf\\-8\"\n" + LOGIN_FORM,
    ],
    "gate": [
        ("page-render-refresh", gate("GET / 203.0.113.9", [("Host", "app.example.com"), ("Cookie", f"{COOKIE}={STALE}; theme=dark")])),
        ("login-issues-session", gate("POST /actions/login 203.0.113.9 0 200", JSON, b"{}", [
            ("X-ActionGate-Session", '{"sub":"alice","roles":["admin"]}'), ("Set-Cookie", f"{COOKIE}=evil; Path=/"),
            ("Cache-Control", "public")])),
        ("createpost-session", gate("POST /actions/createPost", JSON + [("Cookie", f"{COOKIE}={ALICE}")], b"{}")),
        ("deleteuser-admin", gate("POST /actions/deleteUser", JSON + [("Cookie", f"{COOKIE}={ADMIN}")], b"{}")),
        ("deleteuser-suspended", gate("POST /actions/deleteUser", JSON + [("Cookie", f"{COOKIE}={SUSPENDED}")], b"{}")),
        ("deletenote-bound-header", gate("POST /actions/deleteNote", JSON + [("Cookie", f"{COOKIE}={ALICE}"), ("Action-Bound", NOTE_ALICE)], b"{}")),
        ("form-login-clear-session", gate("POST / 203.0.113.9 0 302", BROWSER + [
            ("Content-Type", "multipart/form-data; boundary=XyZ"), ("Cookie", f"{COOKIE}={ALICE}")], LOGIN_FORM,
            [("X-ActionGate-Session", "clear")])),
        ("form-bound-field", gate("POST /", BROWSER + [
            ("Content-Type", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
            ("Cookie", f"{COOKIE}={ALICE}")], BOUND_FORM)),
        ("urlencoded-login", gate("POST /", BROWSER + [("Content-Type", "application/x-www-form-urlencoded")], b"$ACTION_ID_login=&a=1")),
        ("next-action-header", gate("POST /page", BROWSER + [("Next-Action", NEXT_ID), ("Content-Type", "text/plain;charset=UTF-8")], b"[]")),
        ("search-missing-origin", gate("POST /actions/search", [("Host", "app.example.com"), ("Content-Type", "application/json")], b"{}")),
        ("sec-fetch-old-key", gate("POST /actions/createPost", [("Host", "app.example.com"), ("Sec-Fetch-Site", "same-origin"),
                                          ("Content-Type", "application/json"), ("Cookie", f"{COOKIE}={OLDKEY}")], b"{}")),
        ("trusted-proxy", gate("POST /actions/login 10.0.0.7", [
            ("Host", "internal:8080"), ("X-Forwarded-Host", "app.example.com, evil"), ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-For", "198.51.100.1, 10.0.0.2"), ("Origin", "https://partner.example.org"),
            ("Content-Type", "application/json")], b"{}")),
        ("spoofed-headers", gate("POST /actions/login", JSON + [
            ("x-middleware-subrequest", "middleware"), ("X_ActionGate_Subject", "root"), ("X-ActionGate-Subject", "root"),
            ("Connection", "keep-alive, X-Secret"), ("X-Secret", "1"), ("X-Forwarded-For", "1.2.3.4"),
            ("Upgrade", "h2c"), ("x-invoke-path", "/admin"), ("X-HTTP-Method-Override", "DELETE")], b"{}")),
        ("passthrough-static", gate("GET /_next/static/chunk.js", [("Host", "app.example.com"), ("Cookie", f"{COOKIE}={ALICE}")])),
        ("passthrough-upload", gate("POST /uploads/a", BROWSER + [("Content-Type", "multipart/form-data; boundary=XyZ")],
             multipart(b"XyZ", [(b'name="file"; filename="a.bin"', b"\x00\x01")]))),
        ("delete-method", gate("DELETE /actions/login", JSON, b"{}")),
        ("dot-segments", gate("GET //actions/../admin?x=%2e%2e", [("Host", "app.example.com")])),
        ("ipv6-peer-clock", gate("POST /actions/login ::1 -100000", [("Host", "localhost:8080"), ("Origin", "http://localhost:8080"),
                                                 ("Content-Type", "application/json")], b"{}")),
        ("interim-response", gate("GET / 203.0.113.9 0 101", [("Host", "app.example.com"), ("Cookie", f"{COOKIE}={ALICE}")], b"",
             [("Connection", "upgrade, X-Up"), ("X-Up", "1"), ("x-actiongate-debug", "1")])),
    ],
}

CONFIG_MINIMAL = b"""public_origins: [https://app.example.com]
upstreams: { app: { url: "http://127.0.0.1:3000" } }
routes: [ { path_prefix: /, upstream: app, mode: actions } ]
actions: { list: [ { id: a, path: /a, policy: p } ] }
policies: { p: { allow: [ { anyone: true } ] } }
"""

SEEDS["config"] = [
    CONFIG_MINIMAL,
    open(os.path.join(HERE, "config-full.yaml"), "rb").read(),
    CONFIG_MINIMAL.replace(b"actions: {", b"allowed_origins_file: ./allowed-origins.txt\nkeyring: ${APP_DIR}/keys.json\n"
                           b"actions: { nextjs_manifest: ./manifest.json, unknown: reject,"),
    CONFIG_MINIMAL + b"unknown_key: 1\nlimits: { max_body: 10 parsecs, header_timeout: -1s }\n",
    CONFIG_MINIMAL.replace(b"https://app.example.com", b"app.example.com, https://*.example.com"),
    b"public_origins: [https://a.example]\npublic_origins: [https://b.example]\n",
    b"policies:\n  a: &p { allow: [ { anyone: true } ] }\n  b: *p\n  c: { <<: *p }\n",
    b"--- !!map\n? !!str listen\n: [\"0.0.0.0:8080\", \"[::]:8080\"]\n...\n---\n",
    b"session: { cookie: sid, ttl: 8h, refresh_after: 1h, max_age: 7d, secure: false, clock_skew: 30s }\n"
    b"trusted_proxies: [10.0.0.0/8, \"fd00::/8\", 300.1.1.1/33]\nbound_args: { max_ttl: 1h, max_size: 4KiB }\n",
    b"",
    b"[",
    b"a: 'unterminated\n",
]



def response(text, head=False, closed=False, cut=128):
    """A response target input: flags (bit 0 HEAD, bit 1 closed), where to cut, the upstream's bytes."""
    return bytes([(1 if head else 0) | (2 if closed else 0), cut]) + text


SEEDS["response"] = [
    response(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"),
    response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"a;b\"\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
    response(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", head=True),
    response(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
             b"HTTP/1.1 204 No Content\r\n\r\n"),
    response(b"HTTP/1.0 200 OK\r\nSet-Cookie: a=b\r\n\r\nuntil the end", closed=True, cut=30),
    response(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
    response(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
    response(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
    response(b"HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n"),
    response(b"HTTP/1.1 200 OK\nContent-Length: 0\n\n", cut=3),
    response(b"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n\r\n"),
]


def request(text, cut=128):
    """A request target input: where to cut, then the client's bytes."""
    return bytes([cut]) + text


SEEDS["request"] = [
    request(b"POST /actions/echo HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://app.example.com\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"),
    request(b"GET /x?y=1 HTTP/1.1\r\nHost: a\r\nCookie: a=b; c=d\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"),
    request(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\"x;y\"\r\n{}\r\n0\r\nX-T: 1\r\n\r\n"),
    request(b"\r\nGET  /  HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", cut=5),
    request(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    request(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
    request(b"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n folded\r\n\r\n"),
    request(b"GET http://evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n"),
    request(b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\nPRI * HTTP/2.0\r\n\r\n"),
    request(b"PUT /a HTTP/1.1\nHost: a\n\n", cut=10),
    request(b"POST /a HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0002\r\n\r\nokGET / HTTP/1.1\r\n"),
]

def main():
    root = os.path.join(HERE, "corpus")
    for target, seeds in SEEDS.items():
        folder = os.path.join(root, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for index, seed in enumerate(seeds):
            name, seed = seed if isinstance(seed, tuple) else ("seed-%02d" % index, seed)
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(seed)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
