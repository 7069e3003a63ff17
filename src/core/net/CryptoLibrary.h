#pragma once

namespace getbill {

/// OpenSSL's libcrypto (the downloads' SHA-256 here, TLS through Qt's backend) set up without its clean-up at exit.
/// That clean-up (an atexit handler) freed the thread state of every thread, Qt's network thread included, while
/// that thread could still be ending, and the thread's own exit then freed it a second time: an AddressSanitizer
/// double free when the CLI exited (tst_nginx, one run in many); glibc aborts on it outside a sanitizer. The system
/// takes back a process's memory at exit anyway.
///
/// The first call to OpenSSL decides, so this runs before main() in every program that links it (ApiClient and
/// Sha256 call it, so every program that talks to the API or hashes a download does); calling it again does nothing.
void initCryptoLibrary();

} // namespace getbill
