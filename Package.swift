// swift-tools-version:6.1
import PackageDescription

/// Iblagh: five services that carry a report of online crime from the citizen to the court, over CURVE-encrypted
/// ZeroMQ. `Shared/` holds the libraries every service stands on; `Services/` one folder per executable.
let package = Package(
    name: "Iblagh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "iblagh", targets: ["Iblagh"]),
        .executable(name: "iblagh-intake", targets: ["Intake"]),
        .executable(name: "iblagh-router", targets: ["JurisdictionRouter"]),
        .executable(name: "iblagh-notifier", targets: ["PoliceNotifier"]),
        .executable(name: "iblagh-tracker", targets: ["ProsecutionTracker"]),
        .executable(name: "iblagh-statistics", targets: ["StatisticsService"]),
        .executable(name: "iblagh-fuzz", targets: ["IblaghFuzz"]),
        .executable(name: "iblagh-fault-run", targets: ["FaultRun"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "IblaghCrypto", targets: ["IblaghCrypto"]),
        .library(name: "IblaghSchemas", targets: ["IblaghSchemas"]),
        .library(name: "IblaghStore", targets: ["IblaghStore"]),
        .library(name: "ReliableHop", targets: ["ReliableHop"]),
        .library(name: "Jurisdiction", targets: ["Jurisdiction"]),
        .library(name: "ReportValidation", targets: ["ReportValidation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(
            url: "https://github.com/apple/swift-configuration", from: "1.0.0",
            traits: [.defaults, "CommandLineArguments"]),
    ],
    targets: [
        // System libraries from Debian's packages.
        .systemLibrary(
            name: "CZeroMQ", path: "Shared/CZeroMQ", pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(
            name: "CLibCrypto", path: "Shared/CLibCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Shared/CMalloc"),

        // Shared libraries.
        .target(
            name: "ZeroMQ",
            dependencies: [
                "CZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Shared/ZeroMQ"),
        .target(name: "Hexadecimal", path: "Shared/Hexadecimal"),
        .target(name: "JSONFiles", dependencies: ["Hexadecimal"], path: "Shared/JSONFiles"),
        .target(name: "IblaghCrypto", dependencies: ["CLibCrypto", "Hexadecimal"], path: "Shared/IblaghCrypto"),
        .target(
            name: "IblaghSchemas",
            dependencies: ["Hexadecimal", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Shared/IblaghSchemas",
            exclude: ["proto", "python", "PROTOCOL.md", "generate.sh"]),

        .target(
            name: "IblaghStore",
            dependencies: [
                "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/IblaghStore"),
        .target(
            name: "ReliableHop",
            dependencies: [
                "ZeroMQ", "IblaghSchemas", "IblaghStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Shared/ReliableHop"),

        .target(name: "Statistics", dependencies: ["IblaghSchemas", "IblaghStore"], path: "Shared/Statistics"),
        .target(name: "CaseHistory", dependencies: ["IblaghStore", "IblaghCrypto", "Hexadecimal", "JSONFiles"], path: "Shared/CaseHistory"),
        .target(name: "Jurisdiction", dependencies: ["IblaghSchemas", "JSONFiles"], path: "Shared/Jurisdiction"),
        .target(
            name: "RoutingLedger",
            dependencies: ["Jurisdiction", "IblaghSchemas", "IblaghStore", "ReliableHop"],
            path: "Shared/RoutingLedger"),
        .target(
            name: "ReportValidation",
            dependencies: ["IblaghSchemas", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Shared/ReportValidation"),
        .target(
            name: "ServiceBootstrap",
            dependencies: [
                "ZeroMQ", "IblaghCrypto", "IblaghSchemas", "IblaghStore", "ReliableHop", "CMalloc", "JSONFiles", "Hexadecimal", "BuildInfo",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ServiceBootstrap", exclude: ["generate.py"]),

        .target(name: "WebForms", path: "Shared/WebForms"),
        .target(name: "BuildInfo", dependencies: ["ZeroMQ", "IblaghCrypto", "IblaghStore", "IblaghSchemas", "Hexadecimal"], path: "Shared/BuildInfo"),

        // Executables.
        .executableTarget(
            name: "Intake",
            dependencies: [
                "ServiceBootstrap", "ReportValidation", "WebForms", "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "ReliableHop",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Intake"),
        .executableTarget(
            name: "Iblagh",
            dependencies: [
                "ZeroMQ", "IblaghCrypto", "IblaghSchemas", "IblaghStore", "ReliableHop", "Jurisdiction", "RoutingLedger", "CaseHistory", "Statistics",
                "ReportValidation", "BuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/Iblagh"),
        .executableTarget(
            name: "JurisdictionRouter",
            dependencies: [
                "ServiceBootstrap", "Jurisdiction", "RoutingLedger", "ZeroMQ", "IblaghSchemas", "IblaghStore", "ReliableHop",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/JurisdictionRouter"),
        .executableTarget(
            name: "PoliceNotifier",
            dependencies: [
                "ServiceBootstrap", "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "ReliableHop", "JSONFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/PoliceNotifier"),
        .executableTarget(
            name: "ProsecutionTracker",
            dependencies: [
                "ServiceBootstrap", "CaseHistory", "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "ReliableHop",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/ProsecutionTracker"),
        .executableTarget(
            name: "StatisticsService",
            dependencies: [
                "ServiceBootstrap", "Statistics", "ZeroMQ", "IblaghSchemas", "IblaghStore", "ReliableHop", "CLibCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Statistics"),
        .executableTarget(
            name: "ZeroMQBench",
            dependencies: [
                "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/ZeroMQBench"),
        .target(name: "BenchSupport", dependencies: ["JSONFiles"], path: "Benchmarks/BenchSupport"),
        .executableTarget(
            name: "HopBench",
            dependencies: [
                "IblaghStore", "BenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/HopBench"),

        .executableTarget(name: "RoutingBench", dependencies: ["Jurisdiction"], path: "Benchmarks/RoutingBench"),
        .executableTarget(
            name: "IntakeBench",
            dependencies: [
                "ZeroMQ", "IblaghCrypto", "IblaghSchemas", "IblaghStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Benchmarks/IntakeBench"),
        .executableTarget(
            name: "PipelineBench",
            dependencies: [
                "ZeroMQ", "IblaghCrypto", "IblaghSchemas", "BenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Benchmarks/PipelineBench"),
        .executableTarget(
            name: "HopHarness",
            dependencies: [
                "ReliableHop", "ZeroMQ", "IblaghSchemas", "IblaghStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HopHarness"),

        // Tests: one target per module.
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "CZeroMQ"], path: "Tests/ZeroMQTests"),
        .testTarget(name: "IblaghCryptoTests", dependencies: ["IblaghCrypto", "Hexadecimal"], path: "Tests/IblaghCryptoTests"),
        .testTarget(
            name: "IblaghSchemasTests",
            dependencies: ["IblaghSchemas", "FuzzTargets", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/IblaghSchemasTests"),
        .target(
            name: "FuzzTargets",
            dependencies: ["IblaghSchemas", "Jurisdiction", "ReportValidation", "WebForms", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/Fuzz/Targets"),
        .executableTarget(
            name: "FaultRun",
            dependencies: ["ZeroMQ", "IblaghSchemas", "IblaghStore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/FaultRun", exclude: ["fault-run.sh"]),
        .executableTarget(name: "IblaghFuzz", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/Driver"),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets", "TestSupport"], path: "Tests/FuzzCorpusTests"),
        .target(
            name: "TestSupport",
            dependencies: [
                "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "ReliableHop", "CLibPQ",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "IblaghTests", dependencies: ["Iblagh", "ZeroMQ", "ServiceBootstrap", "TestSupport", "JSONFiles", "IblaghSchemas", "IblaghStore", "BenchSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")], path: "Tests/IblaghTests"),
        .testTarget(
            name: "IntakeTests",
            dependencies: [
                "Intake", "ServiceBootstrap", "ZeroMQ", "IblaghSchemas", "IblaghStore", "IblaghCrypto", "Hexadecimal", "ReliableHop", "ReportValidation", "WebForms", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/IntakeTests"),
        .testTarget(name: "JurisdictionTests", dependencies: ["Jurisdiction", "IblaghSchemas"], path: "Tests/JurisdictionTests"),
        .testTarget(
            name: "StatisticsTests",
            dependencies: [
                "Statistics", "StatisticsService", "Iblagh", "IblaghSchemas", "IblaghStore", "ReliableHop", "ZeroMQ", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/StatisticsTests"),
        .testTarget(
            name: "ProsecutionTrackerTests",
            dependencies: [
                "ProsecutionTracker", "Iblagh", "Statistics", "CaseHistory", "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "ReliableHop",
                "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/ProsecutionTrackerTests"),
        .testTarget(
            name: "PoliceNotifierTests",
            dependencies: [
                "PoliceNotifier", "Iblagh", "ZeroMQ", "IblaghCrypto", "Hexadecimal", "IblaghSchemas", "IblaghStore", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/PoliceNotifierTests"),
        .testTarget(
            name: "JurisdictionRouterTests",
            dependencies: [
                "JurisdictionRouter", "Iblagh", "Jurisdiction", "ZeroMQ", "IblaghSchemas", "IblaghStore", "ReliableHop", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/JurisdictionRouterTests"),
        .testTarget(name: "IblaghStoreTests", dependencies: ["IblaghStore", "TestSupport"], path: "Tests/IblaghStoreTests"),
        .testTarget(
            name: "ReliableHopTests",
            dependencies: [
                "HopHarness", "Iblagh", "ReliableHop", "IblaghStore", "IblaghSchemas", "ZeroMQ", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/ReliableHopTests"),
    ],
    swiftLanguageModes: [.v6]
)
