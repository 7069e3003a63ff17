#include "net/CryptoLibrary.h"

#include <openssl/crypto.h>

namespace getbill {

void initCryptoLibrary()
{
    static const bool done = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;
    (void)done;
}

namespace {
// Before main(): before Qt's TLS backend (or anything else) is the first to call OpenSSL.
const bool initialisedBeforeMain = (initCryptoLibrary(), true);
} // namespace

} // namespace getbill
