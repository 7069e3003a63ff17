#include "ReportColumns.h"

#include "Format.h"
#include "ReportTableModel.h"

#include <QAction>
#include <QEvent>
#include <QHeaderView>
#include <QMenu>
#include <QScrollBar>
#include <QTableView>

namespace getbill::gui {

namespace {
/// The least useful columns first: they step aside first when the list is narrow.
constexpr int stepAsideOrder[] = {ReportTableModel::GeneratedColumn, ReportTableModel::SizeColumn,
                                  ReportTableModel::TypeColumn, ReportTableModel::PeriodColumn};
} // namespace

ReportColumns::ReportColumns(QTableView *table)
    : QObject(table), m_table(table), m_header(table->horizontalHeader()), m_menu(new QMenu(table))
{
    m_menu->setObjectName(QStringLiteral("columnChooser"));
    m_menu->setTitle(tr("&Columns")); // also View › Columns, for the keyboard
    m_header->setStretchLastSection(false);
    m_header->setSectionResizeMode(QHeaderView::Interactive);
    m_header->setSectionResizeMode(ReportTableModel::TitleColumn, QHeaderView::Stretch);
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column) {
        m_widths.insert(column, fontWidth(column));
        if (column != ReportTableModel::TitleColumn)
            m_header->resizeSection(column, m_widths.value(column));
    }
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column) {
        if (column == ReportTableModel::TitleColumn)
            continue;
        QAction *action = m_menu->addAction(m_table->model()->headerData(column, Qt::Horizontal).toString());
        action->setObjectName(QStringLiteral("column%1").arg(column));
        action->setCheckable(true);
        action->setChecked(true);
        connect(action, &QAction::toggled, this, [this, column](bool shown) {
            if (shown == isHiddenByUser(column))
                setHiddenByUser(column, !shown);
        });
    }
    m_header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_header, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        updateMenu();
        m_menu->popup(m_header->viewport()->mapToGlobal(pos));
    });
    // A width the user dragged is theirs; only sizes of shown sections mean anything (hidden ones read 0).
    connect(m_header, &QHeaderView::sectionResized, this, [this](int column, int, int size) {
        if (m_applying || size <= 0 || column == ReportTableModel::TitleColumn)
            return;
        m_widths[column] = size;
        fit();
    });
    m_viewport = m_table->viewport();
    m_viewport->installEventFilter(this);
    updateMenu();
}

int ReportColumns::fontWidth(int column) const
{
    // What the column shows at its widest, in the list's font, and its label in the header's font (with room for
    // the sort arrow): labels are longer than values in some languages.
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = metrics.averageCharWidth() * 3;
    const QString label = m_table->model()->headerData(column, Qt::Horizontal).toString();
    const int header =
        m_header->fontMetrics().horizontalAdvance(label) + m_header->fontMetrics().averageCharWidth() * 5;
    int content = 0;
    switch (column) {
    case ReportTableModel::TitleColumn:
        return titleMinimumWidth();
    case ReportTableModel::TypeColumn:
        content = metrics.horizontalAdvance(Format::typeText(QStringLiteral("collection")));
        for (const QString &name : m_typeNames)
            content = qMax(content, metrics.horizontalAdvance(name));
        break;
    case ReportTableModel::PeriodColumn:
        // The longest month name makes the widest whole-month period.
        for (int month = 1; month <= 12; ++month)
            content = qMax(content, metrics.horizontalAdvance(Format::period(
                                        QDate(2025, month, 1), QDate(2025, month, 1).addMonths(1).addDays(-1))));
        break;
    case ReportTableModel::StatusColumn:
        for (const char *status : {"completed", "processing", "pending", "failed"})
            content = qMax(content, metrics.horizontalAdvance(Format::statusText(QString::fromLatin1(status))));
        content = qMax(content, metrics.horizontalAdvance(ReportTableModel::tr("Downloaded")));
        content += m_table->iconSize().width() + metrics.averageCharWidth();
        break;
    case ReportTableModel::SizeColumn:
        content = metrics.horizontalAdvance(Format::dataSize(999'900'000));
        break;
    case ReportTableModel::GeneratedColumn:
        content = metrics.horizontalAdvance(Format::dateTime(QDateTime(QDate(2025, 12, 28), QTime(23, 59))));
        break;
    }
    return qMax(content + padding, header);
}

int ReportColumns::titleMinimumWidth() const
{
    return m_table->fontMetrics().averageCharWidth() * titleMinimumChars;
}

int ReportColumns::widthOf(int column) const
{
    return m_widths.value(column, fontWidth(column));
}

int ReportColumns::comfortableWidth() const
{
    int width = titleMinimumWidth() + m_table->frameWidth() * 2 +
                m_table->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_table);
    for (const int column :
         {ReportTableModel::StatusColumn, ReportTableModel::TypeColumn, ReportTableModel::PeriodColumn})
        if (!isHiddenByUser(column))
            width += widthOf(column);
    return width;
}

void ReportColumns::setTypes(const QStringList &types)
{
    m_typeNames.clear();
    for (const QString &type : types)
        m_typeNames << Format::typeText(type);
    // Grow to fit a longer name; a width the user chose that is wider stays.
    const int wanted = fontWidth(ReportTableModel::TypeColumn);
    if (widthOf(ReportTableModel::TypeColumn) < wanted) {
        m_widths[ReportTableModel::TypeColumn] = wanted;
        apply();
    }
    fit();
}

void ReportColumns::setHiddenByUser(int column, bool hidden)
{
    if (column == ReportTableModel::TitleColumn || column < 0 || column >= ReportTableModel::ColumnCount ||
        hidden == isHiddenByUser(column))
        return;
    if (hidden)
        m_hiddenByUser.insert(column);
    else
        m_hiddenByUser.remove(column);
    updateMenu();
    fit();
    emit columnsChosen();
}

void ReportColumns::fit()
{
    // Room for the title at its least width and every shown column; the least useful step aside until it fits.
    const int available = m_table->viewport()->width();
    int needed = titleMinimumWidth();
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column)
        if (column != ReportTableModel::TitleColumn && !isHiddenByUser(column))
            needed += widthOf(column);
    QList<int> aside;
    for (const int column : stepAsideOrder) {
        if (needed <= available)
            break;
        if (isHiddenByUser(column))
            continue;
        aside << column;
        needed -= widthOf(column);
    }
    if (m_applying)
        return;
    const bool changed = aside != m_steppedAside;
    m_steppedAside = aside;
    apply();
    if (changed)
        updateMenu();
}

void ReportColumns::apply()
{
    if (m_applying)
        return;
    m_applying = true;
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column) {
        const bool hidden =
            column != ReportTableModel::TitleColumn && (isHiddenByUser(column) || m_steppedAside.contains(column));
        if (m_header->isSectionHidden(column) != hidden)
            m_header->setSectionHidden(column, hidden);
        if (!hidden && column != ReportTableModel::TitleColumn && m_header->sectionSize(column) != widthOf(column))
            m_header->resizeSection(column, widthOf(column));
    }
    m_applying = false;
}

QByteArray ReportColumns::saveState() const
{
    // Columns stepped aside for room are shown in the saved state: only the user's choices last.
    auto *self = const_cast<ReportColumns *>(this);
    self->m_applying = true;
    for (const int column : m_steppedAside)
        m_header->setSectionHidden(column, false);
    const QByteArray state = m_header->saveState();
    for (const int column : m_steppedAside)
        m_header->setSectionHidden(column, true);
    self->m_applying = false;
    return state;
}

bool ReportColumns::restoreState(const QByteArray &state)
{
    if (state.isEmpty())
        return false;
    m_applying = true;
    const bool ok = m_header->restoreState(state);
    m_applying = false;
    if (!ok)
        return false;
    m_hiddenByUser.clear();
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column) {
        if (column == ReportTableModel::TitleColumn)
            continue;
        if (m_header->isSectionHidden(column))
            m_hiddenByUser.insert(column);
        else
            m_widths[column] = m_header->sectionSize(column);
        // A state saved with a smaller font (or scale) must not cut what this font needs.
        m_widths[column] = qMax(m_widths.value(column), fontWidth(column));
    }
    m_header->setSectionResizeMode(ReportTableModel::TitleColumn, QHeaderView::Stretch);
    m_steppedAside.clear();
    updateMenu();
    fit();
    return true;
}

void ReportColumns::updateMenu()
{
    // Each item gets a letter of its own (the first one no earlier item took), so the menu works from the keyboard
    // in every language.
    QSet<QChar> letters;
    const auto withMnemonic = [&letters](const QString &label) {
        for (qsizetype i = 0; i < label.size(); ++i) {
            const QChar letter = label.at(i).toLower();
            if (letter.isLetterOrNumber() && !letters.contains(letter)) {
                letters.insert(letter);
                return QString(label).insert(i, QLatin1Char('&'));
            }
        }
        return label;
    };
    for (QAction *action : m_menu->actions()) {
        const int column = action->objectName().mid(6).toInt();
        const QSignalBlocker blocker(action);
        action->setChecked(!isHiddenByUser(column));
        // A column shown but stepped aside for room says so, so that its tick does not look wrong.
        const QString label = m_table->model()->headerData(column, Qt::Horizontal).toString();
        const QString text = withMnemonic(label);
        action->setText(m_steppedAside.contains(column) && !isHiddenByUser(column)
                            ? tr("%1 (no room in this width)").arg(text)
                            : text);
    }
}

bool ReportColumns::eventFilter(QObject *watched, QEvent *event)
{
    // The viewport as it was when watched: while the table is destroyed, its children (the viewport among them) go
    // from QWidget's destructor, where the table is no longer a QAbstractScrollArea to ask.
    if (watched == m_viewport && event->type() == QEvent::Resize)
        fit();
    return QObject::eventFilter(watched, event);
}

} // namespace getbill::gui
