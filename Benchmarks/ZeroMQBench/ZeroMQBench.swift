import ArgumentParser
import Foundation
import ZeroMQ

/// Messages/s through our Swift API over CURVE PUSH/PULL on loopback — the workload of baseline/curve_pushpull.c,
/// which Benchmarks/zeromq.sh runs beside it. Prints one number so the script can compute the ratio.
@main
struct ZeroMQBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeromq-bench",
        abstract: "CURVE PUSH/PULL throughput through the Swift API (messages/s on standard output).")

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        /// A blocking sender thread; the receiver is a PollLoop handler draining the socket.
        case loop
        /// Both sides through AsyncSocket (async/await bridged to the poll loops), in batches of up to 256/1,024.
        case async
    }

    @Option(help: "Payload bytes per message.") var size = 256
    @Option(help: "Messages to send.") var count = 200_000
    @Option(help: "Which API path to measure: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")).") var mode = Mode.loop

    func run() async throws {
        let context = try ZMQContext(ioThreads: 2)
        let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
        let pull = try context.socket(.pull)
        try pull.makeCurveServer(keyPair: serverKeys, allowList: AllowList([clientKeys.publicKey: "bench"]))
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try context.socket(.push)
        try push.makeCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
        try push.connect(endpoint)
        try push.setLinger(nil)
        let payload = Multipart([UInt8](repeating: 0, count: size))

        let rate: Double
        switch mode {
        case .loop: rate = try await measureLoop(pull: pull, push: push, payload: payload)
        case .async: rate = try await measureAsync(pull: pull, push: push, payload: payload)
        }
        print(String(format: "%.0f", rate))
    }

    private func measureLoop(pull: sending ZMQSocket, push: sending ZMQSocket, payload: Multipart) async throws -> Double {
        let count = self.count
        let loop = PollLoop(name: "bench-pull")
        defer { loop.stop() }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let receiver = pull  // handed to the loop thread, not touched here again
        let start = ContinuousClock.now
        loop.execute {
            var received = 0
            loop.watch(receiver) { _ in
                while received < count, (try? receiver.receive(dontWait: true)) != nil { received += 1 }
                if received == count {
                    loop.unwatch(receiver)
                    done.signal()
                }
            }
        }
        nonisolated(unsafe) let sender = push
        let thread = Thread {
            for _ in 0..<count { _ = try? sender.send(payload) }
        }
        thread.start()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    private func measureAsync(pull: sending ZMQSocket, push: sending ZMQSocket, payload: Multipart) async throws -> Double {
        let count = self.count
        let pullLoop = PollLoop(name: "bench-pull"), pushLoop = PollLoop(name: "bench-push")
        defer {
            pullLoop.stop()
            pushLoop.stop()
        }
        let receiver = await AsyncSocket(pull, loop: pullLoop)
        let sender = await AsyncSocket(push, loop: pushLoop)
        let start = ContinuousClock.now
        let batch = [Multipart](repeating: payload, count: 256)
        async let sent: Void = {
            var left = count
            while left > 0 {
                try await sender.send(contentsOf: Array(batch.prefix(left)))
                left -= min(left, batch.count)
            }
        }()
        var received = 0
        while received < count { received += try await receiver.receive(upTo: 1024).count }
        try await sent
        return Double(count) / (ContinuousClock.now - start).seconds
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
