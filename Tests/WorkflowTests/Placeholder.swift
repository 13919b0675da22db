import Testing
@testable import Workflow
@Test func placeholder() { #expect(true) }
