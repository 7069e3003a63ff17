// The window in French (and its menus in German) on the sandbox's reports: every text a user reads or hears (labels,
// buttons, menus and actions, table headers and the translated columns, tooltips, placeholders, accessible names)
// must be in the language, apart from a short allowlist (product names, report ids, file names, units). A text is
// English when it is one of the catalog's English sources that has a translation, or when it holds a word that is
// English and neither French nor German ("the", "report", "download"...): the second catches strings that never went
// through tr(). Menus and dialogs keep one mnemonic per letter in the translations too.
#include "DownloadsPanel.h"
#include "GuiHarness.h"
#include "MainWindow.h"
#include "ReportTableModel.h"
#include "SettingsDialog.h"
#include "SignInDialog.h"
#include "Translations.h"
#include "auth/Account.h"
#include "auth/MemorySecretStore.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableView>
#include <QXmlStreamReader>

using namespace getbill;
using namespace getbill::test;
using namespace Qt::StringLiterals;

namespace {

/// Words of English user interfaces that are no French or German word.
const QSet<QString> &englishWords()
{
    static const QSet<QString> words = [] {
        QSet<QString> set;
        const QString list = QStringLiteral(
            "the and of to with for from is are not no this that your you it its be was were been has have "
            "report reports file files folder folders save saved open opened show shown copy copied search refresh "
            "settings sign signed cancel cancelled retry loading loaded title period size generated requested "
            "preview select selected all download downloaded downloading failed completed pending processing "
            "financial collection help view quit find about welcome explore sample language system keep tray "
            "window close yes unknown bytes page pages of previous next fit width text copy again later running "
            "queued waiting verifying paused moved deleted remove list history clear path address certificates "
            "extra ask each always once create choose credential access client secret token out test connected "
            "status ready available yet details where why when what which there here now new old other "
            "january february march april may june july august september october november december monday tuesday "
            "wednesday thursday friday saturday sunday");
        for (const QString &w : list.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            set.insert(w);
        // German and French words spelt as English ones: not a sign of English.
        for (const char *same : {"status", "details", "token", "client", "secret", "export", "format", "page", "pages",
                                 "test", "in", "type", "description", "message", "zoom", "options", "demo"})
            set.remove(QString::fromLatin1(same));
        return set;
    }();
    return words;
}

/// Texts that stay as they are in every language.
QString withoutAllowed(QString text)
{
    static const QList<QRegularExpression> allowed = {
        QRegularExpression(QStringLiteral("GetBill Reports|GetBill")),
        QRegularExpression(QStringLiteral("\\breport_[A-Za-z0-9_]+")),                           // report ids
        QRegularExpression(QStringLiteral("\\breports:read\\b")),                                // the API's scope
        QRegularExpression(QStringLiteral("\\S+\\.(pdf|csv|xlsx|txt|pem|crt)\\b")),              // file names
        QRegularExpression(QStringLiteral("(https?|getbill)://\\S+")),                           // addresses
        QRegularExpression(QStringLiteral("(/[^\\s/]+)+/?")),                                    // paths
        QRegularExpression(QStringLiteral("\\b(English|Deutsch|Français)\\b")),                  // language names
        QRegularExpression(QStringLiteral("\\b(PDF|CSV|XLSX|API|OK|ID|Ctrl|Strg|F5|Excel)\\b")), // names, keys
    };
    for (const QRegularExpression &re : allowed)
        text.remove(re);
    return text;
}

QString plain(QString text)
{
    return text.replace(QStringLiteral("&&"), QStringLiteral("\x01"))
        .remove(QLatin1Char('&'))
        .replace(QLatin1Char('\x01'), QLatin1Char('&'));
}

/// The catalog's English sources that have a translation different from themselves.
QSet<QString> translatedSources(const QString &language)
{
    QSet<QString> sources;
    QFile file(QStringLiteral(GETBILL_SOURCE_DIR "/resources/translations/getbill_%1.ts").arg(language));
    if (!file.open(QIODevice::ReadOnly))
        return sources;
    QXmlStreamReader xml(&file);
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (translation != source && source.size() > 3 && !source.contains(QLatin1Char('%')))
                sources.insert(plain(source).trimmed());
        }
    }
    return sources;
}

/// Collects what a user reads in a widget tree, each text with where it was found.
class TextWalk
{
public:
    void add(const QString &where, const QString &text)
    {
        if (!text.trimmed().isEmpty())
            texts << qMakePair(where, plain(text).trimmed());
    }
    void addActions(const QString &where, const QList<QAction *> &actions)
    {
        for (QAction *a : actions) {
            if (a->isSeparator())
                continue;
            add(where + QStringLiteral(" action"), a->text());
            if (a->toolTip() != plain(a->text()).remove(QStringLiteral("…")))
                add(where + QStringLiteral(" action tooltip"), a->toolTip());
            add(where + QStringLiteral(" action status tip"), a->statusTip());
            if (a->menu())
                addActions(where + QStringLiteral(" > ") + plain(a->text()), a->menu()->actions());
        }
    }
    /// Every text of `root` and its children but those named in `data` (server text: titles, descriptions).
    void addTree(QWidget *root, const QStringList &data = {})
    {
        QList<QWidget *> widgets = root->findChildren<QWidget *>();
        widgets.prepend(root);
        for (QWidget *w : widgets) {
            if (data.contains(w->objectName()))
                continue;
            const QString where =
                QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName();
            add(where + QStringLiteral(" tooltip"), w->toolTip());
            add(where + QStringLiteral(" accessible name"), w->accessibleName());
            add(where + QStringLiteral(" window title"),
                w->isWindow() || qobject_cast<QDockWidget *>(w) ? w->windowTitle() : QString());
            if (auto *label = qobject_cast<QLabel *>(w))
                add(where, label->text());
            if (auto *button = qobject_cast<QAbstractButton *>(w))
                add(where, button->text());
            if (auto *group = qobject_cast<QGroupBox *>(w))
                add(where, group->title());
            if (auto *edit = qobject_cast<QLineEdit *>(w); edit && !edit->isReadOnly())
                add(where + QStringLiteral(" placeholder"), edit->placeholderText());
            if (auto *combo = qobject_cast<QComboBox *>(w))
                for (int i = 0; i < combo->count(); ++i)
                    add(where + QStringLiteral(" item"), combo->itemText(i));
            if (auto *tabs = qobject_cast<QTabWidget *>(w))
                for (int i = 0; i < tabs->count(); ++i) {
                    add(where + QStringLiteral(" tab"), tabs->tabText(i));
                    add(where + QStringLiteral(" tab tooltip"), tabs->tabToolTip(i));
                }
            if (auto *header = qobject_cast<QHeaderView *>(w); header && header->model())
                for (int i = 0; i < header->count(); ++i)
                    add(where + QStringLiteral(" header"),
                        header->model()->headerData(i, header->orientation()).toString());
            addActions(where, w->actions());
        }
    }

    /// The texts that are English, one line each.
    QStringList english(const QSet<QString> &sources) const
    {
        QStringList found;
        static const QRegularExpression word(QStringLiteral("[A-Za-z]+"));
        for (const auto &[where, text] : texts) {
            if (sources.contains(text) || sources.contains(QString(text).remove(QLatin1Char(':')).trimmed())) {
                found << QStringLiteral("%1: \"%2\" (an English source of the catalog)").arg(where, text);
                continue;
            }
            const QString checked = withoutAllowed(text);
            for (auto it = word.globalMatch(checked); it.hasNext();) {
                const QString w = it.next().captured(0);
                if (englishWords().contains(w.toLower())) {
                    found << QStringLiteral("%1: \"%2\" (\"%3\")").arg(where, text, w);
                    break;
                }
            }
        }
        found.removeDuplicates();
        return found;
    }

    QList<QPair<QString, QString>> texts;
};

QChar mnemonic(const QString &text)
{
    const QString t = QString(text).remove(QStringLiteral("&&"));
    const int at = t.indexOf(QLatin1Char('&'));
    return at >= 0 && at + 1 < t.size() ? t.at(at + 1).toLower() : QChar();
}

/// Letters used twice among `texts` (the mnemonics of one menu or one dialog).
QStringList repeatedMnemonics(const QString &where, const QStringList &texts)
{
    QHash<QChar, QString> seen;
    QStringList found;
    for (const QString &text : texts) {
        const QChar m = mnemonic(text);
        if (m.isNull())
            continue;
        if (seen.contains(m))
            found << QStringLiteral("%1: Alt+%2 for \"%3\" and \"%4\"").arg(where, QString(m), seen.value(m), text);
        seen.insert(m, text);
    }
    return found;
}

QStringList menuMnemonics(QMenuBar *bar)
{
    QStringList found;
    QStringList top;
    for (QAction *menu : bar->actions()) {
        top << menu->text();
        QStringList items;
        for (QAction *a : menu->menu()->actions())
            items << a->text();
        found << repeatedMnemonics(plain(menu->text()), items);
    }
    return found + repeatedMnemonics(QStringLiteral("menu bar"), top);
}

QStringList dialogMnemonics(QWidget *dialog)
{
    QStringList texts;
    for (QWidget *w : dialog->findChildren<QWidget *>()) {
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            texts << button->text();
        else if (auto *label = qobject_cast<QLabel *>(w); label && label->buddy())
            texts << label->text();
        else if (auto *group = qobject_cast<QGroupBox *>(w))
            texts << group->title();
    }
    return repeatedMnemonics(dialog->objectName(), texts);
}

void failOn(const QStringList &found, const char *what)
{
    for (const QString &line : found)
        qWarning().noquote() << line;
    QVERIFY2(found.isEmpty(),
             qPrintable(QStringLiteral("%1 %2 (listed above)").arg(found.size()).arg(QString::fromLatin1(what))));
}

} // namespace

class TestTranslatedWindow : public QObject
{
    Q_OBJECT
private slots:
    void frenchWindowHasNoEnglish();
    void frenchDialogsHaveNoEnglish();
    void germanMenusHaveNoEnglish();
    void theWalkBites();
};

void TestTranslatedWindow::frenchWindowHasNoEnglish()
{
    Translations translations;
    translations.install(QLocale(QStringLiteral("fr_FR")));
    QVERIFY(translations.isTranslated());
    GuiHarness h;
    const QSet<QString> sources = translatedSources(QStringLiteral("fr"));
    QVERIFY2(sources.size() > 300, qPrintable(QString::number(sources.size())));

    TextWalk welcome;
    h.window->showWelcome();
    welcome.addTree(h.window.get());
    failOn(welcome.english(sources), "English texts on the French welcome page");

    QVERIFY(h.showLoaded());
    QTableView *table = h.window->reportTable();
    table->selectionModel()->setCurrentIndex(table->model()->index(0, 0),
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    h.window->downloadsPanel()->parentWidget()->show();
    TextWalk walk;
    walk.addTree(h.window.get(), {u"detailTitle"_s, u"detailDescription"_s, u"reportTable"_s});
    walk.addActions(u"menu"_s, h.window->menuBar()->actions());
    // The columns the application writes (type, period, status, size, date) for the first rows; titles are
    // the server's.
    for (int row = 0; row < qMin(20, table->model()->rowCount()); ++row)
        for (int column = 1; column < table->model()->columnCount(); ++column) {
            walk.add(u"table cell"_s, table->model()->index(row, column).data().toString());
            walk.add(u"table tooltip"_s, table->model()->index(row, column).data(Qt::ToolTipRole).toString());
        }
    QVERIFY(walk.texts.size() > 100);
    failOn(walk.english(sources), "English texts in the French window");
    failOn(menuMnemonics(h.window->menuBar()), "repeated mnemonics in the French menus");

    // Dates and sizes in the French way: "1,5 Mo", day before month.
    const QString generated = table->model()->index(0, gui::ReportTableModel::GeneratedColumn).data().toString();
    QVERIFY2(generated.isEmpty() || generated.contains(QRegularExpression(u"^\\d{2}/\\d{2}/\\d{4}"_s)),
             qPrintable(generated));
}

void TestTranslatedWindow::frenchDialogsHaveNoEnglish()
{
    Translations translations;
    translations.install(QLocale(QStringLiteral("fr_FR")));
    const QSet<QString> sources = translatedSources(QStringLiteral("fr"));
    GuiHarness h;
    {
        gui::SettingsDialog dialog(&h.settings, &h.chooser);
        TextWalk walk;
        walk.addTree(&dialog);
        failOn(walk.english(sources), "English texts in the French settings dialog");
        failOn(dialogMnemonics(&dialog), "repeated mnemonics in the French settings dialog");
        // Qt's own buttons come from qtbase_fr.qm.
        QCOMPARE(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->text().remove(u'&'),
                 u"Annuler"_s);
    }
    {
        MemorySecretStore store;
        Account account(&store, &h.fixture.network());
        gui::SignInDialog dialog(&account, &h.fixture.api());
        TextWalk walk;
        walk.addTree(&dialog);
        failOn(walk.english(sources), "English texts in the French sign-in dialog");
        failOn(dialogMnemonics(&dialog), "repeated mnemonics in the French sign-in dialog");
    }
}

void TestTranslatedWindow::germanMenusHaveNoEnglish()
{
    Translations translations;
    translations.install(QLocale(QStringLiteral("de_DE")));
    QVERIFY(translations.isTranslated());
    const QSet<QString> sources = translatedSources(QStringLiteral("de"));
    GuiHarness h;
    QVERIFY(h.showLoaded());
    TextWalk walk;
    walk.addActions(u"menu"_s, h.window->menuBar()->actions());
    QVERIFY(walk.texts.size() > 10);
    // "Download" is German too.
    QStringList found = walk.english(sources);
    found.removeIf(
        [](const QString &line) { return line.endsWith(u"(\"Download\")"_s) || line.endsWith(u"(\"Downloads\")"_s); });
    failOn(found, "English texts in the German menus");
    failOn(menuMnemonics(h.window->menuBar()), "repeated mnemonics in the German menus");
    {
        gui::SettingsDialog dialog(&h.settings, &h.chooser);
        failOn(dialogMnemonics(&dialog), "repeated mnemonics in the German settings dialog");
    }
    {
        MemorySecretStore store;
        Account account(&store, &h.fixture.network());
        gui::SignInDialog dialog(&account, &h.fixture.api());
        failOn(dialogMnemonics(&dialog), "repeated mnemonics in the German sign-in dialog");
    }
}

void TestTranslatedWindow::theWalkBites()
{
    // The same window in English: the walk must find English everywhere, by both rules.
    Translations translations;
    translations.install(QLocale(QStringLiteral("en_US")));
    GuiHarness h;
    QVERIFY(h.showLoaded());
    TextWalk walk;
    walk.addActions(u"menu"_s, h.window->menuBar()->actions());
    const QStringList found = walk.english(translatedSources(QStringLiteral("fr")));
    QVERIFY(found.size() >= walk.texts.size() / 2);
    QVERIFY(found.join(u'\n').contains(u"an English source of the catalog"_s));
    TextWalk bypass; // a string that never went through tr()
    bypass.add(u"label"_s, u"Téléchargé, 3 reports saved"_s);
    bypass.add(u"label"_s, u"Rapport report_abc123 enregistré dans /home/me/q1.pdf — GetBill Reports"_s);
    QCOMPARE(bypass.english({}).size(), 1);
    QCOMPARE(repeatedMnemonics(u"menu"_s, {u"&Fichier"_s, u"&Fermer"_s, u"A&ide"_s}).size(), 1);
}

QTEST_MAIN(TestTranslatedWindow)
#include "tst_translatedwindow.moc"
