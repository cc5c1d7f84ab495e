/// A protobuf wire-format reader and writer small enough to trust by reading, so tests can pin
/// Envoy's field numbers and types independently of the generated code.
enum Wire {
    enum Value: Equatable {
        case varint(UInt64)
        case bytes([UInt8])
    }

    // MARK: Writing

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            out.append(byte)
        } while value != 0
        return out
    }

    static func field(_ number: Int, varint value: UInt64) -> [UInt8] {
        varint(UInt64(number) << 3 | 0) + varint(value)
    }

    static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
        varint(UInt64(number) << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    static func field(_ number: Int, string: String) -> [UInt8] {
        field(number, bytes: Array(string.utf8))
    }

    // MARK: Reading

    struct Malformed: Error {}

    /// Top-level fields in order; only wire types 0 (varint) and 2 (length-delimited) occur here.
    static func fields(_ bytes: [UInt8]) throws -> [(number: Int, value: Value)] {
        var index = 0
        func readVarint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.count, shift < 64 else { throw Malformed() }
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
        }
        var out: [(Int, Value)] = []
        while index < bytes.count {
            let key = try readVarint()
            switch key & 7 {
            case 0:
                out.append((Int(key >> 3), .varint(try readVarint())))
            case 2:
                let length = Int(try readVarint())
                guard index + length <= bytes.count else { throw Malformed() }
                out.append((Int(key >> 3), .bytes(Array(bytes[index..<index + length]))))
                index += length
            default:
                throw Malformed()
            }
        }
        return out
    }

    /// Every payload of field `number` that is length-delimited.
    static func messages(_ bytes: [UInt8], field number: Int) throws -> [[UInt8]] {
        try fields(bytes).compactMap { field in
            guard field.number == number, case .bytes(let payload) = field.value else { return nil }
            return payload
        }
    }

    static func message(_ bytes: [UInt8], field number: Int) throws -> [UInt8]? {
        try messages(bytes, field: number).first
    }

    static func string(_ bytes: [UInt8], field number: Int) throws -> String? {
        try message(bytes, field: number).map { String(decoding: $0, as: UTF8.self) }
    }

    static func strings(_ bytes: [UInt8], field number: Int) throws -> [String] {
        try messages(bytes, field: number).map { String(decoding: $0, as: UTF8.self) }
    }

    static func varint(_ bytes: [UInt8], field number: Int) throws -> UInt64? {
        for field in try fields(bytes) where field.number == number {
            if case .varint(let value) = field.value { return value }
        }
        return nil
    }
}
