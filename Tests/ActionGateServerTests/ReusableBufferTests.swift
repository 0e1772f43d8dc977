import NIOCore
import Testing

@testable import ActionGateServer

/// `ReusableBuffer`, the per-loop head buffer: reuse must never touch bytes a channel still holds,
/// must reuse the memory once it was let go, and must not keep large buffers.
@Suite struct ReusableBufferTests {
    static func address(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withVeryUnsafeBytes { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func bytesStillHeldByAWriteAreNeverOverwritten() {
        var reusable = ReusableBuffer()
        var first = reusable.take(minimumCapacity: 64)
        first.writeString("HTTP/1.1 200 OK\r\n\r\n")
        reusable.keep(first)
        // The channel still holds `first` (its write has not completed): the next head gets other memory.
        let inFlight = first
        first = ByteBuffer()
        var second = reusable.take(minimumCapacity: 64)
        #expect(second.readableBytes == 0)
        second.writeString("HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(inFlight.getString(at: 0, length: inFlight.readableBytes) == "HTTP/1.1 200 OK\r\n\r\n")
        #expect(Self.address(second) != Self.address(inFlight))
        #expect(second.getString(at: 0, length: second.readableBytes) == "HTTP/1.1 404 Not Found\r\n\r\n")
    }

    @Test func memoryLetGoIsReusedEmptyAndGrownOnDemand() {
        var reusable = ReusableBuffer()
        var buffer = reusable.take(minimumCapacity: 256)
        buffer.writeString(String(repeating: "x", count: 200))
        let memory = Self.address(buffer)
        reusable.keep(buffer)
        buffer = ByteBuffer()  // the write completed: only the kept reference remains
        var next = reusable.take(minimumCapacity: 128)
        #expect(Self.address(next) == memory)
        #expect(next.readableBytes == 0 && next.readerIndex == 0)
        next.writeString("y")
        #expect(next.readableBytesView.elementsEqual([UInt8(ascii: "y")]))
        reusable.keep(next)
        next = ByteBuffer()
        let larger = reusable.take(minimumCapacity: 4096)
        #expect(larger.capacity >= 4096 && larger.readableBytes == 0)
    }

    @Test func largeBuffersAreNotKept() {
        var reusable = ReusableBuffer()
        var big = reusable.take(minimumCapacity: ReusableBuffer.maximumCapacity + 1)
        big.writeRepeatingByte(0x61, count: ReusableBuffer.maximumCapacity + 1)
        reusable.keep(big)
        let next = reusable.take(minimumCapacity: 16)
        #expect(Self.address(next) != Self.address(big))
        #expect(next.capacity < ReusableBuffer.maximumCapacity)
    }
}
