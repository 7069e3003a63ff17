// Settings: typed values, defaults, clamping, URL policy, and that nothing secret-looking is ever written.

#include "Settings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace getbill;

class TestSettings : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_counter));
    }

    void defaults()
    {
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        QVERIFY(settings.apiUrl().isEmpty());
        QCOMPARE(settings.saveMode(), Settings::SaveMode::AskEveryTime);
        QCOMPARE(settings.maxConcurrentDownloads(), 3);
        QVERIFY(!settings.downloadFolder().isEmpty());
        QCOMPARE(settings.lastSaveFolder(), settings.downloadFolder());
        QVERIFY(settings.caBundlePath().isEmpty());
    }

    void valuesSurviveARestart()
    {
        {
            QSettings store(m_path, QSettings::IniFormat);
            Settings settings(&store);
            QVERIFY(settings.setApiUrl(QUrl(QStringLiteral("https://eu.getbill.io/external-api/v1"))));
            settings.setSaveMode(Settings::SaveMode::AlwaysToFolder);
            settings.setDownloadFolder(QStringLiteral("/data/reports"));
            settings.setLastSaveFolder(QStringLiteral("/data/last"));
            settings.setMaxConcurrentDownloads(5);
            settings.setCaBundlePath(QStringLiteral("/etc/corp-ca.pem"));
            settings.setTableHeaderState(QByteArrayLiteral("\x01\x02header"));
            settings.sync();
        }
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        QCOMPARE(settings.apiUrl(), QUrl(QStringLiteral("https://eu.getbill.io/external-api/v1")));
        QCOMPARE(settings.saveMode(), Settings::SaveMode::AlwaysToFolder);
        QCOMPARE(settings.downloadFolder(), QStringLiteral("/data/reports"));
        QCOMPARE(settings.lastSaveFolder(), QStringLiteral("/data/last"));
        QCOMPARE(settings.maxConcurrentDownloads(), 5);
        QCOMPARE(settings.caBundlePath(), QStringLiteral("/etc/corp-ca.pem"));
        QCOMPARE(settings.tableHeaderState(), QByteArrayLiteral("\x01\x02header"));
    }

    void concurrencyIsClamped_data()
    {
        QTest::addColumn<int>("input");
        QTest::addColumn<int>("stored");
        QTest::newRow("zero") << 0 << 1;
        QTest::newRow("negative") << -4 << 1;
        QTest::newRow("one") << 1 << 1;
        QTest::newRow("eight") << 8 << 8;
        QTest::newRow("too many") << 50 << 8;
    }
    void concurrencyIsClamped()
    {
        QFETCH(int, input);
        QFETCH(int, stored);
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        settings.setMaxConcurrentDownloads(input);
        QCOMPARE(settings.maxConcurrentDownloads(), stored);
    }

    void handEditedConcurrencyIsClamped()
    {
        QSettings store(m_path, QSettings::IniFormat);
        store.setValue(QStringLiteral("downloads/maxConcurrent"), 99);
        Settings settings(&store);
        QCOMPARE(settings.maxConcurrentDownloads(), 8);
        store.setValue(QStringLiteral("downloads/maxConcurrent"), QStringLiteral("lots"));
        QCOMPARE(settings.maxConcurrentDownloads(), 3);
    }

    void insecureApiUrlsAreRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("https") << "https://getbill.io/external-api/v1" << true;
        QTest::newRow("loopback http") << "http://127.0.0.1:8080/external-api/v1" << true;
        QTest::newRow("localhost http") << "http://localhost:9/x" << true;
        QTest::newRow("plain http") << "http://example.com" << false;
        QTest::newRow("ftp") << "ftp://getbill.io/" << false;
    }
    void insecureApiUrlsAreRefused()
    {
        QFETCH(QString, url);
        QFETCH(bool, accepted);
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        QVERIFY(settings.setApiUrl(QUrl(QStringLiteral("https://good.example/v1"))));
        QCOMPARE(settings.setApiUrl(QUrl(url)), accepted);
        QCOMPARE(settings.apiUrl(), accepted ? QUrl(url) : QUrl(QStringLiteral("https://good.example/v1")));
    }

    void handEditedInsecureUrlIsIgnored()
    {
        QSettings store(m_path, QSettings::IniFormat);
        store.setValue(QStringLiteral("api/url"), QStringLiteral("http://evil.example/api"));
        Settings settings(&store);
        QVERIFY(settings.apiUrl().isEmpty());
    }

    void urlCredentialsAreNeverStored()
    {
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        QVERIFY(settings.setApiUrl(QUrl(QStringLiteral("https://user:secret@getbill.io/external-api/v1?token=abc"))));
        settings.sync();
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains("secret"), content.constData());
        QVERIFY2(!content.contains("token=abc"), content.constData());
        QCOMPARE(settings.apiUrl(), QUrl(QStringLiteral("https://getbill.io/external-api/v1")));
    }

    void emptyUrlResetsToDefault()
    {
        QSettings store(m_path, QSettings::IniFormat);
        Settings settings(&store);
        QVERIFY(settings.setApiUrl(QUrl(QStringLiteral("https://a.example/v1"))));
        QVERIFY(settings.setApiUrl(QUrl()));
        QVERIFY(settings.apiUrl().isEmpty());
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_counter = 0;
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
