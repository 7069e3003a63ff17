// SyncTemplate: parsing (every error names what is wrong) and rendering of hostile report fields, which must stay
// one safe path component each, inside the output folder.
#include "download/SafeFileName.h"
#include "download/SyncTemplate.h"

#include <QTest>

using namespace getbill;

namespace {
Report report(const QString &title = QStringLiteral("Summary"), const QString &filename = QStringLiteral("sum.pdf"))
{
    Report r;
    r.id = QStringLiteral("report_abc123");
    r.type = QStringLiteral("financial");
    r.title = title;
    r.filename = filename;
    r.mimeType = QStringLiteral("application/pdf");
    r.periodFrom = QDate(2024, 3, 1);
    r.periodTo = QDate(2024, 3, 31);
    r.generatedAt = QDateTime(QDate(2024, 4, 2), QTime(7, 5, 9), Qt::UTC);
    r.status = QStringLiteral("completed");
    return r;
}

QString render(const QString &text, const Report &r)
{
    QString error;
    const std::optional<SyncTemplate> t = SyncTemplate::parse(text, &error);
    if (!t)
        qFatal("template %s refused: %s", qPrintable(text), qPrintable(error));
    return t->render(r);
}

/// Every component of a rendered path passes SafeFileName's checks, and the whole stays inside a folder.
bool isSafePath(const QString &relative)
{
    const QStringList parts = relative.split(u'/');
    for (const QString &part : parts)
        if (!SafeFileName::isSafeComponent(part))
            return false;
    return !SyncTemplate::inside(QStringLiteral("/srv/reports"), relative).isEmpty();
}
} // namespace

class tst_SyncTemplate : public QObject
{
    Q_OBJECT

private slots:
    void defaultIsTheFolderDownloadsName()
    {
        const Report r = report(QStringLiteral("x"), QStringLiteral("../../etc/passwd.pdf"));
        QCOMPARE(SyncTemplate::standard().text(), QStringLiteral("{filename}"));
        QCOMPARE(SyncTemplate::standard().render(r), SafeFileName::sanitize(r.filename, r.id, r.mimeType));
        QCOMPARE(SyncTemplate::standard().render(r), QStringLiteral("passwd.pdf"));
    }

    void fields_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("folders") << "{type}/{period_from:yyyy}/{filename}"
                                 << "financial/2024/sum.pdf";
        QTest::newRow("month") << "{period_from:yyyy-MM}/{stem} ({id}).{ext}"
                               << "2024-03/sum (report_abc123).pdf";
        QTest::newRow("default date format") << "{period_from}_{period_to}.{ext}"
                                             << "2024-03-01_2024-03-31.pdf";
        QTest::newRow("generated at") << "{generated_at:yyyyMMdd HHmmss} {title}"
                                      << "20240402 070509 Summary.pdf";
        QTest::newRow("month name, C locale") << "{period_from:MMM yyyy}/{filename}"
                                              << "Mar 2024/sum.pdf";
        QTest::newRow("no extension in the template gets the MIME type's") << "{title}"
                                                                           << "Summary.pdf";
        QTest::newRow("a wrong extension is replaced") << "{title}.exe"
                                                       << "Summary.pdf";
        QTest::newRow("literal text") << "GetBill reports/{type}-{id}.pdf"
                                      << "GetBill reports/financial-report_abc123.pdf";
    }

    void fields()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const QString path = render(text, report());
        QCOMPARE(path, expected);
        QVERIFY(isSafePath(path));
    }

    void hostileTitlesStayOneComponent_data()
    {
        QTest::addColumn<QString>("title");
        QTest::newRow("climb") << "../../../etc";
        QTest::newRow("slashes") << "a/b/c";
        QTest::newRow("backslashes") << "..\\..\\windows";
        QTest::newRow("dot dot") << "..";
        QTest::newRow("dot") << ".";
        QTest::newRow("empty") << "";
        QTest::newRow("spaces") << "   ";
        QTest::newRow("reserved CON") << "CON";
        QTest::newRow("reserved nul.txt") << "nul.txt";
        QTest::newRow("300 characters") << QString(300, u'x');
        QTest::newRow("300 multibyte characters") << QString(300, QChar(0x00e9));
        QTest::newRow("controls and bidi") << QStringLiteral("a\u202Eb\u0007c\nd");
        QTest::newRow("fullwidth solidus") << QStringLiteral("a\uFF0F..\uFF0Fb");
        QTest::newRow("leading dots") << "...hidden";
        QTest::newRow("windows characters") << "a<b>c:d\"e|f?g*h";
    }

    void hostileTitlesStayOneComponent()
    {
        QFETCH(QString, title);
        const Report r = report(title, title);
        for (const QString &text : {QStringLiteral("{title}/{filename}"), QStringLiteral("{type}/{title}"),
                                    QStringLiteral("{title}"), QStringLiteral("{title}{title}/{stem}.{ext}")}) {
            const QString path = render(text, r);
            QVERIFY2(isSafePath(path), qPrintable(text + QStringLiteral(" -> ") + path));
            QCOMPARE(path.count(u'/'), text.count(u'/'));
            QVERIFY2(path.endsWith(QLatin1String(".pdf")), qPrintable(path));
        }
    }

    void hostileOtherFields()
    {
        Report r = report();
        r.id = QStringLiteral("../x");
        r.type = QStringLiteral("/etc");
        r.periodFrom = QDate();
        r.generatedAt = QDateTime();
        const QString path = render(QStringLiteral("{type}/{period_from:yyyy}/{generated_at}/{id}"), r);
        QCOMPARE(path, QStringLiteral("_etc/_/_/_x.pdf"));
        QVERIFY(isSafePath(path));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "the template is empty";
        QTest::newRow("blank") << "   "
                               << "the template is empty";
        QTest::newRow("unknown field") << "{type}/{titel}"
                                       << "unknown field {titel}";
        QTest::newRow("empty field") << "{}"
                                     << "empty field {}";
        QTest::newRow("unclosed") << "{type/x"
                                  << "\"{type\" has no closing";
        QTest::newRow("unclosed at end") << "x/{title"
                                         << "\"{title\" has no closing";
        QTest::newRow("nested") << "{ti{tle}}"
                                << "\"{ti\" has no closing";
        QTest::newRow("close without open") << "a}b"
                                            << "\"}\" without \"{\"";
        QTest::newRow("slash in a format") << "{period_from:yyyy/MM}"
                                           << "a field cannot contain \"/\"";
        QTest::newRow("date letters") << "{period_from:yyyy-QQ}"
                                      << "bad date format \"yyyy-QQ\" for {period_from}";
        QTest::newRow("quotes in a format") << "{period_to:'x'}"
                                            << "bad date format \"'x'\" for {period_to}";
        QTest::newRow("time on a date") << "{period_from:HH}"
                                        << "bad date format \"HH\" for {period_from}";
        QTest::newRow("three y") << "{generated_at:yyy}"
                                 << "bad date format \"yyy\" for {generated_at}";
        QTest::newRow("empty format") << "{period_from:}"
                                      << "bad date format \"\" for {period_from}";
        QTest::newRow("format on text") << "{title:yyyy}"
                                        << "the field {title} takes no format";
        QTest::newRow("absolute") << "/srv/{filename}"
                                  << "must be a path relative to the output folder";
        QTest::newRow("drive") << "C:/{filename}"
                               << "must be a path relative to the output folder";
        QTest::newRow("double slash") << "{type}//{filename}"
                                      << "empty folder name";
        QTest::newRow("trailing slash") << "{type}/"
                                        << "empty folder name";
        QTest::newRow("dot dot") << "../{filename}"
                                 << "cannot use \"..\" as a folder";
        QTest::newRow("dot") << "{type}/./{filename}"
                             << "cannot use \".\" as a folder";
        QTest::newRow("too deep") << QStringLiteral("a/").repeated(16) + QStringLiteral("{filename}")
                                  << "at most 16 are allowed";
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!SyncTemplate::parse(text, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void insideRefusesWhatLeaves()
    {
        QCOMPARE(SyncTemplate::inside(QStringLiteral("/srv/r"), QStringLiteral("a/b.pdf")),
                 QStringLiteral("/srv/r/a/b.pdf"));
        QVERIFY(SyncTemplate::inside(QStringLiteral("/srv/r"), QStringLiteral("../b.pdf")).isEmpty());
        QVERIFY(SyncTemplate::inside(QStringLiteral("/srv/r"), QStringLiteral("a/../../r2/b.pdf")).isEmpty());
        QVERIFY(SyncTemplate::inside(QStringLiteral("/srv/r"), QStringLiteral(".")).isEmpty());
        QVERIFY(SyncTemplate::inside(QStringLiteral("/srv/r"), QString()).isEmpty());
        QVERIFY(SyncTemplate::inside(QStringLiteral("/"), QStringLiteral("x")) == QStringLiteral("/x"));
    }

    void componentRules()
    {
        QCOMPARE(SafeFileName::component(QStringLiteral("a/b")), QStringLiteral("a_b"));
        QCOMPARE(SafeFileName::component(QStringLiteral("..")), QStringLiteral("_"));
        QCOMPARE(SafeFileName::component(QString()), QStringLiteral("_"));
        QCOMPARE(SafeFileName::component(QStringLiteral("CON")), QStringLiteral("_CON"));
        QCOMPARE(SafeFileName::component(QStringLiteral("  x. ")), QStringLiteral("x"));
        QVERIFY(SafeFileName::component(QString(300, u'x')).toUtf8().size() <= SafeFileName::maxBytes);
        for (const QString &bad :
             {QString(), QStringLiteral("."), QStringLiteral(".."), QStringLiteral(".x"), QStringLiteral("x."),
              QStringLiteral("x "), QStringLiteral("a/b"), QStringLiteral("a\\b"), QStringLiteral("nul"),
              QStringLiteral("a\u200Bb"), QString(201, u'x')})
            QVERIFY2(!SafeFileName::isSafeComponent(bad), qPrintable(bad));
        QVERIFY(SafeFileName::isSafeComponent(QStringLiteral("Summary 2024.pdf")));
    }
};

QTEST_APPLESS_MAIN(tst_SyncTemplate)
#include "tst_synctemplate.moc"
