import ActionGateCore
print("no benchmarks yet")
