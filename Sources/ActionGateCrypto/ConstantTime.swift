import COpenSSL

/// Comparison whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// True when both buffers hold the same bytes. Time depends only on the lengths (which are public):
    /// buffers of different length compare unequal at once.
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let left = a.baseAddress, let right = b.baseAddress else { return true }
        return CRYPTO_memcmp(left, right, a.count) == 0
    }

    /// True when both collections hold the same bytes (see the buffer overload).
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let left = a.withContiguousStorageIfAvailable { Array($0) } ?? Array(a)
        let right = b.withContiguousStorageIfAvailable { Array($0) } ?? Array(b)
        return left.withUnsafeBytes { l in right.withUnsafeBytes { r in equals(l, r) } }
    }
}
