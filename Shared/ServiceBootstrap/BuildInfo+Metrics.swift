import BuildInfo
import Metrics

extension BuildInfo {
    /// Sets `iblagh_build_info{build,libzmq,sqlite,openssl} 1`.
    func record() {
        Gauge(label: "iblagh_build_info", dimensions: labels).record(1)
    }
}
