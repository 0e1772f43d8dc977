#!/usr/bin/env python3
"""Drives `actiongate demo` in a real headless Chromium through the DevTools protocol (stdlib only).

A user signs in, adds a note, deletes it and signs out by typing and clicking (no script runs in the
demo page: its CSP forbids it), and a page on another origin auto-submits a form to the demo, which
the gateway must refuse with 403 origin_rejected. Screenshots go to --out. Exit status 0 only when
every check passed. Run through scripts/browser-test.sh.
"""

import argparse
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import CDP, CDPError  # noqa: E402

NOTE = "Hello from Chromium <b>not bold</b>"
CSRF_NOTE = "csrf-from-another-origin"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print(f"ok - {message}", flush=True)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise CheckFailed(f"timed out waiting for {what}")


class Demo:
    """`actiongate demo --port 0` as a child process, its stdout collected by a thread."""

    def __init__(self, binary):
        self.lines = []
        self.process = subprocess.Popen(
            [binary, "demo", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()
        match = wait_until(lambda: self._find(r"Open http://127\.0\.0\.1:(\d+)/"), 60, "the demo's URL")
        self.port = int(match.group(1))
        self.folder = self._find(r"files +(\S+)").group(1)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _find(self, pattern):
        for line in list(self.lines):
            match = re.search(pattern, line)
            if match:
                return match
        return None

    def printed(self, text):
        return any(text in line for line in list(self.lines))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


def attacker_server(target):
    """Another origin (another port) whose page auto-submits a form to the demo, like a CSRF page."""
    page = f"""<!doctype html><title>Totally harmless page</title>
<form method="post" action="{target}/actions/createNote">
<input type="hidden" name="text" value="{CSRF_NOTE}"></form>
<script>document.forms[0].submit()</script>""".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Browser:
    """Headless Chromium with a throwaway profile, driven over one DevTools page session."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="actiongate-chromium-")
        flags = [
            "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "--window-size=1000,1100",
            "--hide-scrollbars",
        ]
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox.
        self.process = subprocess.Popen(
            [chromium, *flags, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        active = os.path.join(self.profile, "DevToolsActivePort")
        port = wait_until(lambda: os.path.exists(active) and open(active).readline().strip(), 60, "DevTools")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(target for target in targets if target["type"] == "page")
        self.cdp = CDP(page["webSocketDebuggerUrl"])
        self.cdp.call("Page.enable")
        self.cdp.call("Network.enable")

    def navigate(self, url):
        self.cdp.events.clear()
        self.cdp.call("Page.navigate", url=url)
        self.cdp.wait_for_event("Page.loadEventFired")

    def html(self):
        root = self.cdp.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        return self.cdp.call("DOM.getOuterHTML", nodeId=root)["outerHTML"]

    def node(self, selector):
        root = self.cdp.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        node = self.cdp.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        if not node:
            raise CheckFailed(f"no element matches {selector}")
        return node

    def type(self, selector, text):
        self.cdp.call("DOM.focus", nodeId=self.node(selector))
        self.cdp.call("Input.insertText", text=text)

    def click(self, selector):
        """Clicks the element's centre like a mouse would and waits for the next page to load."""
        node = self.node(selector)
        self.cdp.call("DOM.scrollIntoViewIfNeeded", nodeId=node)
        quad = self.cdp.call("DOM.getBoxModel", nodeId=node)["model"]["content"]
        x, y = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
        self.cdp.events.clear()
        for kind in ("mousePressed", "mouseReleased"):
            self.cdp.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
        self.cdp.wait_for_event("Page.loadEventFired")

    def screenshot(self, path):
        import base64

        data = self.cdp.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print(f"     screenshot: {path}", flush=True)

    def cookies(self, url):
        return {cookie["name"]: cookie for cookie in self.cdp.call("Network.getCookies", urls=[url])["cookies"]}

    def close(self):
        try:
            self.cdp.close()
        except Exception:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def cookie_was_sent(events):
    """Whether Chromium attached the session cookie to a request (informational, not a check)."""
    for event in events:
        if event["method"] == "Network.requestWillBeSentExtraInfo":
            for entry in event["params"].get("associatedCookies", []):
                if entry["cookie"]["name"] == "actiongate-demo" and not entry.get("blockedReasons"):
                    return True
    return False


def scenario(demo, browser, attacker, out):
    site = f"http://127.0.0.1:{demo.port}"

    browser.navigate(site + "/")
    html = browser.html()
    check("<title>ActionGate demo</title>" in html and "Not signed in" in html, "the demo page renders")

    browser.type('form[action="/actions/signIn"] input[name="name"]', "alice")
    browser.click('form[action="/actions/signIn"] button')
    html = browser.html()
    check('<strong id="subject">alice</strong>' in html, "signed in as alice (the page shows X-ActionGate-Subject)")
    cookie = browser.cookies(site).get("actiongate-demo")
    check(cookie is not None and cookie["httpOnly"], "the gateway set the HttpOnly session cookie")

    browser.type('form[action="/actions/createNote"] textarea[name="text"]', NOTE)
    browser.click('form[action="/actions/createNote"] button')
    html = browser.html()
    check("Hello from Chromium &lt;b&gt;not bold&lt;/b&gt;" in html, "the note was added, its markup escaped")
    check(re.search(r'name="\$ACTION_BOUND" value="[A-Za-z0-9_-]{40,}"', html), "its delete button carries a sealed token")
    browser.screenshot(os.path.join(out, "demo.png"))

    browser.click('ul.notes form[action="/actions/deleteNote"] button')
    html = browser.html()
    check("Hello from Chromium" not in html and "Note deleted" in html, "the note was deleted through its sealed id")

    browser.cdp.events.clear()
    browser.cdp.log.clear()
    browser.cdp.call("Page.navigate", url=f"http://127.0.0.1:{attacker.server_address[1]}/")
    response = browser.cdp.wait_for_event(
        "Network.responseReceived",
        predicate=lambda params: params["response"]["url"].endswith("/actions/createNote"),
    )["response"]
    browser.cdp.wait_for_event("Page.loadEventFired", predicate=lambda params: True)
    check(response["status"] == 403, "a form auto-submitted from another origin got 403")
    check("origin_rejected" in browser.html(), "... with the reason origin_rejected")
    if cookie_was_sent(browser.cdp.log):
        print("     (the browser did send the session cookie: SameSite=Lax treats another port of the same host"
              " as the same site; the gateway's Origin check is what stopped it)", flush=True)
    browser.screenshot(os.path.join(out, "cross-origin.png"))

    browser.navigate(site + "/")
    html = browser.html()
    check(CSRF_NOTE not in html and '<strong id="subject">alice</strong>' in html, "no note was created by it")

    browser.click('form[action="/actions/signOut"] button')
    check("Not signed in" in browser.html(), "signed out (the gateway expired the cookie)")
    check("actiongate-demo" not in browser.cookies(site), "the session cookie is gone")

    decision = "POST /actions/createNote → 403 origin_rejected"
    wait_until(lambda: demo.printed(decision), 5, "the terminal to print the rejection")
    check(True, "the demo printed: " + next(line for line in demo.lines if line.startswith(decision)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actiongate", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    demo = browser = attacker = None
    failed = False
    try:
        demo = Demo(args.actiongate)
        attacker = attacker_server(f"http://127.0.0.1:{demo.port}")
        browser = Browser(args.chromium)
        scenario(demo, browser, attacker, args.out)
    except (CheckFailed, CDPError, OSError, StopIteration) as error:
        print(f"not ok - {error}", flush=True)
        failed = True
    finally:
        if browser:
            browser.close()
        if attacker:
            attacker.shutdown()
        if demo:
            status = demo.stop()
            if not failed:
                try:
                    check(status == 0, "Ctrl-C stopped the demo cleanly")
                    check(not os.path.exists(demo.folder), "the demo removed its temporary folder")
                except CheckFailed as error:
                    print(f"not ok - {error}", flush=True)
                    failed = True
            if failed:
                print("--- demo output ---\n" + "\n".join(demo.lines), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
