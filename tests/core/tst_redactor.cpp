// Redactor: every form of secret the logs and the diagnostics report may meet goes, and text without one stays as it
// was.
#include "diag/Redactor.h"

#include <QTest>

using namespace getbill;
using namespace Qt::StringLiterals;

class TestRedactor : public QObject
{
    Q_OBJECT
private slots:
    void secretsGo_data();
    void secretsGo();
    void textWithoutSecretsIsUnchanged_data();
    void textWithoutSecretsIsUnchanged();
    void knownSecretsGoWhereverTheyAre();
    void redactingTwiceChangesNothing();
};

void TestRedactor::secretsGo_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bearer header") << u"Authorization: Bearer abc.DEF-123_x"_s << u"abc.DEF-123_x"_s
                                   << u"Authorization: Bearer [redacted]"_s;
    QTest::newRow("bearer lower case") << u"authorization: bearer s3cr3tTok"_s << u"s3cr3tTok"_s
                                       << u"authorization: bearer [redacted]"_s;
    QTest::newRow("access_token query") << u"https://h/x?access_token=tok123&page=2"_s << u"tok123"_s
                                        << u"https://h/x?access_token=[redacted]&page=2"_s;
    QTest::newRow("token query") << u"GET https://h/x?a=1&token=zzzz9"_s << u"zzzz9"_s
                                 << u"GET https://h/x?a=1&token=[redacted]"_s;
    QTest::newRow("client_secret form") << u"grant_type=client_credentials&client_secret=verysecret"_s
                                        << u"verysecret"_s
                                        << u"grant_type=client_credentials&client_secret=[redacted]"_s;
    QTest::newRow("client_secret form first")
        << u"client_secret=verysecret&x=1"_s << u"verysecret"_s << u"client_secret=[redacted]&x=1"_s;
    QTest::newRow("access_token json") << uR"({"access_token": "eyJhbGc.x.y", "expires_in": 3600})"_s
                                       << u"eyJhbGc.x.y"_s
                                       << uR"({"access_token": "[redacted]", "expires_in": 3600})"_s;
    QTest::newRow("client_secret json") << uR"({"client_secret":"s\"ecret"})"_s << uR"(s\"ecret)"_s
                                        << uR"({"client_secret":"[redacted]"})"_s;
    QTest::newRow("signature") << u"http://127.0.0.1:4000/files/r.pdf?expires=1700000000&signature=AbC-_12"_s
                               << u"AbC-_12"_s
                               << u"http://127.0.0.1:4000/files/r.pdf?expires=[redacted]&signature=[redacted]"_s;
    QTest::newRow("sig") << u"https://cdn/x.pdf?sig=deadbeef"_s << u"deadbeef"_s
                         << u"https://cdn/x.pdf?sig=[redacted]"_s;
    QTest::newRow("secure_link md5") << u"https://dl/f.csv?md5=Zm9vYmFy&expires=99"_s << u"Zm9vYmFy"_s
                                     << u"https://dl/f.csv?md5=[redacted]&expires=[redacted]"_s;
    QTest::newRow("amz signature") << u"https://s3/b/k?X-Amz-Date=20240101&X-Amz-Signature=0a1b2c3d"_s << u"0a1b2c3d"_s
                                   << u"https://s3/b/k?X-Amz-Date=20240101&X-Amz-Signature=[redacted]"_s;
    QTest::newRow("amz credential") << u"?X-Amz-Credential=AKIAXYZ%2F2024&x=1"_s << u"AKIAXYZ"_s
                                    << u"?X-Amz-Credential=[redacted]&x=1"_s;
    QTest::newRow("in a sentence") << u"Error transferring https://h/f?signature=QQQQ - server replied: Gone"_s
                                   << u"QQQQ"_s
                                   << u"Error transferring https://h/f?signature=[redacted] - server replied: Gone"_s;
}

void TestRedactor::secretsGo()
{
    QFETCH(QString, text);
    QFETCH(QString, secret);
    QFETCH(QString, expected);
    const QString out = Redactor::redact(text);
    QCOMPARE(out, expected);
    QVERIFY(!out.contains(secret));
}

void TestRedactor::textWithoutSecretsIsUnchanged_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain url") << u"https://getbill.io/external-api/v1/reports?limit=100&page=2&type=financial"_s;
    QTest::newRow("request line") << u"GET 127.0.0.1:40000 /reports/download/report_a1 -> 200 (12 ms)"_s;
    QTest::newRow("words") << u"The token was refused; sign in again. Signatures are checked."_s;
    QTest::newRow("tokens param is another name") << u"https://h/x?tokens=3&mytoken=4"_s;
    QTest::newRow("empty") << QString();
}

void TestRedactor::textWithoutSecretsIsUnchanged()
{
    QFETCH(QString, text);
    QCOMPARE(Redactor::redact(text), text);
}

void TestRedactor::knownSecretsGoWhereverTheyAre()
{
    const QString token = u"tok/en+with=chars"_s;
    const QString text = u"raw "_s + token + u" encoded "_s + QString::fromLatin1(QUrl::toPercentEncoding(token));
    const QString out = Redactor::redact(text, {token, QString(), u"ab"_s});
    QCOMPARE(out, u"raw [redacted] encoded [redacted]"_s);
    // Empty and very short "secrets" do not blank out ordinary text.
    QCOMPARE(Redactor::redact(u"about a b"_s, {u"ab"_s, QString()}), u"about a b"_s);
}

void TestRedactor::redactingTwiceChangesNothing()
{
    const QString once = Redactor::redact(u"Bearer x1y2 ?token=abc&signature=def {\"access_token\":\"q\"}"_s);
    QCOMPARE(Redactor::redact(once), once);
    QVERIFY(!once.contains(u"x1y2"_s));
    QVERIFY(!once.contains(u"abc"_s));
    QVERIFY(!once.contains(u"def"_s));
}

QTEST_APPLESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
