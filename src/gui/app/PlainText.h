#pragma once

#include <QString>

class QLabel;

namespace getbill::gui::PlainText {

/// Text from a server (titles, descriptions, messages, file names) is shown as it is, never interpreted: a title
/// "<img src=...>" or "<a href=...>" stays those characters. Labels get Qt::PlainText; a tooltip, which Qt
/// interprets as rich text whenever it looks like it, is escaped and wrapped so that it reads literally.

/// Makes `label` show its text as plain text (and nothing it could open).
void apply(QLabel *label);
/// A tooltip that shows `text` literally, line breaks kept.
QString toolTip(const QString &text);

} // namespace getbill::gui::PlainText
