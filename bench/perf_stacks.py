"""Reads the output of `perf script -F ip,sym,dso` (demangled): one list of (symbol, dso) frames per
sample, leaf first. Shared by bench/perf_costs.py and bench/alloc_sites.py."""
import re

FRAME = re.compile(r"\s+[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$")


def samples(path):
    frames = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        match = FRAME.match(line) if line.strip() else None
        if match:
            frames.append((match.group(1), match.group(2)))
        elif not line.strip() or not line.startswith(("\t", " ")):
            if frames:
                yield frames
            frames = []
    if frames:
        yield frames
