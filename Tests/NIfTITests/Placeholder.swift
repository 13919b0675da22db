import Testing
@testable import NIfTI
@Test func placeholder() { #expect(true) }
