#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>
#include <memory>

class QTranslator;

namespace getbill {

/// The languages of the user interface: the application's own messages (compiled into the executables as
/// :/i18n/getbill_<language>.qm, with getbill_en.qm for the English plural forms) and Qt's (its dialogs' buttons,
/// from the system's qtbase_<language>.qm), for the window and the CLI alike. main() owns one and installs it before
/// anything shows a word; the locale it installs also becomes the default QLocale, so dates, numbers and sizes
/// follow the language.
class Translations
{
public:
    /// The language codes a user may choose besides the system's: English (the source text), French, German.
    static QStringList languages();
    /// The locale of a choice: an empty code is the system's (LANG, LC_ALL, LANGUAGE); a code of languages() is
    /// that language (with the system's country when it speaks it); anything else is the system's.
    static QLocale localeFor(const QString &language);

    Translations();
    ~Translations();
    Translations(const Translations &) = delete;
    Translations &operator=(const Translations &) = delete;

    /// Installs the translations of `locale` into the running QCoreApplication, replacing earlier ones, and makes
    /// `locale` the default QLocale. English, or a language without a translation, installs only the English plural
    /// forms (getbill_en.qm: "1 report", "2 reports"), which are also the fallback under any other catalog.
    void install(const QLocale &locale);

    /// Whether the application's own messages are translated (false for English).
    bool isTranslated() const { return m_app != nullptr; }
    /// Whether the English plural forms (getbill_en.qm) are installed.
    bool hasEnglishPlurals() const { return m_plurals != nullptr; }
    /// Whether Qt's own messages (standard buttons, file dialogs) were found for the installed language.
    bool hasQtTranslation() const { return m_qt != nullptr; }

private:
    void remove();

    std::unique_ptr<QTranslator> m_plurals;
    std::unique_ptr<QTranslator> m_app;
    std::unique_ptr<QTranslator> m_qt;
};

} // namespace getbill
