"""A fake push service on loopback for the Web Push tests: it receives the encrypted POSTs, checks their VAPID header,
and decrypts them with the test subscription's private keys (what a phone does)."""
import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(raw):
    """base64url without padding."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text):
    """base64url, padding optional."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PhoneKeys:
    """A browser's push subscription keys: the P-256 key pair and the 16-byte auth secret."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        raw = self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint)
        self.p256dh, self.auth = b64(raw), b64(self.auth_secret)

    def decrypt(self, body):
        """The plaintext of an aes128gcm body (RFC 8291), as the phone reads it."""
        return http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth_secret, version="aes128gcm")


def verify_vapid(header, audience, subject, public_key=None):
    """Check a `vapid t=JWT,k=KEY` Authorization header (RFC 8292): the ES256 signature with the key k, and the aud,
    exp and sub claims; returns the claims."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid", header
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    if public_key is not None:
        assert parts["k"] == public_key
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(parts["k"]))
    head, claims, signature = parts["t"].split(".")
    raw = unb64(signature)
    assert len(raw) == 64
    key.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
               f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    assert json.loads(unb64(head)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(unb64(claims))
    assert claims["aud"] == audience
    assert claims["sub"] == subject
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    return claims


class FakePushService:
    """An HTTP server on 127.0.0.1 that records every POST; `answers` is the list of statuses to give (then 201)."""

    def __init__(self):
        self.received = []
        self.answers = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(service.answers.pop(0) if service.answers else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
