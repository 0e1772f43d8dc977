#!/usr/bin/env python3
"""Reference implementation of ActionGate sealed tokens v1 (docs/token-format.md).

Independent of the Swift code: it exists so the format can be checked from another language.
Needs Python 3.8+ and the `cryptography` package (pip install cryptography).

  token_reference.py seal --key ID:SECRET_B64 (--cookie NAME | --action ID [--subject S])
                          --iat N --exp N [--auth-time N] --data JSON [--nonce HEX]
      prints the token.
  token_reference.py open --key ID:SECRET_B64 [--key ...] (--cookie NAME | --action ID [--subject S])
                          --now N [--skew 60] TOKEN
      prints {"key_id","purpose","iat","exp","auth_time","data","raw_data"} as JSON, exit 0;
      or {"error": "<code>"} and exit 1. Usage errors exit 2.

ID is the key id as 8 hex digits; SECRET_B64 is the key's 32 secret bytes in standard base64,
both exactly as in the keyring file.
"""
import argparse
import base64
import binascii
import json
import os
import re
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 0x01
SESSION, BOUND, SUBJECT_BOUND = 0x01, 0x02, 0x03
INFO = {SESSION: b"actiongate/v1 session", BOUND: b"actiongate/v1 bound-args", SUBJECT_BOUND: b"actiongate/v1 bound-args"}
HEADER, NONCE, TAG = 6, 12, 16
MAX_TOKEN_CHARS = 65536
MAX_TIMESTAMP = 2**53
MAX_DEPTH = 64
B64URL = re.compile(r"\A[A-Za-z0-9_-]*\Z")


class TokenError(Exception):
    """An opening failure; args[0] is the stable error code."""


def subkey(secret, purpose):
    # Empty salt: RFC 5869 uses HashLen zero bytes (cryptography's salt=None does exactly that).
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO[purpose]).derive(secret)


def b64url_encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode_strict(text):
    if len(text) > MAX_TOKEN_CHARS or not B64URL.match(text) or len(text) % 4 == 1:
        raise TokenError("malformed")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(raw) != text:  # non-zero trailing bits: not the canonical encoding
        raise TokenError("malformed")
    return raw


def context_bytes(purpose, cookie, action, subject):
    """The AAD context; None when this opener cannot produce it (-> bad_tag)."""
    if purpose == SESSION:
        return cookie.encode("utf-8")
    if "\x00" in action:
        return None
    if purpose == BOUND:
        return action.encode("utf-8") + b"\x00"
    if subject is None:
        return None
    return action.encode("utf-8") + b"\x00" + subject.encode("utf-8")


def reject_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def reject_constant(name):
    raise ValueError("non-finite number " + name)


def check_value(value, level=0):
    """Refuses nesting deeper than MAX_DEPTH and numbers that are not finite doubles."""
    if isinstance(value, (dict, list)):
        if level + 1 > MAX_DEPTH:
            raise ValueError("too deep")
        for item in (value.values() if isinstance(value, dict) else value):
            check_value(item, level + 1)
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1.7976931348623157e308:
        raise ValueError("number out of range")


def strict_json(text):
    """Parses strict JSON text (str); raises ValueError on anything docs/token-format.md refuses."""
    try:
        value = json.loads(text, object_pairs_hook=reject_duplicates, parse_constant=reject_constant)
    except RecursionError:
        raise ValueError("too deep")
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # lone surrogate escapes fail here
    check_value(value)
    return value


def serialize(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode("utf-8")


def member_range(text, name):
    """(start, end) in characters of the value of top-level member `name` of the JSON object `text`."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    i = ws.match(text, 0).end()
    if text[i:i + 1] != "{":
        return None
    i = ws.match(text, i + 1).end()
    if text[i:i + 1] == "}":
        return None
    while True:
        key, i = json.decoder.scanstring(text, i + 1)
        i = ws.match(text, i).end() + 1  # ':'
        start = ws.match(text, i).end()
        _, end = decoder.raw_decode(text, start)
        if key == name:
            return start, end
        i = ws.match(text, end).end()
        if text[i] == "}":
            return None
        i = ws.match(text, i + 1).end()


def timestamp(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    if abs(value) > MAX_TIMESTAMP:
        return None
    return int(value)


def seal(key_id, secret, purpose, context, iat, exp, auth_time, data_json, nonce=None):
    header = struct.pack(">BBI", VERSION, purpose, key_id)
    nonce = nonce if nonce is not None else os.urandom(NONCE)
    plaintext = b'{"iat":%d,"exp":%d' % (iat, exp)
    if auth_time is not None:
        plaintext += b',"auth_time":%d' % auth_time
    plaintext += b',"data":' + serialize(strict_json(data_json)) + b"}"
    sealed = AESGCM(subkey(secret, purpose)).encrypt(nonce, plaintext, header + context)
    return b64url_encode(header + nonce + sealed)


def open_token(token, keys, kind, cookie, action, subject, now, skew):
    raw = b64url_decode_strict(token)
    if len(raw) < HEADER + NONCE + TAG or raw[0] != VERSION or raw[1] not in INFO:
        raise TokenError("malformed")
    purpose = raw[1]
    if (kind == "session") != (purpose == SESSION):
        raise TokenError("wrong_purpose")
    key_id = struct.unpack(">I", raw[2:6])[0]
    if key_id not in keys:
        raise TokenError("unknown_key")
    context = context_bytes(purpose, cookie, action, subject)
    if context is None:
        raise TokenError("bad_tag")
    try:
        plaintext = AESGCM(subkey(keys[key_id], purpose)).decrypt(raw[6:18], raw[18:], raw[:6] + context)
    except InvalidTag:
        raise TokenError("bad_tag")
    try:
        text = plaintext.decode("utf-8")
        payload = strict_json(text)
    except ValueError:
        raise TokenError("bad_payload")
    if not isinstance(payload, dict) or "data" not in payload:
        raise TokenError("bad_payload")
    iat, exp = timestamp(payload.get("iat")), timestamp(payload.get("exp"))
    auth_time = timestamp(payload["auth_time"]) if "auth_time" in payload else None
    if iat is None or exp is None or ("auth_time" in payload and auth_time is None):
        raise TokenError("bad_payload")
    if now > exp + skew:
        raise TokenError("expired")
    if iat > now + skew:
        raise TokenError("not_yet_valid")
    start, end = member_range(text, "data")
    return {"key_id": "%08x" % key_id, "purpose": purpose, "iat": iat, "exp": exp, "auth_time": auth_time,
            "data": payload["data"], "raw_data": text[start:end]}


def parse_key(text):
    try:
        key_id, secret = text.split(":", 1)
        if not re.fullmatch(r"[0-9a-fA-F]{8}", key_id):
            raise ValueError
        secret = base64.b64decode(secret, validate=True)
        if len(secret) != 32:
            raise ValueError
        return int(key_id, 16), secret
    except (ValueError, binascii.Error):
        raise argparse.ArgumentTypeError("--key must be ID:SECRET (8 hex digits, base64 of 32 bytes)")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("seal", "open"):
        command = commands.add_parser(name)
        command.add_argument("--key", type=parse_key, action="append", required=True)
        where = command.add_mutually_exclusive_group(required=True)
        where.add_argument("--cookie")
        where.add_argument("--action")
        command.add_argument("--subject")
    seal_command, open_command = commands.choices["seal"], commands.choices["open"]
    seal_command.add_argument("--iat", type=int, required=True)
    seal_command.add_argument("--exp", type=int, required=True)
    seal_command.add_argument("--auth-time", type=int)
    seal_command.add_argument("--data", required=True)
    seal_command.add_argument("--nonce", type=bytes.fromhex, help="12 bytes as hex (tests only)")
    open_command.add_argument("--now", type=int, required=True)
    open_command.add_argument("--skew", type=int, default=60)
    open_command.add_argument("token")
    args = parser.parse_args(argv)

    kind = "session" if args.cookie is not None else "bound"
    if args.command == "seal":
        key_id, secret = args.key[0]
        purpose = SESSION if kind == "session" else (BOUND if args.subject is None else SUBJECT_BOUND)
        context = context_bytes(purpose, args.cookie, args.action, args.subject)
        if context is None or (args.nonce is not None and len(args.nonce) != NONCE):
            parser.error("invalid context or nonce")
        try:
            print(seal(key_id, secret, purpose, context, args.iat, args.exp, args.auth_time, args.data, args.nonce))
        except ValueError as error:
            parser.error("--data is not strict JSON: %s" % error)
        return 0
    try:
        result = open_token(args.token, dict(args.key), kind, args.cookie, args.action, args.subject,
                            args.now, args.skew)
    except TokenError as error:
        print(json.dumps({"error": error.args[0]}))
        return 1
    print(json.dumps(result, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
