// The translation files against the sources: lupdate runs over src/, app/ and ui/ into a temporary .ts, and every
// message it finds must be in each committed resources/translations/getbill_<language>.ts, translated (every plural
// form), with the source's placeholders and mnemonic. A failure lists the messages, context by context, and says to
// run scripts/update-translations. getbill_en.ts, the English plural forms, is checked against lupdate -pluralonly.
// Then the catalog the executables carry: the .qm files compiled in, the language a locale picks, Qt's own dialogs.
#include "Format.h"
#include "Settings.h"
#include "Translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <algorithm>

using namespace getbill;

namespace {

/// One message of a .ts file, as lupdate identifies it (line numbers are not part of it).
struct Message
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    bool unfinished = false;
    bool obsolete = false;
    QStringList translations; ///< one, or one per plural form
};

QString keyOf(const Message &m)
{
    return m.context + QLatin1Char('\x1f') + m.source + QLatin1Char('\x1f') + m.comment;
}

QList<Message> readTs(const QString &path, QString *language)
{
    QList<Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("TS") && language) {
            *language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            current = Message();
            current.context = context;
            current.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            current.source = xml.readElementText();
        } else if (name == QLatin1String("comment")) {
            current.comment = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            const auto type = xml.attributes().value(QLatin1String("type"));
            current.unfinished = type == QLatin1String("unfinished");
            current.obsolete = type == QLatin1String("obsolete") || type == QLatin1String("vanished");
            if (current.numerus) {
                while (xml.readNextStartElement())
                    current.translations << xml.readElementText();
            } else {
                current.translations << xml.readElementText();
            }
            messages << current;
        }
    }
    return messages;
}

/// The messages of the sources: lupdate over `roots` into a new .ts file in `tmp` (with `options`, e.g. -pluralonly).
QList<Message> scan(const QString &sourceDir, const QStringList &roots, const QString &tmp, QString *error,
                    const QStringList &options = {})
{
    const QString out = tmp + (options.isEmpty() ? QStringLiteral("/scan_fr.ts") : QStringLiteral("/scan_en.ts"));
    QFile::remove(out);
    QProcess lupdate;
    lupdate.setWorkingDirectory(sourceDir);
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(GETBILL_LUPDATE),
                  QStringList{QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none")} +
                      options + roots + QStringList{QStringLiteral("-ts"), out});
    if (!lupdate.waitForFinished(120'000) || lupdate.exitCode() != 0) {
        *error = QStringLiteral("lupdate failed: ") + QString::fromLocal8Bit(lupdate.readAll());
        return {};
    }
    return readTs(out, nullptr);
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(n|L?[1-9][0-9]?)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0).remove(QLatin1Char('L'));
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasMnemonic(const QString &text)
{
    return QString(text).remove(QStringLiteral("&&")).contains(QLatin1Char('&'));
}

/// Every problem of `committed` against the sources' messages, one line each.
QStringList problems(const QList<Message> &sources, const QList<Message> &committed)
{
    QHash<QString, Message> byKey;
    for (const Message &m : committed)
        if (!m.obsolete)
            byKey.insert(keyOf(m), m);
    QStringList found;
    QSet<QString> seen;
    for (const Message &s : sources) {
        seen.insert(keyOf(s));
        const QString where =
            QStringLiteral("[%1] \"%2\"%3")
                .arg(s.context, s.source, s.comment.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(s.comment));
        const auto it = byKey.constFind(keyOf(s));
        if (it == byKey.constEnd()) {
            found << QStringLiteral("missing: ") + where;
            continue;
        }
        const Message &t = *it;
        const bool empty =
            t.translations.isEmpty() || std::any_of(t.translations.cbegin(), t.translations.cend(),
                                                    [](const QString &x) { return x.trimmed().isEmpty(); });
        if (t.unfinished || empty) {
            found << QStringLiteral("unfinished: ") + where;
            continue;
        }
        if (s.numerus != t.numerus) {
            found << QStringLiteral("plural forms missing: ") + where;
            continue;
        }
        for (const QString &translation : t.translations) {
            // A singular form may say "one" instead of %n; every other placeholder must be there.
            QStringList want = placeholders(s.source);
            QStringList got = placeholders(translation);
            if (s.numerus) {
                want.removeAll(QStringLiteral("%n"));
                got.removeAll(QStringLiteral("%n"));
            }
            if (want != got)
                found << QStringLiteral("placeholders %1 instead of %2: ")
                                 .arg(got.join(QLatin1Char(' ')), want.join(QLatin1Char(' '))) +
                             where;
            if (hasMnemonic(s.source) != hasMnemonic(translation))
                found << QStringLiteral("mnemonic (&) differs: ") + where +
                             QStringLiteral(" -> \"%1\"").arg(translation);
        }
    }
    for (const Message &t : committed)
        if (!t.obsolete && !seen.contains(keyOf(t)))
            found << QStringLiteral("no longer in the sources: [%1] \"%2\"").arg(t.context, t.source);
    return found;
}

QString sourceDir()
{
    return QStringLiteral(GETBILL_SOURCE_DIR);
}

/// The English catalog: the plural forms only (lupdate -pluralonly), English being the source text.
QString englishTsFile()
{
    return sourceDir() + QStringLiteral("/resources/translations/getbill_en.ts");
}

/// Every .ts file, the English one with them unless `withEnglish` is false.
QStringList tsFiles(bool withEnglish = true)
{
    const QDir dir(sourceDir() + QStringLiteral("/resources/translations"));
    QStringList files;
    for (const QString &name : dir.entryList({QStringLiteral("getbill_*.ts")}, QDir::Files, QDir::Name))
        if (withEnglish || dir.filePath(name) != englishTsFile())
            files << dir.filePath(name);
    return files;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT
private slots:
    void everyMessageIsTranslated_data();
    void everyMessageIsTranslated();
    void englishPluralsAreComplete();
    void theCheckBites();
    void catalogIsCompiledIn();
    void localeFollowsTheChoice();
    void englishAndUnknownLanguagesShowTheSource();
    void qtsOwnDialogsAreTranslated();
    void settingsKeepOnlyKnownLanguages();
};

void TestTranslations::everyMessageIsTranslated_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = tsFiles(false);
    QVERIFY2(files.size() >= 2, "resources/translations holds getbill_fr.ts and getbill_de.ts");
    for (const QString &file : files)
        QTest::newRow(qPrintable(QFileInfo(file).fileName())) << file;
}

void TestTranslations::everyMessageIsTranslated()
{
    QFETCH(QString, file);
    static QList<Message> sources;
    static QString scanError;
    if (sources.isEmpty() && scanError.isEmpty()) {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        sources = scan(sourceDir(), {QStringLiteral("src"), QStringLiteral("app"), QStringLiteral("ui")}, tmp.path(),
                       &scanError);
    }
    QVERIFY2(scanError.isEmpty(), qPrintable(scanError));
    // The window, the core and the CLI all have messages: a scan that finds few has lost a folder.
    QVERIFY2(sources.size() > 500, qPrintable(QString::number(sources.size())));
    QString language;
    const QList<Message> committed = readTs(file, &language);
    QVERIFY2(!committed.isEmpty(), qPrintable(file));
    QVERIFY2(QFileInfo(file).fileName() ==
                 QStringLiteral("getbill_%1.ts").arg(language.section(QLatin1Char('_'), 0, 0)),
             qPrintable(language));
    const QStringList found = problems(sources, committed);
    for (const QString &line : found)
        qWarning().noquote() << QFileInfo(file).fileName() + QStringLiteral(": ") + line;
    QVERIFY2(found.isEmpty(),
             qPrintable(QStringLiteral("%1 problem(s) in %2 (listed above): run "
                                       "scripts/update-translations, then translate what is unfinished")
                            .arg(found.size())
                            .arg(QFileInfo(file).fileName())));
}

void TestTranslations::englishPluralsAreComplete()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QString error;
    const QList<Message> sources =
        scan(sourceDir(), {QStringLiteral("src"), QStringLiteral("app"), QStringLiteral("ui")}, tmp.path(), &error,
             {QStringLiteral("-pluralonly")});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // Only messages with %n, and the window, the core and the CLI all have some.
    QVERIFY2(sources.size() > 5, qPrintable(QString::number(sources.size())));
    QVERIFY(std::all_of(sources.cbegin(), sources.cend(), [](const Message &m) { return m.numerus; }));
    QString language;
    const QList<Message> committed = readTs(englishTsFile(), &language);
    QVERIFY2(!committed.isEmpty(),
             qPrintable(englishTsFile() + QStringLiteral(": run scripts/update-translations en")));
    QCOMPARE(language, QStringLiteral("en"));
    QStringList found = problems(sources, committed);
    for (const Message &m : committed)
        if (m.numerus && m.translations.size() != 2)
            found << QStringLiteral("not two plural forms: [%1] \"%2\"").arg(m.context, m.source);
    for (const QString &line : found)
        qWarning().noquote() << QStringLiteral("getbill_en.ts: ") + line;
    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("%1 problem(s) in getbill_en.ts (listed above): run "
                                                        "scripts/update-translations en, then fill both plural forms")
                                             .arg(found.size())));
}

void TestTranslations::theCheckBites()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    writeFile(tmp.filePath(QStringLiteral("src/a.cpp")), R"x(
#include <QObject>
class Box : public QObject { Q_OBJECT
  void f() { tr("Open the report"); tr("Saved to %1"); tr("%n report(s)", nullptr, 2); tr("&Download"); }
};)x");
    QString error;
    const QList<Message> sources = scan(tmp.path(), {QStringLiteral("src")}, tmp.path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(sources.size(), 4);
    writeFile(tmp.filePath(QStringLiteral("ok.ts")), R"x(<TS version="2.1" language="fr_FR"><context><name>Box</name>
<message><source>Open the report</source><translation>Ouvrir le rapport</translation></message>
<message><source>Saved to %1</source><translation>Enregistré dans %1</translation></message>
<message numerus="yes"><source>%n report(s)</source><translation><numerusform>un rapport</numerusform><numerusform>%n rapports</numerusform></translation></message>
<message><source>&amp;Download</source><translation>&amp;Télécharger</translation></message>
</context></TS>)x");
    QCOMPARE(problems(sources, readTs(tmp.filePath(QStringLiteral("ok.ts")), nullptr)), QStringList());
    // One of each mistake: a message left out, one unfinished, a placeholder and a mnemonic lost, an empty plural
    // form, and one the sources no longer have.
    writeFile(tmp.filePath(QStringLiteral("bad.ts")), R"x(<TS version="2.1" language="fr_FR"><context><name>Box</name>
<message><source>Saved to %1</source><translation>Enregistré</translation></message>
<message numerus="yes"><source>%n report(s)</source><translation><numerusform>un rapport</numerusform><numerusform></numerusform></translation></message>
<message><source>&amp;Download</source><translation>Télécharger</translation></message>
<message><source>Gone</source><translation>Parti</translation></message>
</context></TS>)x");
    const QStringList found = problems(sources, readTs(tmp.filePath(QStringLiteral("bad.ts")), nullptr));
    QCOMPARE(found, QStringList({QStringLiteral("missing: [Box] \"Open the report\""),
                                 QStringLiteral("placeholders  instead of %1: [Box] \"Saved to %1\""),
                                 QStringLiteral("unfinished: [Box] \"%n report(s)\""),
                                 QStringLiteral("mnemonic (&) differs: [Box] \"&Download\" -> \"Télécharger\""),
                                 QStringLiteral("no longer in the sources: [Box] \"Gone\"")}));
    // A line number is not part of a message: the same sources moved down still match.
    writeFile(
        tmp.filePath(QStringLiteral("src/a.cpp")), "\n\n\n" + [&] {
            QFile f(tmp.filePath(QStringLiteral("src/a.cpp")));
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }());
    QCOMPARE(problems(scan(tmp.path(), {QStringLiteral("src")}, tmp.path(), &error),
                      readTs(tmp.filePath(QStringLiteral("ok.ts")), nullptr)),
             QStringList());
}

void TestTranslations::catalogIsCompiledIn()
{
    for (const QString &file : tsFiles()) {
        const QString language = QFileInfo(file).completeBaseName().section(QLatin1Char('_'), 1);
        QVERIFY2(QFile::exists(QStringLiteral(":/i18n/getbill_%1.qm").arg(language)), qPrintable(language));
    }
    Translations translations;
    translations.install(QLocale(QStringLiteral("fr_FR")));
    QVERIFY(translations.isTranslated());
    // Messages of the core, with and without plural forms, and the default locale that formats numbers.
    QCOMPARE(QCoreApplication::translate("getbill::Format", "Completed"), QStringLiteral("Terminé"));
    QCOMPARE(QLocale().decimalPoint(), QStringLiteral(","));
    translations.install(QLocale(QStringLiteral("de_DE")));
    QCOMPARE(QCoreApplication::translate("getbill::Format", "Completed"), QStringLiteral("Abgeschlossen"));
    QCOMPARE(Format::reportIdCount(1), QStringLiteral("1 Berichts-ID"));
}

void TestTranslations::localeFollowsTheChoice()
{
    const QLocale system = QLocale::system();
    QCOMPARE(Translations::localeFor(QString()), system);
    QCOMPARE(Translations::localeFor(QStringLiteral("xx")), system);
    QCOMPARE(Translations::localeFor(QStringLiteral("fr")).language(), QLocale::French);
    QCOMPARE(Translations::localeFor(QStringLiteral("de")).language(), QLocale::German);
    QCOMPARE(Translations::localeFor(QStringLiteral("en")).language(), QLocale::English);
}

void TestTranslations::englishAndUnknownLanguagesShowTheSource()
{
    Translations translations;
    translations.install(QLocale(QStringLiteral("fr_FR")));
    QVERIFY(translations.isTranslated());
    QCOMPARE(Format::reportIdCount(1), QStringLiteral("1 identifiant de rapport"));
    // Switching to English removes French again: the source text shows, with its plural forms from getbill_en.qm
    // ("1 report id", not "1 report id(s)").
    translations.install(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(!translations.isTranslated());
    QVERIFY(translations.hasEnglishPlurals());
    QCOMPARE(QCoreApplication::translate("getbill::Format", "Completed"), QStringLiteral("Completed"));
    QCOMPARE(Format::reportIdCount(1), QStringLiteral("1 report id"));
    QCOMPARE(Format::reportIdCount(3), QStringLiteral("3 report ids"));
    QCOMPARE(
        QCoreApplication::translate("getbill::gui::DesktopIntegration", "%n new report(s) saved to %1", nullptr, 1),
        QStringLiteral("1 new report saved to %1"));
    QCOMPARE(
        QCoreApplication::translate("getbill::gui::DesktopIntegration", "%n new report(s) saved to %1", nullptr, 2),
        QStringLiteral("2 new reports saved to %1"));
    // A language without a catalog is English too, plural forms included; so is no language at all.
    translations.install(QLocale(QLocale::Japanese));
    QVERIFY(!translations.isTranslated());
    QVERIFY(translations.hasEnglishPlurals());
    QCOMPARE(QCoreApplication::translate("getbill::Format", "Completed"), QStringLiteral("Completed"));
    QCOMPARE(Format::reportIdCount(1), QStringLiteral("1 report id"));
    translations.install(QLocale::c());
    QVERIFY(!translations.isTranslated());
    QCOMPARE(Format::reportIdCount(1), QStringLiteral("1 report id"));
}

void TestTranslations::qtsOwnDialogsAreTranslated()
{
    const QString qtDir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    QVERIFY2(QFile::exists(qtDir + QStringLiteral("/qtbase_fr.qm")),
             qPrintable(qtDir + QStringLiteral(": Debian's qt6-translations-l10n is missing")));
    Translations translations;
    translations.install(QLocale(QStringLiteral("fr_FR")));
    QVERIFY(translations.hasQtTranslation());
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Annuler"));
    translations.install(QLocale(QStringLiteral("de_DE")));
    QVERIFY(translations.hasQtTranslation());
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Abbrechen"));
}

void TestTranslations::settingsKeepOnlyKnownLanguages()
{
    QTemporaryDir tmp;
    QSettings store(tmp.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    Settings settings(&store);
    QCOMPARE(settings.language(), QString());
    settings.setLanguage(QStringLiteral("de"));
    QCOMPARE(settings.language(), QStringLiteral("de"));
    settings.setLanguage(QString());
    QCOMPARE(settings.language(), QString());
    store.setValue(QStringLiteral("window/language"), QStringLiteral("klingon")); // a hand-edited file
    QCOMPARE(settings.language(), QString());
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
