"""Where a gateway's malloc calls come from: the stacks `perf record -e probe_libc:malloc` took.

    perf script -F ip,sym,dso -i allocs.data | swift demangle --simplified > stacks.txt
    python3 bench/alloc_sites.py stacks.txt [CALLS_PER_REQUEST]

Each malloc is charged to the innermost frame of the gateway's own code (a type declared under
Sources/, found by name; extensions of the standard library's types do not count), so a `String` built by the request decoder counts for the decoder, not for
the standard library; mallocs with no such frame (SwiftNIO's own) are charged to their innermost
non-allocator frame. perf drops samples at this rate, so the stacks give shares; with
CALLS_PER_REQUEST (what `perf stat` counted) the shares are printed as calls per request."""
import collections, os, re, sys
from perf_stacks import samples

SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources")
names = set()
for folder, _, files in os.walk(SOURCES):
    for file in files:
        if file.endswith(".swift"):
            text = open(os.path.join(folder, file), errors="replace").read()
            names.update(re.findall(r"^\s*(?:public |private |fileprivate |internal |final )*"
                                    r"(?:struct|enum|class|actor|protocol)\s+([A-Z]\w+)", text, re.M))
OWN = re.compile(r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b[.<]") if names else None
ALLOCATOR = re.compile(r"malloc|swift_slowAlloc|swift_alloc|^swift::|^_swift_|allocate|reallocated|memalign")

def site(frames):
    if OWN:
        for sym, _ in frames:
            if OWN.search(sym):
                return re.sub(r"\(.*", "", sym)[:110]
    for sym, _ in frames:
        if sym not in ("[unknown]", "") and not ALLOCATOR.search(sym):
            return "(SwiftNIO/runtime) " + re.sub(r"\(.*", "", sym)[:90]
    return "?"

counts = collections.Counter(); total = 0
for frames in samples(sys.argv[1]):
    counts[site(frames)] += 1; total += 1
per_request = float(sys.argv[2]) if len(sys.argv) > 2 else 0
print(f"{total} malloc stacks recorded" + (f", scaled to {per_request:.1f} calls per request" if per_request else ""))
for name, n in counts.most_common(30):
    share = n / total
    print(f"{share * per_request:6.2f}  {name}" if per_request else f"{100 * share:5.1f}%  {name}")
