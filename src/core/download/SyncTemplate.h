#pragma once

#include "api/Report.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace getbill {

/// Where sync puts each report under its folder: a template such as "{type}/{period_from:yyyy}/{filename}", parsed
/// once and rendered per report. '/' separates folders; fields are {id} {type} {title} {filename} {stem} {ext}
/// {period_from} {period_to} {generated_at}, dates with a format ({period_from:yyyy-MM}: letters y M d, and for
/// {generated_at} also H m s, with - _ . and space between them). Server values are hostile: every field value is
/// sanitised as one path component (SafeFileName::component: a title can never add a folder, climb with "..", be
/// empty or a reserved name), every folder too, and the last part is a file name with SafeFileName::sanitize()'s
/// extension rule (the MIME type's extension). {filename} is the name folder downloads give
/// (SafeFileName::sanitize of the server's filename), {stem} and {ext} its two halves. Pure, no I/O: fuzzed by
/// fuzz/fuzz_synctemplate.cpp.
class SyncTemplate
{
public:
    /// A template has at most this many parts (folders and the file name).
    static constexpr int maxComponents = 16;

    /// "{filename}": what `download --output-dir` would save.
    static QString defaultText() { return QStringLiteral("{filename}"); }
    static const QStringList &fieldNames();

    /// A template, or nullopt with a one-line reason naming what is wrong (an unknown field, a bad date format,
    /// unbalanced braces, an empty template or folder, "." or "..", a path that is not relative).
    static std::optional<SyncTemplate> parse(const QString &text, QString *error);
    /// The default template, parsed.
    static SyncTemplate standard();

    const QString &text() const { return m_text; }
    /// The relative path of `report`'s file: components separated by '/', each passing
    /// SafeFileName::isSafeComponent(), never "." or "..", the last one ending in the MIME type's extension.
    QString render(const Report &report) const;
    /// `root` + `relative`, cleaned and absolute, when it stays inside `root`; empty otherwise.
    static QString inside(const QString &root, const QString &relative);

private:
    enum class Field
    {
        None, ///< literal text
        Id,
        Type,
        Title,
        Filename,
        Stem,
        Ext,
        PeriodFrom,
        PeriodTo,
        GeneratedAt,
    };
    struct Piece
    {
        Field field = Field::None;
        QString text; ///< the literal, or the date format (empty: the field's default)
    };
    using Component = QList<Piece>;

    static std::optional<Field> fieldNamed(const QString &name);
    static bool isDateField(Field field) { return field >= Field::PeriodFrom; }
    static bool isValidDateFormat(const QString &format, bool withTime);
    static std::optional<Component> parseComponent(const QString &text, QString *error);
    QString value(const Piece &piece, const Report &report, const QString &filename) const;

    QString m_text;
    QList<Component> m_components;
};

} // namespace getbill
