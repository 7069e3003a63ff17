#include "TableSheetModel.h"

#include "PlainText.h"
#include "preview/CsvReader.h"

namespace getbill::gui {

TableSheetModel::TableSheetModel(preview::TablePreview::Sheet sheet, QObject *parent)
    : QAbstractTableModel(parent), m_sheet(std::move(sheet))
{}

QString TableSheetModel::columnName(int column)
{
    QString name;
    for (int n = column + 1; n > 0; n = (n - 1) / 26)
        name.prepend(QChar(u'A' + (n - 1) % 26));
    return name;
}

int TableSheetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_sheet.shownRows();
}

int TableSheetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_sheet.columnCount();
}

QVariant TableSheetModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        const QString text = m_sheet.cell(index.row(), index.column());
        // One line per cell, cut: a cell may hold a mebibyte of text, or many lines.
        QString shown = text.size() > displayChars ? text.left(displayChars) + QChar(0x2026) : text;
        shown.replace(QLatin1Char('\n'), QChar(0x21B5)).remove(QLatin1Char('\r'));
        return shown;
    }
    case Qt::ToolTipRole: {
        const QString text = m_sheet.cell(index.row(), index.column());
        if (text.size() <= 40 && !text.contains(QLatin1Char('\n')))
            return {};
        return PlainText::toolTip(text.size() > tooltipChars ? text.left(tooltipChars) + QChar(0x2026) : text);
    }
    case Qt::TextAlignmentRole: {
        const bool numeric = index.column() < m_sheet.numeric.size() && m_sheet.numeric[index.column()] &&
                             preview::CsvReader::looksNumeric(m_sheet.cell(index.row(), index.column()));
        return QVariant::fromValue(Qt::AlignVCenter | (numeric ? Qt::AlignRight : Qt::AlignLeft));
    }
    default:
        return {};
    }
}

QVariant TableSheetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role == Qt::DisplayRole)
        return orientation == Qt::Horizontal ? columnName(section) : QString::number(section + 1);
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(orientation == Qt::Horizontal ? Qt::AlignCenter : Qt::AlignRight | Qt::AlignVCenter);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace getbill::gui
