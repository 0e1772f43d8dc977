#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TCP client socket to 127.0.0.1 that reads only when told to: exact bytes out, raw
/// bytes in, for tests that must control when (and whether) the client reads.
public struct LoopbackSocket {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    ///
    /// - Parameters:
    ///   - receiveTimeout: seconds a read may wait for bytes before `readToEnd` gives up.
    ///   - receiveBufferSize: a small kernel receive buffer, so an unread response backs up into
    ///     the server's buffers (nil: the system's default).
    public init(port: Int, receiveTimeout: Int = 10, receiveBufferSize: Int32? = nil) throws {
        #if canImport(Glibc)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if var size = receiveBufferSize {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close()
            throw Failure(description: "connect to \(port): errno \(error)")
        }
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write: errno \(errno)") }
            sent += written
        }
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Everything until the server closes the connection; throws when a read fails or times out.
    public func readToEnd() throws -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw Failure(description: "read: errno \(errno) (timed out?)") }
            if count == 0 { return received }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// One read of at most `limit` bytes: what arrived (waiting for something), empty at the end.
    public func receive(upTo limit: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(limit, 1))
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw Failure(description: "read: errno \(errno) (timed out?)") }
        return Array(buffer[..<count])
    }

    /// Half-closes: the server sees the end of the request stream and can still answer.
    public func closeOutput() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    public func close() {
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }
}
