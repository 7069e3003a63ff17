#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace getbill {

QStringList Translations::languages()
{
    return {QStringLiteral("en"), QStringLiteral("fr"), QStringLiteral("de")};
}

QLocale Translations::localeFor(const QString &language)
{
    const QLocale system = QLocale::system();
    if (!languages().contains(language))
        return system;
    const QLocale chosen(language);
    // Deutsch on a Swiss system keeps Swiss dates and numbers; on a French one, German ones.
    return chosen.language() == system.language() ? system : chosen;
}

Translations::Translations() = default;

Translations::~Translations()
{
    remove();
}

void Translations::install(const QLocale &locale)
{
    remove();
    QLocale::setDefault(locale);
    // English is the source text, but "%n report(s)" needs its plural forms: getbill_en.qm holds only those
    // ("1 report" / "2 reports"). It goes in first, under any other catalog, so it is what English and a language
    // without a catalog of its own show, and what a message a catalog lacks falls back to.
    auto plurals = std::make_unique<QTranslator>();
    if (plurals->load(QStringLiteral("getbill_en"), QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(plurals.get());
        m_plurals = std::move(plurals);
    }
    // QTranslator tries each of the locale's UI languages in turn (LANGUAGE=de:fr gives German first): English is
    // the source text, so a locale whose first language is English must not fall through to another one.
    if (locale.uiLanguages().value(0).startsWith(QLatin1String("en")) || locale.language() == QLocale::C)
        return;
    auto app = std::make_unique<QTranslator>();
    if (!app->load(locale, QStringLiteral("getbill"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        return;
    if (app->language().startsWith(QLatin1String("en"))) // getbill_en.qm itself (LANGUAGE=en_GB:fr, say)
        return;
    QCoreApplication::installTranslator(app.get());
    m_app = std::move(app);
    // Qt's own words (OK, Cancel, the file dialog) in the same language as ours, when the system has them
    // (Debian: qt6-translations-l10n). Without them those stay English; the application's text does not.
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QLocale(m_app->language()), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        m_qt = std::move(qt);
    }
}

void Translations::remove()
{
    if (m_qt)
        QCoreApplication::removeTranslator(m_qt.get());
    if (m_app)
        QCoreApplication::removeTranslator(m_app.get());
    if (m_plurals)
        QCoreApplication::removeTranslator(m_plurals.get());
    m_qt.reset();
    m_app.reset();
    m_plurals.reset();
}

} // namespace getbill
