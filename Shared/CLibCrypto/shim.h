#ifndef IBLAGH_CLIBCRYPTO_SHIM_H
#define IBLAGH_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

/// OpenSSL 3 looks an algorithm up by name — locks and string compares — every time a legacy getter such as
/// EVP_sha256() is used or a KDF is fetched. The algorithms are fetched once per process and reused (SHA-256 of a short
/// message: 0.42 µs against 0.65 µs with EVP_sha256()). scrypt contexts are copied from a prototype where OpenSSL
/// can copy them (3.2 and later; the copy keeps the prototype's SHA-256); OpenSSL 3.0, Debian 12's, cannot, so there
/// each scrypt context is new and fetches its SHA-256 again — about 50 µs per hash at n=2^4, 2.2 ms at 2^10.
/// (Function-local statics: a file-scope static in a header Swift imports is not emitted.)
typedef struct {
    EVP_MD *sha256;
    EVP_CIPHER *aes_256_gcm;
    EVP_KDF *scrypt;
    /// A context to copy, when this OpenSSL can copy scrypt contexts (3.0 cannot: then a new one is made each time).
    EVP_KDF_CTX *scrypt_prototype;
} iblagh_algorithms_t;

static inline const iblagh_algorithms_t *iblagh_algorithms(void) {
    static iblagh_algorithms_t *shared;
    iblagh_algorithms_t *found = __atomic_load_n(&shared, __ATOMIC_ACQUIRE);
    if (found != NULL) return found;
    iblagh_algorithms_t *made = (iblagh_algorithms_t *)OPENSSL_zalloc(sizeof(iblagh_algorithms_t));
    if (made == NULL) return NULL;
    made->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    made->aes_256_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    made->scrypt = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    if (made->scrypt != NULL) {
        made->scrypt_prototype = EVP_KDF_CTX_new(made->scrypt);
        EVP_KDF_CTX *copy = made->scrypt_prototype != NULL ? EVP_KDF_CTX_dup(made->scrypt_prototype) : NULL;
        if (copy == NULL) {
            EVP_KDF_CTX_free(made->scrypt_prototype);
            made->scrypt_prototype = NULL;
        }
        EVP_KDF_CTX_free(copy);
    }
    iblagh_algorithms_t *expected = NULL;
    if (__atomic_compare_exchange_n(&shared, &expected, made, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return made;
    // Another thread won the race: keep its set.
    EVP_MD_free(made->sha256);
    EVP_CIPHER_free(made->aes_256_gcm);
    EVP_KDF_free(made->scrypt);
    EVP_KDF_CTX_free(made->scrypt_prototype);
    OPENSSL_free(made);
    return expected;
}

/// SHA-256, fetched once (the legacy getter if the fetch failed).
static inline const EVP_MD *iblagh_sha256(void) {
    const iblagh_algorithms_t *algorithms = iblagh_algorithms();
    return algorithms != NULL && algorithms->sha256 != NULL ? algorithms->sha256 : EVP_sha256();
}

/// AES-256-GCM, fetched once (the legacy getter if the fetch failed).
static inline const EVP_CIPHER *iblagh_aes_256_gcm(void) {
    const iblagh_algorithms_t *algorithms = iblagh_algorithms();
    return algorithms != NULL && algorithms->aes_256_gcm != NULL ? algorithms->aes_256_gcm : EVP_aes_256_gcm();
}

/// scrypt through OpenSSL 3's EVP_KDF (the parameter names are C macros Swift cannot build an OSSL_PARAM array
/// from). Returns 1 on success.
static inline int iblagh_scrypt(const unsigned char *password, size_t password_length,
                                const unsigned char *salt, size_t salt_length,
                                uint64_t n, uint32_t r, uint32_t p, uint64_t max_memory,
                                unsigned char *out, size_t out_length) {
    const iblagh_algorithms_t *algorithms = iblagh_algorithms();
    if (algorithms == NULL || algorithms->scrypt == NULL) return 0;
    EVP_KDF_CTX *context = algorithms->scrypt_prototype != NULL
        ? EVP_KDF_CTX_dup(algorithms->scrypt_prototype) : EVP_KDF_CTX_new(algorithms->scrypt);
    if (context == NULL) return 0;
    OSSL_PARAM params[7];
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)password, password_length);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_length);
    params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
    params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
    params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
    params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory);
    params[6] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(context, out, out_length, params);
    EVP_KDF_CTX_free(context);
    return ok;
}
#endif
