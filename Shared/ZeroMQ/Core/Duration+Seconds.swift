extension Duration {
    /// The duration as a number of seconds (here, the lowest module the services, the hop and the benchmarks share).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
