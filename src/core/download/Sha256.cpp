#include "download/Sha256.h"

#include "net/CryptoLibrary.h"

#include <QIODevice>
#include <openssl/evp.h>

namespace getbill {

struct Sha256::Context
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_context(std::make_unique<Context>())
{
    initCryptoLibrary(); // long done before main(); the call keeps that rule linked into every program that hashes
    reset();
}

Sha256::~Sha256() = default;

void Sha256::reset()
{
    EVP_DigestInit_ex(m_context->ctx, EVP_sha256(), nullptr);
}

void Sha256::addData(const char *data, qint64 size)
{
    if (size > 0)
        EVP_DigestUpdate(m_context->ctx, data, size_t(size));
}

bool Sha256::addData(QIODevice *device)
{
    QByteArray buffer(1024 * 1024, Qt::Uninitialized);
    for (;;) {
        const qint64 n = device->read(buffer.data(), buffer.size());
        if (n < 0)
            return false;
        if (n == 0)
            return device->atEnd();
        addData(buffer.constData(), n);
    }
}

QByteArray Sha256::result() const
{
    // Finalising consumes a context: finish a copy, so that more data can follow.
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    QByteArray digest(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    EVP_MD_CTX_copy_ex(copy, m_context->ctx);
    EVP_DigestFinal_ex(copy, reinterpret_cast<unsigned char *>(digest.data()), &length);
    EVP_MD_CTX_free(copy);
    digest.resize(int(length));
    return digest;
}

QByteArray Sha256::hash(const QByteArray &data)
{
    Sha256 sha;
    sha.addData(data);
    return sha.result();
}

} // namespace getbill
