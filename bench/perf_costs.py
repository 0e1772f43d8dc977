"""Cost centres of a gateway profile: where the samples of `perf record --call-graph dwarf` went.

    perf script -F ip,sym,dso -i perf.data | swift demangle --simplified > stacks.txt
    python3 bench/perf_costs.py stacks.txt [CENTRE]

Kernel-leaf samples count for the syscall they belong to (or softirq / scheduler); user samples for
the innermost frame that matches a cost centre below (leaf to root), so a malloc or retain made by the
Gate counts for the Gate. With CENTRE, also lists the frames and leaves behind that centre."""
import re, sys, collections
from perf_stacks import samples

USER = [  # (centre, regex on the frame), innermost match wins
    ("server: HTTP/1 decode (RequestDecoder, ResponseDecoder)", r"RequestDecoder|RequestHeadParser|ResponseDecoder|ResponseHeadParser|HTTPHeadSyntax|ChunkedBodyDecoder"),
    ("crypto: AES-256-GCM (OpenSSL EVP)", r"AES256GCM|EVP_|libcrypto|aesni|gcm_|ThreadCipherContexts"),
    ("token: JSON payload parse", r"JSONParser|payloadFields|JSONValue"),
    ("token: base64url decode", r"Base64URL"),
    ("token: open (rest)", r"SealedToken|TokenKey|Keyring"),
    ("gate: session cookie (parse, open, claims)", r"SessionCodec|CookieHeader|Session\b|Identity"),
    ("gate: bound arguments (open, encode)", r"BoundArgumentsCodec"),
    ("gate: policy", r"Policy"),
    ("gate: origin check", r"Origin"),
    ("gate: header sanitise + gateway headers", r"RequestHeaderRules|GatewayHeaders"),
    ("gate: response rewrite", r"rewriteResponse|ResponseHeaderRules|ResponseRewrite"),
    ("server: upstream head (filter, serialise)", r"UpstreamRequestHead"),
    ("gate: route/host/path/identification (rest of Gate)", r"\bGate\b|Gate\.|RequestPath|RequestContext|ContentType|NextActionHeader|HeaderFields|PendingRequest|ForwardPlan|AuditFacts|(?<!Upstream)RequestHead\b"),
    ("server: NIO HTTP encode (upstream request)", r"HTTPRequestEncoder"),
    ("server: response head to client", r"upstreamResponseHead|ResponseHeadWriter|ResponseBodyFraming"),
    ("server: request record / audit", r"finishRecord|RequestRecord|AuditSink"),
    ("server: receivedHead (request setup)", r"receivedHead"),
    ("server: body collect", r"BodyCollector|receivedBody"),
    ("server: connection handler (rest)", r"ClientConnectionHandler|ConnectionStateMachine|InFlightRequest|UpstreamConnection|UpstreamPool|LoopContext"),
    ("NIO: HTTP parse (llhttp + decoder)", r"llhttp|BetterHTTPParser|HTTPDecoder|HTTPServerPipelineHandler|HTTPResponseDecoder"),
    ("NIO: channel/pipeline/event loop", r"NIO|Channel|Selector|EventLoop|ByteBuffer|PendingWrites"),
]
SYSCALLS = [("writev", r"writev"), ("write", r"^__GI___libc_write|^write\b|libc_write"), ("read", r"^read\b|__libc_read|recv"),
            ("epoll_ctl", r"epoll_ctl"), ("epoll_wait", r"epoll_wait"), ("futex", r"futex"), ("accept/close/other", r".")]

def classify(frames):
    # frames: list of (sym, dso), leaf first
    if not frames: return "?"
    if "kernel" in frames[0][1]:
        if any(re.search(r"net_rx_action|do_softirq|irq_exit", s) for s, d in frames if "kernel" in d) and not any("entry_SYSCALL" in s for s, d in frames):
            return "kernel: softirq/interrupt"
        for s, d in frames:
            if "kernel" not in d:
                for name, rx in SYSCALLS:
                    if re.search(rx, s): return "kernel: syscall " + name
        return "kernel: other (scheduler, page faults)"
    for s, d in frames:
        for name, rx in USER:
            if re.search(rx, s): return name
    leaf = frames[0][0]
    if re.search(r"swift_(retain|release)|swift_bridgeObject|swift_isUniquely|swift_(begin|end)Access|AccessSet", leaf): return "swift runtime (ARC, exclusivity) outside the above"
    if re.search(r"malloc|free|memmove|memcpy", leaf): return "libc malloc/memcpy outside the above"
    return "other: " + leaf[:60]

counts = collections.Counter(); total = 0
for frames in samples(sys.argv[1]):
    counts[classify(frames)] += 1; total += 1
print(f"{total} samples")
for name, n in counts.most_common(40):
    print(f"{100*n/total:6.1f}%  {name}")


if len(sys.argv) > 2:
    want = sys.argv[2]
    detail = collections.Counter()

    def owner(frames):
        for s, d in frames:
            for name, rx in USER:
                if re.search(rx, s):
                    return name, s
        return None, None

    for frames in samples(sys.argv[1]):
        if "kernel" not in frames[0][1]:
            name, s = owner(frames)
            if name == want:
                detail[(s[:90], frames[0][0][:50])] += 1
    for (s, leaf), n in detail.most_common(25):
        print(f"{n:5d} {s} <- {leaf}")
