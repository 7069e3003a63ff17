#include "download/SyncTemplate.h"

#include "download/SafeFileName.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace getbill {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::SyncTemplate)
};

/// Fields as the user types them, shown in messages so that a typo reads against what exists.
QString knownFields()
{
    QStringList braced;
    for (const QString &name : SyncTemplate::fieldNames())
        braced << QLatin1Char('{') + name + QLatin1Char('}');
    return braced.join(QLatin1Char(' '));
}
} // namespace

const QStringList &SyncTemplate::fieldNames()
{
    static const QStringList names{
        QStringLiteral("id"),          QStringLiteral("type"),      QStringLiteral("title"),
        QStringLiteral("filename"),    QStringLiteral("stem"),      QStringLiteral("ext"),
        QStringLiteral("period_from"), QStringLiteral("period_to"), QStringLiteral("generated_at")};
    return names;
}

std::optional<SyncTemplate::Field> SyncTemplate::fieldNamed(const QString &name)
{
    static const QList<Field> fields{Field::Id,  Field::Type,       Field::Title,    Field::Filename,   Field::Stem,
                                     Field::Ext, Field::PeriodFrom, Field::PeriodTo, Field::GeneratedAt};
    const qsizetype i = fieldNames().indexOf(name);
    return i >= 0 ? std::optional<Field>(fields.at(i)) : std::nullopt;
}

bool SyncTemplate::isValidDateFormat(const QString &format, bool withTime)
{
    // Numbers (and the C locale's English month and day names), with separators that are safe in a file name: no
    // quotes (Qt's literal text), no other letters (am/pm, time zones), nothing a path would read.
    if (format.isEmpty() || format.size() > 32)
        return false;
    for (qsizetype i = 0; i < format.size();) {
        const QChar c = format.at(i);
        qsizetype run = 1;
        while (i + run < format.size() && format.at(i + run) == c)
            ++run;
        i += run;
        if (c == u'-' || c == u'_' || c == u'.' || c == u' ')
            continue;
        if (c == u'y' && (run == 2 || run == 4))
            continue;
        if ((c == u'M' || c == u'd') && run <= 4)
            continue;
        if (withTime && (c == u'H' || c == u'm' || c == u's') && run <= 2)
            continue;
        return false;
    }
    return true;
}

std::optional<SyncTemplate::Component> SyncTemplate::parseComponent(const QString &text, QString *error)
{
    Component pieces;
    QString literal;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'}') {
            *error = Text::tr("unbalanced braces in the template: \"}\" without \"{\"");
            return std::nullopt;
        }
        if (c != u'{') {
            literal += c;
            continue;
        }
        const qsizetype close = text.indexOf(u'}', i + 1);
        const qsizetype nextOpen = text.indexOf(u'{', i + 1);
        if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
            *error = Text::tr("unbalanced braces in the template: \"%1\" has no closing \"}\"")
                         .arg(text.mid(i, nextOpen > i ? nextOpen - i : -1).left(40));
            return std::nullopt;
        }
        const QString inner = text.mid(i + 1, close - i - 1);
        const qsizetype colon = inner.indexOf(u':');
        const QString name = colon < 0 ? inner : inner.left(colon);
        const std::optional<Field> field = fieldNamed(name);
        if (!field) {
            *error = name.isEmpty() ? Text::tr("empty field {} in the template (known fields: %1)").arg(knownFields())
                                    : Text::tr("unknown field {%1} in the template (known fields: %2)")
                                          .arg(name.left(40), knownFields());
            return std::nullopt;
        }
        Piece piece{*field, {}};
        if (colon >= 0) {
            piece.text = inner.mid(colon + 1);
            if (!isDateField(*field)) {
                *error = Text::tr("the field {%1} takes no format (only dates do: {period_from:yyyy-MM})").arg(name);
                return std::nullopt;
            }
            if (!isValidDateFormat(piece.text, *field == Field::GeneratedAt)) {
                *error = Text::tr("bad date format \"%1\" for {%2}: use y, M and d (and H, m, s for {generated_at}) "
                                  "with - _ . or spaces between them, as in {%2:yyyy-MM}")
                             .arg(piece.text.left(40), name);
                return std::nullopt;
            }
        }
        if (!literal.isEmpty())
            pieces.append({Field::None, std::exchange(literal, {})});
        pieces.append(piece);
        i = close;
    }
    if (!literal.isEmpty())
        pieces.append({Field::None, literal});
    return pieces;
}

std::optional<SyncTemplate> SyncTemplate::parse(const QString &text, QString *error)
{
    if (text.trimmed().isEmpty()) {
        *error = Text::tr("the template is empty");
        return std::nullopt;
    }
    if (text.startsWith(u'/') || text.startsWith(u'\\') || (text.size() > 1 && text.at(1) == u':')) {
        *error = Text::tr("the template must be a path relative to the output folder (it starts with \"%1\")")
                     .arg(text.left(2));
        return std::nullopt;
    }
    // A '/' inside a field is an error of the field, not a folder.
    for (qsizetype i = 0, open = -1; i < text.size(); ++i) {
        if (text.at(i) == u'{')
            open = i;
        else if (text.at(i) == u'}')
            open = -1;
        else if (text.at(i) == u'/' && open >= 0 && text.indexOf(u'}', i) >= 0) {
            *error = Text::tr("a field cannot contain \"/\" (\"%1\"): put one field in each folder, as in "
                              "{period_from:yyyy}/{period_from:MM}")
                         .arg(text.mid(open, text.indexOf(u'}', i) - open + 1).left(40));
            return std::nullopt;
        }
    }
    SyncTemplate t;
    t.m_text = text;
    const QStringList parts = text.split(u'/');
    if (parts.size() > maxComponents) {
        *error = Text::tr("the template has %1 parts; at most %2 are allowed").arg(parts.size()).arg(maxComponents);
        return std::nullopt;
    }
    for (const QString &part : parts) {
        const std::optional<Component> component = parseComponent(part, error);
        if (!component)
            return std::nullopt;
        if (component->isEmpty()) {
            *error = Text::tr("the template has an empty folder name (two \"/\" in a row, or one at the end)");
            return std::nullopt;
        }
        if (component->size() == 1 && component->first().field == Field::None) {
            const QString literal = component->first().text.trimmed();
            if (literal == QLatin1String(".") || literal == QLatin1String("..")) {
                *error = Text::tr("the template cannot use \"%1\" as a folder: files stay inside the output folder")
                             .arg(literal);
                return std::nullopt;
            }
        }
        t.m_components.append(*component);
    }
    return t;
}

SyncTemplate SyncTemplate::standard()
{
    QString unused;
    return *parse(defaultText(), &unused);
}

QString SyncTemplate::value(const Piece &piece, const Report &report, const QString &filename) const
{
    const QLocale c = QLocale::c();
    const auto date = [&](const QDate &d) {
        return d.isValid() ? c.toString(d, piece.text.isEmpty() ? QStringLiteral("yyyy-MM-dd") : piece.text)
                           : QString();
    };
    const QString suffix = QFileInfo(filename).suffix();
    switch (piece.field) {
    case Field::None:
        return piece.text;
    case Field::Id:
        return SafeFileName::component(report.id);
    case Field::Type:
        return SafeFileName::component(report.type);
    case Field::Title:
        return SafeFileName::component(report.title);
    case Field::Filename:
        return filename;
    case Field::Stem:
        return SafeFileName::component(suffix.isEmpty() ? filename : filename.chopped(suffix.size() + 1));
    case Field::Ext:
        return SafeFileName::component(suffix);
    case Field::PeriodFrom:
        return SafeFileName::component(date(report.periodFrom));
    case Field::PeriodTo:
        return SafeFileName::component(date(report.periodTo));
    case Field::GeneratedAt: {
        const QDateTime at = report.generatedAt.toUTC();
        return SafeFileName::component(
            at.isValid() ? c.toString(at, piece.text.isEmpty() ? QStringLiteral("yyyy-MM-dd") : piece.text)
                         : QString());
    }
    }
    return {};
}

QString SyncTemplate::render(const Report &report) const
{
    const QString filename = SafeFileName::sanitize(report.filename, report.id, report.mimeType);
    QStringList path;
    for (qsizetype i = 0; i < m_components.size(); ++i) {
        QString text;
        for (const Piece &piece : m_components.at(i))
            text += value(piece, report, filename);
        // component() first, so that a '\' of the template's own text is not taken for a separator by sanitize().
        const QString safe = SafeFileName::component(text);
        path << (i + 1 < m_components.size() ? safe : SafeFileName::sanitize(safe, report.id, report.mimeType));
    }
    return path.join(u'/');
}

QString SyncTemplate::inside(const QString &root, const QString &relative)
{
    const QString base = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const QString full = QDir::cleanPath(base + u'/' + relative);
    const QString prefix = base.endsWith(u'/') ? base : base + u'/';
    return full.startsWith(prefix) && full.size() > prefix.size() ? full : QString();
}

} // namespace getbill
