import CLibCrypto

/// The OpenSSL this process runs with.
public enum OpenSSLLibrary {
    /// Its version number as the library reports it (`3.0.17`), not the headers it was compiled against.
    public static var version: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
    }
}
