// SecretFile: the credential files of unattended runs are read only when they are the user's own regular files, and
// a secret only when nobody else can read it; every refusal names the file and never its content.
#include "auth/SecretFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace getbill;

class tst_SecretFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &content, mode_t mode)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        file.close();
        ::chmod(QFile::encodeName(path).constData(), mode);
        return path;
    }

    static QString refusal(const QString &path, SecretFile::Rule rule)
    {
        QString error;
        const std::optional<QString> value = SecretFile::read(path, rule, &error);
        if (value)
            return QStringLiteral("(read)");
        return error;
    }

private slots:
    void readsTheFirstLine()
    {
        QString error;
        const QString path = write(QStringLiteral("secret"), "s3cr3t+/=  \nsecond line\n", 0600);
        QCOMPARE(SecretFile::read(path, SecretFile::Rule::Secret, &error),
                 std::optional<QString>(QStringLiteral("s3cr3t+/=")));
        QCOMPARE(SecretFile::read(write(QStringLiteral("ro"), "x", 0400), SecretFile::Rule::Secret, &error),
                 std::optional<QString>(QStringLiteral("x")));
        // A client id is no secret: others may read it.
        QCOMPARE(SecretFile::read(write(QStringLiteral("id"), "client_1\n", 0644), SecretFile::Rule::Public, &error),
                 std::optional<QString>(QStringLiteral("client_1")));
        // systemd's credentials: the group bits are the mask of the ACL it grants the service's user.
        QCOMPARE(SecretFile::read(write(QStringLiteral("cred"), "s\n", 0440), SecretFile::Rule::Systemd, &error),
                 std::optional<QString>(QStringLiteral("s")));
    }

    void refusals_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("message");
        QTest::newRow("readable by others") << 0644 << "can be read or changed by other users (mode 0644)";
        QTest::newRow("readable by the group") << 0640 << "(mode 0640); it must be yours alone: chmod 600";
        QTest::newRow("writable by others") << 0602 << "(mode 0602)";
    }

    void refusals()
    {
        QFETCH(int, mode);
        QFETCH(QString, message);
        const QString path = write(QStringLiteral("open"), "topsecret", mode_t(mode));
        const QString error = refusal(path, SecretFile::Rule::Secret);
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(error.contains(path));
        QVERIFY(!error.contains(QLatin1String("topsecret")));
    }

    void systemdCredentialsAreNeverForEveryone()
    {
        const QString path = write(QStringLiteral("world"), "topsecret", 0444);
        const QString error = refusal(path, SecretFile::Rule::Systemd);
        QVERIFY2(error.contains(QLatin1String("can be read or changed by any user (mode 0444)")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1String("topsecret")));
        QVERIFY(refusal(write(QStringLiteral("group"), "x", 0440), SecretFile::Rule::Secret)
                    .contains(QLatin1String("(mode 0440)")));
    }

    void linksAndOddFilesAreRefused()
    {
        const QString target = write(QStringLiteral("target"), "topsecret", 0600);
        const QString link = m_dir.filePath(QStringLiteral("link"));
        QVERIFY(QFile::link(target, link));
        QVERIFY2(refusal(link, SecretFile::Rule::Secret).contains(QLatin1String("is a symbolic link")),
                 qPrintable(refusal(link, SecretFile::Rule::Secret)));
        QVERIFY(refusal(link, SecretFile::Rule::Public).contains(QLatin1String("is a symbolic link")));

        const QString fifo = m_dir.filePath(QStringLiteral("fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QVERIFY2(refusal(fifo, SecretFile::Rule::Secret).contains(QLatin1String("is not a regular file")),
                 qPrintable(refusal(fifo, SecretFile::Rule::Secret)));
        QVERIFY(refusal(m_dir.path(), SecretFile::Rule::Public).contains(QLatin1String("is not a regular file")));

        QVERIFY(refusal(m_dir.filePath(QStringLiteral("missing")), SecretFile::Rule::Secret)
                    .contains(QLatin1String("Cannot read")));
        QVERIFY(refusal(write(QStringLiteral("empty"), "\n  \n", 0600), SecretFile::Rule::Secret)
                    .contains(QLatin1String("is empty")));
        QVERIFY(refusal(write(QStringLiteral("huge"), QByteArray(SecretFile::maxBytes + 1, 'x'), 0600),
                        SecretFile::Rule::Secret)
                    .contains(QLatin1String("too large")));
    }

    void anotherUsersFileIsRefused()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to give a file to another user");
        const QString path = write(QStringLiteral("theirs"), "topsecret", 0600);
        QCOMPARE(::chown(QFile::encodeName(path).constData(), 65534, 65534), 0);
        for (const SecretFile::Rule rule :
             {SecretFile::Rule::Secret, SecretFile::Rule::Public, SecretFile::Rule::Systemd})
            QVERIFY2(refusal(path, rule).contains(QLatin1String("belongs to another user")),
                     qPrintable(refusal(path, rule)));
    }
};

QTEST_APPLESS_MAIN(tst_SecretFile)
#include "tst_secretfile.moc"
