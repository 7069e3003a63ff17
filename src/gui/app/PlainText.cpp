#include "PlainText.h"

#include <QLabel>

namespace getbill::gui::PlainText {

void apply(QLabel *label)
{
    label->setTextFormat(Qt::PlainText);
    label->setOpenExternalLinks(false);
}

QString toolTip(const QString &text)
{
    if (text.isEmpty())
        return {};
    // "<qt>" makes QToolTip treat it as rich text, in which the escaped characters read as themselves.
    return QStringLiteral("<qt>") + text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")) +
           QStringLiteral("</qt>");
}

} // namespace getbill::gui::PlainText
