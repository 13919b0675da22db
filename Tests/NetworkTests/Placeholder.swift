import Testing
@testable import Network
@Test func placeholder() { #expect(true) }
