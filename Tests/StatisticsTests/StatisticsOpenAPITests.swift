import IblaghSchemas
@testable import Statistics
import Testing
import TestSupport

/// docs/openapi/statistics.json describes the public figures for those who read them with their own tools; these
/// tests hold it to the code (the answers' shapes are checked against a real service in `StatisticsServiceTests`).
@Suite("docs/openapi/statistics.json is the statistics API as it is")
struct StatisticsOpenAPITests {
    @Test("every route the statistics service and its probes answer is described, and nothing else")
    func routes() throws {
        let served = try OpenAPIDocument.routes(in: ["Services/Statistics/StatisticsHTTPAPI.swift", "Shared/ServiceBootstrap/Probes.swift"])
        #expect(served.count == 9, "\(served.sorted())")
        #expect(try OpenAPIDocument("statistics.json").operations == served)
    }

    @Test("the categories, the funnel's stages and the time measures are the code's")
    func enumerations() throws {
        let spec = try OpenAPIDocument("statistics.json")
        #expect(Set(try spec.schema("Category")["enum"] as? [String] ?? []) == Set(Iblagh_V1_ReportCategory.shortNames.keys))
        #expect(try spec.properties("FunnelStage")["stage"]?["enum"] as? [String] == Funnel.stageNames)
        #expect(try spec.enumeration("TimeFigure", "measure") == Set(TimeFigures.measures.map(\.0)))
    }

    @Test("Schemathesis finds every answer of a real statistics service as described: no 5xx, a wrong parameter 400, every page's type as said")
    func schemathesis() async throws {
        // Its tracker is out of reach: the figures are empty, which leaves the service ready and every answer's shape.
        let service = try StatisticsProcess()
        let (process, port) = try await service.start(tracker: TestPorts.endpoint())
        defer { process.stop() }
        let result = try await Schemathesis.check("statistics.json", port: port, scratch: service.directory)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("Selected: 9/9"), "\(result.output)")
    }
}
