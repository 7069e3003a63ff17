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
    // QTranslator tries each of the locale's UI languages in turn (LANGUAGE=de:fr gives German first): English is
    // the source text, so a locale whose first language is English must not fall through to another one.
    if (locale.uiLanguages().value(0).startsWith(QLatin1String("en")) || locale.language() == QLocale::C)
        return;
    auto app = std::make_unique<QTranslator>();
    if (!app->load(locale, QStringLiteral("getbill"), QStringLiteral("_"), QStringLiteral(":/i18n")))
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
    m_qt.reset();
    m_app.reset();
}

} // namespace getbill
